//! Commits: `commits.list` (Link-header pages), filtered by branch, path, author and time.

use std::time::Duration;

use futures::stream::BoxStream;
use http::Method;
use plugboard_core::connector::schema_of;
use plugboard_core::runtime::PageSpec;
use plugboard_core::{ApiRequest, OperationDescriptor, OperationId, RateClass, Result};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{LINK_PAGES, all_raw, all_typed, check_per_page};
use crate::client::GithubClient;
use crate::models::Commit;

/// `commits.list`, revalidated with its ETag on every call.
pub const COMMITS_LIST: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("commits.list"),
    summary: "List commits (by branch or sha, path, author, committer, time)",
    docs_url: "https://docs.github.com/rest/commits/commits#list-commits",
    idempotent: true,
    read_only: true,
    paginated: true,
    rate_class: RateClass("core"),
    cache_ttl: Some(Duration::ZERO),
    input_schema: schema_of::<ListCommits>,
    output_schema: schema_of::<Commit>,
};

/// How GitHub pages commit lists.
pub const COMMITS_PAGES: PageSpec = LINK_PAGES;

/// Input of `commits.list`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListCommits {
    /// The account owner of the repository.
    pub owner: String,
    /// The repository's name.
    pub repo: String,
    /// A sha or branch to start listing from (the default branch otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha: Option<String>,
    /// Only commits touching this file path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// A login or email of the author.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// A login or email of the committer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub committer: Option<String>,
    /// Only commits after this ISO 8601 time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    /// Only commits before this ISO 8601 time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
    /// Results per page, 1 to 100 (GitHub's default 30).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 100))]
    pub per_page: Option<u32>,
    /// The page to start from (1-based).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub page: Option<u32>,
}

/// The commits API.
#[derive(Debug, Clone, Copy)]
pub struct CommitsApi<'a> {
    pub(crate) client: &'a GithubClient,
}

impl CommitsApi<'_> {
    /// The request for the first page of `commits.list`.
    pub fn list_request(&self, input: &ListCommits) -> Result<ApiRequest> {
        check_per_page(&COMMITS_LIST, input.per_page)?;
        Ok(self
            .client
            .request(&COMMITS_LIST, Method::GET)?
            .segments(["repos", &input.owner, &input.repo, "commits"])
            .query_opt("sha", input.sha.as_deref())
            .query_opt("path", input.path.as_deref())
            .query_opt("author", input.author.as_deref())
            .query_opt("committer", input.committer.as_deref())
            .query_opt("since", input.since.as_deref())
            .query_opt("until", input.until.as_deref())
            .query_opt("per_page", input.per_page)
            .query_opt("page", input.page))
    }

    /// `GET /repos/{owner}/{repo}/commits`: one page.
    pub async fn list(&self, input: &ListCommits) -> Result<Vec<Commit>> {
        self.client.runtime().json(self.list_request(input)?).await
    }

    /// Every commit across every page, newest first.
    pub fn list_all(&self, input: &ListCommits) -> BoxStream<'static, Result<Commit>> {
        all_typed(self.client, self.list_request(input), COMMITS_PAGES)
    }

    /// Every commit across every page as GitHub's JSON.
    pub fn list_all_raw(&self, input: &ListCommits) -> BoxStream<'static, Result<Value>> {
        all_raw(self.client, self.list_request(input), COMMITS_PAGES)
    }
}
