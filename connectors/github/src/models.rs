//! GitHub's resources as typed models. Each keeps every field GitHub sent (`extra`), so the
//! dynamic table returns the platform's JSON unchanged. Fields GitHub omits in some shapes
//! (list items, webhook payloads) are optional.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A user or organisation, as embedded in other resources.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct User {
    /// The login.
    pub login: String,
    /// The numeric id.
    pub id: u64,
    /// `User`, `Organization` or `Bot`.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// Every other field GitHub sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A repository.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Repository {
    /// The numeric id.
    pub id: u64,
    /// `name`.
    pub name: String,
    /// `owner/name`.
    pub full_name: String,
    /// Whether it is private.
    #[serde(default)]
    pub private: bool,
    /// The owner.
    pub owner: User,
    /// The default branch.
    #[serde(default)]
    pub default_branch: Option<String>,
    /// The web URL.
    pub html_url: String,
    /// Every other field GitHub sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Label {
    /// The label's name.
    pub name: String,
    /// The numeric id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
    /// The colour, six hex digits without `#`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    /// The description.
    #[serde(default)]
    pub description: Option<String>,
    /// Every other field GitHub sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A milestone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Milestone {
    /// The numeric id.
    pub id: u64,
    /// The number within the repository (what issues refer to).
    pub number: u64,
    /// The title.
    pub title: String,
    /// `open` or `closed`.
    pub state: String,
    /// The description.
    #[serde(default)]
    pub description: Option<String>,
    /// The due date (ISO 8601).
    #[serde(default)]
    pub due_on: Option<String>,
    /// Open issues in it.
    #[serde(default)]
    pub open_issues: u64,
    /// Closed issues in it.
    #[serde(default)]
    pub closed_issues: u64,
    /// The web URL.
    pub html_url: String,
    /// Every other field GitHub sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An issue (GitHub also lists pull requests as issues; they carry `pull_request`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Issue {
    /// The numeric id.
    pub id: u64,
    /// The number within the repository.
    pub number: u64,
    /// The title.
    pub title: String,
    /// `open` or `closed`.
    pub state: String,
    /// The body (Markdown).
    #[serde(default)]
    pub body: Option<String>,
    /// The author.
    #[serde(default)]
    pub user: Option<User>,
    /// Labels.
    #[serde(default)]
    pub labels: Vec<Label>,
    /// Assignees.
    #[serde(default)]
    pub assignees: Vec<User>,
    /// Present when the issue is a pull request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pull_request: Option<Value>,
    /// The web URL.
    pub html_url: String,
    /// Every other field GitHub sent (`milestone`, `comments`, `created_at`...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A comment on an issue or pull request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct IssueComment {
    /// The numeric id.
    pub id: u64,
    /// The body (Markdown).
    #[serde(default)]
    pub body: Option<String>,
    /// The author.
    #[serde(default)]
    pub user: Option<User>,
    /// The web URL.
    pub html_url: String,
    /// Every other field GitHub sent (`created_at`, `issue_url`...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One end of a pull request: `head` (the changes) or `base` (where they go).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PullRequestRef {
    /// `owner:branch`.
    #[serde(default)]
    pub label: Option<String>,
    /// The branch name.
    #[serde(rename = "ref")]
    pub git_ref: String,
    /// The commit.
    pub sha: String,
    /// The repository's owner.
    #[serde(default)]
    pub user: Option<User>,
    /// The repository (`null` when a fork was deleted).
    #[serde(default)]
    pub repo: Option<Repository>,
    /// Every other field GitHub sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A pull request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PullRequest {
    /// The numeric id.
    pub id: u64,
    /// The number within the repository.
    pub number: u64,
    /// `open` or `closed`.
    pub state: String,
    /// The title.
    pub title: String,
    /// The body (Markdown).
    #[serde(default)]
    pub body: Option<String>,
    /// The author.
    #[serde(default)]
    pub user: Option<User>,
    /// The changes' branch.
    pub head: PullRequestRef,
    /// The target branch.
    pub base: PullRequestRef,
    /// Whether it is a draft.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draft: Option<bool>,
    /// Whether it was merged (single pull requests only, not list items).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged: Option<bool>,
    /// When it was opened (ISO 8601).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// When it last changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
    /// When it was closed, merged or not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<String>,
    /// When it was merged.
    #[serde(default)]
    pub merged_at: Option<String>,
    /// The merge (or test-merge) commit.
    #[serde(default)]
    pub merge_commit_sha: Option<String>,
    /// Labels.
    #[serde(default)]
    pub labels: Vec<Label>,
    /// The web URL.
    pub html_url: String,
    /// Every other field GitHub sent (`mergeable`, `requested_reviewers`...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The answer to a merge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MergeResult {
    /// The merge commit.
    pub sha: String,
    /// Whether it merged.
    pub merged: bool,
    /// GitHub's message.
    pub message: String,
    /// Every other field GitHub sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A pull request review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Review {
    /// The numeric id.
    pub id: u64,
    /// The reviewer.
    #[serde(default)]
    pub user: Option<User>,
    /// The body (Markdown).
    #[serde(default)]
    pub body: Option<String>,
    /// `APPROVED`, `CHANGES_REQUESTED`, `COMMENTED`, `DISMISSED` or `PENDING` (webhooks send
    /// it lowercase).
    pub state: String,
    /// The commit reviewed.
    #[serde(default)]
    pub commit_id: Option<String>,
    /// When it was submitted (absent while pending).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitted_at: Option<String>,
    /// The web URL.
    pub html_url: String,
    /// Every other field GitHub sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A branch as listed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Branch {
    /// The name.
    pub name: String,
    /// The tip commit.
    pub commit: ObjectRef,
    /// Whether branch protection is on.
    #[serde(default)]
    pub protected: bool,
    /// Every other field GitHub sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A reference to a git object or commit: its sha and API URL.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ObjectRef {
    /// The sha.
    pub sha: String,
    /// `commit`, `tag`... (git refs only).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Every other field GitHub sent (`url`...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A git reference (`refs/heads/main`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct GitRef {
    /// The full name, e.g. `refs/heads/feature-a`.
    #[serde(rename = "ref")]
    pub git_ref: String,
    /// The object it points at.
    pub object: ObjectRef,
    /// Every other field GitHub sent (`node_id`, `url`).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A git author or committer: name, email and (in commits) a date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct GitActor {
    /// The name.
    pub name: String,
    /// The email.
    #[serde(default)]
    pub email: Option<String>,
    /// Every other field GitHub sent (`date`, `username`).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The git data of a commit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CommitDetail {
    /// The message.
    pub message: String,
    /// The git author.
    #[serde(default)]
    pub author: Option<GitActor>,
    /// The git committer.
    #[serde(default)]
    pub committer: Option<GitActor>,
    /// Every other field GitHub sent (`tree`, `verification`...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A commit as listed by `GET /repos/{owner}/{repo}/commits`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Commit {
    /// The sha.
    pub sha: String,
    /// The git data.
    pub commit: CommitDetail,
    /// The GitHub account of the author (`null` when the email matches none).
    #[serde(default)]
    pub author: Option<User>,
    /// The GitHub account of the committer.
    #[serde(default)]
    pub committer: Option<User>,
    /// The parents.
    #[serde(default)]
    pub parents: Vec<ObjectRef>,
    /// The web URL.
    pub html_url: String,
    /// Every other field GitHub sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A GitHub Actions workflow run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct WorkflowRun {
    /// The numeric id (`run_id`).
    pub id: u64,
    /// The workflow's name.
    #[serde(default)]
    pub name: Option<String>,
    /// The branch.
    #[serde(default)]
    pub head_branch: Option<String>,
    /// The commit.
    pub head_sha: String,
    /// The run number.
    pub run_number: u64,
    /// The triggering event (`push`, `workflow_dispatch`...).
    pub event: String,
    /// `queued`, `in_progress`, `completed`...
    #[serde(default)]
    pub status: Option<String>,
    /// `success`, `failure`, `cancelled`... (`null` until completed).
    #[serde(default)]
    pub conclusion: Option<String>,
    /// The workflow's id.
    pub workflow_id: u64,
    /// The web URL.
    pub html_url: String,
    /// Every other field GitHub sent (`run_attempt`, `actor`, `created_at`...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One page of `GET /repos/{owner}/{repo}/actions/runs`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct WorkflowRuns {
    /// Runs matching the filters, across every page.
    pub total_count: u64,
    /// This page's runs.
    pub workflow_runs: Vec<WorkflowRun>,
}

/// The answer to a workflow dispatch: empty (HTTP 204) unless `return_run_details` was set.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct WorkflowDispatch {
    /// The run it started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workflow_run_id: Option<u64>,
    /// The run's API URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_url: Option<String>,
    /// The run's web URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html_url: Option<String>,
    /// Every other field GitHub sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One rate-limit bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RateBucket {
    /// Requests per window.
    pub limit: u64,
    /// Requests used.
    #[serde(default)]
    pub used: u64,
    /// Requests left.
    pub remaining: u64,
    /// When the window resets (Unix seconds).
    pub reset: u64,
}

/// `GET /rate_limit`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RateLimit {
    /// Buckets by resource (`core`, `search`, `graphql`...).
    pub resources: BTreeMap<String, RateBucket>,
    /// The `core` bucket (deprecated by GitHub in favour of `resources.core`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<RateBucket>,
}
