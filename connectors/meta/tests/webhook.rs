//! Meta webhooks: the subscription handshake, `X-Hub-Signature-256` over the raw (escaped
//! unicode) body, batches split into one event per entry with stable ids, and typed events.

use std::time::SystemTime;

use bytes::Bytes;
use http::{HeaderMap, Method};
use plugboard_core::{
    ConnectorConfig, SecretString, VerifiedWebhook, WebhookError, WebhookEvent, WebhookRequest,
    WebhookSecrets, WebhookVerifier,
};
use plugboard_meta::{META_WEBHOOKS, MetaConnector, MetaEvent, MetaWebhookVerifier};
use plugboard_testkit::webhooks::hmac_hex_header;
use plugboard_testkit::{SignedDelivery, fixture_bytes};

const APP_SECRET: &str = "meta-app-secret-0123";

fn secrets(list: &[&str]) -> WebhookSecrets {
    WebhookSecrets::from_strs(list.iter().copied()).unwrap()
}

fn signed(body: Bytes) -> SignedDelivery {
    hmac_hex_header("X-Hub-Signature-256", "sha256=", APP_SECRET, body)
}

fn verify(delivery: &SignedDelivery) -> Result<VerifiedWebhook, WebhookError> {
    META_WEBHOOKS.verify(
        &delivery.request(),
        &secrets(&[APP_SECRET]),
        SystemTime::now(),
    )
}

fn handshake(
    verifier: &MetaWebhookVerifier,
    method: Method,
    query: &str,
) -> Option<Result<plugboard_core::Handshake, WebhookError>> {
    let headers = HeaderMap::new();
    let body = Bytes::new();
    verifier.handshake(
        &WebhookRequest {
            method: &method,
            headers: &headers,
            query: Some(query),
            body: &body,
        },
        &secrets(&[APP_SECRET]),
        SystemTime::now(),
    )
}

#[test]
fn the_handshake_echoes_the_challenge_only_for_the_configured_verify_token() {
    let mut config = ConnectorConfig::default();
    config
        .secrets
        .insert("verify_token".into(), SecretString::from("my-verify-token"));
    let verifier = MetaConnector::webhook_verifier_with_token(&config).unwrap();
    let ok = handshake(
        &verifier,
        Method::GET,
        "hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=my-verify-token",
    )
    .unwrap()
    .unwrap();
    assert_eq!(ok.status, 200);
    assert_eq!(ok.body.as_ref(), b"1158201444");

    let wrong = handshake(
        &verifier,
        Method::GET,
        "hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=guess",
    )
    .unwrap();
    assert_eq!(wrong.unwrap_err(), WebhookError::BadSignature);
    let unsubscribe = handshake(
        &verifier,
        Method::GET,
        "hub.mode=unsubscribe&hub.challenge=1&hub.verify_token=my-verify-token",
    )
    .unwrap();
    assert!(matches!(unsubscribe, Err(WebhookError::Malformed(_))));
    let no_challenge = handshake(
        &verifier,
        Method::GET,
        "hub.mode=subscribe&hub.verify_token=my-verify-token",
    )
    .unwrap();
    assert!(matches!(no_challenge, Err(WebhookError::Malformed(_))));

    assert!(handshake(&verifier, Method::POST, "hub.mode=subscribe").is_none());
    assert!(handshake(&verifier, Method::GET, "other=1").is_none());

    // The registered verifier knows no verify token: it fails closed.
    let closed = handshake(
        &META_WEBHOOKS,
        Method::GET,
        "hub.mode=subscribe&hub.challenge=1&hub.verify_token=meta-app-secret-0123",
    )
    .unwrap();
    assert_eq!(closed.unwrap_err(), WebhookError::NoSecret);
    let e = MetaConnector::webhook_verifier_with_token(&ConnectorConfig::default()).unwrap_err();
    assert!(e.to_string().contains("PLUGBOARD_META_VERIFY_TOKEN"), "{e}");
}

#[test]
fn signatures_cover_the_raw_escaped_unicode_body() {
    let raw = fixture_bytes!("page_feed_batch.json");
    assert!(
        raw.windows(6).any(|w| w == br"\u00f6"),
        "the fixture keeps escapes"
    );
    let delivery = signed(raw.clone());
    let verified = verify(&delivery).unwrap();
    assert_eq!(verified.body(), &raw);
    assert_eq!(verified.event_type(), "page");
    assert!(
        verified.event_id().starts_with("sha256:"),
        "a batch has a digest id"
    );

    // The same JSON re-serialised (unicode unescaped) no longer matches the signature.
    let value: serde_json::Value = serde_json::from_slice(&raw).unwrap();
    let reserialised = Bytes::from(serde_json::to_vec(&value).unwrap());
    assert_ne!(reserialised, raw);
    let forged = delivery.clone().with_body(reserialised);
    assert_eq!(verify(&forged).unwrap_err(), WebhookError::BadSignature);

    // Rotation: the previous app secret still verifies.
    let rotated = META_WEBHOOKS
        .verify(
            &delivery.request(),
            &secrets(&["new-secret", APP_SECRET]),
            SystemTime::now(),
        )
        .unwrap();
    assert_eq!(rotated.body(), &raw);
}

