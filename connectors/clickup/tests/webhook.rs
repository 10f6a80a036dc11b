//! ClickUp webhook verification over raw bytes (an independently computed vector, tampering,
//! re-serialised JSON, rotation, header handling), payload-derived event ids, and the typed
//! events.

use std::time::SystemTime;

use bytes::Bytes;
use plugboard_clickup::events::ClickupEvent;
use plugboard_clickup::{CLICKUP_WEBHOOKS, UNKNOWN_EVENT};
use plugboard_core::{
    VerifiedWebhook, WebhookError, WebhookEvent, WebhookSecrets, WebhookVerifier,
};
use plugboard_testkit::SignedDelivery;
use plugboard_testkit::webhooks::hmac_hex_header;
use serde_json::json;

const SECRET: &str = "O94IM25S7PXBPYTMNXLLET230SRP0S89COR7B1YOJ2ZIE8WQNK5UUKEF26W0Z5GA";
const WEBHOOK: &str = "7fa3ec74-69a8-4530-a251-8a13730bd204";

/// A `taskDeleted` body and its `X-Signature`, computed outside this code base (Python's
/// `hmac.new(SECRET, body, sha256).hexdigest()`), so the verifier is checked against an
/// independent HMAC, not against itself.
const DELETED_BODY: &str = r#"{"event":"taskDeleted","task_id":"1vj38vv","webhook_id":"7fa3ec74-69a8-4530-a251-8a13730bd204"}"#;
const DELETED_SIGNATURE: &str = "13020c3dfb0d4cd5c5ea022cd7c9637a7b3277c1aad0292d7b3765e5d0e3a95c";
/// `sha256(DELETED_BODY)`, also computed independently.
const DELETED_DIGEST: &str = "35d7397fb4ea1c6332af89a02cb3984779044135bd2b1076c92884828e294110";

fn verify(delivery: &SignedDelivery, secrets: &[&str]) -> Result<VerifiedWebhook, WebhookError> {
    CLICKUP_WEBHOOKS.verify(
        &delivery.request(),
        &WebhookSecrets::from_strs(secrets.iter().copied()).unwrap(),
        SystemTime::now(),
    )
}

fn signed(body: impl Into<Bytes>) -> SignedDelivery {
    hmac_hex_header("X-Signature", "", SECRET, body)
}

#[test]
fn accepts_an_independently_signed_delivery() {
    let delivery = SignedDelivery::new(DELETED_BODY).with_header("X-Signature", DELETED_SIGNATURE);
    let v = verify(&delivery, &[SECRET]).unwrap();
    assert_eq!(v.event_type(), "taskDeleted");
    assert_eq!(
        v.event_id(),
        format!("sha256:{DELETED_DIGEST}"),
        "no history items: the body digest"
    );
    assert_eq!(v.body().as_ref(), DELETED_BODY.as_bytes());
    assert_eq!(v.attributes()["webhook_id"], WEBHOOK);
    // Hex is compared case-insensitively.
    let upper = SignedDelivery::new(DELETED_BODY)
        .with_header("X-Signature", &DELETED_SIGNATURE.to_uppercase());
    assert!(verify(&upper, &[SECRET]).is_ok());
}

#[test]
fn the_event_id_is_the_webhook_the_event_and_the_history_items() {
    let body = plugboard_testkit::fixture_bytes!("event_task_status_updated.json");
    let v = verify(&signed(body.clone()), &[SECRET]).unwrap();
    assert_eq!(v.event_type(), "taskStatusUpdated");
    assert_eq!(
        v.event_id(),
        format!("{WEBHOOK}:taskStatusUpdated:2800787326994457227")
    );
    assert_eq!(v.body(), &body);
    // The same change delivered as `taskUpdated` to the same webhook is another event.
    let text = std::str::from_utf8(&body)
        .unwrap()
        .replace("\"taskStatusUpdated\"", "\"taskUpdated\"");
    let v = verify(&signed(text), &[SECRET]).unwrap();
    assert_eq!(
        v.event_id(),
        format!("{WEBHOOK}:taskUpdated:2800787326994457227")
    );
    // A redelivery (same bytes) has the same id.
    let again = verify(
        &signed(plugboard_testkit::fixture_bytes!(
            "event_task_status_updated.json"
        )),
        &[SECRET],
    )
    .unwrap();
    assert_eq!(
        again.event_id(),
        format!("{WEBHOOK}:taskStatusUpdated:2800787326994457227")
    );
}

#[test]
fn rejects_tampered_bodies_and_wrong_secrets() {
    let delivery = SignedDelivery::new(DELETED_BODY).with_header("X-Signature", DELETED_SIGNATURE);
    assert_eq!(
        verify(&delivery.clone().tampered(), &[SECRET]).unwrap_err(),
        WebhookError::BadSignature
    );
    let swapped = DELETED_BODY.replace("1vj38vv", "1vj38vw");
    assert_eq!(
        verify(&delivery.clone().with_body(swapped), &[SECRET]).unwrap_err(),
        WebhookError::BadSignature
    );
    assert_eq!(
        verify(&delivery, &["another webhook's secret"]).unwrap_err(),
        WebhookError::BadSignature
    );
}

