//! The typed API, one module per Jira resource; each defines its operations' descriptors,
//! inputs (Jira's own parameter names) and calls.

pub mod health;
