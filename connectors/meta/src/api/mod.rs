//! The typed API, one module per Meta resource; each defines its operations' descriptors,
//! inputs (Meta's own parameter names) and calls.

pub mod health;
