//! Jira admin-webhook verification over raw bytes (method parsed, tampering and re-serialised
//! JSON rejected, rotation, ids and types) and the typed events.

use std::time::SystemTime;

use bytes::Bytes;
use plugboard_core::signing::{MacAlgorithm, hmac};
use plugboard_core::{
    VerifiedWebhook, WebhookError, WebhookEvent, WebhookSecrets, WebhookVerifier,
};
use plugboard_jira::JIRA_WEBHOOKS;
use plugboard_jira::events::JiraEvent;
use plugboard_testkit::SignedDelivery;
use plugboard_testkit::webhooks::hmac_hex_header;

const SECRET: &str = "It's a Jira admin-webhook secret";
const IDENTIFIER: &str = "e6a1bfa5-3e57-4a86-9d11-4b3b4cdbc5f1";

fn issue_updated() -> Bytes {
    plugboard_testkit::fixture_bytes!("webhook_issue_updated.json")
}

fn signed(body: Bytes) -> SignedDelivery {
    hmac_hex_header("X-Hub-Signature", "sha256=", SECRET, body)
        .with_header("X-Atlassian-Webhook-Identifier", IDENTIFIER)
        .with_header("User-Agent", "Atlassian Webhook HTTP Client")
}

fn verify(d: &SignedDelivery, secrets: &[&str]) -> Result<VerifiedWebhook, WebhookError> {
    JIRA_WEBHOOKS.verify(
        &d.request(),
        &WebhookSecrets::from_strs(secrets.iter().copied()).unwrap(),
        SystemTime::now(),
    )
}

#[test]
fn a_valid_delivery_is_accepted_with_its_identifier_and_webhook_event() {
    let d = signed(issue_updated())
        .with_header("X-Atlassian-Webhook-Retry", "2")
        .with_header("X-Atlassian-Webhook-Flow", "Primary");
    let v = verify(&d, &[SECRET]).unwrap();
    assert_eq!(v.event_id(), IDENTIFIER);
    assert_eq!(v.event_type(), "jira:issue_updated");
    assert_eq!(v.body(), &issue_updated());
    assert_eq!(v.attributes()["retry"], "2");
    assert_eq!(v.attributes()["flow"], "Primary");
    assert_eq!(v.attributes()["signature_method"], "sha256");
}

#[test]
fn tampered_bodies_and_re_serialised_json_are_rejected() {
    let d = signed(issue_updated());
    assert_eq!(
        verify(&d.clone().tampered(), &[SECRET]).unwrap_err(),
        WebhookError::BadSignature
    );
    let value: serde_json::Value = serde_json::from_slice(&issue_updated()).unwrap();
    let compact = Bytes::from(serde_json::to_vec(&value).unwrap());
    assert_ne!(compact, issue_updated());
    assert_eq!(
        verify(&d.clone().with_body(compact), &[SECRET]).unwrap_err(),
        WebhookError::BadSignature
    );
    let pretty = Bytes::from(serde_json::to_vec_pretty(&value).unwrap());
    assert_eq!(
        verify(&d.with_body(pretty), &[SECRET]).unwrap_err(),
        WebhookError::BadSignature
    );
}

#[test]
fn wrong_secrets_fail_and_the_previous_secret_works_during_rotation() {
    let d = signed(issue_updated());
    assert_eq!(
        verify(&d, &["another secret"]).unwrap_err(),
        WebhookError::BadSignature
    );
    assert!(verify(&d, &["the new secret", SECRET]).is_ok());
}

#[test]
fn the_method_is_parsed_not_assumed() {
    let body = issue_updated();
    let sha1 = hex(&hmac(MacAlgorithm::Sha1, SECRET.as_bytes(), &[&body]));
    let d =
        SignedDelivery::new(body.clone()).with_header("X-Hub-Signature", &format!("sha1={sha1}"));
    let v = verify(&d, &[SECRET]).unwrap();
    assert_eq!(v.attributes()["signature_method"], "sha1");

    let sha256 = hex(&hmac(MacAlgorithm::Sha256, SECRET.as_bytes(), &[&body]));
    let upper = SignedDelivery::new(body.clone()).with_header(
        "X-Hub-Signature",
        &format!("SHA256={}", sha256.to_uppercase()),
    );
    assert!(
        verify(&upper, &[SECRET]).is_ok(),
        "case-insensitive method and hex"
    );

    // The right digest under a method name that is not it: rejected.
    let mislabelled =
        SignedDelivery::new(body.clone()).with_header("X-Hub-Signature", &format!("sha1={sha256}"));
    assert_eq!(
        verify(&mislabelled, &[SECRET]).unwrap_err(),
        WebhookError::BadSignature
    );
    let unsupported = SignedDelivery::new(body.clone())
        .with_header("X-Hub-Signature", &format!("sha512={sha256}"));
    assert_eq!(
        verify(&unsupported, &[SECRET]).unwrap_err(),
        WebhookError::UnsupportedAlgorithm("sha512".into())
    );
    let bare = SignedDelivery::new(body.clone()).with_header("X-Hub-Signature", &sha256);
    assert!(matches!(
        verify(&bare, &[SECRET]).unwrap_err(),
        WebhookError::Malformed(_)
    ));
    assert_eq!(
        verify(&SignedDelivery::new(body), &[SECRET]).unwrap_err(),
        WebhookError::MissingHeader("x-hub-signature")
    );
}

