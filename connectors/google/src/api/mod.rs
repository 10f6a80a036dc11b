//! The typed API, one module per Google resource; each defines its operations' descriptors,
//! inputs (Google's own parameter names) and calls.

pub mod health;
