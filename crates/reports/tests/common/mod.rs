//! A hand-built sprint with fixed timestamps, shared by the report tests.
//!
//! Sprint 2024-05-06 09:00Z → planned end 2024-05-17 17:00Z, closed 2024-05-17 18:00Z.
//! The expected numbers are worked out in the test files next to their assertions.

#![allow(dead_code)]

use plugboard_reports::data::{
    BoardInfo, CommitRecord, IssueRecord, PullRecord, ReviewRecord, SprintData, SprintInfo,
    StatusCategory, Transition,
};
use time::OffsetDateTime;
use time::macros::datetime;

/// `2024-05-DD HH:MM` UTC.
pub fn at(day: u8, hour: u8, minute: u8) -> OffsetDateTime {
    datetime!(2024-05-01 00:00 UTC)
        .replace_day(day)
        .unwrap()
        .replace_hour(hour)
        .unwrap()
        .replace_minute(minute)
        .unwrap()
}

pub fn issue(key: &str, points: Option<f64>) -> IssueRecord {
    IssueRecord {
        key: key.to_owned(),
        summary: format!("Summary of {key}"),
        issue_type: Some("Story".to_owned()),
        status: "To Do".to_owned(),
        status_category: StatusCategory::ToDo,
        assignee: Some("Ada Lovelace".to_owned()),
        points,
        created: at(1, 9, 0),
        added_to_sprint: None,
        removed_from_sprint: None,
        started: None,
        done: None,
        transitions: Vec::new(),
    }
}

fn started(mut i: IssueRecord, when: OffsetDateTime) -> IssueRecord {
    i.started = Some(when);
    i.status = "In Progress".to_owned();
    i.status_category = StatusCategory::InProgress;
    i.transitions.push(Transition {
        at: when,
        from: Some("To Do".to_owned()),
        to: "In Progress".to_owned(),
    });
    i
}

fn done(mut i: IssueRecord, when: OffsetDateTime) -> IssueRecord {
    i.done = Some(when);
    i.status = "Done".to_owned();
    i.status_category = StatusCategory::Done;
    i.transitions.push(Transition {
        at: when,
        from: Some("In Progress".to_owned()),
        to: "Done".to_owned(),
    });
    i
}

pub fn pull(
    number: u64,
    branch: &str,
    title: &str,
    author: &str,
    created: OffsetDateTime,
) -> PullRecord {
    PullRecord {
        repo: "acme/app".to_owned(),
        number,
        title: title.to_owned(),
        body: None,
        branch: branch.to_owned(),
        author: Some(author.to_owned()),
        url: format!("https://github.com/acme/app/pull/{number}"),
        state: "open".to_owned(),
        draft: false,
        created,
        merged: None,
        closed: None,
        reviews: Vec::new(),
    }
}

pub fn review(author: Option<&str>, submitted: OffsetDateTime) -> ReviewRecord {
    ReviewRecord {
        author: author.map(str::to_owned),
        state: "APPROVED".to_owned(),
        submitted,
    }
}

pub fn commit(sha: &str, message: &str, authored: OffsetDateTime) -> CommitRecord {
    CommitRecord {
        repo: "acme/app".to_owned(),
        sha: sha.to_owned(),
        message: message.to_owned(),
        author: Some("alice".to_owned()),
        authored,
        url: format!("https://github.com/acme/app/commit/{sha}"),
    }
}

