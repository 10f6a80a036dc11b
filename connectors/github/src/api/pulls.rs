//! Pull requests: `pulls.list` (Link-header pages), `pulls.get`, `pulls.create`,
//! `pulls.update`, `pulls.merge`, and reviews: `pulls.list_reviews`, `pulls.create_review`,
//! `pulls.submit_review`, `pulls.dismiss_review`.

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
use crate::models::{MergeResult, PullRequest, Review};

/// `pulls.list`, revalidated with its ETag on every call.
pub const PULLS_LIST: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("pulls.list"),
    summary: "List pull requests",
    docs_url: "https://docs.github.com/rest/pulls/pulls#list-pull-requests",
    idempotent: true,
    read_only: true,
    paginated: true,
    rate_class: RateClass("core"),
    cache_ttl: Some(Duration::ZERO),
    input_schema: schema_of::<ListPulls>,
    output_schema: schema_of::<PullRequest>,
};

/// `pulls.get`.
pub const PULLS_GET: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("pulls.get"),
    summary: "Get a pull request (with merged, mergeable and diff stats)",
    docs_url: "https://docs.github.com/rest/pulls/pulls#get-a-pull-request",
    idempotent: true,
    read_only: true,
    paginated: false,
    rate_class: RateClass("core"),
    cache_ttl: Some(Duration::ZERO),
    input_schema: schema_of::<GetPull>,
    output_schema: schema_of::<PullRequest>,
};

/// `pulls.create`.
pub const PULLS_CREATE: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("pulls.create"),
    summary: "Open a pull request",
    docs_url: "https://docs.github.com/rest/pulls/pulls#create-a-pull-request",
    idempotent: false,
    read_only: false,
    paginated: false,
    rate_class: RateClass("content"),
    cache_ttl: None,
    input_schema: schema_of::<CreatePull>,
    output_schema: schema_of::<PullRequest>,
};

/// `pulls.update`: a PATCH that sets fields.
pub const PULLS_UPDATE: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("pulls.update"),
    summary: "Update a pull request (title, body, state, base)",
    docs_url: "https://docs.github.com/rest/pulls/pulls#update-a-pull-request",
    idempotent: true,
    read_only: false,
    paginated: false,
    rate_class: RateClass("core"),
    cache_ttl: None,
    input_schema: schema_of::<UpdatePull>,
    output_schema: schema_of::<PullRequest>,
};

/// `pulls.merge`: never repeated automatically (a second attempt answers 405, and a merge is
/// worth a human look when its outcome is unknown).
pub const PULLS_MERGE: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("pulls.merge"),
    summary: "Merge a pull request",
    docs_url: "https://docs.github.com/rest/pulls/pulls#merge-a-pull-request",
    idempotent: false,
    read_only: false,
    paginated: false,
    rate_class: RateClass("core"),
    cache_ttl: None,
    input_schema: schema_of::<MergePull>,
    output_schema: schema_of::<MergeResult>,
};

/// `pulls.list_reviews`: the reviews of one pull request, oldest first (Link-header pages).
pub const PULLS_LIST_REVIEWS: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("pulls.list_reviews"),
    summary: "List the reviews of a pull request, oldest first",
    docs_url: "https://docs.github.com/rest/pulls/reviews#list-reviews-for-a-pull-request",
    idempotent: true,
    read_only: true,
    paginated: true,
    rate_class: RateClass("core"),
    cache_ttl: None,
    input_schema: schema_of::<ListReviews>,
    output_schema: schema_of::<Review>,
};

/// `pulls.create_review`.
pub const PULLS_CREATE_REVIEW: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("pulls.create_review"),
    summary: "Create a review (pending without `event`, else submitted at once)",
    docs_url: "https://docs.github.com/rest/pulls/reviews#create-a-review-for-a-pull-request",
    idempotent: false,
    read_only: false,
    paginated: false,
    rate_class: RateClass("content"),
    cache_ttl: None,
    input_schema: schema_of::<CreateReview>,
    output_schema: schema_of::<Review>,
};

