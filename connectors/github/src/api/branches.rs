//! Branches: `branches.list` (Link-header pages), and `branches.create` / `branches.delete`
//! through git references (`refs/heads/<branch>`).

use std::time::Duration;

use futures::stream::BoxStream;
use http::Method;
use plugboard_core::connector::schema_of;
use plugboard_core::runtime::PageSpec;
use plugboard_core::{ApiRequest, Error, OperationDescriptor, OperationId, RateClass, Result};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{LINK_PAGES, all_raw, all_typed, check_per_page};
use crate::client::GithubClient;
use crate::models::{Branch, GitRef};

/// `branches.list`, revalidated with its ETag on every call.
pub const BRANCHES_LIST: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("branches.list"),
    summary: "List branches",
    docs_url: "https://docs.github.com/rest/branches/branches#list-branches",
    idempotent: true,
    read_only: true,
    paginated: true,
    rate_class: RateClass("core"),
    cache_ttl: Some(Duration::ZERO),
    input_schema: schema_of::<ListBranches>,
    output_schema: schema_of::<Branch>,
};

/// `branches.create`: `POST /repos/{owner}/{repo}/git/refs`; a second call answers 422.
pub const BRANCHES_CREATE: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("branches.create"),
    summary: "Create a branch at a commit (a git reference refs/heads/<branch>)",
    docs_url: "https://docs.github.com/rest/git/refs#create-a-reference",
    idempotent: false,
    read_only: false,
    paginated: false,
    rate_class: RateClass("content"),
    cache_ttl: None,
    input_schema: schema_of::<CreateBranch>,
    output_schema: schema_of::<GitRef>,
};

/// `branches.delete`: a DELETE, repeating it leaves the branch gone.
pub const BRANCHES_DELETE: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("branches.delete"),
    summary: "Delete a branch (its git reference); outputs null",
    docs_url: "https://docs.github.com/rest/git/refs#delete-a-reference",
    idempotent: true,
    read_only: false,
    paginated: false,
    rate_class: RateClass("core"),
    cache_ttl: None,
    input_schema: schema_of::<DeleteBranch>,
    output_schema: schema_of::<()>,
};

/// How GitHub pages branch lists.
pub const BRANCHES_PAGES: PageSpec = LINK_PAGES;

/// Input of `branches.list`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListBranches {
    /// The account owner of the repository.
    pub owner: String,
    /// The repository's name.
    pub repo: String,
    /// Only protected (`true`) or unprotected (`false`) branches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protected: Option<bool>,
    /// Results per page, 1 to 100 (GitHub's default 30).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 100))]
    pub per_page: Option<u32>,
    /// The page to start from (1-based).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub page: Option<u32>,
}

/// Input of `branches.create`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateBranch {
    /// The account owner of the repository.
    pub owner: String,
    /// The repository's name.
    pub repo: String,
    /// The new branch's name (without `refs/heads/`).
    pub branch: String,
    /// The commit it starts at.
    pub sha: String,
}

/// Input of `branches.delete`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeleteBranch {
    /// The account owner of the repository.
    pub owner: String,
    /// The repository's name.
    pub repo: String,
    /// The branch's name (without `refs/heads/`).
    pub branch: String,
}

/// The branches API.
#[derive(Debug, Clone, Copy)]
pub struct BranchesApi<'a> {
    pub(crate) client: &'a GithubClient,
}

impl BranchesApi<'_> {
    /// The request for the first page of `branches.list`.
    pub fn list_request(&self, input: &ListBranches) -> Result<ApiRequest> {
        check_per_page(&BRANCHES_LIST, input.per_page)?;
        Ok(self
            .client
            .request(&BRANCHES_LIST, Method::GET)?
            .segments(["repos", &input.owner, &input.repo, "branches"])
            .query_opt("protected", input.protected)
            .query_opt("per_page", input.per_page)
            .query_opt("page", input.page))
    }

    /// `GET /repos/{owner}/{repo}/branches`: one page.
    pub async fn list(&self, input: &ListBranches) -> Result<Vec<Branch>> {
        self.client.runtime().json(self.list_request(input)?).await
    }

    /// Every branch across every page, in order.
    pub fn list_all(&self, input: &ListBranches) -> BoxStream<'static, Result<Branch>> {
        all_typed(self.client, self.list_request(input), BRANCHES_PAGES)
    }

    /// Every branch across every page as GitHub's JSON.
    pub fn list_all_raw(&self, input: &ListBranches) -> BoxStream<'static, Result<Value>> {
        all_raw(self.client, self.list_request(input), BRANCHES_PAGES)
    }

    /// `POST /repos/{owner}/{repo}/git/refs` with `ref: refs/heads/<branch>`.
    pub async fn create(&self, input: &CreateBranch) -> Result<GitRef> {
        let name = branch_name(&BRANCHES_CREATE, &input.branch)?;
        let request = self
            .client
            .request(&BRANCHES_CREATE, Method::POST)?
            .segments(["repos", &input.owner, &input.repo, "git", "refs"])
            .json(&serde_json::json!({
                "ref": format!("refs/heads/{name}"),
                "sha": input.sha,
            }))?;
        self.client.runtime().json(request).await
    }

    /// `DELETE /repos/{owner}/{repo}/git/refs/heads/<branch>` (GitHub answers 204).
    pub async fn delete(&self, input: &DeleteBranch) -> Result<()> {
        let name = branch_name(&BRANCHES_DELETE, &input.branch)?;
        // A branch named `feature/x` is the reference `heads/feature/x`: one path segment
        // per part, so the slashes stay slashes.
        let request = self
            .client
            .request(&BRANCHES_DELETE, Method::DELETE)?
            .segments(["repos", &input.owner, &input.repo, "git", "refs", "heads"])
            .segments(name.split('/'));
        self.client.runtime().execute(request).await?;
        Ok(())
    }
}

/// The branch name without a `refs/heads/` prefix; empty names and empty path parts are
/// rejected before anything is sent.
fn branch_name<'a>(op: &OperationDescriptor, branch: &'a str) -> Result<&'a str> {
    let name = branch.strip_prefix("refs/heads/").unwrap_or(branch);
    if name.is_empty() || name.split('/').any(str::is_empty) {
        return Err(Error::invalid_input(format!(
            "invalid input for {}: field `branch`: not a branch name: {branch:?}",
            op.id
        ))
        .with_context("field", "branch"));
    }
    Ok(name)
}
