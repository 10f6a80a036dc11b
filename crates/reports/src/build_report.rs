//! Turns fetched [`SprintData`] into a [`SprintReport`]: correlation, scope flags, metrics and
//! burndown, in one pass over the issues, pull requests and commits.

use crate::correlate::correlate;
use crate::data::SprintData;
use crate::metrics::{self, IssueFlags};
use crate::report::{
    BoardSummary, CommitRef, IssueRow, Metrics, PullRef, PullRow, SCHEMA_VERSION, SprintReport,
    SprintSummary, Timestamp,
};

/// The warning added when GitHub data is missing and the fetcher gave no reason.
pub const GITHUB_UNAVAILABLE: &str = "GitHub data is unavailable: pull requests, commits and code links are missing from this report.";

/// Computes the report for `data`. Pure and deterministic: the same data gives the same report.
pub fn build_report(data: &SprintData) -> SprintReport {
    let sprint = &data.sprint;
    let as_of = metrics::as_of(sprint, data.generated_at);
    let flags: Vec<IssueFlags> = metrics::issue_flags(data);
    let links = correlate(data);
    let base_url = data
        .jira_base_url
        .as_deref()
        .map(|u| u.trim_end_matches('/'))
        .filter(|u| !u.is_empty());

    let pulls: Vec<PullRow> = data
        .pulls
        .iter()
        .zip(&links.pull_issues)
        .map(|(pull, issues)| {
            let first = metrics::first_review(pull);
            PullRow {
                id: format!("{}#{}", pull.repo, pull.number),
                repo: pull.repo.clone(),
                number: pull.number,
                title: pull.title.clone(),
                branch: pull.branch.clone(),
                author: pull.author.clone(),
                url: pull.url.clone(),
                status: metrics::pull_status(pull),
                created: pull.created.into(),
                merged: pull.merged.map(Timestamp),
                lead_time_hours: metrics::lead_time_hours(pull),
                first_review_at: first.map(|r| Timestamp(r.submitted)),
                first_reviewer: first.and_then(|r| r.author.clone()),
                review_turnaround_hours: metrics::review_turnaround_hours(pull),
                issue_keys: issues.iter().map(|&i| data.issues[i].key.clone()).collect(),
            }
        })
        .collect();

    let mut cycle_times = Vec::new();
    let issues: Vec<IssueRow> = data
        .issues
        .iter()
        .zip(&flags)
        .enumerate()
        .map(|(i, (issue, &f))| {
            let cycle = metrics::cycle_time_hours(issue, f);
            cycle_times.extend(cycle);
            let linked_pulls: Vec<PullRef> = links.issue_pulls[i]
                .iter()
                .map(|&p| PullRef {
                    id: pulls[p].id.clone(),
                    url: pulls[p].url.clone(),
                    title: pulls[p].title.clone(),
                    status: pulls[p].status,
                })
                .collect();
            let commits: Vec<CommitRef> = links.issue_commits[i]
                .iter()
                .map(|&c| {
                    let commit = &data.commits[c];
                    CommitRef {
                        repo: commit.repo.clone(),
                        sha: commit.sha.clone(),
                        url: commit.url.clone(),
                    }
                })
                .collect();
            let has_code = data
                .github_available
                .then_some(!linked_pulls.is_empty() || !commits.is_empty());
            IssueRow {
                key: issue.key.clone(),
                url: base_url.map(|b| format!("{b}/browse/{}", issue.key)),
                summary: issue.summary.clone(),
                issue_type: issue.issue_type.clone(),
                status: issue.status.clone(),
                status_category: issue.status_category.into(),
                assignee: issue.assignee.clone(),
                points: issue.points,
                committed: f.committed,
                added: f.added,
                removed: f.removed,
                completed: f.completed,
                carried_over: f.carried_over,
                added_at: if f.added {
                    issue.added_to_sprint.map(Timestamp)
                } else {
                    None
                },
                removed_at: issue.removed_from_sprint.map(Timestamp),
                started: issue.started.map(Timestamp),
                done: issue.done.map(Timestamp),
                cycle_time_hours: cycle,
                pulls: linked_pulls,
                commits,
                has_code,
            }
        })
        .collect();

    let mut summary = metrics::scope_summary(&data.issues, &flags);
    summary.pulls = count(pulls.len());
    summary.pulls_merged = count(pulls.iter().filter(|p| p.merged.is_some()).count());
    summary.pulls_unlinked = count(pulls.iter().filter(|p| p.issue_keys.is_empty()).count());
    summary.commits = count(data.commits.len());
    summary.commits_linked = count(links.commit_issues.iter().filter(|c| !c.is_empty()).count());
    summary.issues_without_code = data.github_available.then(|| {
        count(
            issues
                .iter()
                .filter(|i| !i.removed && i.has_code == Some(false))
                .count(),
        )
    });

    let lead_times: Vec<f64> = pulls.iter().filter_map(|p| p.lead_time_hours).collect();
    let turnarounds: Vec<f64> = pulls
        .iter()
        .filter_map(|p| p.review_turnaround_hours)
        .collect();
    let metrics = Metrics {
        cycle_time: metrics::distribution(&cycle_times),
        cycle_time_histogram: metrics::cycle_time_histogram(&cycle_times),
        pr_lead_time: metrics::distribution(&lead_times),
        review_turnaround: metrics::distribution(&turnarounds),
    };

    let mut warnings = data.warnings.clone();
    if !data.github_available && warnings.is_empty() {
        warnings.push(GITHUB_UNAVAILABLE.to_owned());
    }

    SprintReport {
        schema_version: SCHEMA_VERSION,
        generated_at: data.generated_at.into(),
        board: BoardSummary {
            id: data.board.id,
            name: data.board.name.clone(),
        },
        sprint: SprintSummary {
            id: sprint.id,
            name: sprint.name.clone(),
            state: sprint.state.clone(),
            goal: sprint.goal.clone(),
            start: sprint.start.into(),
            end: sprint.end.into(),
            completed: sprint.completed.map(Timestamp),
            as_of: as_of.into(),
            jira_base_url: base_url.map(str::to_owned),
        },
        repositories: data.repositories.clone(),
        github_available: data.github_available,
        warnings,
        summary,
        burndown: metrics::burndown(sprint, &data.issues, &flags, as_of),
        metrics,
        issues,
        pulls,
    }
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
