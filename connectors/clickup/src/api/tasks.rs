//! Tasks: `tasks.list` (page numbers, 100 per page, with ClickUp's filters), `tasks.get`,
//! `tasks.create`, `tasks.update` (status changes included) and `tasks.delete`.

use futures::stream::{BoxStream, StreamExt, TryStreamExt};
use http::Method;
use plugboard_core::connector::schema_of;
use plugboard_core::runtime::{PageSpec, Pagination};
use plugboard_core::{ApiRequest, Error, OperationDescriptor, OperationId, Result};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Id, Query, RATE_CLASS, body_without, custom_ids_query, failed, invalid};
use crate::client::ClickupClient;
use crate::models::{Task, TaskPage};

/// `tasks.list`: one page per call; `call_all` pages to the end.
pub const TASKS_LIST: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("tasks.list"),
    summary: "List the tasks of a List, filtered by status, assignee, tag and dates",
    docs_url: "https://developer.clickup.com/reference/gettasks",
    idempotent: true,
    read_only: true,
    paginated: true,
    rate_class: RATE_CLASS,
    cache_ttl: None,
    input_schema: schema_of::<ListTasks>,
    output_schema: schema_of::<Task>,
};

/// `tasks.get`.
pub const TASKS_GET: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("tasks.get"),
    summary: "Get a task",
    docs_url: "https://developer.clickup.com/reference/gettask",
    idempotent: true,
    read_only: true,
    paginated: false,
    rate_class: RATE_CLASS,
    cache_ttl: None,
    input_schema: schema_of::<GetTask>,
    output_schema: schema_of::<Task>,
};

/// `tasks.create`: not idempotent, so never retried once sent.
pub const TASKS_CREATE: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("tasks.create"),
    summary: "Create a task in a List",
    docs_url: "https://developer.clickup.com/reference/createtask",
    idempotent: false,
    read_only: false,
    paginated: false,
    rate_class: RATE_CLASS,
    cache_ttl: None,
    input_schema: schema_of::<CreateTask>,
    output_schema: schema_of::<Task>,
};

/// `tasks.update`: sets fields to given values (assignee changes are add/remove sets), so
/// repeating it is harmless and it is retried like a read.
pub const TASKS_UPDATE: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("tasks.update"),
    summary: "Update a task: name, description, status, priority, dates, assignees...",
    docs_url: "https://developer.clickup.com/reference/updatetask",
    idempotent: true,
    read_only: false,
    paginated: false,
    rate_class: RATE_CLASS,
    cache_ttl: None,
    input_schema: schema_of::<UpdateTask>,
    output_schema: schema_of::<Task>,
};

/// `tasks.delete`: deleting twice leaves the same state, so it is retried.
pub const TASKS_DELETE: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("tasks.delete"),
    summary: "Delete a task",
    docs_url: "https://developer.clickup.com/reference/deletetask",
    idempotent: true,
    read_only: false,
    paginated: false,
    rate_class: RATE_CLASS,
    cache_ttl: None,
    input_schema: schema_of::<DeleteTask>,
    output_schema: schema_of::<Value>,
};

/// How ClickUp pages tasks: `page` from 0, up to 100 tasks each, `last_page: true` (or an
/// empty page) at the end.
pub const TASK_PAGES: PageSpec = PageSpec::new(
    Pagination::PageNumber {
        param: "page",
        first: 0,
        last_page: Some("/last_page"),
    },
    "/tasks",
);

/// Sort key of `tasks.list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrderBy {
    /// Task id.
    Id,
    /// Creation time (ClickUp's default).
    Created,
    /// Last update.
    Updated,
    /// Due date.
    DueDate,
}

impl OrderBy {
    fn as_str(self) -> &'static str {
        match self {
            Self::Id => "id",
            Self::Created => "created",
            Self::Updated => "updated",
            Self::DueDate => "due_date",
        }
    }
}

