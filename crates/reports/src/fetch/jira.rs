//! The Jira half of a fetch: the sprint, its issues with their changelogs, and issues taken out
//! of the sprint while it ran, turned into [`IssueRecord`]s.

use std::collections::BTreeSet;

use futures::TryStreamExt;
use plugboard_core::{Error, ErrorKind};
use plugboard_jira::JiraClient;
use plugboard_jira::api::agile::{GetBoard, GetSprint, ListSprints, SprintIssues};
use plugboard_jira::api::issues::SearchIssues;
use plugboard_jira::models::{Issue, Sprint};
use plugboard_jira::time::parse_datetime;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{FetchError, SprintQuery, SprintSelector, utc};
use crate::data::{IssueRecord, SprintInfo, StatusCategory, Transition};

/// Issues per page (the agile API caps it at 50 on most sites, search at 100 with changelogs).
const PAGE: u32 = 50;

/// The sprint asked for, checked against the board.
pub(super) async fn resolve_sprint(
    jira: &JiraClient,
    query: &SprintQuery,
) -> Result<Sprint, FetchError> {
    match query.sprint {
        SprintSelector::Id(id) => {
            let sprint = jira
                .agile()
                .sprint(&GetSprint { sprint_id: id })
                .await
                .map_err(FetchError::Jira)?;
            if let Some(board) = sprint.origin_board_id
                && board != query.board_id
            {
                tracing::warn!(
                    sprint = id,
                    board,
                    asked = query.board_id,
                    "the sprint belongs to another board"
                );
            }
            Ok(sprint)
        }
        SprintSelector::Active => {
            let active: Vec<Sprint> = jira
                .agile()
                .sprints_all_raw(&ListSprints {
                    board_id: query.board_id,
                    state: Some("active".into()),
                    ..Default::default()
                })
                .and_then(|v| async move { serde_json::from_value(v).map_err(Error::from) })
                .try_collect()
                .await
                .map_err(FetchError::Jira)?;
            match active.as_slice() {
                [one] => Ok(one.clone()),
                [] => Err(FetchError::Sprint(format!(
                    "board {} has no active sprint: pass --sprint <id>",
                    query.board_id
                ))),
                many => Err(FetchError::Sprint(format!(
                    "board {} has {} active sprints ({}): pass --sprint <id>",
                    query.board_id,
                    many.len(),
                    many.iter()
                        .map(|s| s.id.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))),
            }
        }
    }
}

/// The board's name, or a warning when Jira does not know the board (any other failure
/// leaves the name out: the sprint request that runs beside this one reports it).
pub(super) async fn board(jira: &JiraClient, board_id: u64) -> (Option<String>, Option<String>) {
    match jira.agile().board(&GetBoard { board_id }).await {
        Ok(board) => (Some(board.name), None),
        Err(e) if e.kind() == ErrorKind::NotFound => (
            None,
            Some(format!(
                "Jira board {board_id} was not found (or the account cannot see it)"
            )),
        ),
        Err(e) => {
            tracing::warn!(board = board_id, "the board's name is unavailable: {e}");
            (None, None)
        }
    }
}

/// The sprint's identity and window; a sprint that has not started has no window to report on.
pub(super) fn sprint_info(sprint: &Sprint, now: OffsetDateTime) -> Result<SprintInfo, FetchError> {
    let name = sprint
        .name
        .clone()
        .unwrap_or_else(|| format!("Sprint {}", sprint.id));
    let (Some(start), Some(end)) = (sprint.started(), sprint.ends()) else {
        return Err(FetchError::Sprint(format!(
            "sprint {} ({name}) has not started: it has no start and end date yet",
            sprint.id
        )));
    };
    let start = utc(start);
    if start > now {
        return Err(FetchError::Sprint(format!(
            "sprint {} ({name}) starts in the future ({})",
            sprint.id,
            start.format(&Rfc3339).unwrap_or_default()
        )));
    }
    Ok(SprintInfo {
        id: sprint.id,
        name,
        state: sprint.state.clone().unwrap_or_else(|| "active".into()),
        goal: sprint.goal.clone().filter(|g| !g.trim().is_empty()),
        start,
        end: utc(end),
        completed: sprint.completed().map(utc),
    })
}

/// The issues in the sprint (and, when asked, those taken out of it during the window), with
/// warnings about anything incomplete.
pub(super) async fn fetch_issues(
    jira: &JiraClient,
    query: &SprintQuery,
    sprint: &SprintInfo,
    window_end: OffsetDateTime,
) -> Result<(Vec<IssueRecord>, Vec<String>), FetchError> {
    let fields = issue_fields(query);
    let in_sprint: Vec<Issue> = jira
        .agile()
        .sprint_issues_all_raw(&SprintIssues {
            sprint_id: sprint.id,
            fields: Some(fields.clone()),
            expand: Some("changelog".into()),
            max_results: Some(PAGE),
            ..Default::default()
        })
        .and_then(|v| async move { serde_json::from_value(v).map_err(Error::from) })
        .try_collect()
        .await
        .map_err(FetchError::Jira)?;
    let mut warnings = Vec::new();
    let keys: BTreeSet<String> = in_sprint.iter().map(|i| i.key.clone()).collect();
    let mut removed = Vec::new();
    if query.find_removed {
        let projects: BTreeSet<String> = in_sprint
            .iter()
            .filter_map(|i| i.fields.project.as_ref()?.key.clone())
            .collect();
        if !projects.is_empty() {
            let jql = format!(
                "project in ({}) AND updated >= \"{}\" ORDER BY key",
                projects.into_iter().collect::<Vec<_>>().join(", "),
                jql_date(sprint.start)
            );
            let candidates: Vec<Issue> = jira
                .issues()
                .search_all(&SearchIssues {
                    jql,
                    fields: Some(fields),
                    expand: Some("changelog".into()),
                    max_results: Some(PAGE),
                    ..Default::default()
                })
                .try_collect()
                .await
                .map_err(FetchError::Jira)?;
            removed = candidates
                .into_iter()
                .filter(|i| !keys.contains(&i.key))
                .filter(|i| {
                    removal_in_window(i, query, sprint.id, sprint.start, window_end).is_some()
                })
                .collect();
        }
    }
    let mut truncated = 0;
    let mut records = Vec::with_capacity(in_sprint.len() + removed.len());
    for issue in in_sprint.iter().chain(&removed) {
        if changelog_truncated(issue) {
            truncated += 1;
        }
        records.push(record(issue, query, sprint, window_end));
    }
    if truncated > 0 {
        warnings.push(format!(
            "Jira returned only part of the changelog for {truncated} issue(s): their status \
             history may be incomplete"
        ));
    }
    records.sort_by(|a, b| key_order(&a.key).cmp(&key_order(&b.key)));
    Ok((records, warnings))
}

/// The site's address for `/browse/KEY` links: the API base when it is the site itself (Basic
/// auth); the OAuth gateway is not browsable.
pub(super) async fn site_url(jira: &JiraClient) -> Option<String> {
    let base = jira.api_base().await.ok()?;
    if base.host_str() == Some("api.atlassian.com") {
        return None;
    }
    Some(base.as_str().trim_end_matches('/').to_string())
}

fn issue_fields(query: &SprintQuery) -> Vec<String> {
    let mut fields: Vec<String> = [
        "summary",
        "status",
        "issuetype",
        "assignee",
        "project",
        "created",
        "resolutiondate",
    ]
    .map(str::to_string)
    .to_vec();
    fields.push(query.points_field.clone());
    fields.push(query.sprint_field.clone());
    fields
}

/// `PROJ-12` sorts by project, then by number.
fn key_order(key: &str) -> (&str, u64) {
    match key.rsplit_once('-') {
        Some((project, n)) => (project, n.parse().unwrap_or(u64::MAX)),
        None => (key, u64::MAX),
    }
}

/// JQL's date-time literal, in UTC (`2026-03-02 09:15`).
fn jql_date(at: OffsetDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute()
    )
}

