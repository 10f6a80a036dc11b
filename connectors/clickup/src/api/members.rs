//! Members: `members.list`, the people who can see a List or a task.

use http::Method;
use plugboard_core::connector::schema_of;
use plugboard_core::{OperationDescriptor, OperationId, Result};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Id, RATE_CLASS, invalid, list_of};
use crate::client::ClickupClient;
use crate::models::User;

/// `members.list`: one operation for List and task members, chosen by which id the input
/// names.
pub const MEMBERS_LIST: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("members.list"),
    summary: "List the members of a List (list_id) or of a task (task_id)",
    docs_url: "https://developer.clickup.com/reference/getlistmembers",
    idempotent: true,
    read_only: true,
    paginated: false,
    rate_class: RATE_CLASS,
    cache_ttl: None,
    input_schema: schema_of::<ListMembers>,
    output_schema: schema_of::<Vec<User>>,
};

/// Input of `members.list`: exactly one of `list_id` (`GET /list/{list_id}/member`) and
/// `task_id` (`GET /task/{task_id}/member`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListMembers {
    /// The List whose members to list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list_id: Option<Id>,
    /// The task whose members to list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_id: Option<Id>,
}

/// The members API.
#[derive(Debug, Clone, Copy)]
pub struct MembersApi<'a> {
    pub(crate) client: &'a ClickupClient,
}

impl MembersApi<'_> {
    /// `GET /list/{list_id}/member` or `GET /task/{task_id}/member`.
    pub async fn list(&self, input: &ListMembers) -> Result<Vec<User>> {
        let (parent, id) = match (&input.list_id, &input.task_id) {
            (Some(list), None) => ("list", list),
            (None, Some(task)) => ("task", task),
            _ => {
                return Err(invalid(
                    "members.list",
                    "name exactly one of `list_id` and `task_id`",
                ));
            }
        };
        let request = self.client.request(&MEMBERS_LIST, Method::GET)?.segments([
            parent,
            id.as_str(),
            "member",
        ]);
        list_of(self.client.runtime(), request, "members").await
    }
}