/// Input of `tasks.list`, with ClickUp's parameter names. Array filters are sent as
/// `statuses[]=a&statuses[]=b`; the input takes `statuses` (or `statuses[]`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListTasks {
    /// The List id.
    pub list_id: Id,
    /// Archived tasks instead of active ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archived: Option<bool>,
    /// Descriptions in Markdown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_markdown_description: Option<bool>,
    /// The page to fetch, from 0. `call_all` starts here and pages to the end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// `id`, `created` (default), `updated` or `due_date`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_by: Option<OrderBy>,
    /// Reverse order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reverse: Option<bool>,
    /// Include subtasks (excluded by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtasks: Option<bool>,
    /// Only tasks in these statuses (`statuses[]`).
    #[serde(default, alias = "statuses[]", skip_serializing_if = "Option::is_none")]
    pub statuses: Option<Vec<String>>,
    /// Include closed tasks (excluded by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_closed: Option<bool>,
    /// Include tasks whose home is another List (tasks in multiple Lists).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_timl: Option<bool>,
    /// Only tasks assigned to these user ids (`assignees[]`).
    #[serde(
        default,
        alias = "assignees[]",
        skip_serializing_if = "Option::is_none"
    )]
    pub assignees: Option<Vec<Id>>,
    /// Only tasks watched by these user ids (`watchers[]`).
    #[serde(default, alias = "watchers[]", skip_serializing_if = "Option::is_none")]
    pub watchers: Option<Vec<Id>>,
    /// Only tasks with these tags (`tags[]`).
    #[serde(default, alias = "tags[]", skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    /// Due after, Unix milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_date_gt: Option<i64>,
    /// Due before, Unix milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_date_lt: Option<i64>,
    /// Created after, Unix milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_created_gt: Option<i64>,
    /// Created before, Unix milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_created_lt: Option<i64>,
    /// Updated after, Unix milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_updated_gt: Option<i64>,
    /// Updated before, Unix milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_updated_lt: Option<i64>,
    /// Done after, Unix milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_done_gt: Option<i64>,
    /// Done before, Unix milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_done_lt: Option<i64>,
    /// Custom Field filters, e.g. `[{"field_id": "abc", "operator": "=", "value": "1"}]`;
    /// sent as JSON text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_fields: Option<Vec<Value>>,
    /// Only these custom task types (`custom_items[]`; 0 is a task, 1 a milestone).
    #[serde(
        default,
        alias = "custom_items[]",
        skip_serializing_if = "Option::is_none"
    )]
    pub custom_items: Option<Vec<u64>>,
}

/// Input of `tasks.get`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetTask {
    /// The task id (or custom id with `custom_task_ids`).
    pub task_id: Id,
    /// `task_id` is a custom task id; needs `team_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_task_ids: Option<bool>,
    /// The Workspace, when `custom_task_ids` is true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_id: Option<Id>,
    /// Include subtasks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_subtasks: Option<bool>,
    /// The description in Markdown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_markdown_description: Option<bool>,
}

/// Input of `tasks.create`: the List, then the body fields under ClickUp's names.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTask {
    /// The List to create the task in.
    pub list_id: Id,
    /// `parent`/`links_to` are custom task ids; needs `team_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_task_ids: Option<bool>,
    /// The Workspace, when `custom_task_ids` is true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_id: Option<Id>,
    /// The name.
    pub name: String,
    /// A plain-text description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// A Markdown description (wins over `description`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub markdown_content: Option<String>,
    /// User ids to assign.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignees: Option<Vec<i64>>,
    /// User group ids to assign.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_assignees: Option<Vec<String>>,
    /// Tag names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    /// The status name (one of the List's statuses).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// 1 urgent, 2 high, 3 normal, 4 low.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 4))]
    pub priority: Option<u8>,
    /// Due date, Unix milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_date: Option<i64>,
    /// Whether the due date has a time of day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_date_time: Option<bool>,
    /// Time estimate in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_estimate: Option<i64>,
    /// Start date, Unix milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_date: Option<i64>,
    /// Whether the start date has a time of day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_date_time: Option<bool>,
    /// Sprint points.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points: Option<f64>,
    /// Notify everyone, the creator included.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify_all: Option<bool>,
    /// Create a subtask of this task (in the same List).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// A task to link the new one to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub links_to: Option<String>,
    /// Enforce required Custom Fields (ignored by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_required_custom_fields: Option<bool>,
    /// Custom Field values, `[{"id": "...", "value": ...}]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_fields: Option<Vec<Value>>,
    /// The custom task type (0 task, 1 milestone, or a Workspace type).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_item_id: Option<i64>,
}

