//! The typed API, one module per Slack resource; each defines its operations' descriptors,
//! inputs (Slack's own parameter names) and calls.

pub mod health;
