//! The operation table, sorted by id.

use plugboard_core::OperationDescriptor;

use crate::api::comments::{COMMENTS_CREATE, COMMENTS_LIST};
use crate::api::folders::FOLDERS_LIST;
use crate::api::lists::{LISTS_GET, LISTS_LIST};
use crate::api::members::MEMBERS_LIST;
use crate::api::spaces::SPACES_LIST;
use crate::api::tasks::{TASKS_CREATE, TASKS_DELETE, TASKS_GET, TASKS_LIST, TASKS_UPDATE};
use crate::api::teams::TEAMS_LIST;
use crate::api::time_entries::{
    TIME_ENTRIES_CREATE, TIME_ENTRIES_DELETE, TIME_ENTRIES_LIST, TIME_ENTRIES_UPDATE,
};
use crate::api::webhooks::{WEBHOOKS_CREATE, WEBHOOKS_DELETE, WEBHOOKS_LIST};

/// Every ClickUp operation, sorted by id.
pub static OPERATIONS: &[OperationDescriptor] = &[
    COMMENTS_CREATE,
    COMMENTS_LIST,
    FOLDERS_LIST,
    LISTS_GET,
    LISTS_LIST,
    MEMBERS_LIST,
    SPACES_LIST,
    TASKS_CREATE,
    TASKS_DELETE,
    TASKS_GET,
    TASKS_LIST,
    TASKS_UPDATE,
    TEAMS_LIST,
    TIME_ENTRIES_CREATE,
    TIME_ENTRIES_DELETE,
    TIME_ENTRIES_LIST,
    TIME_ENTRIES_UPDATE,
    WEBHOOKS_CREATE,
    WEBHOOKS_DELETE,
    WEBHOOKS_LIST,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_unique_and_honest_about_retries() {
        for pair in OPERATIONS.windows(2) {
            assert!(
                pair[0].id.as_str() < pair[1].id.as_str(),
                "{:?}",
                pair[1].id
            );
        }
        let not_idempotent: Vec<&str> = OPERATIONS
            .iter()
            .filter(|op| !op.idempotent)
            .map(|op| op.id.as_str())
            .collect();
        assert_eq!(
            not_idempotent,
            [
                "comments.create",
                "tasks.create",
                "time_entries.create",
                "webhooks.create"
            ]
        );
        let paginated: Vec<&str> = OPERATIONS
            .iter()
            .filter(|op| op.paginated)
            .map(|op| op.id.as_str())
            .collect();
        assert_eq!(paginated, ["comments.list", "tasks.list"]);
        for op in OPERATIONS {
            assert_eq!(
                op.read_only,
                op.id.as_str().ends_with(".list") || op.id.as_str().ends_with(".get"),
                "{}",
                op.id
            );
            assert_eq!(op.rate_class.0, "default", "{}", op.id);
        }
    }
}
