//! [`ClickupEvent`]: ClickUp's webhook payloads as typed events, with an `Unknown` arm so a
//! new event type never fails to parse.

use plugboard_core::WebhookEvent;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::api::Id;
use crate::models::User;

/// One change, as ClickUp describes it in a delivery's `history_items`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct HistoryItem {
    /// The history item id; with the webhook id, it identifies the change.
    pub id: Id,
    /// The field that changed (`status`, `assignee_add`, `comment`, `time_spent`...).
    #[serde(default)]
    pub field: Option<String>,
    /// When, Unix milliseconds (ClickUp sends text).
    #[serde(default)]
    pub date: Option<Value>,
    /// Who made the change.
    #[serde(default)]
    pub user: Option<User>,
    /// The value before.
    #[serde(default)]
    pub before: Option<Value>,
    /// The value after.
    #[serde(default)]
    pub after: Option<Value>,
    /// Every other field ClickUp sent (`type`, `parent_id`, `data`, `source`, `comment`...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The payload of a task event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TaskEvent {
    /// The webhook that delivered it.
    #[serde(default)]
    pub webhook_id: Option<String>,
    /// The task.
    pub task_id: Id,
    /// What changed (absent for some events, e.g. `taskDeleted`).
    #[serde(default)]
    pub history_items: Vec<HistoryItem>,
    /// Every other field ClickUp sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The payload of a List event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ListEvent {
    /// The webhook that delivered it.
    #[serde(default)]
    pub webhook_id: Option<String>,
    /// The List.
    pub list_id: Id,
    /// What changed.
    #[serde(default)]
    pub history_items: Vec<HistoryItem>,
    /// Every other field ClickUp sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The payload of a Folder event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FolderEvent {
    /// The webhook that delivered it.
    #[serde(default)]
    pub webhook_id: Option<String>,
    /// The Folder.
    pub folder_id: Id,
    /// What changed.
    #[serde(default)]
    pub history_items: Vec<HistoryItem>,
    /// Every other field ClickUp sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The payload of a Space event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SpaceEvent {
    /// The webhook that delivered it.
    #[serde(default)]
    pub webhook_id: Option<String>,
    /// The Space.
    pub space_id: Id,
    /// What changed.
    #[serde(default)]
    pub history_items: Vec<HistoryItem>,
    /// Every other field ClickUp sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A ClickUp webhook event, named by the payload's `event` field.
#[derive(Debug, Clone, PartialEq)]
pub enum ClickupEvent {
    /// `taskCreated`.
    TaskCreated(TaskEvent),
    /// `taskUpdated`.
    TaskUpdated(TaskEvent),
    /// `taskDeleted`.
    TaskDeleted(TaskEvent),
    /// `taskPriorityUpdated`.
    TaskPriorityUpdated(TaskEvent),
    /// `taskStatusUpdated`: the status history item has `before` and `after`.
    TaskStatusUpdated(TaskEvent),
    /// `taskAssigneeUpdated`.
    TaskAssigneeUpdated(TaskEvent),
    /// `taskDueDateUpdated`.
    TaskDueDateUpdated(TaskEvent),
    /// `taskTagUpdated`.
    TaskTagUpdated(TaskEvent),
    /// `taskMoved`.
    TaskMoved(TaskEvent),
    /// `taskCommentPosted`.
    TaskCommentPosted(TaskEvent),
    /// `taskCommentUpdated`.
    TaskCommentUpdated(TaskEvent),
    /// `taskTimeEstimateUpdated`.
    TaskTimeEstimateUpdated(TaskEvent),
    /// `taskTimeTrackedUpdated`.
    TaskTimeTrackedUpdated(TaskEvent),
    /// `listCreated`.
    ListCreated(ListEvent),
    /// `listUpdated`.
    ListUpdated(ListEvent),
    /// `listDeleted`.
    ListDeleted(ListEvent),
    /// `folderCreated`.
    FolderCreated(FolderEvent),
    /// `folderUpdated`.
    FolderUpdated(FolderEvent),
    /// `folderDeleted`.
    FolderDeleted(FolderEvent),
    /// `spaceCreated`.
    SpaceCreated(SpaceEvent),
    /// `spaceUpdated`.
    SpaceUpdated(SpaceEvent),
    /// `spaceDeleted`.
    SpaceDeleted(SpaceEvent),
    /// Any other event (goals, key results, types ClickUp adds later), kept whole.
    Unknown {
        /// The `event` name.
        event: String,
        /// The payload.
        raw: Value,
    },
}

