//! Sprint delivery metrics, computed from [`SprintData`] alone.
//!
//! Definitions (all instants compared inclusively unless said otherwise):
//! - **window**: from the sprint's `start` to `as_of` ([`as_of`]): the completion date for a
//!   closed sprint (its planned end when Jira gave none), otherwise the earlier of the planned
//!   end and `generated_at`.
//! - **committed**: in the sprint when it started, i.e. `added_to_sprint` is `None` or at or
//!   before `start`; issues removed later still count as committed.
//! - **added** (scope added): `added_to_sprint` after `start`.
//! - **removed** (scope removed): `removed_from_sprint` is set.
//! - **completed**: `done` within the window (`start <= done <= as_of`) and not removed.
//! - **scope at end**: committed or added, and not removed.
//! - **carried over**: not removed and not done by `as_of` (`done` unset or after `as_of`).
//! - Story points `None` count as 0 points but the issue still counts as an issue.
//! - **cycle time**: `started` to `done`, over completed issues with a `started` at or before
//!   `done`.
//! - **PR lead time**: `created` to `merged`, over merged pull requests (merged at or after
//!   creation).
//! - **review turnaround**: `created` to the earliest submitted review whose author is not the
//!   pull request's author (a review without a known author counts as someone else's).
//! - Distributions use nearest-rank percentiles ([`nearest_rank`]); durations are hours rounded
//!   to two decimals.
//! - **burndown**: see [`burndown`].

use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, Time};

use crate::data::{IssueRecord, PullRecord, ReviewRecord, SprintData, SprintInfo};
use crate::report::{
    Burndown, BurndownDay, Count, Distribution, HistogramBucket, PullStatus, Summary,
};

/// The longest burndown drawn, in days (guards against nonsensical sprint dates).
pub const MAX_BURNDOWN_DAYS: usize = 366;

/// The end of the window the metrics are "as of" (see the module docs).
pub fn as_of(sprint: &SprintInfo, generated_at: OffsetDateTime) -> OffsetDateTime {
    match sprint.completed {
        Some(completed) => completed,
        None if sprint.state.eq_ignore_ascii_case("closed") => sprint.end,
        None => sprint.end.min(generated_at),
    }
}

/// Rounds to two decimals.
pub fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

/// The hours from `from` to `to`, rounded to two decimals; `None` when `to` is before `from`.
pub fn hours_between(from: OffsetDateTime, to: OffsetDateTime) -> Option<f64> {
    let span = to - from;
    if span.is_negative() {
        return None;
    }
    Some(round2(span.as_seconds_f64() / 3600.0))
}

/// How one issue relates to the sprint's scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct IssueFlags {
    /// In the sprint when it started.
    pub committed: bool,
    /// Added after the start.
    pub added: bool,
    /// Removed during the sprint.
    pub removed: bool,
    /// Done within the window and not removed.
    pub completed: bool,
    /// Not removed and not done by `as_of`.
    pub carried_over: bool,
}

impl IssueFlags {
    /// Classifies `issue` for a sprint that started at `start`, as of `as_of`.
    pub fn of(issue: &IssueRecord, start: OffsetDateTime, as_of: OffsetDateTime) -> Self {
        let committed = issue.added_to_sprint.is_none_or(|at| at <= start);
        let removed = issue.removed_from_sprint.is_some();
        let done_by_end = issue.done.is_some_and(|d| d <= as_of);
        let completed = !removed && issue.done.is_some_and(|d| d >= start && d <= as_of);
        Self {
            committed,
            added: !committed,
            removed,
            completed,
            carried_over: !removed && !done_by_end,
        }
    }

    /// Committed or added, and not removed.
    pub fn in_scope_at_end(self) -> bool {
        !self.removed
    }
}

fn points(issue: &IssueRecord) -> f64 {
    issue.points.unwrap_or(0.0)
}

fn add(count: &mut Count, issue: &IssueRecord) {
    count.issues += 1;
    count.points += points(issue);
}

fn percent(part: f64, whole: f64) -> Option<f64> {
    (whole > 0.0).then(|| round2(part / whole * 100.0))
}

