//! Typed Jira webhook events: what an in-process handler receives. The event type is the
//! body's `webhookEvent` as the verifier reports it; a type this crate does not model parses
//! as [`JiraEvent::Unknown`] with the raw bytes, so a new event type never fails.

use bytes::Bytes;
use plugboard_core::WebhookEvent;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::models::{Comment, Issue, Sprint, User};

/// An issue event (`jira:issue_created`, `jira:issue_updated`, `jira:issue_deleted`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IssueEvent {
    /// Milliseconds since the epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<i64>,
    /// The user who acted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<User>,
    /// The issue after the change.
    pub issue: Issue,
    /// What changed (updates): `{"id", "items": [{"field", "fromString", "toString"...}]}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changelog: Option<Value>,
    /// The comment added with the change, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<Comment>,
    /// Every other field Jira sent (`issue_event_type_name`...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A comment event (`comment_created`, `comment_updated`, `comment_deleted`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommentEvent {
    /// Milliseconds since the epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<i64>,
    /// The comment.
    pub comment: Comment,
    /// The issue, with a few fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issue: Option<Issue>,
    /// Every other field Jira sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A sprint event (`sprint_started`, `sprint_closed`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SprintEvent {
    /// Milliseconds since the epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<i64>,
    /// The sprint, with its dates.
    pub sprint: Sprint,
    /// Every other field Jira sent (`oldValue` on updates).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A worklog event (`worklog_created`, `worklog_updated`, `worklog_deleted`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorklogEvent {
    /// Milliseconds since the epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<i64>,
    /// The worklog (`id`, `issueId`, `author`, `timeSpentSeconds`, `started`...).
    pub worklog: Map<String, Value>,
    /// Every other field Jira sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl WorklogEvent {
    /// Seconds logged.
    pub fn time_spent_seconds(&self) -> Option<u64> {
        self.worklog.get("timeSpentSeconds").and_then(Value::as_u64)
    }

    /// The id of the issue the work was logged on.
    pub fn issue_id(&self) -> Option<&str> {
        self.worklog.get("issueId").and_then(Value::as_str)
    }
}

/// A Jira webhook event.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum JiraEvent {
    /// `jira:issue_created`.
    IssueCreated(Box<IssueEvent>),
    /// `jira:issue_updated`.
    IssueUpdated(Box<IssueEvent>),
    /// `jira:issue_deleted`.
    IssueDeleted(Box<IssueEvent>),
    /// `comment_created`.
    CommentCreated(Box<CommentEvent>),
    /// `comment_updated`.
    CommentUpdated(Box<CommentEvent>),
    /// `comment_deleted`.
    CommentDeleted(Box<CommentEvent>),
    /// `sprint_started`.
    SprintStarted(Box<SprintEvent>),
    /// `sprint_closed`.
    SprintClosed(Box<SprintEvent>),
    /// `worklog_created`.
    WorklogCreated(Box<WorklogEvent>),
    /// `worklog_updated`.
    WorklogUpdated(Box<WorklogEvent>),
    /// `worklog_deleted`.
    WorklogDeleted(Box<WorklogEvent>),
    /// Any other event type, with the raw body.
    Unknown {
        /// The event type.
        event: String,
        /// The raw body, byte for byte.
        raw: Bytes,
    },
}

impl JiraEvent {
    /// The event type as Jira names it.
    pub fn event_type(&self) -> &str {
        match self {
            Self::IssueCreated(_) => "jira:issue_created",
            Self::IssueUpdated(_) => "jira:issue_updated",
            Self::IssueDeleted(_) => "jira:issue_deleted",
            Self::CommentCreated(_) => "comment_created",
            Self::CommentUpdated(_) => "comment_updated",
            Self::CommentDeleted(_) => "comment_deleted",
            Self::SprintStarted(_) => "sprint_started",
            Self::SprintClosed(_) => "sprint_closed",
            Self::WorklogCreated(_) => "worklog_created",
            Self::WorklogUpdated(_) => "worklog_updated",
            Self::WorklogDeleted(_) => "worklog_deleted",
            Self::Unknown { event, .. } => event,
        }
    }
}

impl WebhookEvent for JiraEvent {
    const CONNECTOR: &'static str = "jira";

    fn parse(event_type: &str, body: &[u8]) -> Result<Self, serde_json::Error> {
        fn boxed<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<Box<T>, serde_json::Error> {
            serde_json::from_slice(body).map(Box::new)
        }
        Ok(match event_type {
            "jira:issue_created" => Self::IssueCreated(boxed(body)?),
            "jira:issue_updated" => Self::IssueUpdated(boxed(body)?),
            "jira:issue_deleted" => Self::IssueDeleted(boxed(body)?),
            "comment_created" => Self::CommentCreated(boxed(body)?),
            "comment_updated" => Self::CommentUpdated(boxed(body)?),
            "comment_deleted" => Self::CommentDeleted(boxed(body)?),
            "sprint_started" => Self::SprintStarted(boxed(body)?),
            "sprint_closed" => Self::SprintClosed(boxed(body)?),
            "worklog_created" => Self::WorklogCreated(boxed(body)?),
            "worklog_updated" => Self::WorklogUpdated(boxed(body)?),
            "worklog_deleted" => Self::WorklogDeleted(boxed(body)?),
            other => Self::Unknown {
                event: other.to_string(),
                raw: Bytes::copy_from_slice(body),
            },
        })
    }
}
