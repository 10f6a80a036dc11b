//! TikTok webhooks: `TikTok-Signature: t=…,s=…` over `t + "." + raw body`, the 5-minute window,
//! rotation, body-derived event ids and typed events.

use bytes::Bytes;
use plugboard_core::signing::hmac_sha256_hex;
use plugboard_core::{
    VerifiedWebhook, WebhookError, WebhookEvent, WebhookSecrets, WebhookVerifier,
};
use plugboard_testkit::{SignedDelivery, fixture_bytes, unix};
use plugboard_tiktok::{TIKTOK_WEBHOOKS, TiktokEvent};

const SECRET: &str = "tiktok-client-secret-0123";
const T: i64 = 1_700_000_000;

fn signed(secret: &str, t: i64, body: Bytes) -> SignedDelivery {
    let t_text = t.to_string();
    let s = hmac_sha256_hex(secret.as_bytes(), &[t_text.as_bytes(), b".", &body]);
    SignedDelivery::new(body).with_header("TikTok-Signature", &format!("t={t},s={s}"))
}

fn verify_at(
    delivery: &SignedDelivery,
    secrets: &[&str],
    now: i64,
) -> Result<VerifiedWebhook, WebhookError> {
    TIKTOK_WEBHOOKS.verify(
        &delivery.request(),
        &WebhookSecrets::from_strs(secrets.iter().copied()).unwrap(),
        unix(now as u64),
    )
}

#[test]
fn a_signed_delivery_verifies_with_a_body_derived_id() {
    let body = fixture_bytes!("webhook_publish_completed.json");
    let delivery = signed(SECRET, T, body.clone());
    let v = verify_at(&delivery, &[SECRET], T + 30).unwrap();
    assert_eq!(v.event_type(), "video.publish.completed");
    assert_eq!(
        v.event_id(),
        "video.publish.completed:act.example12345Example12345Example:1615338610:19c5376481cbf633"
    );
    assert_eq!(v.body(), &body);
    assert_eq!(v.attributes()["timestamp"], T.to_string());
    // Rotation: the previous secret still verifies.
    assert!(verify_at(&delivery, &["new-secret", SECRET], T).is_ok());
}

#[test]
fn tampering_wrong_secrets_and_stale_timestamps_are_rejected() {
    let body = fixture_bytes!("webhook_publish_completed.json");
    let delivery = signed(SECRET, T, body);
    assert_eq!(
        verify_at(&delivery.clone().tampered(), &[SECRET], T).unwrap_err(),
        WebhookError::BadSignature
    );
    assert_eq!(
        verify_at(&delivery, &["other"], T).unwrap_err(),
        WebhookError::BadSignature
    );
    assert!(verify_at(&delivery, &[SECRET], T + 300).is_ok());
    assert!(matches!(
        verify_at(&delivery, &[SECRET], T + 301),
        Err(WebhookError::Stale { .. })
    ));
    assert!(matches!(
        verify_at(&delivery, &[SECRET], T - 301),
        Err(WebhookError::Stale { .. })
    ));
    // Moving the timestamp breaks the signature, which covers it.
    let moved = delivery.clone().with_header(
        "TikTok-Signature",
        &delivery
            .header("TikTok-Signature")
            .unwrap()
            .replace(&T.to_string(), &(T + 10).to_string()),
    );
    assert_eq!(
        verify_at(&moved, &[SECRET], T).unwrap_err(),
        WebhookError::BadSignature
    );
    assert_eq!(
        verify_at(
            &delivery.clone().without_header("TikTok-Signature"),
            &[SECRET],
            T
        )
        .unwrap_err(),
        WebhookError::MissingHeader("tiktok-signature")
    );
    let no_t = delivery.with_header("TikTok-Signature", "s=00ff");
    assert!(matches!(
        verify_at(&no_t, &[SECRET], T),
        Err(WebhookError::Malformed(_))
    ));
}

#[test]
fn event_ids_keep_same_second_events_apart_and_prefer_log_id() {
    let one = Bytes::from_static(
        br#"{"client_key":"k","event":"post.publish.complete","create_time":1700000000,"user_openid":"u1","content":"{\"publish_id\":\"p1\"}"}"#,
    );
    let two = Bytes::from_static(
        br#"{"client_key":"k","event":"post.publish.complete","create_time":1700000000,"user_openid":"u1","content":"{\"publish_id\":\"p2\"}"}"#,
    );
    let a = verify_at(&signed(SECRET, T, one.clone()), &[SECRET], T).unwrap();
    let b = verify_at(&signed(SECRET, T, two), &[SECRET], T).unwrap();
    assert_ne!(a.event_id(), b.event_id());
    let again = verify_at(&signed(SECRET, T + 5, one), &[SECRET], T).unwrap();
    assert_eq!(a.event_id(), again.event_id(), "a redelivery keeps its id");

    let logged = Bytes::from_static(
        br#"{"event":"authorization.removed","log_id":"20231101123456ABCDEF","user_openid":"u","create_time":1,"content":"{}"}"#,
    );
    let v = verify_at(&signed(SECRET, T, logged), &[SECRET], T).unwrap();
    assert_eq!(v.event_id(), "20231101123456ABCDEF");

    let bare = Bytes::from_static(br#"{"something":"else"}"#);
    let v = verify_at(&signed(SECRET, T, bare), &[SECRET], T).unwrap();
    assert!(v.event_id().starts_with("sha256:"));
    assert_eq!(v.event_type(), "unknown");
}

#[test]
fn events_are_typed_with_content_parsed_and_an_unknown_arm() {
    let body = fixture_bytes!("webhook_publish_completed.json");
    match TiktokEvent::parse("video.publish.completed", &body).unwrap() {
        TiktokEvent::VideoPublishCompleted(e) => {
            assert_eq!(
                e.user_openid.as_deref(),
                Some("act.example12345Example12345Example")
            );
            assert_eq!(e.create_time, Some(1615338610));
            assert_eq!(e.content["share_id"], "video.6974245311675353080.VDCxrcMJ");
        }
        other => panic!("expected VideoPublishCompleted, got {other:?}"),
    }
    let removed = br#"{"client_key":"k","event":"authorization.removed","create_time":1,"user_openid":"u","content":"{\"reason\":1}"}"#;
    assert!(matches!(
        TiktokEvent::parse("authorization.removed", removed).unwrap(),
        TiktokEvent::AuthorizationRemoved(_)
    ));
    let posted = br#"{"event":"post.publish.inbox_delivered","content":"not json"}"#;
    match TiktokEvent::parse("post.publish.inbox_delivered", posted).unwrap() {
        TiktokEvent::PostPublish(e) => assert_eq!(e.content, "not json"),
        other => panic!("expected PostPublish, got {other:?}"),
    }
    let new = br#"{"event":"live.started","content":"{}"}"#;
    match TiktokEvent::parse("live.started", new).unwrap() {
        TiktokEvent::Unknown { event, raw } => {
            assert_eq!(event, "live.started");
            assert_eq!(raw["event"], "live.started");
        }
        other => panic!("expected Unknown, got {other:?}"),
    }
    assert!(matches!(
        TiktokEvent::parse("x", br#"{"no":"event"}"#).unwrap(),
        TiktokEvent::Unknown { .. }
    ));
    assert!(TiktokEvent::parse("x", b"nope").is_err());
    assert_eq!(<TiktokEvent as WebhookEvent>::CONNECTOR, "tiktok");
}
