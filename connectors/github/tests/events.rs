//! Typed webhook events: fixtures in GitHub's documented payload shapes, verified over their
//! raw bytes and parsed from the event type the verifier reports; form-encoded deliveries;
//! unknown event types kept whole.

use std::time::SystemTime;

use plugboard_core::{WebhookEvent, WebhookSecrets, WebhookVerifier};
use plugboard_github::GITHUB_WEBHOOKS;
use plugboard_github::events::GithubEvent;
use plugboard_testkit::webhooks;
use serde_json::Value;

const SECRET: &str = "It's a Secret to Everybody";

fn body(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).expect(&path)
}

/// Signs the fixture as GitHub would, verifies it, and parses the verified delivery.
fn deliver(event: &str, fixture: &str) -> GithubEvent {
    let delivery = webhooks::github(
        SECRET,
        event,
        "72d3162e-cc78-11e3-81ab-4c9367dc0958",
        body(fixture),
    );
    let verified = GITHUB_WEBHOOKS
        .verify(
            &delivery.request(),
            &WebhookSecrets::from_strs([SECRET]).unwrap(),
            SystemTime::now(),
        )
        .unwrap();
    assert_eq!(verified.event_id(), "72d3162e-cc78-11e3-81ab-4c9367dc0958");
    assert_eq!(verified.event_type(), event);
    GithubEvent::parse(verified.event_type(), verified.body()).unwrap()
}

#[test]
fn the_connector_constant_names_github() {
    assert_eq!(GithubEvent::CONNECTOR, "github");
    assert_eq!(GithubEvent::CONNECTOR, plugboard_github::INFO.id.as_str());
}

#[test]
fn issues_opened() {
    let event = deliver("issues", "event_issues.json");
    assert_eq!(event.event_type(), "issues");
    assert_eq!(event.action(), Some("opened"));
    assert_eq!(
        event.repository().unwrap().full_name,
        "Codertocat/Hello-World"
    );
    let GithubEvent::Issues(e) = event else {
        panic!("expected Issues, got {event:?}")
    };
    assert_eq!(e.issue.number, 1);
    assert_eq!(e.issue.title, "Spelling error in the README file");
    assert_eq!(e.issue.state, "open");
    assert_eq!(e.issue.user.as_ref().unwrap().login, "Codertocat");
    assert_eq!(e.issue.labels[0].name, "bug");
    assert_eq!(e.sender.login, "Codertocat");
}

#[test]
fn issue_comment_created() {
    let GithubEvent::IssueComment(e) = deliver("issue_comment", "event_issue_comment.json") else {
        panic!("expected IssueComment")
    };
    assert_eq!(e.action, "created");
    assert_eq!(e.issue.number, 1);
    assert_eq!(e.comment.id, 492700400);
    assert_eq!(
        e.comment.body.as_deref(),
        Some("You are totally right! I'll get this fixed right away.")
    );
    assert!(e.issue.pull_request.is_none(), "a comment on an issue");
}

#[test]
fn pull_request_opened() {
    let GithubEvent::PullRequest(e) = deliver("pull_request", "event_pull_request.json") else {
        panic!("expected PullRequest")
    };
    assert_eq!(e.action, "opened");
    assert_eq!(e.number, 2);
    assert_eq!(
        e.pull_request.title,
        "Update the README with new information."
    );
    assert_eq!(e.pull_request.head.git_ref, "changes");
    assert_eq!(
        e.pull_request.head.sha,
        "ec26c3e57ca3a959ca5aad62de7213c562f8c821"
    );
    assert_eq!(e.pull_request.base.git_ref, "master");
    assert_eq!(e.pull_request.merged, Some(false));
    assert!(!e.is_merge());
}

#[test]
fn pull_request_closed_and_merged() {
    let mut json: Value = serde_json::from_slice(&body("event_pull_request.json")).unwrap();
    json["action"] = "closed".into();
    json["pull_request"]["state"] = "closed".into();
    json["pull_request"]["merged"] = true.into();
    json["pull_request"]["merged_at"] = "2019-05-15T15:21:00Z".into();
    let GithubEvent::PullRequest(e) =
        GithubEvent::parse("pull_request", &serde_json::to_vec(&json).unwrap()).unwrap()
    else {
        panic!("expected PullRequest")
    };
    assert!(e.is_merge());
    assert_eq!(
        e.pull_request.merged_at.as_deref(),
        Some("2019-05-15T15:21:00Z")
    );
}

#[test]
fn pull_request_review_submitted() {
    let GithubEvent::PullRequestReview(e) =
        deliver("pull_request_review", "event_pull_request_review.json")
    else {
        panic!("expected PullRequestReview")
    };
    assert_eq!(e.action, "submitted");
    assert_eq!(e.review.state, "approved");
    assert_eq!(e.review.id, 237895671);
    assert_eq!(e.review.body, None);
    assert_eq!(e.pull_request.number, 2);
    assert_eq!(e.review.user.as_ref().unwrap().login, "Codertocat");
}