impl ClickupEvent {
    /// The event's ClickUp name (`taskStatusUpdated`...).
    pub fn name(&self) -> &str {
        match self {
            Self::TaskCreated(_) => "taskCreated",
            Self::TaskUpdated(_) => "taskUpdated",
            Self::TaskDeleted(_) => "taskDeleted",
            Self::TaskPriorityUpdated(_) => "taskPriorityUpdated",
            Self::TaskStatusUpdated(_) => "taskStatusUpdated",
            Self::TaskAssigneeUpdated(_) => "taskAssigneeUpdated",
            Self::TaskDueDateUpdated(_) => "taskDueDateUpdated",
            Self::TaskTagUpdated(_) => "taskTagUpdated",
            Self::TaskMoved(_) => "taskMoved",
            Self::TaskCommentPosted(_) => "taskCommentPosted",
            Self::TaskCommentUpdated(_) => "taskCommentUpdated",
            Self::TaskTimeEstimateUpdated(_) => "taskTimeEstimateUpdated",
            Self::TaskTimeTrackedUpdated(_) => "taskTimeTrackedUpdated",
            Self::ListCreated(_) => "listCreated",
            Self::ListUpdated(_) => "listUpdated",
            Self::ListDeleted(_) => "listDeleted",
            Self::FolderCreated(_) => "folderCreated",
            Self::FolderUpdated(_) => "folderUpdated",
            Self::FolderDeleted(_) => "folderDeleted",
            Self::SpaceCreated(_) => "spaceCreated",
            Self::SpaceUpdated(_) => "spaceUpdated",
            Self::SpaceDeleted(_) => "spaceDeleted",
            Self::Unknown { event, .. } => event,
        }
    }

    /// The task payload of a task event.
    pub fn task(&self) -> Option<&TaskEvent> {
        match self {
            Self::TaskCreated(t)
            | Self::TaskUpdated(t)
            | Self::TaskDeleted(t)
            | Self::TaskPriorityUpdated(t)
            | Self::TaskStatusUpdated(t)
            | Self::TaskAssigneeUpdated(t)
            | Self::TaskDueDateUpdated(t)
            | Self::TaskTagUpdated(t)
            | Self::TaskMoved(t)
            | Self::TaskCommentPosted(t)
            | Self::TaskCommentUpdated(t)
            | Self::TaskTimeEstimateUpdated(t)
            | Self::TaskTimeTrackedUpdated(t) => Some(t),
            _ => None,
        }
    }

    /// The history items of the event (empty for `Unknown` and events without any).
    pub fn history_items(&self) -> &[HistoryItem] {
        match self {
            Self::ListCreated(e) | Self::ListUpdated(e) | Self::ListDeleted(e) => &e.history_items,
            Self::FolderCreated(e) | Self::FolderUpdated(e) | Self::FolderDeleted(e) => {
                &e.history_items
            }
            Self::SpaceCreated(e) | Self::SpaceUpdated(e) | Self::SpaceDeleted(e) => {
                &e.history_items
            }
            Self::Unknown { .. } => &[],
            task => task.task().map_or(&[], |t| &t.history_items),
        }
    }
}

impl WebhookEvent for ClickupEvent {
    const CONNECTOR: &'static str = "clickup";

    /// Parses the payload of the event the verifier named (the payload's `event` field).
    fn parse(event_type: &str, body: &[u8]) -> Result<Self, serde_json::Error> {
        let raw: Value = serde_json::from_slice(body)?;
        let task = |raw: Value| serde_json::from_value::<TaskEvent>(raw);
        let list = |raw: Value| serde_json::from_value::<ListEvent>(raw);
        let folder = |raw: Value| serde_json::from_value::<FolderEvent>(raw);
        let space = |raw: Value| serde_json::from_value::<SpaceEvent>(raw);
        Ok(match event_type {
            "taskCreated" => Self::TaskCreated(task(raw)?),
            "taskUpdated" => Self::TaskUpdated(task(raw)?),
            "taskDeleted" => Self::TaskDeleted(task(raw)?),
            "taskPriorityUpdated" => Self::TaskPriorityUpdated(task(raw)?),
            "taskStatusUpdated" => Self::TaskStatusUpdated(task(raw)?),
            "taskAssigneeUpdated" => Self::TaskAssigneeUpdated(task(raw)?),
            "taskDueDateUpdated" => Self::TaskDueDateUpdated(task(raw)?),
            "taskTagUpdated" => Self::TaskTagUpdated(task(raw)?),
            "taskMoved" => Self::TaskMoved(task(raw)?),
            "taskCommentPosted" => Self::TaskCommentPosted(task(raw)?),
            "taskCommentUpdated" => Self::TaskCommentUpdated(task(raw)?),
            "taskTimeEstimateUpdated" => Self::TaskTimeEstimateUpdated(task(raw)?),
            "taskTimeTrackedUpdated" => Self::TaskTimeTrackedUpdated(task(raw)?),
            "listCreated" => Self::ListCreated(list(raw)?),
            "listUpdated" => Self::ListUpdated(list(raw)?),
            "listDeleted" => Self::ListDeleted(list(raw)?),
            "folderCreated" => Self::FolderCreated(folder(raw)?),
            "folderUpdated" => Self::FolderUpdated(folder(raw)?),
            "folderDeleted" => Self::FolderDeleted(folder(raw)?),
            "spaceCreated" => Self::SpaceCreated(space(raw)?),
            "spaceUpdated" => Self::SpaceUpdated(space(raw)?),
            "spaceDeleted" => Self::SpaceDeleted(space(raw)?),
            other => Self::Unknown {
                event: other.to_string(),
                raw,
            },
        })
    }
}
