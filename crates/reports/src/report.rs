//! The sprint report's output model: what [`crate::build_report()`] computes and every renderer
//! reads. Its JSON form is the documented schema `docs/schemas/sprint-report.schema.json`
//! (generated from these types with [`json_schema()`]).
//!
//! Conventions used throughout:
//! - timestamps are RFC 3339 strings, in the offset the platform reported them in;
//! - durations are hours as numbers, rounded to two decimals;
//! - story points are numbers; an issue without an estimate counts as 0 points but still counts
//!   as an issue;
//! - percentiles are nearest-rank (see [`Distribution`]).

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The version of the JSON shape; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// The JSON Schema of [`SprintReport`] (the content of `docs/schemas/sprint-report.schema.json`).
pub fn json_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(SprintReport))
        .expect("a generated schema is plain JSON")
}

/// Lists every property of an object schema as required: the report always writes every
/// field, with `null` for an absent value, so consumers can rely on the keys being there.
fn all_required(schema: &mut Schema) {
    let keys: Vec<serde_json::Value> = schema
        .get("properties")
        .and_then(serde_json::Value::as_object)
        .map(|props| props.keys().cloned().map(serde_json::Value::from).collect())
        .unwrap_or_default();
    if !keys.is_empty() {
        schema.insert("required".to_owned(), serde_json::Value::Array(keys));
    }
}

/// A point in time, serialised as an RFC 3339 string (`2024-05-06T09:00:00Z`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub OffsetDateTime);

impl From<OffsetDateTime> for Timestamp {
    fn from(value: OffsetDateTime) -> Self {
        Self(value)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let text = self.0.format(&Rfc3339).map_err(serde::ser::Error::custom)?;
        serializer.serialize_str(&text)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = Cow::<'de, str>::deserialize(deserializer)?;
        OffsetDateTime::parse(&text, &Rfc3339)
            .map(Self)
            .map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for Timestamp {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "Timestamp".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "format": "date-time",
            "description": "An RFC 3339 timestamp."
        })
    }
}

/// A computed sprint report: identity, scope and delivery metrics of one Jira sprint, with the
/// GitHub pull requests and commits that reference its issues.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(title = "SprintReport", transform = all_required)]
pub struct SprintReport {
    /// The version of this JSON shape; always 1.
    #[schemars(extend("const" = 1))]
    pub schema_version: u32,
    /// When the underlying data was fetched.
    pub generated_at: Timestamp,
    /// The Jira board.
    pub board: BoardSummary,
    /// The sprint's identity and window.
    pub sprint: SprintSummary,
    /// The GitHub repositories searched (`owner/name`).
    pub repositories: Vec<String>,
    /// Whether GitHub data is present; when `false` every code-related field is empty or null and
    /// `warnings` says why.
    pub github_available: bool,
    /// Things the reader must know (GitHub unavailable, a repository not found...).
    pub warnings: Vec<String>,
    /// The headline numbers.
    pub summary: Summary,
    /// Remaining work at the end of each day of the sprint.
    pub burndown: Burndown,
    /// Time distributions: cycle time, PR lead time, review turnaround.
    pub metrics: Metrics,
    /// Every issue that was in the sprint at any time during its window, in the order Jira
    /// returned them.
    pub issues: Vec<IssueRow>,
    /// Every pull request fetched (open at some point during the window), in fetch order.
    pub pulls: Vec<PullRow>,
}

/// The Jira board.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = all_required)]
pub struct BoardSummary {
    /// The board id.
    pub id: u64,
    /// The board name, when known.
    pub name: Option<String>,
}

/// The sprint's identity and the window the metrics are computed over.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = all_required)]
pub struct SprintSummary {
    /// The sprint id.
    pub id: u64,
    /// The sprint name.
    pub name: String,
    /// `active`, `closed` or `future`, as Jira reports it.
    pub state: String,
    /// The sprint goal, when set.
    pub goal: Option<String>,
    /// When the sprint started: the beginning of the window.
    pub start: Timestamp,
    /// When the sprint is (or was) planned to end.
    pub end: Timestamp,
    /// When the sprint was completed (closed sprints only).
    pub completed: Option<Timestamp>,
    /// The end of the window the metrics are "as of": `completed` for a closed sprint (the
    /// planned end when Jira gave no completion date), otherwise the earlier of the planned end
    /// and `generated_at`.
    pub as_of: Timestamp,
    /// The Jira site's base URL, when known.
    pub jira_base_url: Option<String>,
}

