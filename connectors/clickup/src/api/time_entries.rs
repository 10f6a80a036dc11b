//! Time tracking: `time_entries.list` (a date range; ClickUp does not page it),
//! `time_entries.create`, `time_entries.update` and `time_entries.delete`.

use http::Method;
use plugboard_core::connector::schema_of;
use plugboard_core::{OperationDescriptor, OperationId, Result};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Id, Query, RATE_CLASS, body_without, invalid, list_of, one_or_many, unwrap_data};
use crate::client::ClickupClient;
use crate::models::TimeEntry;

/// `time_entries.list`: every entry in the range in one answer (ClickUp has no pages here;
/// narrow the range for big Workspaces).
pub const TIME_ENTRIES_LIST: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("time_entries.list"),
    summary: "List time entries in a date range (the last 30 days by default)",
    docs_url: "https://developer.clickup.com/reference/gettimeentrieswithinadaterange",
    idempotent: true,
    read_only: true,
    paginated: false,
    rate_class: RATE_CLASS,
    cache_ttl: None,
    input_schema: schema_of::<ListTimeEntries>,
    output_schema: schema_of::<Vec<TimeEntry>>,
};

/// `time_entries.create`: not idempotent, so never retried once sent.
pub const TIME_ENTRIES_CREATE: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("time_entries.create"),
    summary: "Record a time entry, optionally on a task",
    docs_url: "https://developer.clickup.com/reference/createatimeentry",
    idempotent: false,
    read_only: false,
    paginated: false,
    rate_class: RATE_CLASS,
    cache_ttl: None,
    input_schema: schema_of::<CreateTimeEntry>,
    output_schema: schema_of::<TimeEntry>,
};

/// `time_entries.update`: sets the given fields, so repeating it is harmless.
pub const TIME_ENTRIES_UPDATE: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("time_entries.update"),
    summary: "Update a time entry",
    docs_url: "https://developer.clickup.com/reference/updateatimeentry",
    idempotent: true,
    read_only: false,
    paginated: false,
    rate_class: RATE_CLASS,
    cache_ttl: None,
    input_schema: schema_of::<UpdateTimeEntry>,
    output_schema: schema_of::<Value>,
};

/// `time_entries.delete`.
pub const TIME_ENTRIES_DELETE: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("time_entries.delete"),
    summary: "Delete a time entry",
    docs_url: "https://developer.clickup.com/reference/deleteatimeentry",
    idempotent: true,
    read_only: false,
    paginated: false,
    rate_class: RATE_CLASS,
    cache_ttl: None,
    input_schema: schema_of::<DeleteTimeEntry>,
    output_schema: schema_of::<Value>,
};

/// Input of `time_entries.list`. At most one of `space_id`, `folder_id`, `list_id` and
/// `task_id`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListTimeEntries {
    /// The Workspace id.
    pub team_id: Id,
    /// From, Unix milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_date: Option<i64>,
    /// To, Unix milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_date: Option<i64>,
    /// Whose entries (one user id or several; the token's own user by default). Sent
    /// comma-separated, as ClickUp expects.
    #[serde(
        default,
        deserialize_with = "one_or_many",
        skip_serializing_if = "Option::is_none"
    )]
    pub assignee: Option<Vec<Id>>,
    /// Include the task's tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_task_tags: Option<bool>,
    /// Include the names of the task's List, Folder and Space.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_location_names: Option<bool>,
    /// Only entries of tasks in this Space.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub space_id: Option<Id>,
    /// Only entries of tasks in this Folder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub folder_id: Option<Id>,
    /// Only entries of tasks in this List.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list_id: Option<Id>,
    /// Only entries of this task.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_id: Option<Id>,
    /// `task_id` is a custom task id (the Workspace is `team_id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_task_ids: Option<bool>,
    /// Only billable (true) or only non-billable (false) entries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_billable: Option<bool>,
}

/// A time-tracking label (Business plan and above).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TimeTag {
    /// The label.
    pub name: String,
    /// Text colour.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag_fg: Option<String>,
    /// Background colour.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag_bg: Option<String>,
}

/// Input of `time_entries.create`: `start` and one of `duration`, `stop` or `end`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTimeEntry {
    /// The Workspace id.
    pub team_id: Id,
    /// `tid` is a custom task id (the Workspace is `team_id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_task_ids: Option<bool>,
    /// The description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Labels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<TimeTag>>,
    /// Start, Unix milliseconds.
    pub start: i64,
    /// Stop, Unix milliseconds (instead of `duration`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop: Option<i64>,
    /// End, Unix milliseconds (with `start`, wins over `duration`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<i64>,
    /// Billable time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billable: Option<bool>,
    /// Duration in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<i64>,
    /// Whose time (owners and admins may name anyone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<i64>,
    /// The task the time is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tid: Option<String>,
}

/// How `tags` changes an entry's labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TagAction {
    /// Replace the labels.
    Replace,
    /// Add the labels.
    Add,
    /// Remove the labels.
    Remove,
}

