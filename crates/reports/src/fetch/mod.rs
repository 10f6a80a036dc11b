//! Gathers [`SprintData`] from Jira and GitHub through the connectors' typed clients, so every
//! request goes through the runtime (rate limits, retries, breaker, cache, pagination).
//!
//! Jira is required: when it cannot be read the fetch fails with [`FetchError::Jira`]. GitHub is
//! optional: when it cannot be read the data says so ([`SprintData::github_available`] `false`
//! and a warning), and the report renders from Jira alone.

mod github;
mod jira;

use std::fmt;
use std::str::FromStr;
use std::time::SystemTime;

use plugboard_github::GithubClient;
use plugboard_jira::JiraClient;
use time::OffsetDateTime;

use crate::data::SprintData;

/// Which sprint of the board.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SprintSelector {
    /// A sprint by id.
    Id(u64),
    /// The board's one active sprint.
    Active,
}

impl FromStr for SprintSelector {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if text.eq_ignore_ascii_case("active") {
            return Ok(Self::Active);
        }
        text.parse()
            .map(Self::Id)
            .map_err(|_| format!("a sprint is a numeric id or \"active\", not {text:?}"))
    }
}

impl fmt::Display for SprintSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Id(id) => write!(f, "{id}"),
            Self::Active => f.write_str("active"),
        }
    }
}

/// A GitHub repository, `owner/name`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RepoRef {
    /// The account that owns it.
    pub owner: String,
    /// Its name.
    pub name: String,
}

impl FromStr for RepoRef {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let valid = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        };
        match text.split_once('/') {
            Some((owner, name)) if valid(owner) && valid(name) => Ok(Self {
                owner: owner.to_string(),
                name: name.to_string(),
            }),
            _ => Err(format!("a repository is owner/name, not {text:?}")),
        }
    }
}

impl fmt::Display for RepoRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.owner, self.name)
    }
}

/// What to fetch.
#[derive(Debug, Clone, PartialEq)]
pub struct SprintQuery {
    /// The Jira board.
    pub board_id: u64,
    /// The sprint.
    pub sprint: SprintSelector,
    /// The GitHub repositories to correlate.
    pub repositories: Vec<RepoRef>,
    /// The field holding story points (differs per site; see `GET /rest/api/3/field`).
    pub points_field: String,
    /// The field holding the sprints (differs per site).
    pub sprint_field: String,
    /// Also search the board's projects for issues taken out of the sprint while it ran (one
    /// more JQL search over issues updated in the window).
    pub find_removed: bool,
    /// The Jira site's address for `/browse/KEY` links; by default the API base when it is a
    /// site (Basic auth), none through the OAuth gateway.
    pub jira_site_url: Option<String>,
    /// Pull requests whose reviews are fetched at once.
    pub review_concurrency: usize,
}

impl SprintQuery {
    /// A query with the usual field ids (`customfield_10016` story points,
    /// `customfield_10020` sprints) and removed-issue search on.
    pub fn new(board_id: u64, sprint: SprintSelector, repositories: Vec<RepoRef>) -> Self {
        Self {
            board_id,
            sprint,
            repositories,
            points_field: DEFAULT_POINTS_FIELD.to_string(),
            sprint_field: DEFAULT_SPRINT_FIELD.to_string(),
            find_removed: true,
            jira_site_url: None,
            review_concurrency: 16,
        }
    }
}

/// The story points field on most Jira Cloud sites ("Story point estimate").
pub const DEFAULT_POINTS_FIELD: &str = "customfield_10016";
/// The sprint field on most Jira Cloud sites.
pub const DEFAULT_SPRINT_FIELD: &str = "customfield_10020";

/// Why the data could not be gathered.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// Jira could not be read; a sprint report needs it.
    #[error("Jira is unavailable, so the sprint report cannot be made: {0}")]
    Jira(#[source] plugboard_core::Error),
    /// The sprint asked for does not fit the board.
    #[error("{0}")]
    Sprint(String),
}

/// Gathers everything a report needs. Jira's issues and GitHub's pull requests, reviews and
/// commits are fetched at the same time once the sprint's window is known.
pub async fn fetch_sprint(
    jira: &JiraClient,
    github: Option<&GithubClient>,
    query: &SprintQuery,
    now: OffsetDateTime,
) -> Result<SprintData, FetchError> {
    let (sprint, board) = tokio::join!(
        jira::resolve_sprint(jira, query),
        jira::board(jira, query.board_id)
    );
    let sprint = sprint?;
    let (board_name, board_warning) = board;
    let info = jira::sprint_info(&sprint, now)?;
    let window_end = info.completed.unwrap_or(info.end).min(now);
    // Without repositories there is no GitHub data to ask for.
    let github = github.filter(|_| !query.repositories.is_empty());
    let github_part = async {
        match github {
            Some(client) => Some(github::fetch(client, query, info.start, window_end).await),
            None => None,
        }
    };
    let (issues, github_part) = tokio::join!(
        jira::fetch_issues(jira, query, &info, window_end),
        github_part
    );
    let (issues, mut warnings) = issues?;
    warnings.extend(board_warning);
    let jira_base_url = match &query.jira_site_url {
        Some(url) => Some(url.trim_end_matches('/').to_string()),
        None => jira::site_url(jira).await,
    };
    let repositories = query.repositories.iter().map(ToString::to_string).collect();
    let (github_available, pulls, commits) = match github_part {
        None if query.repositories.is_empty() => (false, Vec::new(), Vec::new()),
        None => {
            warnings.push(
                "GitHub is not configured (no token): the report shows Jira data only".into(),
            );
            (false, Vec::new(), Vec::new())
        }
        Some(Ok(found)) => {
            warnings.extend(found.warnings);
            (true, found.pulls, found.commits)
        }
        Some(Err(error)) => {
            warnings.push(format!(
                "GitHub is unavailable ({error}): the report shows Jira data only"
            ));
            (false, Vec::new(), Vec::new())
        }
    };
    Ok(SprintData {
        board: crate::data::BoardInfo {
            id: query.board_id,
            name: board_name,
        },
        sprint: info,
        jira_base_url,
        issues,
        repositories,
        github_available,
        pulls,
        commits,
        warnings,
        generated_at: now,
    })
}

/// A platform time as an [`OffsetDateTime`] in UTC.
fn utc(at: SystemTime) -> OffsetDateTime {
    OffsetDateTime::from(at)
}