/// `pulls.submit_review`.
pub const PULLS_SUBMIT_REVIEW: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("pulls.submit_review"),
    summary: "Submit a pending review",
    docs_url: "https://docs.github.com/rest/pulls/reviews#submit-a-review-for-a-pull-request",
    idempotent: false,
    read_only: false,
    paginated: false,
    rate_class: RateClass("core"),
    cache_ttl: None,
    input_schema: schema_of::<SubmitReview>,
    output_schema: schema_of::<Review>,
};

/// `pulls.dismiss_review`: a PUT, repeating it leaves the review dismissed.
pub const PULLS_DISMISS_REVIEW: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("pulls.dismiss_review"),
    summary: "Dismiss a review",
    docs_url: "https://docs.github.com/rest/pulls/reviews#dismiss-a-review-for-a-pull-request",
    idempotent: true,
    read_only: false,
    paginated: false,
    rate_class: RateClass("core"),
    cache_ttl: None,
    input_schema: schema_of::<DismissReview>,
    output_schema: schema_of::<Review>,
};

/// How GitHub pages pull request lists.
pub const PULLS_PAGES: PageSpec = LINK_PAGES;

/// Sort key of `pulls.list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum PullSort {
    /// Creation time (GitHub's default).
    Created,
    /// Last update.
    Updated,
    /// Comment count.
    Popularity,
    /// Age, filtering out pull requests updated in the last month.
    LongRunning,
}

/// Input of `pulls.list`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListPulls {
    /// The account owner of the repository.
    pub owner: String,
    /// The repository's name.
    pub repo: String,
    /// `open`, `closed` or `all`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<StateFilter>,
    /// Filter by head: `user:ref-name` or `organization:ref-name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head: Option<String>,
    /// Filter by base branch name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<String>,
    /// `created`, `updated`, `popularity` or `long-running`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort: Option<PullSort>,
    /// `asc` or `desc`.
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

/// Input of `pulls.get`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetPull {
    /// The account owner of the repository.
    pub owner: String,
    /// The repository's name.
    pub repo: String,
    /// The pull request's number.
    pub pull_number: u64,
}

/// Input of `pulls.create`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePull {
    /// The account owner of the repository.
    pub owner: String,
    /// The repository's name.
    pub repo: String,
    /// The title (required unless `issue` is given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The branch with the changes; `username:branch` for a fork.
    pub head: String,
    /// The repository of `head` when it is a fork in the same organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head_repo: Option<String>,
    /// The branch to merge into.
    pub base: String,
    /// The description (Markdown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Whether maintainers may push to `head`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maintainer_can_modify: Option<bool>,
    /// Open as a draft.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draft: Option<bool>,
    /// An issue number to turn into the pull request (instead of `title`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issue: Option<u64>,
}

/// Input of `pulls.update`: only the fields given are changed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePull {
    /// The account owner of the repository.
    pub owner: String,
    /// The repository's name.
    pub repo: String,
    /// The pull request's number.
    pub pull_number: u64,
    /// The new title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The new description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// `open` or `closed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<State>,
    /// A new base branch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<String>,
    /// Whether maintainers may push to the head branch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maintainer_can_modify: Option<bool>,
}

/// How `pulls.merge` merges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum MergeMethod {
    /// A merge commit (GitHub's default).
    Merge,
    /// One squashed commit.
    Squash,
    /// The commits rebased onto the base.
    Rebase,
}

/// Input of `pulls.merge`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MergePull {
    /// The account owner of the repository.
    pub owner: String,
    /// The repository's name.
    pub repo: String,
    /// The pull request's number.
    pub pull_number: u64,
    /// The merge commit's title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit_title: Option<String>,
    /// The merge commit's message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit_message: Option<String>,
    /// The head sha the merge must match (a 409 otherwise): guards against merging commits
    /// pushed after a review.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha: Option<String>,
    /// `merge`, `squash` or `rebase`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merge_method: Option<MergeMethod>,
}

/// A review's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ReviewEvent {
    /// Approve.
    Approve,
    /// Request changes.
    RequestChanges,
    /// Comment without a verdict.
    Comment,
}

