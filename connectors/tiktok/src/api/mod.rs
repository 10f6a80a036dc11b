//! The typed API, one module per Tiktok resource; each defines its operations' descriptors,
//! inputs (Tiktok's own parameter names) and calls.

pub mod health;
