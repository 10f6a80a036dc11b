//! Issues: `issues.list` (Link-header pages), `issues.get`, `issues.create`, `issues.update`,
//! `issues.comment`.

use std::time::Duration;

use futures::stream::BoxStream;
use http::Method;
use plugboard_core::connector::schema_of;
use plugboard_core::runtime::PageSpec;
use plugboard_core::{ApiRequest, OperationDescriptor, OperationId, RateClass, Result};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use super::{Direction, State, StateFilter};
use super::{LINK_PAGES, all_raw, all_typed, body_of, check_per_page, nullable, param};
use crate::client::GithubClient;
use crate::models::{Issue, IssueComment};

/// `issues.list`. GETs are revalidated with their ETag on every call (a 304 costs no quota).
pub const ISSUES_LIST: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("issues.list"),
    summary: "List repository issues (pull requests included, as GitHub does)",
    docs_url: "https://docs.github.com/rest/issues/issues#list-repository-issues",
    idempotent: true,
    read_only: true,
    paginated: true,
    rate_class: RateClass("core"),
    cache_ttl: Some(Duration::ZERO),
    input_schema: schema_of::<ListIssues>,
    output_schema: schema_of::<Issue>,
};

/// `issues.get`.
pub const ISSUES_GET: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("issues.get"),
    summary: "Get an issue",
    docs_url: "https://docs.github.com/rest/issues/issues#get-an-issue",
    idempotent: true,
    read_only: true,
    paginated: false,
    rate_class: RateClass("core"),
    cache_ttl: Some(Duration::ZERO),
    input_schema: schema_of::<GetIssue>,
    output_schema: schema_of::<Issue>,
};

/// `issues.create`: not idempotent, so never retried once sent; counted against GitHub's
/// content-creation limit.
pub const ISSUES_CREATE: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("issues.create"),
    summary: "Create an issue",
    docs_url: "https://docs.github.com/rest/issues/issues#create-an-issue",
    idempotent: false,
    read_only: false,
    paginated: false,
    rate_class: RateClass("content"),
    cache_ttl: None,
    input_schema: schema_of::<CreateIssue>,
    output_schema: schema_of::<Issue>,
};

/// `issues.update`: a PATCH that sets fields, so repeating it is safe.
pub const ISSUES_UPDATE: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("issues.update"),
    summary: "Update an issue (title, body, state, labels, assignees, milestone)",
    docs_url: "https://docs.github.com/rest/issues/issues#update-an-issue",
    idempotent: true,
    read_only: false,
    paginated: false,
    rate_class: RateClass("core"),
    cache_ttl: None,
    input_schema: schema_of::<UpdateIssue>,
    output_schema: schema_of::<Issue>,
};

/// `issues.comment`: not idempotent (each call adds a comment).
pub const ISSUES_COMMENT: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("issues.comment"),
    summary: "Comment on an issue or pull request",
    docs_url: "https://docs.github.com/rest/issues/comments#create-an-issue-comment",
    idempotent: false,
    read_only: false,
    paginated: false,
    rate_class: RateClass("content"),
    cache_ttl: None,
    input_schema: schema_of::<CommentOnIssue>,
    output_schema: schema_of::<IssueComment>,
};

/// How GitHub pages issue lists.
pub const ISSUES_PAGES: PageSpec = LINK_PAGES;

/// Sort key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    /// Creation time (GitHub's default).
    Created,
    /// Last update.
    Updated,
    /// Comment count.
    Comments,
}

/// Input of `issues.list`, with GitHub's parameter names.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListIssues {
    /// The account owner of the repository.
    pub owner: String,
    /// The repository's name.
    pub repo: String,
    /// A milestone number, `*` (any) or `none`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub milestone: Option<String>,
    /// `open`, `closed` or `all`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<StateFilter>,
    /// A login, `*` or `none`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
    /// The creator's login.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creator: Option<String>,
    /// A login mentioned in the issue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mentioned: Option<String>,
    /// Comma-separated label names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<String>,
    /// `created`, `updated` or `comments`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort: Option<Sort>,
    /// `asc` or `desc`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
    /// Only issues updated at or after this ISO 8601 time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    /// Results per page, 1 to 100 (GitHub's default 30).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 100))]
    pub per_page: Option<u32>,
    /// The page to start from (1-based).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub page: Option<u32>,
}

/// Input of `issues.get`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetIssue {
    /// The account owner of the repository.
    pub owner: String,
    /// The repository's name.
    pub repo: String,
    /// The issue's number.
    pub issue_number: u64,
}

/// Input of `issues.create`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateIssue {
    /// The account owner of the repository.
    pub owner: String,
    /// The repository's name.
    pub repo: String,
    /// The title.
    pub title: String,
    /// The body (Markdown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Logins to assign.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignees: Option<Vec<String>>,
    /// The milestone number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub milestone: Option<u64>,
    /// Label names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<Vec<String>>,
}

