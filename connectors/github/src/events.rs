//! Typed webhook events: [`GithubEvent`], parsed from a verified delivery's `X-GitHub-Event`
//! type and raw body. Event types without a typed arm parse into [`GithubEvent::Unknown`], so a
//! new GitHub event never fails. Bodies may be JSON or, for hooks configured with
//! `application/x-www-form-urlencoded`, a `payload=` form field holding the JSON.

use std::borrow::Cow;

use plugboard_core::WebhookEvent;
use schemars::JsonSchema;
use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::models::{
    GitActor, Issue, IssueComment, Label, PullRequest, Repository, Review, User, WorkflowRun,
};

/// A GitHub webhook event.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum GithubEvent {
    /// `issues`: opened, edited, closed, reopened, labeled, assigned...
    Issues(Box<IssuesEvent>),
    /// `issue_comment`: a comment on an issue or pull request was created, edited or deleted.
    IssueComment(Box<IssueCommentEvent>),
    /// `pull_request`: opened, synchronize, closed (merged or not), reopened, labeled...
    PullRequest(Box<PullRequestEvent>),
    /// `pull_request_review`: submitted, edited, dismissed.
    PullRequestReview(Box<PullRequestReviewEvent>),
    /// `push`: commits pushed to a branch, or a tag or branch created or deleted.
    Push(Box<PushEvent>),
    /// `workflow_run`: a GitHub Actions run was requested, is in progress, or completed.
    WorkflowRun(Box<WorkflowRunEvent>),
    /// `ping`: sent once when a webhook is created.
    Ping(Box<PingEvent>),
    /// Any other event type, kept as GitHub's JSON.
    Unknown {
        /// The `X-GitHub-Event` value.
        event: String,
        /// The payload.
        raw: Value,
    },
}

impl GithubEvent {
    /// The `X-GitHub-Event` value this event arrived as.
    pub fn event_type(&self) -> &str {
        match self {
            Self::Issues(_) => "issues",
            Self::IssueComment(_) => "issue_comment",
            Self::PullRequest(_) => "pull_request",
            Self::PullRequestReview(_) => "pull_request_review",
            Self::Push(_) => "push",
            Self::WorkflowRun(_) => "workflow_run",
            Self::Ping(_) => "ping",
            Self::Unknown { event, .. } => event,
        }
    }

    /// The payload's `action` (`opened`, `completed`...), for event types that have one.
    pub fn action(&self) -> Option<&str> {
        match self {
            Self::Issues(e) => Some(&e.action),
            Self::IssueComment(e) => Some(&e.action),
            Self::PullRequest(e) => Some(&e.action),
            Self::PullRequestReview(e) => Some(&e.action),
            Self::WorkflowRun(e) => Some(&e.action),
            Self::Push(_) | Self::Ping(_) => None,
            Self::Unknown { raw, .. } => raw.get("action").and_then(Value::as_str),
        }
    }

    /// The repository the event happened in, when it has one.
    pub fn repository(&self) -> Option<&Repository> {
        match self {
            Self::Issues(e) => Some(&e.repository),
            Self::IssueComment(e) => Some(&e.repository),
            Self::PullRequest(e) => Some(&e.repository),
            Self::PullRequestReview(e) => Some(&e.repository),
            Self::Push(e) => Some(&e.repository),
            Self::WorkflowRun(e) => Some(&e.repository),
            Self::Ping(e) => e.repository.as_ref(),
            Self::Unknown { .. } => None,
        }
    }
}

impl WebhookEvent for GithubEvent {
    const CONNECTOR: &'static str = "github";

    fn parse(event_type: &str, body: &[u8]) -> Result<Self, serde_json::Error> {
        let json = payload_json(body)?;
        Ok(match event_type {
            "issues" => Self::Issues(typed(&json)?),
            "issue_comment" => Self::IssueComment(typed(&json)?),
            "pull_request" => Self::PullRequest(typed(&json)?),
            "pull_request_review" => Self::PullRequestReview(typed(&json)?),
            "push" => Self::Push(typed(&json)?),
            "workflow_run" => Self::WorkflowRun(typed(&json)?),
            "ping" => Self::Ping(typed(&json)?),
            other => Self::Unknown {
                event: other.to_string(),
                raw: serde_json::from_slice(&json)?,
            },
        })
    }
}

fn typed<T: DeserializeOwned>(json: &[u8]) -> Result<Box<T>, serde_json::Error> {
    serde_json::from_slice(json).map(Box::new)
}

/// The JSON of a delivery: the body itself, or the `payload` field of a form-encoded body.
fn payload_json(body: &[u8]) -> Result<Cow<'_, [u8]>, serde_json::Error> {
    let start = body.iter().position(|b| !b.is_ascii_whitespace());
    if matches!(start.map(|i| body[i]), Some(b'{' | b'[')) {
        return Ok(Cow::Borrowed(body));
    }
    url::form_urlencoded::parse(body)
        .find(|(name, _)| name == "payload")
        .map(|(_, value)| Cow::Owned(value.into_owned().into_bytes()))
        .ok_or_else(|| {
            serde_json::Error::custom("the body is neither JSON nor a form with a `payload` field")
        })
}