/// The realistic closed sprint every test file uses.
pub fn sprint() -> SprintData {
    let mut p1 = done(
        started(issue("PROJ-1", Some(3.0)), at(6, 10, 0)),
        at(8, 10, 0),
    );
    p1.summary = "Login page".to_owned();
    let p2 = done(
        started(issue("PROJ-2", Some(5.0)), at(7, 9, 0)),
        at(10, 9, 0),
    );
    let mut p3 = started(issue("PROJ-3", Some(2.0)), at(8, 9, 0));
    p3.summary = "Split | pipes\nand *stars* over lines".to_owned();
    let mut p4 = issue("PROJ-4", Some(8.0));
    p4.removed_from_sprint = Some(at(9, 12, 0));
    let mut p5 = done(
        started(issue("PROJ-5", Some(1.0)), at(8, 13, 0)),
        at(9, 13, 0),
    );
    p5.added_to_sprint = Some(at(8, 12, 0));
    let p6 = done(started(issue("PROJ-6", None), at(13, 9, 0)), at(15, 21, 0));
    let mut p7 = issue("PROJ-7", Some(3.0));
    p7.added_to_sprint = Some(at(13, 10, 0));
    p7.summary = "<script>alert(1)</script>".to_owned();
    p7.assignee = None;
    let mut p8 = done(
        started(issue("PROJ-8", Some(2.0)), at(6, 9, 0)),
        at(17, 17, 30),
    );
    p8.added_to_sprint = Some(at(6, 9, 0));

    let mut pr10 = pull(
        10,
        "feature/PROJ-1-login",
        "Login page",
        "alice",
        at(6, 12, 0),
    );
    pr10.merged = Some(at(7, 12, 0));
    pr10.closed = Some(at(7, 12, 0));
    pr10.state = "closed".to_owned();
    pr10.reviews = vec![
        review(Some("alice"), at(6, 13, 0)),
        review(Some("bob"), at(6, 14, 0)),
    ];

    let mut pr11 = pull(11, "fix-thing", "PROJ-2: fix totals", "bob", at(8, 9, 0));
    pr11.body = Some("Also touches [PROJ-5].".to_owned());
    pr11.merged = Some(at(10, 9, 0));
    pr11.closed = Some(at(10, 9, 0));
    pr11.state = "closed".to_owned();
    pr11.reviews = vec![review(Some("carol"), at(8, 15, 0))];

    let mut pr12 = pull(12, "chore/deps", "Bump deps", "dependabot", at(9, 9, 0));
    pr12.body = Some("Relates to OTHER-9 and XPROJ-12a".to_owned());

    let mut pr13 = pull(13, "spike", "Spike", "dave", at(13, 9, 0));
    pr13.draft = true;
    pr13.reviews = vec![review(None, at(13, 10, 0))];

    let mut pr14 = pull(
        14,
        "PROJ-8_cleanup",
        "Quote \"&'<> test",
        "alice",
        at(14, 9, 0),
    );
    pr14.state = "closed".to_owned();
    pr14.closed = Some(at(15, 9, 0));

    SprintData {
        board: BoardInfo {
            id: 7,
            name: Some("Team <Rocket> board".to_owned()),
        },
        sprint: SprintInfo {
            id: 42,
            name: "Sprint 12 & friends".to_owned(),
            state: "closed".to_owned(),
            goal: Some("Ship <b>login</b>".to_owned()),
            start: at(6, 9, 0),
            end: at(17, 17, 0),
            completed: Some(at(17, 18, 0)),
        },
        jira_base_url: Some("https://acme.atlassian.net/".to_owned()),
        issues: vec![p1, p2, p3, p4, p5, p6, p7, p8],
        repositories: vec!["acme/app".to_owned()],
        github_available: true,
        pulls: vec![pr10, pr11, pr12, pr13, pr14],
        commits: vec![
            commit("c1", "PROJ-1 add form", at(6, 11, 0)),
            commit(
                "c2",
                "Merge pull request #11 from acme/fix-thing\n\nPROJ-2: fix totals",
                at(10, 9, 0),
            ),
            commit("c3", "chore: bump", at(9, 9, 0)),
            commit("c4", "proj-3 lowercase is not a key", at(9, 10, 0)),
            commit("c5", "PROJ-3 wip", at(9, 11, 0)),
        ],
        warnings: vec!["Repository acme/legacy was not found".to_owned()],
        generated_at: at(20, 8, 0),
    }
}