#[test]
fn rejects_re_serialised_json_with_the_same_content() {
    let original = plugboard_testkit::fixture_bytes!("event_task_status_updated.json");
    let delivery = signed(original.clone());
    let value: serde_json::Value = serde_json::from_slice(&original).unwrap();
    for reserialised in [
        serde_json::to_vec(&value).unwrap(),
        serde_json::to_vec_pretty(&value).unwrap(),
    ] {
        assert_ne!(reserialised, original.to_vec());
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(&reserialised).unwrap(),
            value,
            "same content"
        );
        assert_eq!(
            verify(&delivery.clone().with_body(reserialised), &[SECRET]).unwrap_err(),
            WebhookError::BadSignature
        );
    }
    assert!(verify(&delivery, &[SECRET]).is_ok());
}

#[test]
fn accepts_the_previous_secret_during_rotation() {
    let delivery = SignedDelivery::new(DELETED_BODY).with_header("X-Signature", DELETED_SIGNATURE);
    assert!(verify(&delivery, &["the new webhook's secret", SECRET]).is_ok());
}

#[test]
fn requires_the_signature_header() {
    let bare = SignedDelivery::new(DELETED_BODY);
    assert_eq!(
        verify(&bare, &[SECRET]).unwrap_err(),
        WebhookError::MissingHeader("x-signature")
    );
    let not_hex = SignedDelivery::new(DELETED_BODY).with_header("X-Signature", "sha256=zz");
    assert_eq!(
        verify(&not_hex, &[SECRET]).unwrap_err(),
        WebhookError::BadSignature
    );
}

#[test]
fn a_verified_body_that_is_not_json_is_kept_as_unknown() {
    let v = verify(&signed("not json"), &[SECRET]).unwrap();
    assert_eq!(v.event_type(), UNKNOWN_EVENT);
    assert!(v.event_id().starts_with("sha256:"));
}

fn event(fixture: Bytes) -> ClickupEvent {
    let v = verify(&signed(fixture), &[SECRET]).unwrap();
    ClickupEvent::parse(v.event_type(), v.body()).unwrap()
}

#[test]
fn task_events_are_typed() {
    let e = event(plugboard_testkit::fixture_bytes!(
        "event_task_status_updated.json"
    ));
    assert_eq!(ClickupEvent::CONNECTOR, "clickup");
    assert_eq!(e.name(), "taskStatusUpdated");
    let ClickupEvent::TaskStatusUpdated(task) = &e else {
        panic!("{e:?}")
    };
    assert_eq!(task.task_id.as_str(), "1vj37mc");
    assert_eq!(task.webhook_id.as_deref(), Some(WEBHOOK));
    let change = &task.history_items[0];
    assert_eq!(change.field.as_deref(), Some("status"));
    assert_eq!(change.before.as_ref().unwrap()["status"], "to do");
    assert_eq!(change.after.as_ref().unwrap()["status"], "in progress");
    assert_eq!(change.user.as_ref().unwrap().id, 183);

    let e = event(plugboard_testkit::fixture_bytes!(
        "event_task_comment_posted.json"
    ));
    let ClickupEvent::TaskCommentPosted(task) = &e else {
        panic!("{e:?}")
    };
    assert_eq!(
        task.history_items[0].extra["comment"]["text_content"],
        "comment abc1234"
    );

    let e = event(plugboard_testkit::fixture_bytes!(
        "event_task_time_tracked_updated.json"
    ));
    assert!(matches!(e, ClickupEvent::TaskTimeTrackedUpdated(_)));
    assert_eq!(e.history_items()[0].field.as_deref(), Some("time_spent"));
    assert_eq!(
        e.task().unwrap().extra["data"]["interval_id"],
        "2800809188061119507"
    );

    let e = event(Bytes::from_static(DELETED_BODY.as_bytes()));
    let ClickupEvent::TaskDeleted(task) = &e else {
        panic!("{e:?}")
    };
    assert_eq!(task.task_id.as_str(), "1vj38vv");
    assert!(e.history_items().is_empty());
}

#[test]
fn list_events_are_typed_and_unknown_events_are_kept() {
    let e = event(plugboard_testkit::fixture_bytes!("event_list_created.json"));
    let ClickupEvent::ListCreated(list) = &e else {
        panic!("{e:?}")
    };
    assert_eq!(list.list_id.as_str(), "162641285");
    assert_eq!(
        list.history_items[0].after.as_ref().unwrap()["name"],
        "Sprint 43"
    );

    let e = event(plugboard_testkit::fixture_bytes!("event_goal_created.json"));
    assert_eq!(
        e,
        ClickupEvent::Unknown {
            event: "goalCreated".into(),
            raw: json!({"event": "goalCreated", "goal_id": "a23e5a3d-74b5-44c2-ab53-917ebe85045a", "webhook_id": WEBHOOK}),
        }
    );
    assert_eq!(e.name(), "goalCreated");
    for name in ["folderCreated", "spaceDeleted"] {
        let key = if name.starts_with("folder") {
            "folder_id"
        } else {
            "space_id"
        };
        let body = json!({"event": name, key: "77", "webhook_id": WEBHOOK}).to_string();
        let e = event(Bytes::from(body));
        assert_eq!(e.name(), name);
        assert!(!matches!(e, ClickupEvent::Unknown { .. }));
    }
}