/// Users or groups to add to and remove from a task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AddRem<T> {
    /// Ids to add.
    #[serde(default)]
    pub add: Vec<T>,
    /// Ids to remove.
    #[serde(default)]
    pub rem: Vec<T>,
}

impl<T> Default for AddRem<T> {
    fn default() -> Self {
        Self {
            add: Vec::new(),
            rem: Vec::new(),
        }
    }
}

/// Input of `tasks.update`: the task, then the fields to change under ClickUp's names. A
/// status change is `"status": "in progress"`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTask {
    /// The task id (or custom id with `custom_task_ids`).
    pub task_id: Id,
    /// `task_id` is a custom task id; needs `team_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_task_ids: Option<bool>,
    /// The Workspace, when `custom_task_ids` is true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_id: Option<Id>,
    /// The new name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A new plain-text description (`" "` clears it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// A new Markdown description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub markdown_content: Option<String>,
    /// The new status name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// 1 urgent, 2 high, 3 normal, 4 low.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 4))]
    pub priority: Option<u8>,
    /// Due date, Unix milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_date: Option<i64>,
    /// Whether the due date has a time of day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_date_time: Option<bool>,
    /// Move the task under this parent task.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Time estimate in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_estimate: Option<i64>,
    /// Start date, Unix milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_date: Option<i64>,
    /// Whether the start date has a time of day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_date_time: Option<bool>,
    /// Sprint points.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points: Option<f64>,
    /// User ids to add and remove.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignees: Option<AddRem<i64>>,
    /// User group ids to add and remove.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_assignees: Option<AddRem<String>>,
    /// Watcher user ids to add and remove.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub watchers: Option<AddRem<i64>>,
    /// Archive (true) or unarchive (false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archived: Option<bool>,
    /// The custom task type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_item_id: Option<i64>,
}

/// Input of `tasks.delete`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeleteTask {
    /// The task id (or custom id with `custom_task_ids`).
    pub task_id: Id,
    /// `task_id` is a custom task id; needs `team_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_task_ids: Option<bool>,
    /// The Workspace, when `custom_task_ids` is true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_id: Option<Id>,
}

/// The fields of task inputs that go in the path or query, not the body.
const NOT_BODY: &[&str] = &["list_id", "task_id", "custom_task_ids", "team_id"];

/// The tasks API.
#[derive(Debug, Clone, Copy)]
pub struct TasksApi<'a> {
    pub(crate) client: &'a ClickupClient,
}