fn changelog_truncated(issue: &Issue) -> bool {
    let Some(changelog) = &issue.changelog else {
        return false;
    };
    let total = changelog.extra.get("total").and_then(|v| v.as_u64());
    total.is_some_and(|t| t > changelog.histories.len() as u64)
}

/// One sprint-field change: when, and whether this sprint was in the field before and after.
struct SprintChange {
    at: OffsetDateTime,
    before: bool,
    after: bool,
}

fn sprint_changes(issue: &Issue, query: &SprintQuery, sprint_id: u64) -> Vec<SprintChange> {
    let Some(changelog) = &issue.changelog else {
        return Vec::new();
    };
    let id = sprint_id.to_string();
    let holds =
        |ids: Option<&String>| ids.is_some_and(|ids| ids.split(',').any(|part| part.trim() == id));
    let mut changes: Vec<SprintChange> = changelog
        .histories
        .iter()
        .flat_map(|h| {
            let at = parse_datetime(&h.created).map(utc);
            h.items
                .iter()
                .filter(|item| {
                    item.field_id.as_deref() == Some(query.sprint_field.as_str())
                        || item.field.eq_ignore_ascii_case("sprint")
                })
                .filter_map(move |item| {
                    Some(SprintChange {
                        at: at?,
                        before: holds(item.from.as_ref()),
                        after: holds(item.to.as_ref()),
                    })
                })
        })
        .collect();
    changes.sort_by_key(|c| c.at);
    changes
}