/// Input of `time_entries.update`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTimeEntry {
    /// The Workspace id.
    pub team_id: Id,
    /// The time entry id.
    pub timer_id: Id,
    /// `tid` is a custom task id (the Workspace is `team_id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_task_ids: Option<bool>,
    /// The description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Labels, applied per `tag_action`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<TimeTag>>,
    /// `replace`, `add` or `remove`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag_action: Option<TagAction>,
    /// Start, Unix milliseconds (with `end`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<i64>,
    /// End, Unix milliseconds (with `start`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<i64>,
    /// Move the entry to this task.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tid: Option<String>,
    /// Billable time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billable: Option<bool>,
    /// Duration in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<i64>,
}

/// Input of `time_entries.delete`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeleteTimeEntry {
    /// The Workspace id.
    pub team_id: Id,
    /// The time entry id.
    pub timer_id: Id,
}

const NOT_BODY: &[&str] = &["team_id", "timer_id", "custom_task_ids"];

/// The time-tracking API.
#[derive(Debug, Clone, Copy)]
pub struct TimeEntriesApi<'a> {
    pub(crate) client: &'a ClickupClient,
}

impl TimeEntriesApi<'_> {
    /// `GET /team/{team_id}/time_entries`.
    pub async fn list(&self, input: &ListTimeEntries) -> Result<Vec<TimeEntry>> {
        let locations = [
            &input.space_id,
            &input.folder_id,
            &input.list_id,
            &input.task_id,
        ];
        if locations.iter().filter(|l| l.is_some()).count() > 1 {
            return Err(invalid(
                "time_entries.list",
                "name at most one of `space_id`, `folder_id`, `list_id` and `task_id`",
            ));
        }
        let assignee = input
            .assignee
            .as_ref()
            .map(|ids| ids.iter().map(Id::as_str).collect::<Vec<_>>().join(","));
        let mut q = Query::default();
        q.opt("start_date", input.start_date)
            .opt("end_date", input.end_date)
            .opt("assignee", assignee)
            .opt("include_task_tags", input.include_task_tags)
            .opt("include_location_names", input.include_location_names)
            .opt("space_id", input.space_id.as_ref())
            .opt("folder_id", input.folder_id.as_ref())
            .opt("list_id", input.list_id.as_ref())
            .opt("task_id", input.task_id.as_ref());
        custom_ids(&mut q, input.custom_task_ids, &input.team_id);
        q.opt("is_billable", input.is_billable);
        let request = self
            .client
            .request(&TIME_ENTRIES_LIST, Method::GET)?
            .segments(["team", input.team_id.as_str(), "time_entries"]);
        list_of(
            self.client.runtime(),
            super::with_query(request, &q),
            "data",
        )
        .await
    }

    /// `POST /team/{team_id}/time_entries`: the new entry (ClickUp wraps it in `data`).
    pub async fn create(&self, input: &CreateTimeEntry) -> Result<TimeEntry> {
        if input.duration.is_none() && input.stop.is_none() && input.end.is_none() {
            return Err(invalid(
                "time_entries.create",
                "name `duration` (milliseconds), `stop` or `end` besides `start`",
            ));
        }
        let mut q = Query::default();
        custom_ids(&mut q, input.custom_task_ids, &input.team_id);
        let request = self
            .client
            .request(&TIME_ENTRIES_CREATE, Method::POST)?
            .segments(["team", input.team_id.as_str(), "time_entries"])
            .json(&body_without(input, NOT_BODY)?)?;
        let body = super::value(self.client.runtime(), super::with_query(request, &q)).await?;
        unwrap_data(self.client.runtime(), body)
    }

    /// `PUT /team/{team_id}/time_entries/{timer_id}`: ClickUp's answer as sent.
    pub async fn update(&self, input: &UpdateTimeEntry) -> Result<Value> {
        if input.start.is_some() != input.end.is_some() {
            return Err(invalid(
                "time_entries.update",
                "`start` and `end` go together",
            ));
        }
        let body = body_without(input, NOT_BODY)?;
        if body.as_object().is_none_or(|fields| fields.is_empty()) {
            return Err(invalid(
                "time_entries.update",
                "name at least one field to change",
            ));
        }
        let mut q = Query::default();
        custom_ids(&mut q, input.custom_task_ids, &input.team_id);
        let request = self
            .client
            .request(&TIME_ENTRIES_UPDATE, Method::PUT)?
            .segments([
                "team",
                input.team_id.as_str(),
                "time_entries",
                input.timer_id.as_str(),
            ])
            .json(&body)?;
        super::value(self.client.runtime(), super::with_query(request, &q)).await
    }

    /// `DELETE /team/{team_id}/time_entries/{timer_id}`: ClickUp's answer as sent.
    pub async fn delete(&self, input: &DeleteTimeEntry) -> Result<Value> {
        let request = self
            .client
            .request(&TIME_ENTRIES_DELETE, Method::DELETE)?
            .segments([
                "team",
                input.team_id.as_str(),
                "time_entries",
                input.timer_id.as_str(),
            ]);
        super::value(self.client.runtime(), request).await
    }
}

/// Custom task ids are resolved in the path's Workspace, which ClickUp also wants in the
/// query.
fn custom_ids(q: &mut Query, custom_task_ids: Option<bool>, team_id: &Id) {
    if custom_task_ids == Some(true) {
        q.push("custom_task_ids", true).push("team_id", team_id);
    }
}
