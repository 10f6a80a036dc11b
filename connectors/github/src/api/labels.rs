//! Labels: `labels.list` (Link-header pages) and `labels.create`.

use std::time::Duration;

use futures::stream::BoxStream;
use http::Method;
use plugboard_core::connector::schema_of;
use plugboard_core::runtime::PageSpec;
use plugboard_core::{ApiRequest, OperationDescriptor, OperationId, RateClass, Result};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{LINK_PAGES, all_raw, all_typed, body_of, check_per_page};
use crate::client::GithubClient;
use crate::models::Label;

/// `labels.list`, revalidated with its ETag on every call.
pub const LABELS_LIST: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("labels.list"),
    summary: "List a repository's labels",
    docs_url: "https://docs.github.com/rest/issues/labels#list-labels-for-a-repository",
    idempotent: true,
    read_only: true,
    paginated: true,
    rate_class: RateClass("core"),
    cache_ttl: Some(Duration::ZERO),
    input_schema: schema_of::<ListLabels>,
    output_schema: schema_of::<Label>,
};

/// `labels.create`: a second call with the same name answers 422 `already_exists`.
pub const LABELS_CREATE: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("labels.create"),
    summary: "Create a label",
    docs_url: "https://docs.github.com/rest/issues/labels#create-a-label",
    idempotent: false,
    read_only: false,
    paginated: false,
    rate_class: RateClass("content"),
    cache_ttl: None,
    input_schema: schema_of::<CreateLabel>,
    output_schema: schema_of::<Label>,
};

/// How GitHub pages label lists.
pub const LABELS_PAGES: PageSpec = LINK_PAGES;

/// Input of `labels.list`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListLabels {
    /// The account owner of the repository.
    pub owner: String,
    /// The repository's name.
    pub repo: String,
    /// Results per page, 1 to 100 (GitHub's default 30).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 100))]
    pub per_page: Option<u32>,
    /// The page to start from (1-based).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub page: Option<u32>,
}

/// Input of `labels.create`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateLabel {
    /// The account owner of the repository.
    pub owner: String,
    /// The repository's name.
    pub repo: String,
    /// The name (emoji allowed, e.g. `:bug:`).
    pub name: String,
    /// Six hex digits without the leading `#`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    /// A short description (100 characters at most).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// The labels API.
#[derive(Debug, Clone, Copy)]
pub struct LabelsApi<'a> {
    pub(crate) client: &'a GithubClient,
}

impl LabelsApi<'_> {
    /// The request for the first page of `labels.list`.
    pub fn list_request(&self, input: &ListLabels) -> Result<ApiRequest> {
        check_per_page(&LABELS_LIST, input.per_page)?;
        Ok(self
            .client
            .request(&LABELS_LIST, Method::GET)?
            .segments(["repos", &input.owner, &input.repo, "labels"])
            .query_opt("per_page", input.per_page)
            .query_opt("page", input.page))
    }

    /// `GET /repos/{owner}/{repo}/labels`: one page.
    pub async fn list(&self, input: &ListLabels) -> Result<Vec<Label>> {
        self.client.runtime().json(self.list_request(input)?).await
    }

    /// Every label across every page, in order.
    pub fn list_all(&self, input: &ListLabels) -> BoxStream<'static, Result<Label>> {
        all_typed(self.client, self.list_request(input), LABELS_PAGES)
    }

    /// Every label across every page as GitHub's JSON.
    pub fn list_all_raw(&self, input: &ListLabels) -> BoxStream<'static, Result<Value>> {
        all_raw(self.client, self.list_request(input), LABELS_PAGES)
    }

    /// `POST /repos/{owner}/{repo}/labels`.
    pub async fn create(&self, input: &CreateLabel) -> Result<Label> {
        let request = self
            .client
            .request(&LABELS_CREATE, Method::POST)?
            .segments(["repos", &input.owner, &input.repo, "labels"])
            .json(&body_of(input, &["owner", "repo"])?)?;
        self.client.runtime().json(request).await
    }
}
