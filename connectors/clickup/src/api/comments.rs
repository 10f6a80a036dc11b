//! Task comments: `comments.list` (newest first, 25 per page, the next page starting from
//! the oldest comment's `start` date and `start_id`) and `comments.create`.

use futures::stream::{BoxStream, StreamExt, TryStreamExt};
use http::Method;
use plugboard_core::connector::schema_of;
use plugboard_core::runtime::{PageSpec, Pagination};
use plugboard_core::{ApiRequest, Error, OperationDescriptor, OperationId, Result};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{Id, RATE_CLASS, custom_ids_query, failed, invalid, list_of};
use crate::client::ClickupClient;
use crate::models::{Comment, NewComment};

/// `comments.list`: one page per call; `call_all` pages back to the first comment.
pub const COMMENTS_LIST: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("comments.list"),
    summary: "List a task's comments, newest first",
    docs_url: "https://developer.clickup.com/reference/gettaskcomments",
    idempotent: true,
    read_only: true,
    paginated: true,
    rate_class: RATE_CLASS,
    cache_ttl: None,
    input_schema: schema_of::<ListComments>,
    output_schema: schema_of::<Comment>,
};

/// How ClickUp pages comments: newest first, 25 per page; the next page starts after the
/// oldest comment received, `start` = its `date` and `start_id` = its `id` (an empty page
/// ends the walk).
pub const COMMENT_PAGES: PageSpec = PageSpec::new(
    Pagination::LastItem {
        params: &[("start", "/date"), ("start_id", "/id")],
    },
    "/comments",
);

/// `comments.create`: not idempotent, so never retried once sent.
pub const COMMENTS_CREATE: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("comments.create"),
    summary: "Comment on a task",
    docs_url: "https://developer.clickup.com/reference/createtaskcomment",
    idempotent: false,
    read_only: false,
    paginated: false,
    rate_class: RATE_CLASS,
    cache_ttl: None,
    input_schema: schema_of::<CreateComment>,
    output_schema: schema_of::<NewComment>,
};

/// Input of `comments.list`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListComments {
    /// The task id (or custom id with `custom_task_ids`).
    pub task_id: Id,
    /// `task_id` is a custom task id; needs `team_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_task_ids: Option<bool>,
    /// The Workspace, when `custom_task_ids` is true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_id: Option<Id>,
    /// Start from this date (Unix milliseconds) of the oldest comment seen; with `start_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<i64>,
    /// Start from this comment id (the oldest seen); with `start`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_id: Option<Id>,
}

/// Input of `comments.create`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateComment {
    /// The task id (or custom id with `custom_task_ids`).
    pub task_id: Id,
    /// `task_id` is a custom task id; needs `team_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_task_ids: Option<bool>,
    /// The Workspace, when `custom_task_ids` is true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_id: Option<Id>,
    /// The comment's text.
    pub comment_text: String,
    /// Assign the comment to this user id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<i64>,
    /// Assign the comment to this user group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_assignee: Option<String>,
    /// Notify everyone, the author included (ClickUp requires the field; default false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify_all: Option<bool>,
}

/// The comments API.
#[derive(Debug, Clone, Copy)]
pub struct CommentsApi<'a> {
    pub(crate) client: &'a ClickupClient,
}

impl CommentsApi<'_> {
    /// The request for the page of `input` starting after `cursor` (`start`, `start_id`).
    pub fn list_request(
        &self,
        input: &ListComments,
        cursor: Option<(&str, &str)>,
    ) -> Result<ApiRequest> {
        let mut q = custom_ids_query(
            "comments.list",
            input.custom_task_ids,
            input.team_id.as_ref(),
        )?;
        if let Some((start, start_id)) = cursor {
            q.push("start", start).push("start_id", start_id);
        }
        let request = self.client.request(&COMMENTS_LIST, Method::GET)?.segments([
            "task",
            input.task_id.as_str(),
            "comment",
        ]);
        Ok(super::with_query(request, &q))
    }

    /// `GET /task/{task_id}/comment`: one page, newest first (25 by ClickUp's default).
    pub async fn list(&self, input: &ListComments) -> Result<Vec<Comment>> {
        let start = input.start.map(|s| s.to_string());
        let request = self.list_request(input, first_cursor(input, start.as_deref())?)?;
        list_of(self.client.runtime(), request, "comments").await
    }

    /// Every comment back to the first one, newest first.
    pub fn list_all(&self, input: &ListComments) -> BoxStream<'static, Result<Comment>> {
        self.list_all_raw(input)
            .and_then(|v| async move { serde_json::from_value(v).map_err(Error::from) })
            .boxed()
    }

    /// Every comment as ClickUp's JSON, paged by the core's `Runtime::paginate` with
    /// [`COMMENT_PAGES`]: each page's oldest comment gives the next page's `start` (its
    /// `date`) and `start_id` (its `id`); an empty page ends the walk.
    pub fn list_all_raw(&self, input: &ListComments) -> BoxStream<'static, Result<Value>> {
        let start = input.start.map(|s| s.to_string());
        let request = first_cursor(input, start.as_deref())
            .and_then(|cursor| self.list_request(input, cursor));
        match request {
            Ok(request) => self.client.runtime().paginate(request, COMMENT_PAGES),
            Err(e) => failed(e),
        }
    }

    /// `POST /task/{task_id}/comment`.
    pub async fn create(&self, input: &CreateComment) -> Result<NewComment> {
        if input.comment_text.trim().is_empty() {
            return Err(invalid(
                "comments.create",
                "field `comment_text`: must not be empty",
            ));
        }
        let q = custom_ids_query(
            "comments.create",
            input.custom_task_ids,
            input.team_id.as_ref(),
        )?;
        let mut body = json!({
            "comment_text": input.comment_text,
            "notify_all": input.notify_all.unwrap_or(false),
        });
        if let Some(assignee) = input.assignee {
            body["assignee"] = json!(assignee);
        }
        if let Some(group) = &input.group_assignee {
            body["group_assignee"] = json!(group);
        }
        let request = self
            .client
            .request(&COMMENTS_CREATE, Method::POST)?
            .segments(["task", input.task_id.as_str(), "comment"])
            .json(&body)?;
        self.client
            .runtime()
            .json(super::with_query(request, &q))
            .await
    }
}

/// The cursor the input starts from: both of `start` and `start_id`, or neither.
fn first_cursor<'a>(
    input: &'a ListComments,
    start: Option<&'a str>,
) -> Result<Option<(&'a str, &'a str)>> {
    match (start, &input.start_id) {
        (Some(start), Some(id)) => Ok(Some((start, id.as_str()))),
        (None, None) => Ok(None),
        _ => Err(invalid(
            "comments.list",
            "`start` and `start_id` go together (the date and id of the oldest comment seen)",
        )),
    }
}
