//! The Google webhook verifier: YouTube WebSub (verification of intent, `X-Hub-Signature`
//! over the raw Atom body), Calendar/Drive channel notifications (constant-time channel
//! token, expiry, `sync` handshake, channel id + message number as event id), dispatch by
//! headers, and the typed events.

use std::time::Duration;

use bytes::Bytes;
use http::Method;
use plugboard_core::signing::{MacAlgorithm, hmac};
use plugboard_core::{WebhookError, WebhookEvent, WebhookSecrets, WebhookVerifier};
use plugboard_google::GOOGLE_WEBHOOKS;
use plugboard_google::events::GoogleEvent;
use plugboard_testkit::{SignedDelivery, fixture_bytes, unix};

const SECRET: &str = "websub-hub-secret-9f2c";
const NOW: u64 = 1_793_610_000; // 2026-11-02T09:00:00Z

fn secrets(list: &[&str]) -> WebhookSecrets {
    WebhookSecrets::from_strs(list.iter().copied()).unwrap()
}

fn websub(secret: &str, body: Bytes) -> SignedDelivery {
    let signature = hex(&hmac(MacAlgorithm::Sha1, secret.as_bytes(), &[&body]));
    SignedDelivery::new(body)
        .with_header("content-type", "application/atom+xml")
        .with_header("x-hub-signature", &format!("sha1={signature}"))
        .with_header(
            "link",
            "<https://pubsubhubbub.appspot.com>; rel=hub, <https://www.youtube.com/xml/feeds/videos.xml?channel_id=UC_x5XG1OV2P6uZZ5FSM9Ttw>; rel=self",
        )
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn websub_upload_is_verified_with_the_video_and_update_as_event_id() {
    let delivery = websub(SECRET, fixture_bytes!("websub_upload.xml"));
    let verified = GOOGLE_WEBHOOKS
        .verify(&delivery.request(), &secrets(&[SECRET]), unix(NOW))
        .unwrap();
    assert_eq!(
        verified.event_id(),
        "youtube:M7lc1UVf-VE:2026-11-02T09:15:03.114208413+00:00"
    );
    assert_eq!(verified.event_type(), "youtube.video");
    assert_eq!(verified.body(), &delivery.body);
    assert_eq!(
        verified.attributes()["channel_id"],
        "UC_x5XG1OV2P6uZZ5FSM9Ttw"
    );
    let GoogleEvent::YoutubeVideo(video) =
        GoogleEvent::parse(verified.event_type(), verified.body()).unwrap()
    else {
        panic!("a video event")
    };
    assert_eq!(video.video_id, "M7lc1UVf-VE");
    assert_eq!(video.title.as_deref(), Some("Plugboard & the YouTube API"));
    assert_eq!(
        video.link.as_deref(),
        Some("https://www.youtube.com/watch?v=M7lc1UVf-VE")
    );
}

#[test]
fn websub_deletion_is_its_own_event() {
    let delivery = websub(SECRET, fixture_bytes!("websub_deleted.xml"));
    let verified = GOOGLE_WEBHOOKS
        .verify(&delivery.request(), &secrets(&[SECRET]), unix(NOW))
        .unwrap();
    assert_eq!(verified.event_type(), "youtube.video_deleted");
    assert_eq!(
        verified.event_id(),
        "youtube:M7lc1UVf-VE:deleted:2026-11-03T10:00:00.000000+00:00"
    );
    let GoogleEvent::YoutubeVideoDeleted(deleted) =
        GoogleEvent::parse(verified.event_type(), verified.body()).unwrap()
    else {
        panic!("a deletion")
    };
    assert_eq!(deleted.video_id, "M7lc1UVf-VE");
}

#[test]
fn websub_rejects_tampering_wrong_secrets_and_unknown_algorithms() {
    let delivery = websub(SECRET, fixture_bytes!("websub_upload.xml"));
    let s = secrets(&[SECRET]);
    assert_eq!(
        GOOGLE_WEBHOOKS
            .verify(&delivery.clone().tampered().request(), &s, unix(NOW))
            .unwrap_err(),
        WebhookError::BadSignature
    );
    assert_eq!(
        GOOGLE_WEBHOOKS
            .verify(&delivery.request(), &secrets(&["another"]), unix(NOW))
            .unwrap_err(),
        WebhookError::BadSignature
    );
    // During a rotation the previous secret still verifies.
    assert!(
        GOOGLE_WEBHOOKS
            .verify(
                &delivery.request(),
                &secrets(&["new-secret", SECRET]),
                unix(NOW)
            )
            .is_ok()
    );
    let md5 = delivery
        .clone()
        .with_header("x-hub-signature", "md5=abcdef");
    assert!(matches!(
        GOOGLE_WEBHOOKS.verify(&md5.request(), &s, unix(NOW)),
        Err(WebhookError::UnsupportedAlgorithm(_))
    ));
    let bare = delivery.with_header("x-hub-signature", "abcdef");
    assert!(matches!(
        GOOGLE_WEBHOOKS.verify(&bare.request(), &s, unix(NOW)),
        Err(WebhookError::Malformed(_))
    ));
}

#[test]
fn websub_sha256_signatures_are_accepted() {
    let body = fixture_bytes!("websub_upload.xml");
    let signature = hex(&hmac(MacAlgorithm::Sha256, SECRET.as_bytes(), &[&body]));
    let delivery =
        SignedDelivery::new(body).with_header("x-hub-signature", &format!("sha256={signature}"));
    assert!(
        GOOGLE_WEBHOOKS
            .verify(&delivery.request(), &secrets(&[SECRET]), unix(NOW))
            .is_ok()
    );
}

#[test]
fn websub_feeds_without_a_known_entry_get_a_digest_id() {
    let body = Bytes::from_static(b"<feed xmlns=\"http://www.w3.org/2005/Atom\"></feed>");
    let delivery = websub(SECRET, body.clone());
    let verified = GOOGLE_WEBHOOKS
        .verify(&delivery.request(), &secrets(&[SECRET]), unix(NOW))
        .unwrap();
    assert_eq!(verified.event_type(), "websub");
    assert_eq!(
        verified.event_id(),
        plugboard_core::webhook::body_digest_id(&body)
    );
    let GoogleEvent::Unknown { event, raw } =
        GoogleEvent::parse(verified.event_type(), verified.body()).unwrap()
    else {
        panic!("unknown")
    };
    assert_eq!(event, "websub");
    assert!(raw.as_str().unwrap().starts_with("<feed"));
}

fn get(query: &str) -> SignedDelivery {
    let mut d = SignedDelivery::new(Bytes::new()).with_query(query);
    d.method = Method::GET;
    d
}

#[test]
fn websub_verification_of_intent_echoes_the_challenge() {
    let s = secrets(&[SECRET]);
    for mode in ["subscribe", "unsubscribe"] {
        let d = get(&format!(
            "hub.mode={mode}&hub.topic=https%3A%2F%2Fwww.youtube.com%2Fxml%2Ffeeds%2Fvideos.xml%3Fchannel_id%3DUCxyz&hub.challenge=14628390571234&hub.lease_seconds=432000"
        ));
        let answer = GOOGLE_WEBHOOKS
            .handshake(&d.request(), &s, unix(NOW))
            .expect("a handshake")
            .unwrap();
        assert_eq!(answer.status, 200);
        assert_eq!(answer.content_type, "text/plain");
        assert_eq!(answer.body, Bytes::from_static(b"14628390571234"));
    }
    let missing = get("hub.mode=subscribe&hub.topic=x");
    assert!(matches!(
        GOOGLE_WEBHOOKS.handshake(&missing.request(), &s, unix(NOW)),
        Some(Err(WebhookError::Malformed(_)))
    ));
    let denied = get("hub.mode=denied&hub.topic=x&hub.reason=unauthorized");
    let answer = GOOGLE_WEBHOOKS
        .handshake(&denied.request(), &s, unix(NOW))
        .unwrap()
        .unwrap();
    assert_eq!(answer.body, Bytes::new());
    // A signed POST is a delivery, not a handshake.
    let post = websub(SECRET, fixture_bytes!("websub_upload.xml"));
    assert!(
        GOOGLE_WEBHOOKS
            .handshake(&post.request(), &s, unix(NOW))
            .is_none()
    );
    assert!(
        GOOGLE_WEBHOOKS
            .handshake(&get("a=b").request(), &s, unix(NOW))
            .is_none()
    );
}

const CHANNEL_TOKEN: &str = "channel-token-7d1e0b";

fn calendar(state: &str, number: &str) -> SignedDelivery {
    SignedDelivery::new(Bytes::new())
        .without_header("content-type")
        .with_header("x-goog-channel-id", "01234567-89ab-cdef-0123456789ab")
        .with_header("x-goog-channel-token", CHANNEL_TOKEN)
        .with_header("x-goog-channel-expiration", "Tue, 03 Nov 2026 09:00:00 GMT")
        .with_header("x-goog-resource-id", "o3hgv1538sdjfh")
        .with_header(
            "x-goog-resource-uri",
            "https://www.googleapis.com/calendar/v3/calendars/primary/events?alt=json",
        )
        .with_header("x-goog-resource-state", state)
        .with_header("x-goog-message-number", number)
}

#[test]
fn channel_notifications_are_identified_by_channel_and_message_number() {
    let d = calendar("exists", "10");
    let verified = GOOGLE_WEBHOOKS
        .verify(&d.request(), &secrets(&[CHANNEL_TOKEN]), unix(NOW))
        .unwrap();
    assert_eq!(verified.event_id(), "01234567-89ab-cdef-0123456789ab:10");
    assert_eq!(verified.event_type(), "calendar.exists");
    let attributes = verified.attributes();
    assert_eq!(attributes["resource_id"], "o3hgv1538sdjfh");
    assert_eq!(attributes["resource_state"], "exists");
    assert_eq!(attributes["message_number"], "10");
    let GoogleEvent::Channel(event) =
        GoogleEvent::parse(verified.event_type(), verified.body()).unwrap()
    else {
        panic!("a channel notification")
    };
    assert_eq!(event.api, "calendar");
    assert_eq!(event.resource_state, "exists");
    assert_eq!(event.body, None);

    let drive = calendar("update", "11")
        .with_header(
            "x-goog-resource-uri",
            "https://www.googleapis.com/drive/v3/files/1a2b3c?alt=json",
        )
        .with_header("x-goog-changed", "content,properties");
    let verified = GOOGLE_WEBHOOKS
        .verify(&drive.request(), &secrets(&[CHANNEL_TOKEN]), unix(NOW))
        .unwrap();
    assert_eq!(verified.event_type(), "drive.update");
    assert_eq!(verified.attributes()["changed"], "content,properties");
}

#[test]
fn channel_tokens_must_match_and_channels_must_not_have_expired() {
    let d = calendar("exists", "10");
    assert_eq!(
        GOOGLE_WEBHOOKS
            .verify(&d.request(), &secrets(&["another-token"]), unix(NOW))
            .unwrap_err(),
        WebhookError::BadSignature
    );
    let no_token = d.clone().without_header("x-goog-channel-token");
    assert_eq!(
        GOOGLE_WEBHOOKS
            .verify(&no_token.request(), &secrets(&[CHANNEL_TOKEN]), unix(NOW))
            .unwrap_err(),
        WebhookError::MissingHeader("x-goog-channel-token")
    );
    // The channel expired at 2026-11-03T09:00:00Z; a day and a second later it is refused.
    let late = unix(NOW) + Duration::from_secs(86_401);
    assert_eq!(
        GOOGLE_WEBHOOKS
            .verify(&d.request(), &secrets(&[CHANNEL_TOKEN]), late)
            .unwrap_err(),
        WebhookError::Stale {
            skew_secs: 1,
            tolerance_secs: 0
        }
    );
    let bad_number = calendar("exists", "ten");
    assert!(matches!(
        GOOGLE_WEBHOOKS.verify(&bad_number.request(), &secrets(&[CHANNEL_TOKEN]), unix(NOW)),
        Err(WebhookError::Malformed(_))
    ));
}

#[test]
fn a_channels_sync_message_is_answered_as_a_handshake_once_authenticated() {
    let sync = calendar("sync", "1");
    let answer = GOOGLE_WEBHOOKS
        .handshake(&sync.request(), &secrets(&[CHANNEL_TOKEN]), unix(NOW))
        .expect("sync is a handshake")
        .unwrap();
    assert_eq!(answer.status, 200);
    assert!(matches!(
        GOOGLE_WEBHOOKS.handshake(&sync.request(), &secrets(&["wrong"]), unix(NOW)),
        Some(Err(WebhookError::BadSignature))
    ));
    let exists = calendar("exists", "2");
    assert!(
        GOOGLE_WEBHOOKS
            .handshake(&exists.request(), &secrets(&[CHANNEL_TOKEN]), unix(NOW))
            .is_none()
    );
}

#[test]
fn deliveries_without_any_google_credential_are_rejected() {
    let d = SignedDelivery::new(Bytes::from_static(b"{}"));
    assert!(matches!(
        GOOGLE_WEBHOOKS.verify(&d.request(), &secrets(&[SECRET]), unix(NOW)),
        Err(WebhookError::MissingHeader(_))
    ));
    let basic = d.with_header("authorization", "Basic dXNlcjpwYXNz");
    assert!(
        GOOGLE_WEBHOOKS
            .verify(&basic.request(), &secrets(&[SECRET]), unix(NOW))
            .is_err()
    );
}

#[test]
fn unknown_event_types_parse_into_unknown() {
    let event = GoogleEvent::parse("gmail.history", br#"{"historyId": "9876"}"#).unwrap();
    assert_eq!(
        event,
        GoogleEvent::Unknown {
            event: "gmail.history".into(),
            raw: serde_json::json!({"historyId": "9876"})
        }
    );
    assert_eq!(event.event_type(), "gmail.history");
}