/// The scope counts of a sprint (the issue half of [`Summary`]; the code half is zero).
pub fn scope_summary(issues: &[IssueRecord], flags: &[IssueFlags]) -> Summary {
    let mut summary = Summary {
        committed: Count::default(),
        completed: Count::default(),
        added: Count::default(),
        removed: Count::default(),
        scope_at_end: Count::default(),
        carried_over: Count::default(),
        completion_points_percent: None,
        completion_issues_percent: None,
        unestimated_issues: 0,
        pulls: 0,
        pulls_merged: 0,
        pulls_unlinked: 0,
        commits: 0,
        commits_linked: 0,
        issues_without_code: None,
    };
    for (issue, f) in issues.iter().zip(flags) {
        if f.committed {
            add(&mut summary.committed, issue);
        }
        if f.added {
            add(&mut summary.added, issue);
        }
        if f.removed {
            add(&mut summary.removed, issue);
        }
        if f.completed {
            add(&mut summary.completed, issue);
        }
        if f.in_scope_at_end() {
            add(&mut summary.scope_at_end, issue);
        }
        if f.carried_over {
            add(&mut summary.carried_over, issue);
        }
        if issue.points.is_none() {
            summary.unestimated_issues += 1;
        }
    }
    summary.completion_points_percent =
        percent(summary.completed.points, summary.scope_at_end.points);
    summary.completion_issues_percent = percent(
        f64::from(summary.completed.issues),
        f64::from(summary.scope_at_end.issues),
    );
    summary
}

/// The value at 1-based rank `ceil(p / 100 × n)` of `sorted` (ascending); `None` when empty.
/// `p` is a whole percentage in `1..=100`.
pub fn nearest_rank(sorted: &[f64], p: u32) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let n = sorted.len();
    // Integer arithmetic: ceil(p * n / 100) without floating-point surprises.
    let rank = (p as usize * n).div_ceil(100).clamp(1, n);
    Some(sorted[rank - 1])
}

/// Count, nearest-rank median and p85, minimum and maximum of `values` (hours).
pub fn distribution(values: &[f64]) -> Distribution {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    sorted.sort_by(f64::total_cmp);
    Distribution {
        count: u32::try_from(sorted.len()).unwrap_or(u32::MAX),
        median_hours: nearest_rank(&sorted, 50),
        p85_hours: nearest_rank(&sorted, 85),
        min_hours: sorted.first().copied(),
        max_hours: sorted.last().copied(),
    }
}

/// The cycle-time histogram's buckets: lower bound in days and label.
const CYCLE_BUCKETS: [(f64, &str); 7] = [
    (0.0, "<1 d"),
    (1.0, "1-2 d"),
    (2.0, "2-3 d"),
    (3.0, "3-5 d"),
    (5.0, "5-8 d"),
    (8.0, "8-13 d"),
    (13.0, ">=13 d"),
];

/// Buckets durations (hours) into the fixed cycle-time buckets (see
/// [`crate::report::Metrics::cycle_time_histogram`]); every bucket is present, even empty.
pub fn cycle_time_histogram(values: &[f64]) -> Vec<HistogramBucket> {
    let mut buckets: Vec<HistogramBucket> = CYCLE_BUCKETS
        .iter()
        .enumerate()
        .map(|(i, &(days, label))| HistogramBucket {
            label: label.to_owned(),
            min_hours: days * 24.0,
            max_hours: CYCLE_BUCKETS.get(i + 1).map(|&(next, _)| next * 24.0),
            count: 0,
        })
        .collect();
    for &v in values.iter().filter(|v| v.is_finite() && **v >= 0.0) {
        let slot = buckets.iter().rposition(|b| v >= b.min_hours).unwrap_or(0);
        buckets[slot].count += 1;
    }
    buckets
}

/// An issue's cycle time in hours, when it is completed and started at or before done.
pub fn cycle_time_hours(issue: &IssueRecord, flags: IssueFlags) -> Option<f64> {
    if !flags.completed {
        return None;
    }
    hours_between(issue.started?, issue.done?)
}

/// Where a pull request stands.
pub fn pull_status(pull: &PullRecord) -> PullStatus {
    if pull.merged.is_some() {
        PullStatus::Merged
    } else if pull.state.eq_ignore_ascii_case("closed") || pull.closed.is_some() {
        PullStatus::Closed
    } else if pull.draft {
        PullStatus::Draft
    } else {
        PullStatus::Open
    }
}

/// A pull request's lead time in hours (created to merged).
pub fn lead_time_hours(pull: &PullRecord) -> Option<f64> {
    hours_between(pull.created, pull.merged?)
}

