//! The agile API (`/rest/agile/1.0`): `boards.list`, `boards.get`, `sprints.list`,
//! `sprints.get` and `sprints.issues`; the lists are offset-paginated (`startAt` +
//! `maxResults`).

use futures::stream::BoxStream;
use http::Method;
use plugboard_core::connector::schema_of;
use plugboard_core::{ApiRequest, OperationDescriptor, OperationId, RateClass, Result};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::api::comma;
use crate::api::projects::PROJECT_CACHE_TTL;
use crate::client::{JiraClient, READ};
use crate::models::{Board, Issue, Sprint};
use crate::paging::{SPRINT_ISSUE_PAGES, VALUES_PAGES, offset_stream};

/// `boards.list`.
pub const BOARDS_LIST: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("boards.list"),
    summary: "List agile boards (startAt/maxResults pages)",
    docs_url: "https://developer.atlassian.com/cloud/jira/software/rest/api-group-board/#api-rest-agile-1-0-board-get",
    idempotent: true,
    read_only: true,
    paginated: true,
    rate_class: RateClass(READ),
    cache_ttl: None,
    input_schema: schema_of::<ListBoards>,
    output_schema: schema_of::<Board>,
};

/// `boards.get`: board configuration, cached like project configuration.
pub const BOARDS_GET: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("boards.get"),
    summary: "Get an agile board (name, type, location)",
    docs_url: "https://developer.atlassian.com/cloud/jira/software/rest/api-group-board/#api-rest-agile-1-0-board-boardid-get",
    idempotent: true,
    read_only: true,
    paginated: false,
    rate_class: RateClass(READ),
    cache_ttl: Some(PROJECT_CACHE_TTL),
    input_schema: schema_of::<GetBoard>,
    output_schema: schema_of::<Board>,
};

/// `sprints.list`.
pub const SPRINTS_LIST: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("sprints.list"),
    summary: "List a board's sprints, optionally by state (startAt/maxResults pages)",
    docs_url: "https://developer.atlassian.com/cloud/jira/software/rest/api-group-board/#api-rest-agile-1-0-board-boardid-sprint-get",
    idempotent: true,
    read_only: true,
    paginated: true,
    rate_class: RateClass(READ),
    cache_ttl: None,
    input_schema: schema_of::<ListSprints>,
    output_schema: schema_of::<Sprint>,
};

/// `sprints.get`.
pub const SPRINTS_GET: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("sprints.get"),
    summary: "Get a sprint (state, start, end and completion dates, goal)",
    docs_url: "https://developer.atlassian.com/cloud/jira/software/rest/api-group-sprint/#api-rest-agile-1-0-sprint-sprintid-get",
    idempotent: true,
    read_only: true,
    paginated: false,
    rate_class: RateClass(READ),
    cache_ttl: None,
    input_schema: schema_of::<GetSprint>,
    output_schema: schema_of::<Sprint>,
};

/// `sprints.issues`.
pub const SPRINTS_ISSUES: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("sprints.issues"),
    summary: "List the issues in a sprint (startAt/maxResults/total pages)",
    docs_url: "https://developer.atlassian.com/cloud/jira/software/rest/api-group-sprint/#api-rest-agile-1-0-sprint-sprintid-issue-get",
    idempotent: true,
    read_only: true,
    paginated: true,
    rate_class: RateClass(READ),
    cache_ttl: None,
    input_schema: schema_of::<SprintIssues>,
    output_schema: schema_of::<Issue>,
};

/// Input of `boards.list`, with Jira's parameter names.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ListBoards {
    /// The index of the first board (0-based).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_at: Option<u64>,
    /// Boards per page (Jira's default 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub max_results: Option<u32>,
    /// `scrum`, `kanban` or `simple` (comma-separated for several).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Boards whose name contains this text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Boards of this project.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_key_or_id: Option<String>,
    /// Boards of this filter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter_id: Option<u64>,
    /// `name`, `-name`...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_by: Option<String>,
    /// Include private boards.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_private: Option<bool>,
    /// `admins`, `permissions`...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expand: Option<String>,
}

/// Input of `sprints.list`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ListSprints {
    /// The board's id.
    pub board_id: u64,
    /// Comma-separated states: `future`, `active`, `closed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// The index of the first sprint (0-based).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_at: Option<u64>,
    /// Sprints per page (Jira's default 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub max_results: Option<u32>,
}

/// Input of `boards.get`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GetBoard {
    /// The board's id.
    pub board_id: u64,
}

/// Input of `sprints.get`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GetSprint {
    /// The sprint's id.
    pub sprint_id: u64,
}

/// Input of `sprints.issues`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SprintIssues {
    /// The sprint's id.
    pub sprint_id: u64,
    /// Further JQL to filter the sprint's issues.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jql: Option<String>,
    /// Whether to validate the JQL (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validate_query: Option<bool>,
    /// Fields to return (story points, the sprint field...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<String>>,
    /// Comma-separated expansions (`changelog` for status history).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expand: Option<String>,
    /// The index of the first issue (0-based).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_at: Option<u64>,
    /// Issues per page (Jira's default 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub max_results: Option<u32>,
}

