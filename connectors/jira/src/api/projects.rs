//! Projects: `projects.list` (`GET /rest/api/3/project/search`, offset pages) and
//! `projects.get` (cached for 4 h: project configuration rarely changes).

use std::time::Duration;

use futures::stream::{BoxStream, StreamExt, TryStreamExt};
use http::Method;
use plugboard_core::connector::schema_of;
use plugboard_core::{ApiRequest, Error, OperationDescriptor, OperationId, RateClass, Result};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::api::comma;
use crate::client::{JiraClient, READ};
use crate::models::Project;
use crate::paging::{VALUES_PAGES, offset_stream};

/// How long `projects.get` answers are served from cache.
pub const PROJECT_CACHE_TTL: Duration = Duration::from_secs(4 * 3600);

/// `projects.list`.
pub const PROJECTS_LIST: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("projects.list"),
    summary: "Search the projects visible to the user (startAt/maxResults pages)",
    docs_url: "https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-projects/#api-rest-api-3-project-search-get",
    idempotent: true,
    read_only: true,
    paginated: true,
    rate_class: RateClass(READ),
    cache_ttl: None,
    input_schema: schema_of::<ListProjects>,
    output_schema: schema_of::<Project>,
};

/// `projects.get`.
pub const PROJECTS_GET: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("projects.get"),
    summary: "Get a project (cached 4 h)",
    docs_url: "https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-projects/#api-rest-api-3-project-projectidorkey-get",
    idempotent: true,
    read_only: true,
    paginated: false,
    rate_class: RateClass(READ),
    cache_ttl: Some(PROJECT_CACHE_TTL),
    input_schema: schema_of::<GetProject>,
    output_schema: schema_of::<Project>,
};

/// Input of `projects.list`, with Jira's parameter names.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ListProjects {
    /// The index of the first project (0-based).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_at: Option<u64>,
    /// Projects per page (Jira's default and maximum 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 100))]
    pub max_results: Option<u32>,
    /// `category`, `key`, `name`, `owner`, `issueCount`, `lastIssueUpdatedTime`... (`-` for
    /// descending).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_by: Option<String>,
    /// Only these project ids.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Vec<u64>>,
    /// Only these project keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keys: Option<Vec<String>>,
    /// Text matched against keys and names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// `business`, `service_desk` or `software`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub type_key: Option<String>,
    /// A project category id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category_id: Option<u64>,
    /// `view`, `browse` or `edit`: the permission the user needs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// Comma-separated expansions (`description`, `lead`, `issueTypes`, `insight`...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expand: Option<String>,
    /// `live`, `archived`, `deleted`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Vec<String>>,
}

/// Input of `projects.get`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GetProject {
    /// The project's id or key.
    pub project_id_or_key: String,
    /// Comma-separated expansions (`description`, `issueTypes`, `lead`, `projectKeys`...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expand: Option<String>,
    /// Project properties to return.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<Vec<String>>,
}

/// One page of projects.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProjectPage {
    /// The projects.
    #[serde(default)]
    pub values: Vec<Project>,
    /// The index of the first one.
    #[serde(default)]
    pub start_at: u64,
    /// Whether this is the last page.
    #[serde(default)]
    pub is_last: bool,
    /// Every other field Jira sent (`total`, `maxResults`, `nextPage`, `self`).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The projects API.
#[derive(Debug, Clone, Copy)]
pub struct ProjectsApi<'a> {
    pub(crate) client: &'a JiraClient,
}

impl ProjectsApi<'_> {
    /// The request for the page of `projects.list` that `input` names.
    pub async fn list_request(&self, input: &ListProjects) -> Result<ApiRequest> {
        let mut request = self
            .client
            .request(
                &PROJECTS_LIST,
                Method::GET,
                &["rest", "api", "3", "project", "search"],
            )
            .await?
            .query_opt("startAt", input.start_at)
            .query_opt("maxResults", input.max_results)
            .query_opt("orderBy", input.order_by.as_deref())
            .query_opt("query", input.query.as_deref())
            .query_opt("typeKey", input.type_key.as_deref())
            .query_opt("categoryId", input.category_id)
            .query_opt("action", input.action.as_deref())
            .query_opt("expand", input.expand.as_deref());
        for id in input.id.iter().flatten() {
            request = request.query("id", id);
        }
        for key in input.keys.iter().flatten() {
            request = request.query("keys", key);
        }
        for status in input.status.iter().flatten() {
            request = request.query("status", status);
        }
        Ok(request)
    }

    /// `GET /rest/api/3/project/search`: one page.
    pub async fn list(&self, input: &ListProjects) -> Result<ProjectPage> {
        let request = self.list_request(input).await?;
        self.client.runtime().json(request).await
    }

    /// The projects of the page `input` names, then an error naming the next page when there
    /// is one (see the crate docs on offset pagination).
    pub fn list_all_raw(&self, input: &ListProjects) -> BoxStream<'static, Result<Value>> {
        let client = self.client.clone();
        let input = input.clone();
        offset_stream(client.runtime().clone(), VALUES_PAGES, async move {
            client.projects().list_request(&input).await
        })
    }

    /// Like [`list_all_raw`](Self::list_all_raw), typed.
    pub fn list_all(&self, input: &ListProjects) -> BoxStream<'static, Result<Project>> {
        self.list_all_raw(input)
            .and_then(|v| async move { serde_json::from_value(v).map_err(Error::from) })
            .boxed()
    }

    /// `GET /rest/api/3/project/{projectIdOrKey}`, served from cache for 4 h.
    pub async fn get(&self, input: &GetProject) -> Result<Project> {
        let request = self
            .client
            .request(
                &PROJECTS_GET,
                Method::GET,
                &["rest", "api", "3", "project", &input.project_id_or_key],
            )
            .await?
            .query_opt("expand", input.expand.as_deref())
            .query_opt("properties", comma(input.properties.as_ref()));
        self.client.runtime().json(request).await
    }
}
