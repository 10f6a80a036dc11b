//! Cloud Pub/Sub push verification: OIDC tokens signed by a test-only RSA key
//! (`tests/fixtures/pubsub_test_key.pem`, generated with `openssl genrsa`), checked against a
//! JWKS the test serves from the mock platform. A token signed by the test key is accepted;
//! wrong audience, expired, unsigned and otherwise wrong tokens are rejected; keys are cached
//! for the JWKS's `Cache-Control` max-age and an unknown `kid` refetches at most once a minute.

mod common;

use std::time::{Duration, SystemTime};

use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use plugboard_core::{ConnectorConfig, SecretString, WebhookError, WebhookEvent, WebhookVerifier};
use plugboard_google::events::GoogleEvent;
use plugboard_google::{GOOGLE_WEBHOOKS, GoogleConnector, PubSubPushVerifier};
use plugboard_testkit::wiremock::matchers::{method, path};
use plugboard_testkit::wiremock::{Mock, ResponseTemplate};
use plugboard_testkit::{MockPlatform, SignedDelivery, fixture_bytes, unix};
use serde_json::{Value, json};

const NOW: u64 = 1_793_610_000; // 2026-11-02T09:00:00Z
const PUSH_SECRET: &str = "push-secret-4c8e1a";
const AUDIENCE: &str = "https://hooks.example.com/webhooks/google";
const SERVICE_ACCOUNT: &str = "pubsub-push@plugboard-demo.iam.gserviceaccount.com";
const KID: &str = "a50f6e70ef4b548a5fd9142eecd1fb8f54dce9ee";
const TEST_KEY: &[u8] = include_bytes!("fixtures/pubsub_test_key.pem");
const OTHER_KEY: &[u8] = include_bytes!("fixtures/pubsub_other_key.pem");

fn key(pem: &[u8]) -> EncodingKey {
    EncodingKey::from_rsa_pem(pem).unwrap()
}

/// The public half of `pem` as a JWK with `kid`, as Google publishes its keys.
fn jwk(pem: &[u8], kid: &str) -> Value {
    let mut jwk =
        serde_json::to_value(Jwk::from_encoding_key(&key(pem), Algorithm::RS256).unwrap()).unwrap();
    jwk["kid"] = json!(kid);
    jwk["use"] = json!("sig");
    jwk
}

fn claims() -> Value {
    json!({
        "aud": AUDIENCE,
        "azp": "113774264463038321964",
        "email": SERVICE_ACCOUNT,
        "email_verified": true,
        "exp": NOW + 3600,
        "iat": NOW,
        "iss": "https://accounts.google.com",
        "sub": "113774264463038321964"
    })
}

fn sign(claims: &Value, pem: &[u8], kid: &str) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(kid.to_string());
    jsonwebtoken::encode(&header, claims, &key(pem)).unwrap()
}

fn push(token: &str) -> SignedDelivery {
    SignedDelivery::new(fixture_bytes!("pubsub_push.json"))
        .with_header("authorization", &format!("Bearer {token}"))
        .with_header(
            "user-agent",
            "APIs-Google; (+https://developers.google.com/webmasters/APIs-Google.html)",
        )
        .with_query(format!("push_token={PUSH_SECRET}"))
}

