//! Jira's resources as typed models. Each keeps every field Jira sent (`extra`), so the dynamic
//! table returns the platform's JSON unchanged: fields Jira may send as `null` stay in `extra`
//! and are read through accessors, so a `null` is never dropped or invented.
//!
//! What sprint reports need is kept: story points and the sprint field (custom fields, read with
//! [`IssueFields::number`] and [`IssueFields::sprints`]), the changelog of `expand=changelog`
//! ([`Issue::status_changes`]) and sprint dates ([`Sprint`]).

use std::time::SystemTime;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::time::parse_datetime;

/// `GET /rest/api/3/serverInfo`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServerInfo {
    /// The site's base URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    /// Jira's version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Always `Cloud` for Jira Cloud.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployment_type: Option<String>,
    /// The build number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build_number: Option<u64>,
    /// The site's time when it answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_time: Option<String>,
    /// The site's title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_title: Option<String>,
    /// Every other field Jira sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A user as embedded in other resources.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// The Atlassian account id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// The display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Every other field Jira sent (`emailAddress` only when the user's privacy allows it).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A status category (`new`, `indeterminate`, `done`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct StatusCategory {
    /// `new`, `indeterminate` or `done`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// The display name (`To Do`, `In Progress`, `Done`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Every other field Jira sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A workflow status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Status {
    /// The id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_category: Option<StatusCategory>,
    /// Every other field Jira sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A named reference (issue type, priority...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Named {
    /// The id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Every other field Jira sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A project as embedded in an issue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ProjectRef {
    /// The id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// The name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Every other field Jira sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An issue's `fields`. The common ones are typed; every other field (custom fields such as
/// story points and the sprint field, and fields Jira may send as `null`) is in `extra`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct IssueFields {
    /// The summary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// The status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// The issue type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuetype: Option<Named>,
    /// The project.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<ProjectRef>,
    /// Every other field Jira sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl IssueFields {
    /// A field's value, by id (`assignee`, `customfield_10016`); `None` when absent or `null`.
    pub fn get(&self, field_id: &str) -> Option<&Value> {
        self.extra.get(field_id).filter(|v| !v.is_null())
    }

    /// A numeric field (story points: `customfield_10016` on many sites — the id differs per
    /// site, see `GET /rest/api/3/field`).
    pub fn number(&self, field_id: &str) -> Option<f64> {
        self.get(field_id).and_then(Value::as_f64)
    }

    /// A text field.
    pub fn text(&self, field_id: &str) -> Option<&str> {
        self.get(field_id).and_then(Value::as_str)
    }

    /// The assignee, when assigned.
    pub fn assignee(&self) -> Option<User> {
        self.get("assignee")
            .and_then(|v| serde_json::from_value(v.clone()).ok())
    }

    /// When the issue was created.
    pub fn created(&self) -> Option<SystemTime> {
        self.text("created").and_then(parse_datetime)
    }

    /// When the issue was last updated.
    pub fn updated(&self) -> Option<SystemTime> {
        self.text("updated").and_then(parse_datetime)
    }

    /// When the issue was resolved, if it was.
    pub fn resolution_date(&self) -> Option<SystemTime> {
        self.text("resolutiondate").and_then(parse_datetime)
    }

    /// The labels.
    pub fn labels(&self) -> Vec<String> {
        self.get("labels")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The sprints in a sprint field (`customfield_10020` on many sites; the agile API also
    /// sends `sprint` and `closedSprints`). Entries that are not sprint objects are skipped.
    pub fn sprints(&self, field_id: &str) -> Vec<Sprint> {
        match self.get(field_id) {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|v| serde_json::from_value(v.clone()).ok())
                .collect(),
            Some(v @ Value::Object(_)) => serde_json::from_value(v.clone()).into_iter().collect(),
            _ => Vec::new(),
        }
    }
}

/// One changed field in a changelog entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ChangeItem {
    /// The field's name (`status`, `Sprint`, `Story Points`...).
    pub field: String,
    /// `jira` or `custom`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fieldtype: Option<String>,
    /// The field's id (`status`, `customfield_10016`), when Jira sends it.
    #[serde(rename = "fieldId", default, skip_serializing_if = "Option::is_none")]
    pub field_id: Option<String>,
    /// The old value's id.
    #[serde(default)]
    pub from: Option<String>,
    /// The old value's display text.
    #[serde(rename = "fromString", default)]
    pub from_string: Option<String>,
    /// The new value's id.
    #[serde(default)]
    pub to: Option<String>,
    /// The new value's display text.
    #[serde(rename = "toString", default)]
    pub to_string: Option<String>,
    /// Every other field Jira sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One changelog entry: who changed what, when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ChangelogHistory {
    /// The entry's id.
    pub id: String,
    /// When (`2026-03-02T10:15:00.000+0100`).
    pub created: String,
    /// The changed fields.
    #[serde(default)]
    pub items: Vec<ChangeItem>,
    /// Every other field Jira sent (`author`, `historyMetadata`).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An issue's changelog (`expand=changelog`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Changelog {
    /// The entries, oldest first.
    #[serde(default)]
    pub histories: Vec<ChangelogHistory>,
    /// Every other field Jira sent (`startAt`, `maxResults`, `total`).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A status transition read from a changelog.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusChange {
    /// When it happened.
    pub at: Option<SystemTime>,
    /// The status left (display name).
    pub from: Option<String>,
    /// The status entered (display name).
    pub to: Option<String>,
    /// The id of the status entered.
    pub to_id: Option<String>,
}

