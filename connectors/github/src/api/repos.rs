//! Repositories: `repos.get`.

use std::time::Duration;

use http::Method;
use plugboard_core::connector::schema_of;
use plugboard_core::{OperationDescriptor, OperationId, RateClass, Result};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::client::GithubClient;
use crate::models::Repository;

/// `repos.get`: cached for an hour, revalidated with its ETag.
pub const REPOS_GET: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("repos.get"),
    summary: "Get a repository",
    docs_url: "https://docs.github.com/rest/repos/repos#get-a-repository",
    idempotent: true,
    read_only: true,
    paginated: false,
    rate_class: RateClass("core"),
    cache_ttl: Some(Duration::from_secs(3600)),
    input_schema: schema_of::<GetRepo>,
    output_schema: schema_of::<Repository>,
};

/// Input of `repos.get`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetRepo {
    /// The account owner of the repository.
    pub owner: String,
    /// The repository's name.
    pub repo: String,
}

/// The repositories API.
#[derive(Debug, Clone, Copy)]
pub struct ReposApi<'a> {
    pub(crate) client: &'a GithubClient,
}

impl ReposApi<'_> {
    /// `GET /repos/{owner}/{repo}`.
    pub async fn get(&self, input: &GetRepo) -> Result<Repository> {
        let request = self.client.request(&REPOS_GET, Method::GET)?.segments([
            "repos",
            &input.owner,
            &input.repo,
        ]);
        self.client.runtime().json(request).await
    }
}