#[test]
fn push_to_a_branch() {
    let GithubEvent::Push(e) = deliver("push", "event_push.json") else {
        panic!("expected Push")
    };
    assert_eq!(e.git_ref, "refs/heads/main");
    assert_eq!(e.branch(), Some("main"));
    assert_eq!(e.tag(), None);
    assert_eq!(e.before, "6113728f27ae82c7b1a177c8d03f9e96e0adf246");
    assert_eq!(e.after, "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c");
    assert!(!e.created && !e.deleted && !e.forced);
    assert_eq!(e.commits.len(), 1);
    assert_eq!(e.commits[0].message, "Update README.md");
    assert_eq!(e.commits[0].modified, ["README.md"]);
    assert_eq!(e.head_commit.as_ref().unwrap().id, e.after);
    assert_eq!(e.pusher.name, "Codertocat");
    // Push payloads carry the repository's times as Unix seconds; kept as sent.
    assert_eq!(e.repository.extra["pushed_at"], 1557933657);
    assert_eq!(e.repository.owner.login, "Codertocat");
}

#[test]
fn push_deleting_a_tag() {
    let mut json: Value = serde_json::from_slice(&body("event_push.json")).unwrap();
    json["ref"] = "refs/tags/v1.0".into();
    json["deleted"] = true.into();
    json["after"] = "0000000000000000000000000000000000000000".into();
    json["commits"] = Value::Array(vec![]);
    json["head_commit"] = Value::Null;
    let GithubEvent::Push(e) =
        GithubEvent::parse("push", &serde_json::to_vec(&json).unwrap()).unwrap()
    else {
        panic!("expected Push")
    };
    assert_eq!(e.tag(), Some("v1.0"));
    assert!(e.deleted);
    assert!(e.head_commit.is_none());
}

#[test]
fn workflow_run_completed() {
    let event = deliver("workflow_run", "event_workflow_run.json");
    assert_eq!(event.action(), Some("completed"));
    let GithubEvent::WorkflowRun(e) = event else {
        panic!("expected WorkflowRun")
    };
    assert_eq!(e.workflow_run.id, 289782451);
    assert_eq!(e.workflow_run.status.as_deref(), Some("completed"));
    assert_eq!(e.workflow_run.conclusion.as_deref(), Some("failure"));
    assert_eq!(
        e.workflow_run.head_sha,
        "3484a3fb816e0859fd6e1cea078d76385ff50625"
    );
    assert_eq!(e.workflow_run.head_branch.as_deref(), Some("master"));
    assert_eq!(
        e.workflow.as_ref().unwrap().path,
        ".github/workflows/ci.yml"
    );
}

#[test]
fn ping() {
    let event = deliver("ping", "event_ping.json");
    assert_eq!(event.action(), None);
    let GithubEvent::Ping(e) = event else {
        panic!("expected Ping")
    };
    assert_eq!(e.zen, "Design for failure.");
    assert_eq!(e.hook_id, 109948940);
    assert_eq!(e.hook.as_ref().unwrap()["config"]["content_type"], "json");
}

#[test]
fn an_unknown_event_type_is_kept_whole() {
    let event = deliver("star", "event_star.json");
    assert_eq!(event.event_type(), "star");
    assert_eq!(event.action(), Some("created"));
    assert!(event.repository().is_none());
    let GithubEvent::Unknown { event, raw } = event else {
        panic!("expected Unknown")
    };
    assert_eq!(event, "star");
    assert_eq!(raw["starred_at"], "2019-05-15T15:20:40Z");
    assert_eq!(raw["repository"]["full_name"], "Codertocat/Hello-World");
}

#[test]
fn form_encoded_deliveries_parse_from_the_payload_field() {
    let json = body("event_issues.json");
    let form: String = url_form(&json);
    assert!(form.starts_with("payload=%7B"), "{}", &form[..20]);
    let delivery = webhooks::github(SECRET, "issues", "d-1", form.into_bytes())
        .with_header("Content-Type", "application/x-www-form-urlencoded");
    let verified = GITHUB_WEBHOOKS
        .verify(
            &delivery.request(),
            &WebhookSecrets::from_strs([SECRET]).unwrap(),
            SystemTime::now(),
        )
        .unwrap();
    let GithubEvent::Issues(e) =
        GithubEvent::parse(verified.event_type(), verified.body()).unwrap()
    else {
        panic!("expected Issues")
    };
    assert_eq!(e.issue.title, "Spelling error in the README file");
}

#[test]
fn malformed_payloads_are_errors_not_panics() {
    assert!(GithubEvent::parse("issues", b"{\"action\":\"opened\"}").is_err());
    assert!(GithubEvent::parse("push", b"not json, not a form").is_err());
    assert!(GithubEvent::parse("star", b"name=value").is_err());
}

/// `payload=<the JSON, form-encoded>`, as GitHub sends it for form content type hooks.
fn url_form(json: &[u8]) -> String {
    let mut out = String::from("payload=");
    for &b in json {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'*' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}
