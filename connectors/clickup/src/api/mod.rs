//! The typed API, one module per Clickup resource; each defines its operations' descriptors,
//! inputs (Clickup's own parameter names) and calls.

pub mod health;