/// The earliest submitted review by someone other than the pull request's author.
pub fn first_review(pull: &PullRecord) -> Option<&ReviewRecord> {
    pull.reviews
        .iter()
        .filter(|r| r.author.is_none() || r.author != pull.author)
        .min_by_key(|r| r.submitted)
}

/// A pull request's review turnaround in hours (created to [`first_review`]).
pub fn review_turnaround_hours(pull: &PullRecord) -> Option<f64> {
    hours_between(pull.created, first_review(pull)?.submitted)
}

fn midnight(date: Date, like: OffsetDateTime) -> OffsetDateTime {
    PrimitiveDateTime::new(date, Time::MIDNIGHT).assume_offset(like.offset())
}

/// Remaining points and issue count at `cutoff`: issues in the sprint then (added at or before
/// it, or committed; not removed at or before it) and not done at or before it. With
/// `inclusive == false`, events exactly at `cutoff` are not counted as having happened yet.
fn remaining_at(
    issues: &[IssueRecord],
    flags: &[IssueFlags],
    cutoff: OffsetDateTime,
    inclusive: bool,
) -> (f64, u32) {
    let happened = |t: Option<OffsetDateTime>| {
        t.is_some_and(|t| if inclusive { t <= cutoff } else { t < cutoff })
    };
    let mut points_left = 0.0;
    let mut issues_left = 0;
    for (issue, f) in issues.iter().zip(flags) {
        let in_sprint = (f.committed || happened(issue.added_to_sprint))
            && !happened(issue.removed_from_sprint);
        if in_sprint && !happened(issue.done) {
            points_left += points(issue);
            issues_left += 1;
        }
    }
    (points_left, issues_left)
}

/// The burndown.
///
/// Days are calendar days in the UTC offset of the sprint's `start`, from its date to the
/// planned end's date (the completion date's for a closed sprint), at most
/// [`MAX_BURNDOWN_DAYS`]. For each day, the actual values are the points and issues in the
/// sprint and not done at the end of that day (events before the next midnight), or at `as_of`
/// (inclusive) for the day containing it; days starting after `as_of` have no actual values.
/// The initial values are taken at `start` (inclusive). The ideal line falls linearly from the
/// initial values at `start` to 0 at the planned end, evaluated at each day's end and never
/// below 0.
pub fn burndown(
    sprint: &SprintInfo,
    issues: &[IssueRecord],
    flags: &[IssueFlags],
    as_of: OffsetDateTime,
) -> Burndown {
    let start = sprint.start;
    let (initial_points, initial_issues) = remaining_at(issues, flags, start, true);
    let last = sprint
        .completed
        .unwrap_or(sprint.end)
        .to_offset(start.offset());
    let planned = (sprint.end - start).as_seconds_f64();
    let ideal = |at: OffsetDateTime, initial: f64| {
        if planned <= 0.0 {
            return 0.0;
        }
        let left = 1.0 - (at - start).as_seconds_f64() / planned;
        round2((initial * left).clamp(0.0, initial))
    };

    let mut days = Vec::new();
    let mut date = start.date();
    let last_date = last.date().max(date);
    loop {
        let day_start = if date == start.date() {
            start
        } else {
            midnight(date, start)
        };
        let day_end = date
            .next_day()
            .map_or(day_start + Duration::HOUR, |d| midnight(d, start));
        let actual = if day_start > as_of {
            None
        } else if day_end > as_of {
            Some(remaining_at(issues, flags, as_of, true))
        } else {
            Some(remaining_at(issues, flags, day_end, false))
        };
        days.push(BurndownDay {
            date: date.to_string(),
            remaining_points: actual.map(|(p, _)| p),
            remaining_issues: actual.map(|(_, i)| i),
            ideal_points: ideal(day_end, initial_points),
            ideal_issues: ideal(day_end, f64::from(initial_issues)),
        });
        if date >= last_date || days.len() >= MAX_BURNDOWN_DAYS {
            break;
        }
        match date.next_day() {
            Some(next) => date = next,
            None => break,
        }
    }
    Burndown {
        initial_points,
        initial_issues,
        days,
    }
}

/// Flags for every issue of `data`, in order.
pub fn issue_flags(data: &SprintData) -> Vec<IssueFlags> {
    let as_of = as_of(&data.sprint, data.generated_at);
    data.issues
        .iter()
        .map(|i| IssueFlags::of(i, data.sprint.start, as_of))
        .collect()
}