/// A number of issues and the story points they carry.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = all_required)]
pub struct Count {
    /// How many issues.
    pub issues: u32,
    /// The sum of their story points (unestimated issues count 0).
    pub points: f64,
}

/// The headline numbers of a sprint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = all_required)]
pub struct Summary {
    /// Committed: issues in the sprint when it started (never added later), including those
    /// removed afterwards.
    pub committed: Count,
    /// Completed: issues done within the window (start to `as_of`) and not removed, whether
    /// committed or added.
    pub completed: Count,
    /// Scope added: issues put into the sprint after it started.
    pub added: Count,
    /// Scope removed: issues taken out of the sprint during its window.
    pub removed: Count,
    /// Scope at the end: issues in the sprint at `as_of` (committed or added, not removed).
    pub scope_at_end: Count,
    /// Carried over: issues in the sprint at its end, not removed and not done by `as_of`.
    pub carried_over: Count,
    /// Completed points as a percentage of `scope_at_end` points; null when that is 0.
    pub completion_points_percent: Option<f64>,
    /// Completed issues as a percentage of `scope_at_end` issues; null when that is 0.
    pub completion_issues_percent: Option<f64>,
    /// Issues without an estimate (they count 0 points).
    pub unestimated_issues: u32,
    /// Pull requests fetched.
    pub pulls: u32,
    /// Pull requests merged.
    pub pulls_merged: u32,
    /// Pull requests referencing no issue of this sprint.
    pub pulls_unlinked: u32,
    /// Commits fetched.
    pub commits: u32,
    /// Commits whose message references an issue of this sprint.
    pub commits_linked: u32,
    /// Issues (not removed) with neither a linked pull request nor a linked commit; null when
    /// GitHub data is unavailable.
    pub issues_without_code: Option<u32>,
}

/// Remaining work per day. Days are calendar days in the UTC offset of the sprint's start,
/// from the start date to the planned end date (to the completion date for a closed sprint).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = all_required)]
pub struct Burndown {
    /// Points remaining at the sprint's start (issues in the sprint then, not yet done).
    pub initial_points: f64,
    /// Issues remaining at the sprint's start.
    pub initial_issues: u32,
    /// One entry per day, in order.
    pub days: Vec<BurndownDay>,
}

/// The burndown values at the end of one day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = all_required)]
pub struct BurndownDay {
    /// The calendar day, `YYYY-MM-DD`.
    #[schemars(extend("format" = "date"))]
    pub date: String,
    /// Points of the issues in the sprint and not done at the end of the day (at `as_of` for
    /// the day containing it); null for days after `as_of`.
    pub remaining_points: Option<f64>,
    /// The number of those issues; null for days after `as_of`.
    pub remaining_issues: Option<u32>,
    /// The ideal line: `initial_points` falling linearly to 0 at the planned end, evaluated at
    /// the end of the day (never below 0), rounded to two decimals.
    pub ideal_points: f64,
    /// The ideal line for the issue count, the same way from `initial_issues`.
    pub ideal_issues: f64,
}

/// A distribution of durations, in hours.
///
/// Percentiles use the nearest-rank method over the sorted values: the p-th percentile is the
/// value at 1-based rank `ceil(p / 100 × count)`. The median is the 50th percentile computed the
/// same way, so for an even count it is the lower of the two middle values, and every reported
/// value is an observed one.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = all_required)]
pub struct Distribution {
    /// How many values.
    pub count: u32,
    /// The median (nearest-rank), null when there are no values.
    pub median_hours: Option<f64>,
    /// The 85th percentile (nearest-rank), null when there are no values.
    pub p85_hours: Option<f64>,
    /// The smallest value, null when there are no values.
    pub min_hours: Option<f64>,
    /// The largest value, null when there are no values.
    pub max_hours: Option<f64>,
}

/// One histogram bucket: values `v` with `min_hours <= v < max_hours`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = all_required)]
pub struct HistogramBucket {
    /// A short label (`1-2 d`).
    pub label: String,
    /// The inclusive lower bound.
    pub min_hours: f64,
    /// The exclusive upper bound; null for the last, open-ended bucket.
    pub max_hours: Option<f64>,
    /// How many values fall in it.
    pub count: u32,
}