/// `issues`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct IssuesEvent {
    /// `opened`, `edited`, `closed`, `reopened`, `labeled`, `assigned`...
    pub action: String,
    /// The issue.
    pub issue: Issue,
    /// What changed (`edited`: previous title or body).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changes: Option<Value>,
    /// The label added or removed (`labeled`, `unlabeled`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<Label>,
    /// The user assigned or unassigned (`assigned`, `unassigned`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<User>,
    /// The repository.
    pub repository: Repository,
    /// Who triggered the event.
    pub sender: User,
    /// Every other field GitHub sent (`organization`, `installation`...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `issue_comment`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct IssueCommentEvent {
    /// `created`, `edited` or `deleted`.
    pub action: String,
    /// The issue (or pull request: it then carries `pull_request`).
    pub issue: Issue,
    /// The comment.
    pub comment: IssueComment,
    /// What changed (`edited`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changes: Option<Value>,
    /// The repository.
    pub repository: Repository,
    /// Who triggered the event.
    pub sender: User,
    /// Every other field GitHub sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `pull_request`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PullRequestEvent {
    /// `opened`, `synchronize`, `closed`, `reopened`, `edited`, `labeled`,
    /// `review_requested`, `ready_for_review`...
    pub action: String,
    /// The pull request's number.
    pub number: u64,
    /// The pull request (`closed` with `merged: true` means merged).
    pub pull_request: PullRequest,
    /// The head before a `synchronize`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    /// The head after a `synchronize`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// The label added or removed (`labeled`, `unlabeled`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<Label>,
    /// The repository.
    pub repository: Repository,
    /// Who triggered the event.
    pub sender: User,
    /// Every other field GitHub sent (`changes`, `requested_reviewer`...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl PullRequestEvent {
    /// Whether this is the event of the pull request being merged.
    pub fn is_merge(&self) -> bool {
        self.action == "closed" && self.pull_request.merged == Some(true)
    }
}

/// `pull_request_review`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PullRequestReviewEvent {
    /// `submitted`, `edited` or `dismissed`.
    pub action: String,
    /// The review (its `state` is lowercase here: `approved`, `changes_requested`...).
    pub review: Review,
    /// The pull request reviewed.
    pub pull_request: PullRequest,
    /// The repository.
    pub repository: Repository,
    /// Who triggered the event.
    pub sender: User,
    /// Every other field GitHub sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A commit as a push event lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PushCommit {
    /// The sha.
    pub id: String,
    /// The message.
    pub message: String,
    /// When it was authored (ISO 8601).
    #[serde(default)]
    pub timestamp: Option<String>,
    /// Whether it is new to the repository.
    #[serde(default)]
    pub distinct: bool,
    /// The git author.
    pub author: GitActor,
    /// The git committer.
    pub committer: GitActor,
    /// Paths added.
    #[serde(default)]
    pub added: Vec<String>,
    /// Paths removed.
    #[serde(default)]
    pub removed: Vec<String>,
    /// Paths modified.
    #[serde(default)]
    pub modified: Vec<String>,
    /// Every other field GitHub sent (`tree_id`, `url`).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `push`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PushEvent {
    /// The full ref pushed: `refs/heads/main`, `refs/tags/v1.0`.
    #[serde(rename = "ref")]
    pub git_ref: String,
    /// The sha before the push (zeros when the ref was created).
    pub before: String,
    /// The sha after the push (zeros when the ref was deleted).
    pub after: String,
    /// Whether the push created the ref.
    #[serde(default)]
    pub created: bool,
    /// Whether the push deleted the ref.
    #[serde(default)]
    pub deleted: bool,
    /// Whether it was a force push.
    #[serde(default)]
    pub forced: bool,
    /// The commits pushed (at most 2 048).
    #[serde(default)]
    pub commits: Vec<PushCommit>,
    /// The new head commit (`null` for deletions).
    #[serde(default)]
    pub head_commit: Option<PushCommit>,
    /// Who pushed: git name and email.
    pub pusher: GitActor,
    /// The repository.
    pub repository: Repository,
    /// Who triggered the event.
    pub sender: User,
    /// Every other field GitHub sent (`compare`, `base_ref`...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl PushEvent {
    /// The branch name when a branch was pushed (`main` for `refs/heads/main`).
    pub fn branch(&self) -> Option<&str> {
        self.git_ref.strip_prefix("refs/heads/")
    }

    /// The tag name when a tag was pushed.
    pub fn tag(&self) -> Option<&str> {
        self.git_ref.strip_prefix("refs/tags/")
    }
}

/// The workflow of a `workflow_run` event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Workflow {
    /// The numeric id.
    pub id: u64,
    /// The name.
    pub name: String,
    /// The file, e.g. `.github/workflows/ci.yml`.
    pub path: String,
    /// `active`, `disabled_manually`...
    #[serde(default)]
    pub state: Option<String>,
    /// Every other field GitHub sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `workflow_run`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct WorkflowRunEvent {
    /// `requested`, `in_progress` or `completed`.
    pub action: String,
    /// The run (`conclusion` is set once `completed`).
    pub workflow_run: WorkflowRun,
    /// The workflow.
    #[serde(default)]
    pub workflow: Option<Workflow>,
    /// The repository.
    pub repository: Repository,
    /// Who triggered the event.
    pub sender: User,
    /// Every other field GitHub sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `ping`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PingEvent {
    /// A random line of GitHub zen.
    pub zen: String,
    /// The webhook's id.
    pub hook_id: u64,
    /// The webhook's configuration (`events`, `config.content_type`...).
    #[serde(default)]
    pub hook: Option<Value>,
    /// The repository, for repository webhooks.
    #[serde(default)]
    pub repository: Option<Repository>,
    /// Who created the webhook.
    #[serde(default)]
    pub sender: Option<User>,
    /// Every other field GitHub sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