/// A line comment in a new review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DraftReviewComment {
    /// The file's path.
    pub path: String,
    /// The comment (Markdown).
    pub body: String,
    /// The line in the diff's file (with `side`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// `LEFT` or `RIGHT`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub side: Option<String>,
    /// The first line of a multi-line comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_line: Option<u64>,
    /// The side of `start_line`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_side: Option<String>,
    /// The position in the diff (the older way to place a comment).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<u64>,
}

/// Input of `pulls.list_reviews`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListReviews {
    /// The account owner of the repository.
    pub owner: String,
    /// The repository's name.
    pub repo: String,
    /// The pull request's number.
    pub pull_number: u64,
    /// Results per page, 1 to 100 (GitHub's default 30).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 100))]
    pub per_page: Option<u32>,
    /// The page to start from (1-based).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub page: Option<u32>,
}

/// Input of `pulls.create_review`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateReview {
    /// The account owner of the repository.
    pub owner: String,
    /// The repository's name.
    pub repo: String,
    /// The pull request's number.
    pub pull_number: u64,
    /// The commit reviewed (defaults to the latest).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit_id: Option<String>,
    /// The review's text (required for `REQUEST_CHANGES` and `COMMENT`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// `APPROVE`, `REQUEST_CHANGES` or `COMMENT`; absent leaves the review `PENDING`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<ReviewEvent>,
    /// Line comments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comments: Option<Vec<DraftReviewComment>>,
}

/// Input of `pulls.submit_review`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitReview {
    /// The account owner of the repository.
    pub owner: String,
    /// The repository's name.
    pub repo: String,
    /// The pull request's number.
    pub pull_number: u64,
    /// The pending review's id.
    pub review_id: u64,
    /// The review's text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// `APPROVE`, `REQUEST_CHANGES` or `COMMENT`.
    pub event: ReviewEvent,
}

/// Input of `pulls.dismiss_review`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DismissReview {
    /// The account owner of the repository.
    pub owner: String,
    /// The repository's name.
    pub repo: String,
    /// The pull request's number.
    pub pull_number: u64,
    /// The review's id.
    pub review_id: u64,
    /// Why it is dismissed.
    pub message: String,
}

/// The pull requests API.
#[derive(Debug, Clone, Copy)]
pub struct PullsApi<'a> {
    pub(crate) client: &'a GithubClient,
}

