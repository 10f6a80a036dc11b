//! The facts a sprint report is computed from, gathered from Jira and GitHub by [`crate::fetch`]
//! (or built by hand in tests and embedding applications): platform-neutral, already parsed.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// Everything the report needs, as fetched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SprintData {
    /// The Jira board.
    pub board: BoardInfo,
    /// The sprint.
    pub sprint: SprintInfo,
    /// The Jira site's base URL (`https://acme.atlassian.net`), for `/browse/KEY` links.
    pub jira_base_url: Option<String>,
    /// The issues that were in the sprint at any time during its window.
    pub issues: Vec<IssueRecord>,
    /// The GitHub repositories asked for (`owner/name`).
    pub repositories: Vec<String>,
    /// Whether GitHub data is present; `false` when GitHub could not be reached (the report then
    /// renders from Jira alone, with [`SprintData::warnings`] saying why).
    pub github_available: bool,
    /// Pull requests open at some point in the sprint window, with their reviews.
    pub pulls: Vec<PullRecord>,
    /// Commits authored in the sprint window.
    pub commits: Vec<CommitRecord>,
    /// Things the reader must know (GitHub unavailable, a repository not found, a changelog
    /// truncated...).
    pub warnings: Vec<String>,
    /// When the data was fetched; the end of the burndown for an active sprint.
    #[serde(with = "time::serde::rfc3339")]
    pub generated_at: OffsetDateTime,
}

/// A Jira board.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoardInfo {
    /// The board id.
    pub id: u64,
    /// The board name, when known.
    pub name: Option<String>,
}

/// A sprint's identity and window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SprintInfo {
    /// The sprint id.
    pub id: u64,
    /// The sprint name.
    pub name: String,
    /// `active`, `closed` or `future`.
    pub state: String,
    /// The sprint goal, when set.
    pub goal: Option<String>,
    /// When the sprint started.
    #[serde(with = "time::serde::rfc3339")]
    pub start: OffsetDateTime,
    /// When the sprint is (or was) planned to end.
    #[serde(with = "time::serde::rfc3339")]
    pub end: OffsetDateTime,
    /// When the sprint was completed (closed sprints only).
    #[serde(with = "time::serde::rfc3339::option")]
    pub completed: Option<OffsetDateTime>,
}

/// Jira's status categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusCategory {
    /// `new` in Jira: not started.
    ToDo,
    /// `indeterminate` in Jira: in progress.
    InProgress,
    /// `done` in Jira.
    Done,
}

/// One Jira issue and the history the report needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IssueRecord {
    /// The key (`PROJ-123`).
    pub key: String,
    /// The summary.
    pub summary: String,
    /// The issue type (`Story`, `Bug`...).
    pub issue_type: Option<String>,
    /// The current status name.
    pub status: String,
    /// The current status category.
    pub status_category: StatusCategory,
    /// The assignee's display name.
    pub assignee: Option<String>,
    /// Story points, when estimated.
    pub points: Option<f64>,
    /// When the issue was created.
    #[serde(with = "time::serde::rfc3339")]
    pub created: OffsetDateTime,
    /// When this sprint was added to the issue's Sprint field, if that happened after the
    /// sprint started (scope added); `None` when it was in the sprint from the start.
    #[serde(with = "time::serde::rfc3339::option")]
    pub added_to_sprint: Option<OffsetDateTime>,
    /// When this sprint was removed from the issue's Sprint field during the sprint window
    /// (scope removed); `None` when it stayed.
    #[serde(with = "time::serde::rfc3339::option")]
    pub removed_from_sprint: Option<OffsetDateTime>,
    /// The first transition out of the status the issue was created in (work started).
    #[serde(with = "time::serde::rfc3339::option")]
    pub started: Option<OffsetDateTime>,
    /// When the issue reached a done status it is still in (resolution date, else the last
    /// transition into its current done status); `None` when it is not done.
    #[serde(with = "time::serde::rfc3339::option")]
    pub done: Option<OffsetDateTime>,
    /// Status transitions, oldest first.
    pub transitions: Vec<Transition>,
}

/// One status change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Transition {
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// The status left.
    pub from: Option<String>,
    /// The status entered.
    pub to: String,
}

/// One GitHub pull request with its reviews.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PullRecord {
    /// `owner/name`.
    pub repo: String,
    /// The PR number.
    pub number: u64,
    /// The title.
    pub title: String,
    /// The description.
    pub body: Option<String>,
    /// The head branch name.
    pub branch: String,
    /// The author's login.
    pub author: Option<String>,
    /// The PR's page.
    pub url: String,
    /// `open` or `closed`.
    pub state: String,
    /// Whether it is a draft.
    pub draft: bool,
    /// When it was opened.
    #[serde(with = "time::serde::rfc3339")]
    pub created: OffsetDateTime,
    /// When it was merged.
    #[serde(with = "time::serde::rfc3339::option")]
    pub merged: Option<OffsetDateTime>,
    /// When it was closed (merged or not).
    #[serde(with = "time::serde::rfc3339::option")]
    pub closed: Option<OffsetDateTime>,
    /// Its submitted reviews, oldest first (pending reviews are left out).
    pub reviews: Vec<ReviewRecord>,
}

/// One submitted review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewRecord {
    /// The reviewer's login.
    pub author: Option<String>,
    /// `APPROVED`, `CHANGES_REQUESTED`, `COMMENTED` or `DISMISSED`.
    pub state: String,
    /// When it was submitted.
    #[serde(with = "time::serde::rfc3339")]
    pub submitted: OffsetDateTime,
}

/// One commit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommitRecord {
    /// `owner/name`.
    pub repo: String,
    /// The full SHA.
    pub sha: String,
    /// The whole message.
    pub message: String,
    /// The author's login, else the git author name.
    pub author: Option<String>,
    /// When it was authored.
    #[serde(with = "time::serde::rfc3339")]
    pub authored: OffsetDateTime,
    /// The commit's page.
    pub url: String,
}
