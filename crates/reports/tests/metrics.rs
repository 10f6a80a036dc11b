//! Scope, burndown and time metrics, asserted exactly on the hand-built sprint.

mod common;

use common::{at, issue, sprint};
use plugboard_reports::build_report;
use plugboard_reports::data::SprintData;
use plugboard_reports::metrics::{
    IssueFlags, as_of, cycle_time_histogram, distribution, nearest_rank,
};
use plugboard_reports::report::{Count, PullStatus};

fn count(issues: u32, points: f64) -> Count {
    Count { issues, points }
}

#[test]
fn scope_counts_follow_the_definitions() {
    let r = build_report(&sprint());
    let s = &r.summary;
    // Committed: PROJ-1,2,3,4,6,8 (PROJ-8 was added exactly at the start; PROJ-4 removed
    // later still counts); PROJ-6 has no estimate: 3+5+2+8+0+2.
    assert_eq!(s.committed, count(6, 20.0));
    // Added after the start: PROJ-5 (1) and PROJ-7 (3).
    assert_eq!(s.added, count(2, 4.0));
    assert_eq!(s.removed, count(1, 8.0));
    // Done in the window, not removed: PROJ-1,2,5,6 and PROJ-8 (after the planned end but
    // before completion): 3+5+1+0+2.
    assert_eq!(s.completed, count(5, 11.0));
    assert_eq!(s.scope_at_end, count(7, 16.0));
    // Carried over: PROJ-3 (in progress) and PROJ-7 (never started).
    assert_eq!(s.carried_over, count(2, 5.0));
    assert_eq!(s.completion_points_percent, Some(68.75));
    assert_eq!(s.completion_issues_percent, Some(71.43));
    assert_eq!(s.unestimated_issues, 1);

    let flags: Vec<(&str, bool, bool, bool, bool, bool)> = r
        .issues
        .iter()
        .map(|i| {
            (
                i.key.as_str(),
                i.committed,
                i.added,
                i.removed,
                i.completed,
                i.carried_over,
            )
        })
        .collect();
    assert_eq!(
        flags,
        [
            ("PROJ-1", true, false, false, true, false),
            ("PROJ-2", true, false, false, true, false),
            ("PROJ-3", true, false, false, false, true),
            ("PROJ-4", true, false, true, false, false),
            ("PROJ-5", false, true, false, true, false),
            ("PROJ-6", true, false, false, true, false),
            ("PROJ-7", false, true, false, false, true),
            ("PROJ-8", true, false, false, true, false),
        ]
    );
    assert_eq!(r.issues[4].added_at.map(|t| t.0), Some(at(8, 12, 0)));
    assert_eq!(
        r.issues[7].added_at, None,
        "added at the start is committed, not added"
    );
}

#[test]
fn code_counts() {
    let s = build_report(&sprint()).summary;
    assert_eq!((s.pulls, s.pulls_merged, s.pulls_unlinked), (5, 2, 2));
    assert_eq!((s.commits, s.commits_linked), (5, 3));
    // PROJ-6 and PROJ-7; PROJ-4 has no code either but was removed.
    assert_eq!(s.issues_without_code, Some(2));
}

#[test]
fn cycle_time_lead_time_and_review_turnaround() {
    let r = build_report(&sprint());
    let cycle: Vec<Option<f64>> = r.issues.iter().map(|i| i.cycle_time_hours).collect();
    // PROJ-1 48 h, PROJ-2 72 h, PROJ-5 24 h, PROJ-6 60 h, PROJ-8 11 d 8.5 h = 272.5 h.
    assert_eq!(
        cycle,
        [
            Some(48.0),
            Some(72.0),
            None,
            None,
            Some(24.0),
            Some(60.0),
            None,
            Some(272.5)
        ]
    );
    let c = &r.metrics.cycle_time;
    // Sorted 24, 48, 60, 72, 272.5: median rank ceil(2.5) = 3, p85 rank ceil(4.25) = 5.
    assert_eq!(c.count, 5);
    assert_eq!(c.median_hours, Some(60.0));
    assert_eq!(c.p85_hours, Some(272.5));
    assert_eq!((c.min_hours, c.max_hours), (Some(24.0), Some(272.5)));

    // #10 24 h, #11 48 h: median rank 1, p85 rank ceil(1.7) = 2.
    let l = &r.metrics.pr_lead_time;
    assert_eq!(
        (l.count, l.median_hours, l.p85_hours),
        (2, Some(24.0), Some(48.0))
    );

    // #10: alice's own review is skipped, bob after 2 h; #11 carol after 6 h; #13 a review
    // by an unknown user after 1 h. Sorted 1, 2, 6: median rank 2, p85 rank 3.
    let t = &r.metrics.review_turnaround;
    assert_eq!(
        (t.count, t.median_hours, t.p85_hours),
        (3, Some(2.0), Some(6.0))
    );
    assert_eq!(r.pulls[0].first_reviewer.as_deref(), Some("bob"));
    assert_eq!(r.pulls[0].review_turnaround_hours, Some(2.0));

    let statuses: Vec<PullStatus> = r.pulls.iter().map(|p| p.status).collect();
    assert_eq!(
        statuses,
        [
            PullStatus::Merged,
            PullStatus::Merged,
            PullStatus::Open,
            PullStatus::Draft,
            PullStatus::Closed
        ]
    );

    let histogram: Vec<(&str, u32)> = r
        .metrics
        .cycle_time_histogram
        .iter()
        .map(|b| (b.label.as_str(), b.count))
        .collect();
    // 24 h is 1 d (1-2 d), 48 h is 2 d, 60 h is 2.5 d, 72 h is 3 d, 272.5 h is 11.35 d.
    assert_eq!(
        histogram,
        [
            ("<1 d", 0),
            ("1-2 d", 1),
            ("2-3 d", 2),
            ("3-5 d", 1),
            ("5-8 d", 0),
            ("8-13 d", 1),
            (">=13 d", 0)
        ]
    );
}