impl PullsApi<'_> {
    fn pull(
        &self,
        op: &OperationDescriptor,
        method: Method,
        owner: &str,
        repo: &str,
        number: u64,
        rest: &[&str],
    ) -> Result<ApiRequest> {
        let number = number.to_string();
        Ok(self
            .client
            .request(op, method)?
            .segments(["repos", owner, repo, "pulls", &number])
            .segments(rest))
    }

    /// The request for the first page of `pulls.list`.
    pub fn list_request(&self, input: &ListPulls) -> Result<ApiRequest> {
        check_per_page(&PULLS_LIST, input.per_page)?;
        Ok(self
            .client
            .request(&PULLS_LIST, Method::GET)?
            .segments(["repos", &input.owner, &input.repo, "pulls"])
            .query_opt("state", input.state.as_ref().map(param))
            .query_opt("head", input.head.as_deref())
            .query_opt("base", input.base.as_deref())
            .query_opt("sort", input.sort.as_ref().map(param))
            .query_opt("direction", input.direction.as_ref().map(param))
            .query_opt("per_page", input.per_page)
            .query_opt("page", input.page))
    }

    /// `GET /repos/{owner}/{repo}/pulls`: one page.
    pub async fn list(&self, input: &ListPulls) -> Result<Vec<PullRequest>> {
        self.client.runtime().json(self.list_request(input)?).await
    }

    /// Every pull request across every page, in order.
    pub fn list_all(&self, input: &ListPulls) -> BoxStream<'static, Result<PullRequest>> {
        all_typed(self.client, self.list_request(input), PULLS_PAGES)
    }

    /// Every pull request across every page as GitHub's JSON.
    pub fn list_all_raw(&self, input: &ListPulls) -> BoxStream<'static, Result<Value>> {
        all_raw(self.client, self.list_request(input), PULLS_PAGES)
    }

    /// `GET /repos/{owner}/{repo}/pulls/{pull_number}`.
    pub async fn get(&self, input: &GetPull) -> Result<PullRequest> {
        let request = self.pull(
            &PULLS_GET,
            Method::GET,
            &input.owner,
            &input.repo,
            input.pull_number,
            &[],
        )?;
        self.client.runtime().json(request).await
    }

    /// `POST /repos/{owner}/{repo}/pulls`.
    pub async fn create(&self, input: &CreatePull) -> Result<PullRequest> {
        let body = body_of(input, &["owner", "repo"])?;
        let request = self
            .client
            .request(&PULLS_CREATE, Method::POST)?
            .segments(["repos", &input.owner, &input.repo, "pulls"])
            .json(&body)?;
        self.client.runtime().json(request).await
    }

    /// `PATCH /repos/{owner}/{repo}/pulls/{pull_number}`.
    pub async fn update(&self, input: &UpdatePull) -> Result<PullRequest> {
        let body = body_of(input, &["owner", "repo", "pull_number"])?;
        let request = self
            .pull(
                &PULLS_UPDATE,
                Method::PATCH,
                &input.owner,
                &input.repo,
                input.pull_number,
                &[],
            )?
            .json(&body)?;
        self.client.runtime().json(request).await
    }

    /// `PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge`.
    pub async fn merge(&self, input: &MergePull) -> Result<MergeResult> {
        let body = body_of(input, &["owner", "repo", "pull_number"])?;
        let request = self
            .pull(
                &PULLS_MERGE,
                Method::PUT,
                &input.owner,
                &input.repo,
                input.pull_number,
                &["merge"],
            )?
            .json(&body)?;
        self.client.runtime().json(request).await
    }

    /// The request for the first page of `pulls.list_reviews`.
    pub fn list_reviews_request(&self, input: &ListReviews) -> Result<ApiRequest> {
        check_per_page(&PULLS_LIST_REVIEWS, input.per_page)?;
        Ok(self
            .pull(
                &PULLS_LIST_REVIEWS,
                Method::GET,
                &input.owner,
                &input.repo,
                input.pull_number,
                &["reviews"],
            )?
            .query_opt("per_page", input.per_page)
            .query_opt("page", input.page))
    }

    /// `GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews`: one page.
    pub async fn list_reviews(&self, input: &ListReviews) -> Result<Vec<Review>> {
        self.client
            .runtime()
            .json(self.list_reviews_request(input)?)
            .await
    }

    /// Every review across every page, oldest first.
    pub fn list_reviews_all(&self, input: &ListReviews) -> BoxStream<'static, Result<Review>> {
        all_typed(self.client, self.list_reviews_request(input), PULLS_PAGES)
    }

    /// `POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews`.
    pub async fn create_review(&self, input: &CreateReview) -> Result<Review> {
        let body = body_of(input, &["owner", "repo", "pull_number"])?;
        let request = self
            .pull(
                &PULLS_CREATE_REVIEW,
                Method::POST,
                &input.owner,
                &input.repo,
                input.pull_number,
                &["reviews"],
            )?
            .json(&body)?;
        self.client.runtime().json(request).await
    }

    /// `POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews/{review_id}/events`.
    pub async fn submit_review(&self, input: &SubmitReview) -> Result<Review> {
        let review = input.review_id.to_string();
        let body = body_of(input, &["owner", "repo", "pull_number", "review_id"])?;
        let request = self
            .pull(
                &PULLS_SUBMIT_REVIEW,
                Method::POST,
                &input.owner,
                &input.repo,
                input.pull_number,
                &["reviews", &review, "events"],
            )?
            .json(&body)?;
        self.client.runtime().json(request).await
    }

    /// `PUT /repos/{owner}/{repo}/pulls/{pull_number}/reviews/{review_id}/dismissals`.
    pub async fn dismiss_review(&self, input: &DismissReview) -> Result<Review> {
        let review = input.review_id.to_string();
        let request = self
            .pull(
                &PULLS_DISMISS_REVIEW,
                Method::PUT,
                &input.owner,
                &input.repo,
                input.pull_number,
                &["reviews", &review, "dismissals"],
            )?
            .json(&serde_json::json!({ "message": input.message, "event": "DISMISS" }))?;
        self.client.runtime().json(request).await
    }
}