/// Serves the JWKS with the test key under `kid`, expected to be fetched `times` times.
async fn mount_jwks(mock: &MockPlatform, keys: Vec<Value>, max_age: u64, times: u64) {
    Mock::given(method("GET"))
        .and(path("/oauth2/v3/certs"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header(
                    "cache-control",
                    format!("public, max-age={max_age}, must-revalidate, no-transform").as_str(),
                )
                .set_body_json(json!({"keys": keys})),
        )
        .expect(times)
        .mount(mock.server())
        .await;
}

fn config(mock: &MockPlatform, audience: &str) -> ConnectorConfig {
    let mut config = common::config(&mock.uri());
    config.webhook_secrets = vec![SecretString::from(PUSH_SECRET)];
    config
        .settings
        .insert("pubsub_audience".into(), audience.into());
    config
        .settings
        .insert("pubsub_service_account".into(), SERVICE_ACCOUNT.into());
    config
}

fn verifier(mock: &MockPlatform) -> PubSubPushVerifier {
    PubSubPushVerifier::from_config(&config(mock, AUDIENCE))
        .unwrap()
        .expect("pubsub_audience is set")
}

fn at(secs: u64) -> SystemTime {
    unix(secs)
}

#[tokio::test]
async fn a_push_signed_by_the_test_key_is_accepted() {
    let mock = MockPlatform::start().await;
    mount_jwks(&mock, vec![jwk(TEST_KEY, KID)], 600, 1).await;
    let v = verifier(&mock);
    let delivery = push(&sign(&claims(), TEST_KEY, KID));
    let verified = v.verify(&delivery.request(), at(NOW)).await.unwrap();
    assert_eq!(verified.event_id(), "2070443601311540");
    assert_eq!(verified.event_type(), "pubsub.message");
    assert_eq!(verified.body(), &delivery.body);
    assert_eq!(
        verified.attributes()["subscription"],
        "projects/plugboard-demo/subscriptions/uploads-push"
    );
    assert_eq!(verified.attributes()["service_account"], SERVICE_ACCOUNT);
    let GoogleEvent::PubSub(event) =
        GoogleEvent::parse(verified.event_type(), verified.body()).unwrap()
    else {
        panic!("a Pub/Sub push")
    };
    assert_eq!(event.message.message_id, "2070443601311540");
    assert_eq!(event.message.attributes["eventType"], "OBJECT_FINALIZE");
    assert_eq!(
        event.message.data_json().unwrap().unwrap(),
        json!({"name": "report.csv", "bucket": "plugboard-uploads"})
    );
    // The keys were fetched without credentials.
    let fetch = &mock.received_requests().await[0];
    assert!(fetch.headers.get("authorization").is_none());
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn a_token_for_another_audience_is_rejected() {
    let mock = MockPlatform::start().await;
    mount_jwks(&mock, vec![jwk(TEST_KEY, KID)], 600, 1).await;
    let mut c = claims();
    c["aud"] = json!("https://attacker.example.com/push");
    let e = verifier(&mock)
        .verify(&push(&sign(&c, TEST_KEY, KID)).request(), at(NOW))
        .await
        .unwrap_err();
    assert!(
        matches!(&e, WebhookError::Malformed(m) if m.contains("`aud`")),
        "{e}"
    );
}

#[tokio::test]
async fn an_expired_token_is_rejected() {
    let mock = MockPlatform::start().await;
    mount_jwks(&mock, vec![jwk(TEST_KEY, KID)], 600, 1).await;
    let v = verifier(&mock);
    let mut c = claims();
    c["iat"] = json!(NOW - 7200);
    c["exp"] = json!(NOW - 3600);
    let e = v
        .verify(&push(&sign(&c, TEST_KEY, KID)).request(), at(NOW))
        .await
        .unwrap_err();
    assert_eq!(
        e,
        WebhookError::Stale {
            skew_secs: 3600,
            tolerance_secs: 60
        }
    );
    // Within the 60 s of allowed clock skew it is still accepted.
    let mut c = claims();
    c["exp"] = json!(NOW - 30);
    assert!(
        v.verify(&push(&sign(&c, TEST_KEY, KID)).request(), at(NOW))
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn unsigned_tokens_are_rejected() {
    let mock = MockPlatform::start().await;
    mount_jwks(&mock, vec![jwk(TEST_KEY, KID)], 600, 1).await;
    let v = verifier(&mock);
    let b64 = |s: &str| {
        use base64::Engine as _;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s)
    };
    // `alg: none` is refused before any key is looked up...
    let none = format!(
        "{}.{}.",
        b64(&format!(r#"{{"alg":"none","typ":"JWT","kid":"{KID}"}}"#)),
        b64(&claims().to_string())
    );
    assert_eq!(
        v.verify(&push(&none).request(), at(NOW)).await.unwrap_err(),
        WebhookError::UnsupportedAlgorithm("none".into())
    );
    // ...and an RS256 token with its signature stripped does not verify.
    let signed = sign(&claims(), TEST_KEY, KID);
    let stripped = format!("{}.", signed.rsplit_once('.').unwrap().0);
    assert_eq!(
        v.verify(&push(&stripped).request(), at(NOW))
            .await
            .unwrap_err(),
        WebhookError::BadSignature
    );
    // An HMAC token "signed" with the public key is refused too (algorithm confusion).
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some(KID.into());
    let hs = jsonwebtoken::encode(&header, &claims(), &EncodingKey::from_secret(b"n")).unwrap();
    assert!(matches!(
        v.verify(&push(&hs).request(), at(NOW)).await,
        Err(WebhookError::UnsupportedAlgorithm(_))
    ));
}

#[tokio::test]
async fn a_token_signed_by_another_key_is_rejected() {
    let mock = MockPlatform::start().await;
    mount_jwks(&mock, vec![jwk(TEST_KEY, KID)], 600, 1).await;
    let e = verifier(&mock)
        .verify(&push(&sign(&claims(), OTHER_KEY, KID)).request(), at(NOW))
        .await
        .unwrap_err();
    assert_eq!(e, WebhookError::BadSignature);
}

#[tokio::test]
async fn issuer_service_account_and_email_verification_are_checked() {
    let mock = MockPlatform::start().await;
    mount_jwks(&mock, vec![jwk(TEST_KEY, KID)], 600, 1).await;
    let v = verifier(&mock);
    for (field, value, needle) in [
        ("iss", json!("https://evil.example.com"), "`iss`"),
        ("email", json!("someone@example.com"), "`email`"),
        ("email_verified", json!(false), "`email_verified`"),
    ] {
        let mut c = claims();
        c[field] = value;
        let e = v
            .verify(&push(&sign(&c, TEST_KEY, KID)).request(), at(NOW))
            .await
            .unwrap_err();
        assert!(
            matches!(&e, WebhookError::Malformed(m) if m.contains(needle)),
            "{field}: {e}"
        );
    }
    let mut c = claims();
    c["iss"] = json!("accounts.google.com");
    assert!(
        v.verify(&push(&sign(&c, TEST_KEY, KID)).request(), at(NOW))
            .await
            .is_ok(),
        "both of Google's issuer spellings are accepted"
    );
}

#[tokio::test]
async fn a_push_token_when_present_must_match_the_webhook_secret() {
    let mock = MockPlatform::start().await;
    let v = verifier(&mock);
    let token = sign(&claims(), TEST_KEY, KID);
    let wrong = push(&token).with_query("push_token=guess");
    assert_eq!(
        v.verify(&wrong.request(), at(NOW)).await.unwrap_err(),
        WebhookError::BadSignature
    );
    // Rejected before any key was fetched.
    assert!(mock.received_requests().await.is_empty());

    // Without a push token the OIDC token alone decides (the core verifies its RS256
    // signature): a good one is accepted, one signed by another key is not.
    mount_jwks(&mock, vec![jwk(TEST_KEY, KID)], 600, 1).await;
    let bare = push(&token).with_query("");
    let verified = v.verify(&bare.request(), at(NOW)).await.unwrap();
    assert_eq!(verified.event_type(), "pubsub.message");
    let forged = push(&sign(&claims(), OTHER_KEY, KID)).with_query("");
    assert_eq!(
        v.verify(&forged.request(), at(NOW)).await.unwrap_err(),
        WebhookError::BadSignature
    );
}

#[tokio::test]
async fn keys_are_cached_for_the_max_age() {
    let mock = MockPlatform::start().await;
    mount_jwks(&mock, vec![jwk(TEST_KEY, KID)], 600, 2).await;
    let v = verifier(&mock);
    let token = sign(&claims(), TEST_KEY, KID);
    for offset in [0, 10, 599] {
        v.verify(&push(&token).request(), at(NOW + offset))
            .await
            .unwrap();
    }
    assert_eq!(v.keys().fetches(), 1, "one fetch while the keys are fresh");
    v.verify(&push(&token).request(), at(NOW + 601))
        .await
        .unwrap();
    assert_eq!(v.keys().fetches(), 2, "refetched once the max-age passed");
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn an_unknown_kid_refetches_at_most_once_a_minute() {
    let mock = MockPlatform::start().await;
    mount_jwks(&mock, vec![jwk(TEST_KEY, KID)], 3600, 3).await;
    let v = verifier(&mock);
    v.verify(&push(&sign(&claims(), TEST_KEY, KID)).request(), at(NOW))
        .await
        .unwrap();
    let rotated = sign(&claims(), OTHER_KEY, "rotated-key");
    // The first fetch was at NOW: an unknown kid waits a minute from it, then from each refetch.
    for (offset, fetches) in [(5, 1), (30, 1), (66, 2), (100, 2), (127, 3)] {
        let e = v
            .verify(&push(&rotated).request(), at(NOW + offset))
            .await
            .unwrap_err();
        assert!(matches!(e, WebhookError::Malformed(_)), "{e}");
        assert_eq!(v.keys().fetches(), fetches, "after {offset} s");
    }
    // The known key keeps verifying from the cache.
    v.verify(
        &push(&sign(&claims(), TEST_KEY, KID)).request(),
        at(NOW + 130),
    )
    .await
    .unwrap();
    assert_eq!(v.keys().fetches(), 3);
}

#[tokio::test]
async fn a_rotated_key_is_picked_up_by_the_refetch() {
    let mock = MockPlatform::start().await;
    Mock::given(method("GET"))
        .and(path("/oauth2/v3/certs"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"keys": [jwk(TEST_KEY, KID)]})),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(mock.server())
        .await;
    Mock::given(method("GET"))
        .and(path("/oauth2/v3/certs"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                json!({"keys": [jwk(TEST_KEY, KID), jwk(OTHER_KEY, "rotated-key")]}),
            ),
        )
        .with_priority(2)
        .expect(1)
        .mount(mock.server())
        .await;
    let v = verifier(&mock);
    v.verify(&push(&sign(&claims(), TEST_KEY, KID)).request(), at(NOW))
        .await
        .unwrap();
    v.verify(
        &push(&sign(&claims(), OTHER_KEY, "rotated-key")).request(),
        at(NOW + 120),
    )
    .await
    .unwrap();
    assert_eq!(
        v.keys().kids(),
        ["a50f6e70ef4b548a5fd9142eecd1fb8f54dce9ee", "rotated-key"]
    );
}

#[tokio::test]
async fn the_static_verifier_accepts_pushes_once_the_keys_are_cached() {
    let mock = MockPlatform::start().await;
    mount_jwks(&mock, vec![jwk(TEST_KEY, KID)], 600, 1).await;
    // Building the connector installs its Pub/Sub verifier for the static verifier.
    let audience = "https://hooks.example.com/webhooks/google/static-path";
    let connector = GoogleConnector::from_config(&config(&mock, audience)).unwrap();
    let mut c = claims();
    c["aud"] = json!(audience);
    let delivery = push(&sign(&c, TEST_KEY, KID));
    let secrets = plugboard_core::WebhookSecrets::from_strs([PUSH_SECRET]).unwrap();

    // Nothing cached yet: refused, and a fetch is scheduled in the background.
    let e = GOOGLE_WEBHOOKS
        .verify(&delivery.request(), &secrets, at(NOW))
        .unwrap_err();
    assert!(
        matches!(e, WebhookError::Malformed(ref m) if m.contains("not cached")),
        "{e}"
    );
    let keys = connector.pubsub_verifier().unwrap().keys();
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while keys.kids().is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "the keys were never fetched"
        );
        tokio::task::yield_now().await;
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    // Pub/Sub redelivers: now the key is cached and the synchronous path accepts it.
    let verified = GOOGLE_WEBHOOKS
        .verify(&delivery.request(), &secrets, at(NOW + 10))
        .unwrap();
    assert_eq!(verified.event_id(), "2070443601311540");
    // The wrong audience stays wrong on the synchronous path too.
    let mut wrong = claims();
    wrong["aud"] = json!("https://attacker.example.com/push");
    assert!(
        GOOGLE_WEBHOOKS
            .verify(
                &push(&sign(&wrong, TEST_KEY, KID)).request(),
                &secrets,
                at(NOW + 10)
            )
            .is_err()
    );
    connector.pubsub_verifier().unwrap().uninstall();
    assert!(
        GOOGLE_WEBHOOKS
            .verify(&delivery.request(), &secrets, at(NOW + 10))
            .is_err(),
        "uninstalled: no verifier accepts it"
    );
}

#[test]
fn an_audience_without_a_service_account_is_a_config_error() {
    let mut config = ConnectorConfig::default();
    config
        .settings
        .insert("pubsub_audience".into(), AUDIENCE.into());
    let e = GoogleConnector::from_config(&config).unwrap_err();
    assert_eq!(e.kind(), plugboard_core::ErrorKind::Config);
    assert!(e.to_string().contains("pubsub_service_account"), "{e}");
}