/// An issue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Issue {
    /// The numeric id, as text.
    pub id: String,
    /// The key (`PROJ-123`).
    pub key: String,
    /// The REST URL.
    #[serde(rename = "self", default, skip_serializing_if = "Option::is_none")]
    pub self_url: Option<String>,
    /// The fields that were asked for.
    #[serde(default)]
    pub fields: IssueFields,
    /// The changelog, with `expand=changelog`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changelog: Option<Changelog>,
    /// Every other field Jira sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Issue {
    /// The status transitions in the changelog, oldest first (needs `expand=changelog`; Jira
    /// embeds at most 100 entries in search results).
    pub fn status_changes(&self) -> Vec<StatusChange> {
        let Some(changelog) = &self.changelog else {
            return Vec::new();
        };
        let mut changes: Vec<StatusChange> = changelog
            .histories
            .iter()
            .flat_map(|h| {
                h.items
                    .iter()
                    .filter(|i| i.field_id.as_deref() == Some("status") || i.field == "status")
                    .map(move |i| StatusChange {
                        at: parse_datetime(&h.created),
                        from: i.from_string.clone(),
                        to: i.to_string.clone(),
                        to_id: i.to.clone(),
                    })
            })
            .collect();
        changes.sort_by_key(|c| c.at);
        changes
    }
}

/// `POST /rest/api/3/issue`: the created issue's reference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CreatedIssue {
    /// The id.
    pub id: String,
    /// The key.
    pub key: String,
    /// The REST URL.
    #[serde(rename = "self", default, skip_serializing_if = "Option::is_none")]
    pub self_url: Option<String>,
    /// Every other field Jira sent (`transition` results).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A comment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Comment {
    /// The id.
    pub id: String,
    /// The body as an ADF document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    /// When it was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    /// Every other field Jira sent (`author`, `updated`, `visibility`...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A workflow transition available on an issue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Transition {
    /// The id to pass to `issues.transition`.
    pub id: String,
    /// The name (`Start progress`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The status it leads to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<Status>,
    /// Every other field Jira sent (`hasScreen`, `isAvailable`, `fields`...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `GET /rest/api/3/issue/{issueIdOrKey}/transitions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Transitions {
    /// The transitions.
    #[serde(default)]
    pub transitions: Vec<Transition>,
    /// Every other field Jira sent (`expand`).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An issue `issues.bulk_get` could not return.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct IssueError {
    /// Why.
    #[serde(
        rename = "errorMessage",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub error_message: Option<String>,
    /// Every other field Jira sent (the issue's `id`).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `POST /rest/api/3/issue/bulkfetch`, concatenated over every batch.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BulkIssues {
    /// The issues found, in Jira's order within each batch.
    #[serde(default)]
    pub issues: Vec<Issue>,
    /// The issues Jira could not return (issues not found or not visible are simply absent).
    #[serde(rename = "issueErrors", default)]
    pub issue_errors: Vec<IssueError>,
}

/// A project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Project {
    /// The id.
    pub id: String,
    /// The key.
    pub key: String,
    /// The name.
    pub name: String,
    /// `software`, `service_desk` or `business`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_type_key: Option<String>,
    /// `classic` (company-managed) or `next-gen` (team-managed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<String>,
    /// Every other field Jira sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An agile board.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Board {
    /// The id.
    pub id: u64,
    /// The name.
    pub name: String,
    /// `scrum`, `kanban` or `simple`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Every other field Jira sent (`self`, `location`).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A sprint. Future sprints have no dates; `completeDate` is set once closed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Sprint {
    /// The id.
    pub id: u64,
    /// `future`, `active` or `closed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// The name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// When it started (`2026-03-02T09:00:00.000Z`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_date: Option<String>,
    /// When it is planned to end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_date: Option<String>,
    /// When it was closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complete_date: Option<String>,
    /// The board it was created on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin_board_id: Option<u64>,
    /// The goal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goal: Option<String>,
    /// Every other field Jira sent (`self`, `createdDate`...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Sprint {
    /// The start date as a time.
    pub fn started(&self) -> Option<SystemTime> {
        self.start_date.as_deref().and_then(parse_datetime)
    }

    /// The planned end date as a time.
    pub fn ends(&self) -> Option<SystemTime> {
        self.end_date.as_deref().and_then(parse_datetime)
    }

    /// The completion date as a time.
    pub fn completed(&self) -> Option<SystemTime> {
        self.complete_date.as_deref().and_then(parse_datetime)
    }
}

/// A site the OAuth 2.0 token can reach (`GET /oauth/token/accessible-resources`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccessibleResource {
    /// The cloud id (`https://api.atlassian.com/ex/jira/{id}`).
    pub id: String,
    /// The site's URL (`https://your-domain.atlassian.net`).
    pub url: String,
    /// The site's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The scopes granted on the site.
    #[serde(default)]
    pub scopes: Vec<String>,
    /// Every other field Atlassian sent (`avatarUrl`).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
