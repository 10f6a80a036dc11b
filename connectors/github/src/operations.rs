//! The operation table, sorted by id.

use plugboard_core::OperationDescriptor;

use crate::api::actions::{ACTIONS_DISPATCH_WORKFLOW, ACTIONS_GET_RUN, ACTIONS_LIST_RUNS};
use crate::api::branches::{BRANCHES_CREATE, BRANCHES_DELETE, BRANCHES_LIST};
use crate::api::commits::COMMITS_LIST;
use crate::api::issues::{ISSUES_COMMENT, ISSUES_CREATE, ISSUES_GET, ISSUES_LIST, ISSUES_UPDATE};
use crate::api::labels::{LABELS_CREATE, LABELS_LIST};
use crate::api::milestones::{MILESTONES_CREATE, MILESTONES_LIST};
use crate::api::pulls::{
    PULLS_CREATE, PULLS_CREATE_REVIEW, PULLS_DISMISS_REVIEW, PULLS_GET, PULLS_LIST,
    PULLS_LIST_REVIEWS, PULLS_MERGE, PULLS_SUBMIT_REVIEW, PULLS_UPDATE,
};
use crate::api::rate_limit::RATE_LIMIT_GET;
use crate::api::repos::REPOS_GET;

/// Every GitHub operation, sorted by id.
pub static OPERATIONS: &[OperationDescriptor] = &[
    ACTIONS_DISPATCH_WORKFLOW,
    ACTIONS_GET_RUN,
    ACTIONS_LIST_RUNS,
    BRANCHES_CREATE,
    BRANCHES_DELETE,
    BRANCHES_LIST,
    COMMITS_LIST,
    ISSUES_COMMENT,
    ISSUES_CREATE,
    ISSUES_GET,
    ISSUES_LIST,
    ISSUES_UPDATE,
    LABELS_CREATE,
    LABELS_LIST,
    MILESTONES_CREATE,
    MILESTONES_LIST,
    PULLS_CREATE,
    PULLS_CREATE_REVIEW,
    PULLS_DISMISS_REVIEW,
    PULLS_GET,
    PULLS_LIST,
    PULLS_LIST_REVIEWS,
    PULLS_MERGE,
    PULLS_SUBMIT_REVIEW,
    PULLS_UPDATE,
    RATE_LIMIT_GET,
    REPOS_GET,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_unique_and_list_operations_paginate() {
        for pair in OPERATIONS.windows(2) {
            assert!(
                pair[0].id.as_str() < pair[1].id.as_str(),
                "{:?}",
                pair[1].id
            );
        }
        for op in OPERATIONS {
            let id = op.id.as_str();
            let lists = id.ends_with(".list") || id.contains(".list_");
            assert_eq!(op.paginated, lists, "{}", op.id);
            assert!(!op.read_only || op.idempotent, "{}", op.id);
        }
    }
}