impl TasksApi<'_> {
    /// The request for page `page` of `tasks.list`, its query written as ClickUp documents it.
    pub fn list_request(&self, input: &ListTasks, page: u32) -> Result<ApiRequest> {
        let custom_fields = match &input.custom_fields {
            Some(filters) => Some(
                serde_json::to_string(filters)
                    .map_err(|e| invalid("tasks.list", format!("field `custom_fields`: {e}")))?,
            ),
            None => None,
        };
        let mut q = Query::default();
        q.opt("archived", input.archived)
            .opt(
                "include_markdown_description",
                input.include_markdown_description,
            )
            .push("page", page)
            .opt("order_by", input.order_by.map(OrderBy::as_str))
            .opt("reverse", input.reverse)
            .opt("subtasks", input.subtasks)
            .array("statuses", input.statuses.as_deref())
            .opt("include_closed", input.include_closed)
            .opt("include_timl", input.include_timl)
            .array("assignees", input.assignees.as_deref())
            .array("watchers", input.watchers.as_deref())
            .array("tags", input.tags.as_deref())
            .opt("due_date_gt", input.due_date_gt)
            .opt("due_date_lt", input.due_date_lt)
            .opt("date_created_gt", input.date_created_gt)
            .opt("date_created_lt", input.date_created_lt)
            .opt("date_updated_gt", input.date_updated_gt)
            .opt("date_updated_lt", input.date_updated_lt)
            .opt("date_done_gt", input.date_done_gt)
            .opt("date_done_lt", input.date_done_lt)
            .opt("custom_fields", custom_fields)
            .array("custom_items", input.custom_items.as_deref());
        let request = self.client.request(&TASKS_LIST, Method::GET)?.segments([
            "list",
            input.list_id.as_str(),
            "task",
        ]);
        Ok(super::with_query(request, &q))
    }

    /// `GET /list/{list_id}/task`: one page (`page`, default 0) and whether it is the last.
    pub async fn list(&self, input: &ListTasks) -> Result<TaskPage> {
        let request = self.list_request(input, input.page.unwrap_or(0))?;
        self.client.runtime().json(request).await
    }

    /// Every task across every page from `page` (default 0), in order.
    pub fn list_all(&self, input: &ListTasks) -> BoxStream<'static, Result<Task>> {
        self.list_all_raw(input)
            .and_then(|v| async move { serde_json::from_value(v).map_err(Error::from) })
            .boxed()
    }

    /// Every task across every page as ClickUp's JSON, paged by the core's
    /// `Runtime::paginate` with [`TASK_PAGES`]: each later page is the first request with
    /// only `page` changed, so ClickUp's `[]` query form is kept byte for byte.
    pub fn list_all_raw(&self, input: &ListTasks) -> BoxStream<'static, Result<Value>> {
        match self.list_request(input, input.page.unwrap_or(0)) {
            Ok(request) => self.client.runtime().paginate(request, TASK_PAGES),
            Err(e) => failed(e),
        }
    }

    /// `GET /task/{task_id}`.
    pub async fn get(&self, input: &GetTask) -> Result<Task> {
        let mut q = custom_ids_query("tasks.get", input.custom_task_ids, input.team_id.as_ref())?;
        q.opt("include_subtasks", input.include_subtasks).opt(
            "include_markdown_description",
            input.include_markdown_description,
        );
        let request = self
            .client
            .request(&TASKS_GET, Method::GET)?
            .segments(["task", input.task_id.as_str()]);
        self.client
            .runtime()
            .json(super::with_query(request, &q))
            .await
    }

    /// `POST /list/{list_id}/task`.
    pub async fn create(&self, input: &CreateTask) -> Result<Task> {
        if input.name.trim().is_empty() {
            return Err(invalid("tasks.create", "field `name`: must not be empty"));
        }
        check_priority("tasks.create", input.priority)?;
        let q = custom_ids_query(
            "tasks.create",
            input.custom_task_ids,
            input.team_id.as_ref(),
        )?;
        let request = self
            .client
            .request(&TASKS_CREATE, Method::POST)?
            .segments(["list", input.list_id.as_str(), "task"])
            .json(&body_without(input, NOT_BODY)?)?;
        self.client
            .runtime()
            .json(super::with_query(request, &q))
            .await
    }

    /// `PUT /task/{task_id}`: changes the named fields, the status included.
    pub async fn update(&self, input: &UpdateTask) -> Result<Task> {
        check_priority("tasks.update", input.priority)?;
        let body = body_without(input, NOT_BODY)?;
        if body.as_object().is_none_or(|fields| fields.is_empty()) {
            return Err(invalid(
                "tasks.update",
                "name at least one field to change (status, name, assignees...)",
            ));
        }
        let q = custom_ids_query(
            "tasks.update",
            input.custom_task_ids,
            input.team_id.as_ref(),
        )?;
        let request = self
            .client
            .request(&TASKS_UPDATE, Method::PUT)?
            .segments(["task", input.task_id.as_str()])
            .json(&body)?;
        self.client
            .runtime()
            .json(super::with_query(request, &q))
            .await
    }

    /// `DELETE /task/{task_id}`: ClickUp's answer (an empty object, or `null` for no body).
    pub async fn delete(&self, input: &DeleteTask) -> Result<Value> {
        let q = custom_ids_query(
            "tasks.delete",
            input.custom_task_ids,
            input.team_id.as_ref(),
        )?;
        let request = self
            .client
            .request(&TASKS_DELETE, Method::DELETE)?
            .segments(["task", input.task_id.as_str()]);
        super::value(self.client.runtime(), super::with_query(request, &q)).await
    }
}

fn check_priority(operation: &str, priority: Option<u8>) -> Result<()> {
    match priority {
        Some(p) if !(1..=4).contains(&p) => Err(invalid(
            operation,
            format!("field `priority`: must be 1 (urgent) to 4 (low), got {p}"),
        )),
        _ => Ok(()),
    }
}