/// Input of `issues.update`: only the fields given are changed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateIssue {
    /// The account owner of the repository.
    pub owner: String,
    /// The repository's name.
    pub repo: String,
    /// The issue's number.
    pub issue_number: u64,
    /// The new title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The new body (Markdown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// `open` or `closed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<State>,
    /// Why it was closed or reopened: `completed`, `not_planned`, `duplicate`, `reopened`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_reason: Option<String>,
    /// The milestone number; `null` removes the milestone.
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Option::is_none"
    )]
    pub milestone: Option<Option<u64>>,
    /// Label names, replacing the current ones (`[]` clears them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<Vec<String>>,
    /// Logins, replacing the current assignees (`[]` clears them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignees: Option<Vec<String>>,
}

/// Input of `issues.comment`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentOnIssue {
    /// The account owner of the repository.
    pub owner: String,
    /// The repository's name.
    pub repo: String,
    /// The issue's (or pull request's) number.
    pub issue_number: u64,
    /// The comment (Markdown).
    pub body: String,
}

/// The issues API.
#[derive(Debug, Clone, Copy)]
pub struct IssuesApi<'a> {
    pub(crate) client: &'a GithubClient,
}

impl IssuesApi<'_> {
    /// The request for the first page of `issues.list`.
    pub fn list_request(&self, input: &ListIssues) -> Result<ApiRequest> {
        check_per_page(&ISSUES_LIST, input.per_page)?;
        Ok(self
            .client
            .request(&ISSUES_LIST, Method::GET)?
            .segments(["repos", &input.owner, &input.repo, "issues"])
            .query_opt("milestone", input.milestone.as_deref())
            .query_opt("state", input.state.as_ref().map(param))
            .query_opt("assignee", input.assignee.as_deref())
            .query_opt("creator", input.creator.as_deref())
            .query_opt("mentioned", input.mentioned.as_deref())
            .query_opt("labels", input.labels.as_deref())
            .query_opt("sort", input.sort.as_ref().map(param))
            .query_opt("direction", input.direction.as_ref().map(param))
            .query_opt("since", input.since.as_deref())
            .query_opt("per_page", input.per_page)
            .query_opt("page", input.page))
    }

    /// `GET /repos/{owner}/{repo}/issues`: one page.
    pub async fn list(&self, input: &ListIssues) -> Result<Vec<Issue>> {
        self.client.runtime().json(self.list_request(input)?).await
    }

    /// Every issue across every page, in order.
    pub fn list_all(&self, input: &ListIssues) -> BoxStream<'static, Result<Issue>> {
        all_typed(self.client, self.list_request(input), ISSUES_PAGES)
    }

    /// Every issue across every page as GitHub's JSON.
    pub fn list_all_raw(&self, input: &ListIssues) -> BoxStream<'static, Result<Value>> {
        all_raw(self.client, self.list_request(input), ISSUES_PAGES)
    }

    /// `GET /repos/{owner}/{repo}/issues/{issue_number}`.
    pub async fn get(&self, input: &GetIssue) -> Result<Issue> {
        let number = input.issue_number.to_string();
        let request = self.client.request(&ISSUES_GET, Method::GET)?.segments([
            "repos",
            &input.owner,
            &input.repo,
            "issues",
            &number,
        ]);
        self.client.runtime().json(request).await
    }

    /// `POST /repos/{owner}/{repo}/issues`.
    pub async fn create(&self, input: &CreateIssue) -> Result<Issue> {
        #[derive(Serialize)]
        struct Body<'a> {
            title: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            body: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            assignees: Option<&'a [String]>,
            #[serde(skip_serializing_if = "Option::is_none")]
            milestone: Option<u64>,
            #[serde(skip_serializing_if = "Option::is_none")]
            labels: Option<&'a [String]>,
        }
        let request = self
            .client
            .request(&ISSUES_CREATE, Method::POST)?
            .segments(["repos", &input.owner, &input.repo, "issues"])
            .json(&Body {
                title: &input.title,
                body: input.body.as_deref(),
                assignees: input.assignees.as_deref(),
                milestone: input.milestone,
                labels: input.labels.as_deref(),
            })?;
        self.client.runtime().json(request).await
    }

    /// `PATCH /repos/{owner}/{repo}/issues/{issue_number}`.
    pub async fn update(&self, input: &UpdateIssue) -> Result<Issue> {
        let number = input.issue_number.to_string();
        let request = self
            .client
            .request(&ISSUES_UPDATE, Method::PATCH)?
            .segments(["repos", &input.owner, &input.repo, "issues", &number])
            .json(&body_of(input, &["owner", "repo", "issue_number"])?)?;
        self.client.runtime().json(request).await
    }

    /// `POST /repos/{owner}/{repo}/issues/{issue_number}/comments`.
    pub async fn comment(&self, input: &CommentOnIssue) -> Result<IssueComment> {
        let number = input.issue_number.to_string();
        let request = self
            .client
            .request(&ISSUES_COMMENT, Method::POST)?
            .segments([
                "repos",
                &input.owner,
                &input.repo,
                "issues",
                &number,
                "comments",
            ])
            .json(&serde_json::json!({ "body": input.body }))?;
        self.client.runtime().json(request).await
    }
}