/// The time metrics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = all_required)]
pub struct Metrics {
    /// Cycle time of the completed issues: `started` (first transition out of the initial
    /// status) to `done`. Completed issues never started, or done before started, are left out.
    pub cycle_time: Distribution,
    /// Cycle times bucketed for the histogram (`<1 d`, `1-2 d`, `2-3 d`, `3-5 d`, `5-8 d`,
    /// `8-13 d`, `>=13 d`).
    pub cycle_time_histogram: Vec<HistogramBucket>,
    /// PR lead time of the merged pull requests: created to merged.
    pub pr_lead_time: Distribution,
    /// Review turnaround: created to the first submitted review by someone other than the
    /// pull request's author, over the pull requests that have one.
    pub review_turnaround: Distribution,
}

/// One issue of the sprint with its scope flags, timings and linked code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = all_required)]
pub struct IssueRow {
    /// The key (`PROJ-123`).
    pub key: String,
    /// `<jira_base_url>/browse/<key>`, when the site is known.
    pub url: Option<String>,
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
    /// In the sprint when it started (see [`Summary::committed`]).
    pub committed: bool,
    /// Added after the sprint started.
    pub added: bool,
    /// Removed during the sprint.
    pub removed: bool,
    /// Done within the window and not removed.
    pub completed: bool,
    /// In the sprint at its end, not removed and not done.
    pub carried_over: bool,
    /// When it was added to the sprint (scope added only).
    pub added_at: Option<Timestamp>,
    /// When it was removed from the sprint.
    pub removed_at: Option<Timestamp>,
    /// When work started.
    pub started: Option<Timestamp>,
    /// When it was done.
    pub done: Option<Timestamp>,
    /// Cycle time in hours (`started` to `done`), for completed issues that started.
    pub cycle_time_hours: Option<f64>,
    /// Pull requests referencing this issue.
    pub pulls: Vec<PullRef>,
    /// Commits referencing this issue.
    pub commits: Vec<CommitRef>,
    /// Whether any pull request or commit references this issue; null when GitHub data is
    /// unavailable.
    pub has_code: Option<bool>,
}

/// Jira's status categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StatusCategory {
    /// Not started (`new` in Jira).
    ToDo,
    /// In progress (`indeterminate` in Jira).
    InProgress,
    /// Done.
    Done,
}

impl From<crate::data::StatusCategory> for StatusCategory {
    fn from(value: crate::data::StatusCategory) -> Self {
        match value {
            crate::data::StatusCategory::ToDo => Self::ToDo,
            crate::data::StatusCategory::InProgress => Self::InProgress,
            crate::data::StatusCategory::Done => Self::Done,
        }
    }
}

impl StatusCategory {
    /// The snake_case name (`in_progress`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ToDo => "to_do",
            Self::InProgress => "in_progress",
            Self::Done => "done",
        }
    }
}

/// A reference to a pull request from an issue row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = all_required)]
pub struct PullRef {
    /// `owner/name#number`.
    pub id: String,
    /// The pull request's page.
    pub url: String,
    /// The title.
    pub title: String,
    /// Its status.
    pub status: PullStatus,
}

/// A reference to a commit from an issue row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = all_required)]
pub struct CommitRef {
    /// `owner/name`.
    pub repo: String,
    /// The full SHA.
    pub sha: String,
    /// The commit's page.
    pub url: String,
}

/// Where a pull request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PullStatus {
    /// Open and ready for review.
    Open,
    /// Open as a draft.
    Draft,
    /// Merged.
    Merged,
    /// Closed without being merged.
    Closed,
}

impl PullStatus {
    /// The lowercase name (`merged`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Draft => "draft",
            Self::Merged => "merged",
            Self::Closed => "closed",
        }
    }
}

/// One pull request with its timings and the sprint issues it references.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = all_required)]
pub struct PullRow {
    /// `owner/name#number`.
    pub id: String,
    /// `owner/name`.
    pub repo: String,
    /// The number.
    pub number: u64,
    /// The title.
    pub title: String,
    /// The head branch.
    pub branch: String,
    /// The author's login.
    pub author: Option<String>,
    /// The pull request's page.
    pub url: String,
    /// Its status.
    pub status: PullStatus,
    /// When it was opened.
    pub created: Timestamp,
    /// When it was merged.
    pub merged: Option<Timestamp>,
    /// Created to merged, in hours.
    pub lead_time_hours: Option<f64>,
    /// When the first review by someone other than the author was submitted.
    pub first_review_at: Option<Timestamp>,
    /// That reviewer's login.
    pub first_reviewer: Option<String>,
    /// Created to that first review, in hours.
    pub review_turnaround_hours: Option<f64>,
    /// Keys of the sprint's issues found in the branch name, title or body, in order of first
    /// appearance (branch, then title, then body). Empty means the pull request is unlinked.
    pub issue_keys: Vec<String>,
}
