//! Milestones: `milestones.list` (Link-header pages) and `milestones.create`.

use std::time::Duration;

use futures::stream::BoxStream;
use http::Method;
use plugboard_core::connector::schema_of;
use plugboard_core::runtime::PageSpec;
use plugboard_core::{ApiRequest, OperationDescriptor, OperationId, RateClass, Result};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{
    Direction, LINK_PAGES, State, StateFilter, all_raw, all_typed, body_of, check_per_page, param,
};
use crate::client::GithubClient;
use crate::models::Milestone;

/// `milestones.list`, revalidated with its ETag on every call.
pub const MILESTONES_LIST: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("milestones.list"),
    summary: "List milestones",
    docs_url: "https://docs.github.com/rest/issues/milestones#list-milestones",
    idempotent: true,
    read_only: true,
    paginated: true,
    rate_class: RateClass("core"),
    cache_ttl: Some(Duration::ZERO),
    input_schema: schema_of::<ListMilestones>,
    output_schema: schema_of::<Milestone>,
};

/// `milestones.create`.
pub const MILESTONES_CREATE: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("milestones.create"),
    summary: "Create a milestone",
    docs_url: "https://docs.github.com/rest/issues/milestones#create-a-milestone",
    idempotent: false,
    read_only: false,
    paginated: false,
    rate_class: RateClass("content"),
    cache_ttl: None,
    input_schema: schema_of::<CreateMilestone>,
    output_schema: schema_of::<Milestone>,
};

/// How GitHub pages milestone lists.
pub const MILESTONES_PAGES: PageSpec = LINK_PAGES;

/// Sort key of `milestones.list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MilestoneSort {
    /// Due date (GitHub's default).
    DueOn,
    /// Share of closed issues.
    Completeness,
}

/// Input of `milestones.list`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListMilestones {
    /// The account owner of the repository.
    pub owner: String,
    /// The repository's name.
    pub repo: String,
    /// `open`, `closed` or `all`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<StateFilter>,
    /// `due_on` or `completeness`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort: Option<MilestoneSort>,
    /// `asc` (GitHub's default) or `desc`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
    /// Results per page, 1 to 100 (GitHub's default 30).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 100))]
    pub per_page: Option<u32>,
    /// The page to start from (1-based).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub page: Option<u32>,
}

/// Input of `milestones.create`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateMilestone {
    /// The account owner of the repository.
    pub owner: String,
    /// The repository's name.
    pub repo: String,
    /// The title.
    pub title: String,
    /// `open` (GitHub's default) or `closed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<State>,
    /// The description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The due date, ISO 8601 (`2012-10-09T23:39:01Z`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_on: Option<String>,
}

/// The milestones API.
#[derive(Debug, Clone, Copy)]
pub struct MilestonesApi<'a> {
    pub(crate) client: &'a GithubClient,
}

impl MilestonesApi<'_> {
    /// The request for the first page of `milestones.list`.
    pub fn list_request(&self, input: &ListMilestones) -> Result<ApiRequest> {
        check_per_page(&MILESTONES_LIST, input.per_page)?;
        Ok(self
            .client
            .request(&MILESTONES_LIST, Method::GET)?
            .segments(["repos", &input.owner, &input.repo, "milestones"])
            .query_opt("state", input.state.as_ref().map(param))
            .query_opt("sort", input.sort.as_ref().map(param))
            .query_opt("direction", input.direction.as_ref().map(param))
            .query_opt("per_page", input.per_page)
            .query_opt("page", input.page))
    }

    /// `GET /repos/{owner}/{repo}/milestones`: one page.
    pub async fn list(&self, input: &ListMilestones) -> Result<Vec<Milestone>> {
        self.client.runtime().json(self.list_request(input)?).await
    }

    /// Every milestone across every page, in order.
    pub fn list_all(&self, input: &ListMilestones) -> BoxStream<'static, Result<Milestone>> {
        all_typed(self.client, self.list_request(input), MILESTONES_PAGES)
    }

    /// Every milestone across every page as GitHub's JSON.
    pub fn list_all_raw(&self, input: &ListMilestones) -> BoxStream<'static, Result<Value>> {
        all_raw(self.client, self.list_request(input), MILESTONES_PAGES)
    }

    /// `POST /repos/{owner}/{repo}/milestones`.
    pub async fn create(&self, input: &CreateMilestone) -> Result<Milestone> {
        let request = self
            .client
            .request(&MILESTONES_CREATE, Method::POST)?
            .segments(["repos", &input.owner, &input.repo, "milestones"])
            .json(&body_of(input, &["owner", "repo"])?)?;
        self.client.runtime().json(request).await
    }
}