#[test]
fn without_an_identifier_the_event_id_is_a_body_digest() {
    let d = hmac_hex_header("X-Hub-Signature", "sha256=", SECRET, issue_updated());
    let v = verify(&d, &[SECRET]).unwrap();
    assert_eq!(
        v.event_id(),
        plugboard_core::webhook::body_digest_id(&issue_updated())
    );
    let other = hmac_hex_header(
        "X-Hub-Signature",
        "sha256=",
        SECRET,
        plugboard_testkit::fixture_bytes!("webhook_comment_created.json"),
    );
    assert_ne!(verify(&other, &[SECRET]).unwrap().event_id(), v.event_id());
}

#[test]
fn a_signed_body_without_webhook_event_is_accepted_as_unknown() {
    let d = hmac_hex_header("X-Hub-Signature", "sha256=", SECRET, "not json at all");
    let v = verify(&d, &[SECRET]).unwrap();
    assert_eq!(v.event_type(), "unknown");
    match JiraEvent::parse(v.event_type(), v.body()).unwrap() {
        JiraEvent::Unknown { event, raw } => {
            assert_eq!(event, "unknown");
            assert_eq!(raw, Bytes::from_static(b"not json at all"));
        }
        other => panic!("expected Unknown, got {other:?}"),
    }
}

fn parsed(body: Bytes) -> JiraEvent {
    let v = verify(&signed(body), &[SECRET]).unwrap();
    JiraEvent::parse(v.event_type(), v.body()).unwrap()
}

#[test]
fn events_parse_into_typed_variants() {
    assert_eq!(<JiraEvent as WebhookEvent>::CONNECTOR, "jira");
    match parsed(issue_updated()) {
        JiraEvent::IssueUpdated(e) => {
            assert_eq!(e.issue.key, "ED-1");
            assert_eq!(e.issue.fields.number("customfield_10016"), Some(5.0));
            assert_eq!(e.changelog.unwrap()["items"][0]["toString"], "In Progress");
            assert_eq!(
                e.user.unwrap().display_name.as_deref(),
                Some("Emma Richards")
            );
            assert_eq!(e.extra["issue_event_type_name"], "issue_generic");
        }
        other => panic!("expected IssueUpdated, got {other:?}"),
    }
    match parsed(plugboard_testkit::fixture_bytes!(
        "webhook_comment_created.json"
    )) {
        JiraEvent::CommentCreated(e) => {
            assert_eq!(e.comment.id, "10050");
            assert_eq!(e.issue.unwrap().key, "ED-1");
        }
        other => panic!("expected CommentCreated, got {other:?}"),
    }
    match parsed(plugboard_testkit::fixture_bytes!(
        "webhook_sprint_started.json"
    )) {
        JiraEvent::SprintStarted(e) => {
            assert_eq!(e.sprint.id, 37);
            assert!(e.sprint.started().is_some());
            assert_eq!(e.sprint.goal.as_deref(), Some("Ship checkout v2"));
        }
        other => panic!("expected SprintStarted, got {other:?}"),
    }
    let worklog = parsed(plugboard_testkit::fixture_bytes!(
        "webhook_worklog_created.json"
    ));
    assert_eq!(worklog.event_type(), "worklog_created");
    match worklog {
        JiraEvent::WorklogCreated(e) => {
            assert_eq!(e.time_spent_seconds(), Some(3600));
            assert_eq!(e.issue_id(), Some("10002"));
        }
        other => panic!("expected WorklogCreated, got {other:?}"),
    }
}

#[test]
fn new_event_types_are_unknown_with_the_raw_bytes() {
    let body = Bytes::from_static(
        br#"{"timestamp":1763777703361,"webhookEvent":"jira:version_released","version":{"id":"10001","name":"2.0"}}"#,
    );
    match parsed(body.clone()) {
        JiraEvent::Unknown { event, raw } => {
            assert_eq!(event, "jira:version_released");
            assert_eq!(raw, body);
        }
        other => panic!("expected Unknown, got {other:?}"),
    }
    let closed = JiraEvent::parse(
        "sprint_closed",
        br#"{"webhookEvent":"sprint_closed","sprint":{"id":37,"state":"closed","completeDate":"2026-11-16T09:12:00.000Z"}}"#,
    )
    .unwrap();
    match closed {
        JiraEvent::SprintClosed(e) => assert!(e.sprint.completed().is_some()),
        other => panic!("expected SprintClosed, got {other:?}"),
    }
    assert!(
        JiraEvent::parse(
            "jira:issue_created",
            b"{\"webhookEvent\":\"jira:issue_created\"}"
        )
        .is_err(),
        "a known type with a broken shape is an error, not silently Unknown"
    );
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn the_readme_example_verifies() {
    let d = SignedDelivery::new(Bytes::from_static(
        br#"{"webhookEvent":"sprint_started","sprint":{"id":37,"state":"active"}}"#,
    ))
    .with_header(
        "X-Hub-Signature",
        "sha256=db29070ae3a516aaeaa28e86c249410daa987260c3bc7ddd9b18d54d825beb26",
    )
    .with_header(
        "X-Atlassian-Webhook-Identifier",
        "9f1c2e4a-0b7d-4c55-8e3a-2d6f1a7b9c01",
    );
    let v = verify(&d, &["change-me-jira-secret"]).unwrap();
    assert_eq!(v.event_id(), "9f1c2e4a-0b7d-4c55-8e3a-2d6f1a7b9c01");
    assert_eq!(v.event_type(), "sprint_started");
}
