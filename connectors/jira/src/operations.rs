//! The operation table, sorted by id.

use plugboard_core::OperationDescriptor;

use crate::api::agile::{BOARDS_GET, BOARDS_LIST, SPRINTS_GET, SPRINTS_ISSUES, SPRINTS_LIST};
use crate::api::issues::{
    ISSUES_BULK_GET, ISSUES_COMMENT, ISSUES_CREATE, ISSUES_GET, ISSUES_SEARCH, ISSUES_TRANSITION,
    ISSUES_UPDATE, TRANSITIONS_LIST,
};
use crate::api::oauth::ACCESSIBLE_RESOURCES_LIST;
use crate::api::projects::{PROJECTS_GET, PROJECTS_LIST};
use crate::api::server_info::SERVER_INFO_GET;

/// Every Jira operation, sorted by id.
pub static OPERATIONS: &[OperationDescriptor] = &[
    ACCESSIBLE_RESOURCES_LIST,
    BOARDS_GET,
    BOARDS_LIST,
    ISSUES_BULK_GET,
    ISSUES_COMMENT,
    ISSUES_CREATE,
    ISSUES_GET,
    ISSUES_SEARCH,
    ISSUES_TRANSITION,
    ISSUES_UPDATE,
    PROJECTS_GET,
    PROJECTS_LIST,
    SERVER_INFO_GET,
    SPRINTS_GET,
    SPRINTS_ISSUES,
    SPRINTS_LIST,
    TRANSITIONS_LIST,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_and_unique() {
        for pair in OPERATIONS.windows(2) {
            assert!(
                pair[0].id.as_str() < pair[1].id.as_str(),
                "{:?}",
                pair[1].id
            );
        }
    }
}
