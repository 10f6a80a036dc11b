//! GitHub's resources as typed models. Each keeps every field GitHub sent (`extra`), so the
//! dynamic table returns the platform's JSON unchanged.

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
    pub resources: std::collections::BTreeMap<String, RateBucket>,
    /// The `core` bucket (deprecated by GitHub in favour of `resources.core`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<RateBucket>,
}