#[test]
fn legacy_and_malformed_signatures_are_rejected() {
    let raw = fixture_bytes!("page_feed_single.json");
    let good = signed(raw.clone());
    let sha1 = good
        .clone()
        .without_header("X-Hub-Signature-256")
        .with_header(
            "X-Hub-Signature",
            "sha1=0123456789abcdef0123456789abcdef01234567",
        );
    assert_eq!(
        verify(&sha1).unwrap_err(),
        WebhookError::MissingHeader("x-hub-signature-256")
    );
    let bare = good.clone().with_header("X-Hub-Signature-256", "0123abcd");
    assert!(matches!(verify(&bare), Err(WebhookError::Malformed(_))));
    let sha1_prefix = good.with_header("X-Hub-Signature-256", "sha1=0123abcd");
    assert!(matches!(
        verify(&sha1_prefix),
        Err(WebhookError::UnsupportedAlgorithm(_))
    ));
}

#[test]
fn batches_split_into_one_event_per_entry_with_stable_distinct_ids() {
    let raw = fixture_bytes!("page_feed_batch.json");
    let verified = verify(&signed(raw.clone())).unwrap();
    let parts = META_WEBHOOKS.split(verified.clone());
    assert_eq!(parts.len(), 2);
    for part in &parts {
        assert_eq!(part.event_type(), "page");
        assert!(
            part.event_id().starts_with("page:1234567890:1520383571:"),
            "{}",
            part.event_id()
        );
        // Each part's body is cut from the verified bytes, escapes included.
        let text = std::str::from_utf8(&raw).unwrap();
        assert!(text.contains(std::str::from_utf8(part.body()).unwrap()));
        assert!(part.body().starts_with(b"{\"id\":\"1234567890\""));
        assert_eq!(part.received_at(), verified.received_at());
    }
    assert_ne!(
        parts[0].event_id(),
        parts[1].event_id(),
        "two entries of the same page and second keep distinct ids"
    );
    let again = META_WEBHOOKS.split(verify(&signed(raw)).unwrap());
    let ids = |v: &[VerifiedWebhook]| -> Vec<String> {
        v.iter().map(|p| p.event_id().to_string()).collect()
    };
    assert_eq!(ids(&parts), ids(&again), "a redelivery has the same ids");

    // A delivery with one entry has that entry's id before and after the split.
    let single = verify(&signed(fixture_bytes!("page_feed_single.json"))).unwrap();
    assert_eq!(
        single.event_id(),
        "page:1234567890:1520383571:061b6347981256e8"
    );
    let split = META_WEBHOOKS.split(single);
    assert_eq!(split.len(), 1);
    assert_eq!(
        split[0].event_id(),
        "page:1234567890:1520383571:061b6347981256e8"
    );
}

#[test]
fn events_are_typed_by_object_with_an_unknown_arm() {
    let verified = verify(&signed(fixture_bytes!("page_feed_batch.json"))).unwrap();
    let parts = META_WEBHOOKS.split(verified.clone());
    match MetaEvent::parse(parts[1].event_type(), parts[1].body()).unwrap() {
        MetaEvent::Page(entry) => {
            assert_eq!(entry.id, "1234567890");
            assert_eq!(entry.time, Some(1520383571));
            assert_eq!(entry.changes[0].field, "feed");
            assert_eq!(entry.changes[0].value["message"], "äöå");
        }
        other => panic!("expected a Page event, got {other:?}"),
    }
    match MetaEvent::parse(verified.event_type(), verified.body()).unwrap() {
        MetaEvent::Batch(delivery) => assert_eq!(delivery.entry.len(), 2),
        other => panic!("expected a batch, got {other:?}"),
    }
    match MetaEvent::parse(
        "page",
        br#"{"object":"page","entry":[{"id":"1","time":2}]}"#,
    )
    .unwrap()
    {
        MetaEvent::Page(entry) => assert_eq!(entry.id, "1"),
        other => panic!("expected a Page event, got {other:?}"),
    }
    let wa = MetaEvent::parse(
        "whatsapp_business_account",
        br#"{"id":"102290129340398","changes":[{"field":"messages","value":{"messaging_product":"whatsapp"}}]}"#,
    )
    .unwrap();
    assert!(matches!(wa, MetaEvent::WhatsappBusinessAccount(_)));
    match MetaEvent::parse("marketplace", br#"{"id":"9","time":3}"#).unwrap() {
        MetaEvent::Unknown { event, raw } => {
            assert_eq!(event, "marketplace");
            assert_eq!(raw["id"], "9");
        }
        other => panic!("expected Unknown, got {other:?}"),
    }
    assert!(matches!(
        MetaEvent::parse("page", br#"{"no":"id"}"#).unwrap(),
        MetaEvent::Unknown { .. }
    ));
    assert!(MetaEvent::parse("page", b"not json").is_err());
    assert_eq!(<MetaEvent as WebhookEvent>::CONNECTOR, "meta");
}

#[test]
fn a_signed_body_that_is_not_a_batch_is_accepted_with_a_digest_id() {
    let delivery = signed(Bytes::from_static(b"plain text"));
    let verified = verify(&delivery).unwrap();
    assert!(verified.event_id().starts_with("sha256:"));
    assert_eq!(verified.event_type(), "unknown");
    assert_eq!(META_WEBHOOKS.split(verified).len(), 1);
}