#[test]
fn burndown_per_day_for_a_closed_sprint() {
    let r = build_report(&sprint());
    let b = &r.burndown;
    assert_eq!((b.initial_points, b.initial_issues), (20.0, 6));
    let actual: Vec<(&str, Option<f64>, Option<u32>)> = b
        .days
        .iter()
        .map(|d| (d.date.as_str(), d.remaining_points, d.remaining_issues))
        .collect();
    assert_eq!(
        actual,
        [
            ("2024-05-06", Some(20.0), Some(6)),
            ("2024-05-07", Some(20.0), Some(6)),
            // PROJ-1 done (-3), PROJ-5 added (+1).
            ("2024-05-08", Some(18.0), Some(6)),
            // PROJ-4 removed (-8), PROJ-5 done (-1).
            ("2024-05-09", Some(9.0), Some(4)),
            // PROJ-2 done (-5).
            ("2024-05-10", Some(4.0), Some(3)),
            ("2024-05-11", Some(4.0), Some(3)),
            ("2024-05-12", Some(4.0), Some(3)),
            // PROJ-7 added (+3).
            ("2024-05-13", Some(7.0), Some(4)),
            ("2024-05-14", Some(7.0), Some(4)),
            // PROJ-6 done (0 points).
            ("2024-05-15", Some(7.0), Some(3)),
            ("2024-05-16", Some(7.0), Some(3)),
            // As of completion (18:00): PROJ-8 done at 17:30 (-2).
            ("2024-05-17", Some(5.0), Some(2)),
        ]
    );
    // Planned length 272 h. End of day 1 is 15 h in: 20 × 257/272 = 18.897..., 6 × 257/272.
    assert_eq!(b.days[0].ideal_points, 18.9);
    assert_eq!(b.days[0].ideal_issues, 5.67);
    // End of 05-16 is 255 h in: 20 × 17/272 = 1.25.
    assert_eq!(b.days[10].ideal_points, 1.25);
    assert_eq!(b.days[11].ideal_points, 0.0);
}

#[test]
fn active_sprint_stops_at_generated_at() {
    let mut data = sprint();
    data.sprint.state = "active".to_owned();
    data.sprint.completed = None;
    data.generated_at = at(9, 12, 30);
    let r = build_report(&data);
    assert_eq!(r.sprint.as_of.0, at(9, 12, 30));
    // The planned window still sets the x axis: 05-06 to 05-17.
    assert_eq!(r.burndown.days.len(), 12);
    let day = &r.burndown.days[3];
    // 05-09 as of 12:30: PROJ-4 removed at 12:00 (-8), PROJ-5 not yet done.
    assert_eq!(
        (
            day.date.as_str(),
            day.remaining_points,
            day.remaining_issues
        ),
        ("2024-05-09", Some(10.0), Some(5))
    );
    assert!(
        r.burndown.days[4..]
            .iter()
            .all(|d| d.remaining_points.is_none() && d.remaining_issues.is_none())
    );
    // Done later than as_of is not completed yet.
    assert_eq!(r.summary.completed, count(1, 3.0));
    assert_eq!(r.summary.carried_over, count(6, 13.0));
}

#[test]
fn active_sprint_past_its_end_uses_the_planned_end() {
    let mut data = sprint();
    data.sprint.state = "active".to_owned();
    data.sprint.completed = None;
    assert_eq!(as_of(&data.sprint, data.generated_at), at(17, 17, 0));
    // PROJ-8 was done at 17:30, after the planned end: not completed as of the end.
    let r = build_report(&data);
    assert!(!r.issues[7].completed);
    assert!(r.issues[7].carried_over);
}

