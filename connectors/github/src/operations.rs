//! The operation table, sorted by id.

use plugboard_core::OperationDescriptor;

use crate::api::issues::{ISSUES_CREATE, ISSUES_GET, ISSUES_LIST};
use crate::api::rate_limit::RATE_LIMIT_GET;
use crate::api::repos::REPOS_GET;

/// Every GitHub operation, sorted by id.
pub static OPERATIONS: &[OperationDescriptor] = &[
    ISSUES_CREATE,
    ISSUES_GET,
    ISSUES_LIST,
    RATE_LIMIT_GET,
    REPOS_GET,
];
