//! ClickUp's resources as typed models. Each keeps every field ClickUp sent (`extra`), so the
//! dynamic table returns the platform's JSON unchanged.

use plugboard_core::{ExposeSecret, SecretString};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};

/// A user, as embedded in tasks, comments and time entries and as listed by `members.list`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct User {
    /// The numeric user id (`-1` is ClickBot).
    pub id: i64,
    /// The display name.
    #[serde(default)]
    pub username: Option<String>,
    /// The email address.
    #[serde(default)]
    pub email: Option<String>,
    /// Every other field ClickUp sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A status of a List, Space or task (`{"status": "in progress", "type": "custom", ...}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Status {
    /// The status name, e.g. `to do`.
    pub status: String,
    /// `open`, `custom`, `done` or `closed`.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// The colour, `#rrggbb`.
    #[serde(default)]
    pub color: Option<String>,
    /// Every other field ClickUp sent (`orderindex`, `id`...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A Workspace (ClickUp API v2 calls it a team).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Team {
    /// The Workspace id (`team_id` elsewhere).
    pub id: String,
    /// The name.
    pub name: String,
    /// Every other field ClickUp sent (`color`, `avatar`, `members`).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A Space.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Space {
    /// The Space id.
    pub id: String,
    /// The name.
    pub name: String,
    /// Whether the Space is private.
    #[serde(default)]
    pub private: Option<bool>,
    /// The Space's statuses.
    #[serde(default)]
    pub statuses: Vec<Status>,
    /// Every other field ClickUp sent (`features`, `archived`...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A Folder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Folder {
    /// The Folder id.
    pub id: String,
    /// The name.
    pub name: String,
    /// Every other field ClickUp sent (`hidden`, `space`, `task_count`, `lists`...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A List. `lists.get` includes its statuses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct List {
    /// The List id.
    pub id: String,
    /// The name.
    pub name: String,
    /// The List's statuses (the ones a task in it can move to), when ClickUp sends them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statuses: Option<Vec<Status>>,
    /// Every other field ClickUp sent (`folder`, `space`, `task_count`, `archived`...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A tag on a task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Tag {
    /// The tag's name.
    pub name: String,
    /// Every other field ClickUp sent (`tag_fg`, `tag_bg`, `creator`).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Task {
    /// The task id (e.g. `9hx`).
    pub id: String,
    /// The custom task id, when the Workspace uses them.
    #[serde(default)]
    pub custom_id: Option<String>,
    /// The name.
    pub name: String,
    /// The current status.
    #[serde(default)]
    pub status: Option<Status>,
    /// Creation time, Unix milliseconds as text.
    #[serde(default)]
    pub date_created: Option<String>,
    /// Last update, Unix milliseconds as text.
    #[serde(default)]
    pub date_updated: Option<String>,
    /// Assignees.
    #[serde(default)]
    pub assignees: Vec<User>,
    /// Tags.
    #[serde(default)]
    pub tags: Vec<Tag>,
    /// The task's page in ClickUp.
    #[serde(default)]
    pub url: Option<String>,
    /// Every other field ClickUp sent (`priority`, `due_date`, `list`, `custom_fields`...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A page of `tasks.list`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TaskPage {
    /// Up to 100 tasks.
    pub tasks: Vec<Task>,
    /// Whether this is the last page, when ClickUp says so.
    #[serde(default)]
    pub last_page: Option<bool>,
}

/// A task comment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Comment {
    /// The comment id.
    pub id: String,
    /// The plain text of the comment.
    #[serde(default)]
    pub comment_text: Option<String>,
    /// The author.
    #[serde(default)]
    pub user: Option<User>,
    /// When it was posted, Unix milliseconds (ClickUp sends text).
    #[serde(default)]
    pub date: Option<Value>,
    /// Every other field ClickUp sent (`comment`, `resolved`, `reactions`, `reply_count`...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Comment {
    /// The comment's date as text, the `start` of the next (older) page.
    pub fn date_text(&self) -> Option<String> {
        match self.date.as_ref()? {
            Value::String(s) if !s.is_empty() => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }
}

/// The answer to `comments.create`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct NewComment {
    /// The new comment's id (ClickUp sends a number).
    pub id: Value,
    /// The history item id of the comment.
    #[serde(default)]
    pub hist_id: Option<String>,
    /// When it was posted, Unix milliseconds.
    #[serde(default)]
    pub date: Option<Value>,
    /// Every other field ClickUp sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A time entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TimeEntry {
    /// The time entry id (`timer_id` in paths).
    #[serde(default)]
    pub id: Option<String>,
    /// The description.
    #[serde(default)]
    pub description: Option<String>,
    /// Whether the time is billable.
    #[serde(default)]
    pub billable: Option<bool>,
    /// Whose time it is.
    #[serde(default)]
    pub user: Option<User>,
    /// Every other field ClickUp sent (`task`, `start`, `end`, `duration` as text, `tags`...;
    /// a negative `duration` is a running timer).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A webhook subscription.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Webhook {
    /// The webhook id (a UUID); deliveries carry it as `webhook_id`.
    pub id: String,
    /// Where ClickUp posts events.
    #[serde(default)]
    pub endpoint: Option<String>,
    /// The subscribed events (`*` for all).
    #[serde(default)]
    pub events: Vec<String>,
    /// The signing secret: only in the answer to `webhooks.create`. Configure it as the
    /// connector's `webhook_secret`. Never shown by `Debug`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "expose_secret"
    )]
    #[schemars(with = "Option<String>")]
    pub secret: Option<SecretString>,
    /// Every other field ClickUp sent (`userid`, `team_id`, `health`, `task_id`...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl PartialEq for Webhook {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
            && self.endpoint == other.endpoint
            && self.events == other.events
            && self.secret.as_ref().map(ExposeSecret::expose_secret)
                == other.secret.as_ref().map(ExposeSecret::expose_secret)
            && self.extra == other.extra
    }
}

/// The answer to `webhooks.create`: the id and the webhook, with its secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct NewWebhook {
    /// The webhook id.
    pub id: String,
    /// The webhook, `secret` included.
    pub webhook: Webhook,
}

fn expose_secret<S: Serializer>(secret: &Option<SecretString>, s: S) -> Result<S::Ok, S::Error> {
    match secret {
        Some(secret) => s.serialize_str(secret.expose_secret()),
        None => s.serialize_none(),
    }
}
