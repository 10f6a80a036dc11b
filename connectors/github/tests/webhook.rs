//! GitHub webhook verification over raw bytes: the documented vector, tampering, rotation,
//! algorithm and header handling.

use std::time::SystemTime;

use bytes::Bytes;
use http::{HeaderMap, Method};
use plugboard_core::{WebhookError, WebhookRequest, WebhookSecrets, WebhookVerifier};
use plugboard_github::GITHUB_WEBHOOKS;

const SECRET: &str = "It's a Secret to Everybody";
const SIGNATURE: &str = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (k, v) in pairs {
        h.insert(*k, v.parse().unwrap());
    }
    h
}

fn verify(
    h: &HeaderMap,
    body: &'static [u8],
    secrets: &[&str],
) -> Result<plugboard_core::VerifiedWebhook, WebhookError> {
    let body = Bytes::from_static(body);
    GITHUB_WEBHOOKS.verify(
        &WebhookRequest {
            method: &Method::POST,
            headers: h,
            query: None,
            body: &body,
        },
        &WebhookSecrets::from_strs(secrets.iter().copied()).unwrap(),
        SystemTime::now(),
    )
}

#[test]
fn accepts_githubs_documented_example() {
    let h = headers(&[
        ("x-hub-signature-256", SIGNATURE),
        ("x-github-event", "issues"),
        ("x-github-delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958"),
        ("x-github-hook-id", "292430182"),
    ]);
    let v = verify(&h, b"Hello, World!", &[SECRET]).unwrap();
    assert_eq!(v.event_id(), "72d3162e-cc78-11e3-81ab-4c9367dc0958");
    assert_eq!(v.event_type(), "issues");
    assert_eq!(v.body().as_ref(), b"Hello, World!");
    assert_eq!(v.attributes()["hook_id"], "292430182");
}

#[test]
fn rejects_tampered_bodies_and_wrong_secrets() {
    let h = headers(&[("x-hub-signature-256", SIGNATURE)]);
    assert_eq!(
        verify(&h, b"Hello, World?", &[SECRET]).unwrap_err(),
        WebhookError::BadSignature
    );
    assert_eq!(
        verify(&h, b"Hello, World!", &["not it"]).unwrap_err(),
        WebhookError::BadSignature
    );
}

#[test]
fn accepts_the_previous_secret_during_rotation() {
    let h = headers(&[("x-hub-signature-256", SIGNATURE)]);
    let v = verify(&h, b"Hello, World!", &["the new secret", SECRET]).unwrap();
    assert!(
        v.event_id().starts_with("sha256:"),
        "no delivery header: body digest id"
    );
}

#[test]
fn requires_the_sha256_header_and_rejects_other_algorithms() {
    let legacy = headers(&[(
        "x-hub-signature",
        "sha1=3f0d0b2a5a9cde7fd1e1b3c5a4d37b1e87e4e0d0",
    )]);
    assert_eq!(
        verify(&legacy, b"Hello, World!", &[SECRET]).unwrap_err(),
        WebhookError::MissingHeader("x-hub-signature-256")
    );
    let sha1 = headers(&[("x-hub-signature-256", "sha1=757107ea")]);
    assert!(matches!(
        verify(&sha1, b"Hello, World!", &[SECRET]),
        Err(WebhookError::UnsupportedAlgorithm(_))
    ));
    let bare = headers(&[(
        "x-hub-signature-256",
        "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
    )]);
    assert!(matches!(
        verify(&bare, b"Hello, World!", &[SECRET]),
        Err(WebhookError::Malformed(_))
    ));
}

#[test]
fn verification_is_over_raw_bytes_not_reserialised_json() {
    let body: &'static [u8] = br#"{"action": "opened",  "number": 1}"#;
    let sig = format!(
        "sha256={}",
        plugboard_core::signing::hmac_sha256_hex(SECRET.as_bytes(), &[body])
    );
    let h = headers(&[("x-hub-signature-256", sig.as_str())]);
    assert!(verify(&h, body, &[SECRET]).is_ok());
    let reserialised =
        serde_json::to_vec(&serde_json::from_slice::<serde_json::Value>(body).unwrap()).unwrap();
    let leaked: &'static [u8] = Box::leak(reserialised.into_boxed_slice());
    assert_eq!(
        verify(&h, leaked, &[SECRET]).unwrap_err(),
        WebhookError::BadSignature
    );
}