/// When the sprint was taken off the issue inside the window (and not put back after).
fn removal_in_window(
    issue: &Issue,
    query: &SprintQuery,
    sprint_id: u64,
    start: OffsetDateTime,
    end: OffsetDateTime,
) -> Option<OffsetDateTime> {
    let changes = sprint_changes(issue, query, sprint_id);
    let last = changes.iter().rev().find(|c| c.before != c.after)?;
    (last.before && !last.after && last.at > start && last.at <= end).then_some(last.at)
}

fn category(issue: &Issue) -> StatusCategory {
    let key = issue
        .fields
        .status
        .as_ref()
        .and_then(|s| s.status_category.as_ref())
        .and_then(|c| c.key.as_deref());
    match key {
        Some("done") => StatusCategory::Done,
        Some("indeterminate") => StatusCategory::InProgress,
        _ => StatusCategory::ToDo,
    }
}

fn record(
    issue: &Issue,
    query: &SprintQuery,
    sprint: &SprintInfo,
    window_end: OffsetDateTime,
) -> IssueRecord {
    let fields = &issue.fields;
    let created = fields.created().map(utc).unwrap_or(sprint.start);
    let transitions: Vec<Transition> = issue
        .status_changes()
        .into_iter()
        .filter_map(|c| {
            Some(Transition {
                at: utc(c.at?),
                from: c.from,
                to: c.to.unwrap_or_default(),
            })
        })
        .collect();
    let changes = sprint_changes(issue, query, sprint.id);
    let last_added = changes
        .iter()
        .rev()
        .find(|c| c.after && !c.before)
        .map(|c| c.at);
    let added_to_sprint = match last_added {
        Some(at) if at > sprint.start => Some(at),
        Some(_) => None,
        // No sprint change on record: it was created into the sprint.
        None => (created > sprint.start).then_some(created),
    };
    let status = fields
        .status
        .as_ref()
        .and_then(|s| s.name.clone())
        .unwrap_or_else(|| "Unknown".into());
    let status_category = category(issue);
    let done = (status_category == StatusCategory::Done)
        .then(|| {
            fields.resolution_date().map(utc).or_else(|| {
                transitions
                    .iter()
                    .rev()
                    .find(|t| t.to == status)
                    .map(|t| t.at)
            })
        })
        .flatten();
    IssueRecord {
        key: issue.key.clone(),
        summary: fields.summary.clone().unwrap_or_default(),
        issue_type: fields.issuetype.as_ref().and_then(|t| t.name.clone()),
        status,
        status_category,
        assignee: fields.assignee().and_then(|u| u.display_name),
        points: fields.number(&query.points_field),
        created,
        added_to_sprint,
        removed_from_sprint: removal_in_window(issue, query, sprint.id, sprint.start, window_end),
        started: transitions.first().map(|t| t.at),
        done,
        transitions,
    }
}
