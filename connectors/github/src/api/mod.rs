//! The typed API, one module per GitHub resource; each defines its operations' descriptors,
//! inputs (GitHub's own parameter names) and calls.

pub mod issues;
pub mod rate_limit;
pub mod repos;
