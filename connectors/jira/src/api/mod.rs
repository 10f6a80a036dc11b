//! The typed API, one module per Jira resource; each defines its operations' descriptors,
//! inputs (Jira's own parameter names) and calls.

pub mod agile;
pub mod issues;
pub mod oauth;
pub mod projects;
pub mod server_info;

/// Comma-separated list parameter (`fields=summary,status`).
pub(crate) fn comma(values: Option<&Vec<String>>) -> Option<String> {
    values.filter(|v| !v.is_empty()).map(|v| v.join(","))
}