#[test]
fn flags_for_edge_cases() {
    let start = at(6, 9, 0);
    let end = at(17, 17, 0);
    let mut done_before = issue("A-1", Some(1.0));
    done_before.done = Some(at(5, 9, 0));
    let f = IssueFlags::of(&done_before, start, end);
    assert!(
        f.committed && !f.completed && !f.carried_over,
        "done before the sprint: neither"
    );

    let mut added_removed = issue("A-2", None);
    added_removed.added_to_sprint = Some(at(7, 9, 0));
    added_removed.removed_from_sprint = Some(at(8, 9, 0));
    added_removed.done = Some(at(8, 10, 0));
    let f = IssueFlags::of(&added_removed, start, end);
    assert!(f.added && f.removed && !f.committed && !f.completed && !f.carried_over);
}

#[test]
fn nearest_rank_percentiles() {
    let sorted = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0];
    assert_eq!(nearest_rank(&sorted, 50), Some(5.0));
    assert_eq!(nearest_rank(&sorted, 85), Some(9.0));
    assert_eq!(nearest_rank(&sorted, 100), Some(10.0));
    assert_eq!(nearest_rank(&sorted[..1], 85), Some(1.0));
    assert_eq!(nearest_rank(&[], 50), None);
    // 20 values: p85 is rank 17 exactly (no floating-point rounding up to 18).
    let twenty: Vec<f64> = (1..=20).map(f64::from).collect();
    assert_eq!(nearest_rank(&twenty, 85), Some(17.0));

    let d = distribution(&[4.0, 1.0, 3.0, 2.0]);
    assert_eq!(
        (d.count, d.median_hours, d.p85_hours),
        (4, Some(2.0), Some(4.0))
    );
    let empty = distribution(&[]);
    assert_eq!(
        (
            empty.count,
            empty.median_hours,
            empty.p85_hours,
            empty.min_hours
        ),
        (0, None, None, None)
    );
    assert!(cycle_time_histogram(&[]).iter().all(|b| b.count == 0));
}

#[test]
fn empty_sprint_and_missing_github() {
    let mut data: SprintData = sprint();
    data.issues.clear();
    data.pulls.clear();
    data.commits.clear();
    data.github_available = false;
    data.warnings.clear();
    let r = build_report(&data);
    assert_eq!(r.summary.committed, count(0, 0.0));
    assert_eq!(r.summary.completion_points_percent, None);
    assert_eq!(r.summary.issues_without_code, None);
    assert_eq!(
        r.warnings,
        [plugboard_reports::build_report::GITHUB_UNAVAILABLE]
    );
    assert!(
        r.burndown
            .days
            .iter()
            .all(|d| d.ideal_points == 0.0 && d.remaining_points == Some(0.0))
    );
}

#[test]
fn issues_without_github_have_unknown_code() {
    let mut data = sprint();
    data.github_available = false;
    data.pulls.clear();
    data.commits.clear();
    let r = build_report(&data);
    assert!(r.issues.iter().all(|i| i.has_code.is_none()));
    assert_eq!(r.warnings, ["Repository acme/legacy was not found"]);
}

#[test]
fn a_bench_sized_sprint_links_every_row_and_commit() {
    // 200 issues, 500 PRs with long bodies, 2000 commits: correlation is indexed, not a scan of
    // every PR against every issue.
    let mut data = sprint();
    data.issues = (1..=200)
        .map(|n| issue(&format!("PROJ-{n}"), Some(2.0)))
        .collect();
    let template = data.pulls[0].clone();
    data.pulls = (0..500)
        .map(|n| {
            let mut p = template.clone();
            p.number = n;
            p.branch = format!("feature/PROJ-{}-work", n % 250 + 1);
            p.body = Some(format!(
                "{} PROJ-{}",
                "lorem ipsum ".repeat(200),
                n % 200 + 1
            ));
            p
        })
        .collect();
    data.commits = (0..2000)
        .map(|n| {
            common::commit(
                &format!("{n:040x}"),
                &format!("PROJ-{} change {n}", n % 300 + 1),
                at(7, 9, 0),
            )
        })
        .collect();
    let r = build_report(&data);
    let html = plugboard_reports::render(&r, plugboard_reports::Format::Html).unwrap();
    let md = plugboard_reports::render(&r, plugboard_reports::Format::Markdown).unwrap();
    assert_eq!(html.matches("<tr data-issue=").count(), 200);
    assert_eq!(
        md.lines().filter(|l| l.starts_with("| [PROJ-")).count(),
        200
    );
    assert_eq!(r.issues.len(), 200);
    // Branch keys PROJ-201..250 are not in the sprint, but every body names a sprint issue.
    assert_eq!(r.summary.pulls_unlinked, 0);
    // Commit keys cycle through PROJ-1..300; n % 300 < 200 hits a sprint issue: 6 × 200 + 200.
    assert_eq!(r.summary.commits_linked, 1400);
}