/// One page of an agile list (`values`, or `issues` for sprint issues).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgilePage<T> {
    /// The items of `boards.list` and `sprints.list`.
    #[serde(default = "Vec::new", skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<T>,
    /// The items of `sprints.issues`.
    #[serde(default = "Vec::new", skip_serializing_if = "Vec::is_empty")]
    pub issues: Vec<T>,
    /// The index of the first item.
    #[serde(default)]
    pub start_at: u64,
    /// The page size Jira used.
    #[serde(default)]
    pub max_results: u64,
    /// Whether this is the last page (boards, sprints).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_last: Option<bool>,
    /// The total count (sprint issues, boards).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
    /// Every other field Jira sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl<T> AgilePage<T> {
    /// The page's items, whichever key Jira put them under.
    pub fn into_items(self) -> Vec<T> {
        if self.values.is_empty() {
            self.issues
        } else {
            self.values
        }
    }
}

/// The agile API.
#[derive(Debug, Clone, Copy)]
pub struct AgileApi<'a> {
    pub(crate) client: &'a JiraClient,
}

impl AgileApi<'_> {
    /// The request for the page of `boards.list` that `input` names.
    pub async fn boards_request(&self, input: &ListBoards) -> Result<ApiRequest> {
        Ok(self
            .client
            .request(
                &BOARDS_LIST,
                Method::GET,
                &["rest", "agile", "1.0", "board"],
            )
            .await?
            .query_opt("startAt", input.start_at)
            .query_opt("maxResults", input.max_results)
            .query_opt("type", input.kind.as_deref())
            .query_opt("name", input.name.as_deref())
            .query_opt("projectKeyOrId", input.project_key_or_id.as_deref())
            .query_opt("filterId", input.filter_id)
            .query_opt("orderBy", input.order_by.as_deref())
            .query_opt("includePrivate", input.include_private)
            .query_opt("expand", input.expand.as_deref()))
    }

    /// `GET /rest/agile/1.0/board`: one page.
    pub async fn boards(&self, input: &ListBoards) -> Result<AgilePage<Board>> {
        let request = self.boards_request(input).await?;
        self.client.runtime().json(request).await
    }

    /// `GET /rest/agile/1.0/board/{boardId}`.
    pub async fn board(&self, input: &GetBoard) -> Result<Board> {
        let board = input.board_id.to_string();
        let request = self
            .client
            .request(
                &BOARDS_GET,
                Method::GET,
                &["rest", "agile", "1.0", "board", &board],
            )
            .await?;
        self.client.runtime().json(request).await
    }

    /// The request for the page of `sprints.list` that `input` names.
    pub async fn sprints_request(&self, input: &ListSprints) -> Result<ApiRequest> {
        let board = input.board_id.to_string();
        Ok(self
            .client
            .request(
                &SPRINTS_LIST,
                Method::GET,
                &["rest", "agile", "1.0", "board", &board, "sprint"],
            )
            .await?
            .query_opt("startAt", input.start_at)
            .query_opt("maxResults", input.max_results)
            .query_opt("state", input.state.as_deref()))
    }

    /// `GET /rest/agile/1.0/board/{boardId}/sprint`: one page.
    pub async fn sprints(&self, input: &ListSprints) -> Result<AgilePage<Sprint>> {
        let request = self.sprints_request(input).await?;
        self.client.runtime().json(request).await
    }

    /// `GET /rest/agile/1.0/sprint/{sprintId}`.
    pub async fn sprint(&self, input: &GetSprint) -> Result<Sprint> {
        let sprint = input.sprint_id.to_string();
        let request = self
            .client
            .request(
                &SPRINTS_GET,
                Method::GET,
                &["rest", "agile", "1.0", "sprint", &sprint],
            )
            .await?;
        self.client.runtime().json(request).await
    }

    /// The request for the page of `sprints.issues` that `input` names.
    pub async fn sprint_issues_request(&self, input: &SprintIssues) -> Result<ApiRequest> {
        let sprint = input.sprint_id.to_string();
        Ok(self
            .client
            .request(
                &SPRINTS_ISSUES,
                Method::GET,
                &["rest", "agile", "1.0", "sprint", &sprint, "issue"],
            )
            .await?
            .query_opt("startAt", input.start_at)
            .query_opt("maxResults", input.max_results)
            .query_opt("jql", input.jql.as_deref())
            .query_opt("validateQuery", input.validate_query)
            .query_opt("fields", comma(input.fields.as_ref()))
            .query_opt("expand", input.expand.as_deref()))
    }

    /// `GET /rest/agile/1.0/sprint/{sprintId}/issue`: one page.
    pub async fn sprint_issues(&self, input: &SprintIssues) -> Result<AgilePage<Issue>> {
        let request = self.sprint_issues_request(input).await?;
        self.client.runtime().json(request).await
    }

    /// The boards of the page `input` names, then an error naming the next page when there is
    /// one (see the crate docs on offset pagination).
    pub fn boards_all_raw(&self, input: &ListBoards) -> BoxStream<'static, Result<Value>> {
        let client = self.client.clone();
        let input = input.clone();
        offset_stream(client.runtime().clone(), VALUES_PAGES, async move {
            client.agile().boards_request(&input).await
        })
    }

    /// The sprints of the page `input` names, then an error naming the next page.
    pub fn sprints_all_raw(&self, input: &ListSprints) -> BoxStream<'static, Result<Value>> {
        let client = self.client.clone();
        let input = input.clone();
        offset_stream(client.runtime().clone(), VALUES_PAGES, async move {
            client.agile().sprints_request(&input).await
        })
    }

    /// The sprint's issues of the page `input` names, then an error naming the next page.
    pub fn sprint_issues_all_raw(&self, input: &SprintIssues) -> BoxStream<'static, Result<Value>> {
        let client = self.client.clone();
        let input = input.clone();
        offset_stream(client.runtime().clone(), SPRINT_ISSUE_PAGES, async move {
            client.agile().sprint_issues_request(&input).await
        })
    }
}
