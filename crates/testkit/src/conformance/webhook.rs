//! Webhook checks: the golden delivery is accepted (also as the second secret during a
//! rotation) with the expected event id and type; a tampered body, a wrong secret, a stale
//! timestamp and a missing signature are rejected.

use plugboard_core::webhook::{VerifiedWebhook, WebhookError, WebhookSecrets, WebhookVerifier};

use super::spec::{ConformanceSpec, WebhookCase};
use crate::clock::unix;
use crate::webhooks::SignedDelivery;

/// A `whsec_` secret that is not the golden one (base64 of `plugboard-testkit-wrong-secret-0`).
const WRONG_WHSEC: &str = "whsec_cGx1Z2JvYXJkLXRlc3RraXQtd3Jvbmctc2VjcmV0LTA=";

/// A secret of the same form as `secret` (so it passes any format check) that is not `secret`.
pub fn wrong_secret(secret: &str) -> String {
    if secret.starts_with("whsec_") && secret != WRONG_WHSEC {
        WRONG_WHSEC.to_string()
    } else {
        format!("{secret}-wrong")
    }
}

struct Case<'a> {
    id: &'static str,
    verifier: &'static dyn WebhookVerifier,
    case: &'a WebhookCase,
}

impl Case<'_> {
    fn from(spec: &ConformanceSpec) -> Option<Case<'_>> {
        let id = spec.descriptor.id().as_str();
        match (spec.descriptor.webhook_verifier, &spec.webhook) {
            (Some(verifier), Some(case)) => Some(Case { id, verifier, case }),
            (None, None) => {
                eprintln!("conformance[{id}]: the connector has no webhooks; nothing to check");
                None
            }
            (Some(_), None) => panic!(
                "conformance[{id}]: the descriptor has a webhook verifier but the spec has no `webhook` case"
            ),
            (None, Some(_)) => panic!(
                "conformance[{id}]: the spec has a `webhook` case but the descriptor has no webhook verifier"
            ),
        }
    }

    fn verify_with(
        &self,
        delivery: &SignedDelivery,
        secrets: &[&str],
        now: u64,
    ) -> Result<VerifiedWebhook, WebhookError> {
        let secrets = WebhookSecrets::from_strs(secrets.iter().copied())
            .unwrap_or_else(|e| panic!("conformance[{}]: bad test secrets: {e}", self.id));
        self.verifier
            .verify(&delivery.request(), &secrets, unix(now))
    }

    fn verify(&self, delivery: &SignedDelivery) -> Result<VerifiedWebhook, WebhookError> {
        self.verify_with(delivery, &[self.case.secret], self.case.now)
    }

    fn golden(&self) -> SignedDelivery {
        (self.case.delivery)()
    }

    fn expect_rejected(
        &self,
        result: Result<VerifiedWebhook, WebhookError>,
        what: &str,
    ) -> WebhookError {
        match result {
            Ok(v) => panic!(
                "conformance[{}]: the verifier accepted {what} (event id {:?}, type {:?})",
                self.id,
                v.event_id(),
                v.event_type()
            ),
            Err(e) => e,
        }
    }
}

/// The golden delivery verifies at `now` with the expected event id, event type and the exact
/// body, with the secret alone and as the second of two secrets (rotation).
pub async fn webhook_golden_accepted(spec: &ConformanceSpec) {
    let Some(c) = Case::from(spec) else { return };
    let delivery = c.golden();
    let wrong = wrong_secret(c.case.secret);
    for (what, secrets) in [
        ("the secret", vec![c.case.secret]),
        (
            "the previous secret during a rotation",
            vec![wrong.as_str(), c.case.secret],
        ),
    ] {
        let verified = c
            .verify_with(&delivery, &secrets, c.case.now)
            .unwrap_or_else(|e| {
                panic!(
                    "conformance[{}]: the golden delivery was rejected with {what}: {e}",
                    c.id
                )
            });
        assert_eq!(
            verified.event_id(),
            c.case.expected_event_id,
            "conformance[{}]: wrong event id",
            c.id
        );
        assert_eq!(
            verified.event_type(),
            c.case.expected_event_type,
            "conformance[{}]: wrong event type",
            c.id
        );
        assert_eq!(
            verified.body(),
            &delivery.body,
            "conformance[{}]: the verified body is not the raw body",
            c.id
        );
    }
}

/// The golden delivery with one body byte changed is rejected with `BadSignature` (skipped for
/// schemes whose signature does not cover the body).
pub async fn webhook_tampered_rejected(spec: &ConformanceSpec) {
    let Some(c) = Case::from(spec) else { return };
    if !c.case.signs_body {
        eprintln!(
            "conformance[{}]: the scheme does not sign the body; nothing to tamper with",
            c.id
        );
        return;
    }
    let error = c.expect_rejected(c.verify(&c.golden().tampered()), "a tampered body");
    assert_eq!(
        error,
        WebhookError::BadSignature,
        "conformance[{}]: a tampered body must be rejected as BadSignature, got {error}",
        c.id
    );
}

/// The golden delivery is rejected with `BadSignature` under a different secret of the same
/// form.
pub async fn webhook_wrong_secret_rejected(spec: &ConformanceSpec) {
    let Some(c) = Case::from(spec) else { return };
    let wrong = wrong_secret(c.case.secret);
    let result = c.verify_with(&c.golden(), &[wrong.as_str()], c.case.now);
    let error = c.expect_rejected(result, "a delivery signed with another secret");
    assert_eq!(
        error,
        WebhookError::BadSignature,
        "conformance[{}]: a wrong secret must be rejected as BadSignature, got {error}",
        c.id
    );
}

/// For timestamped schemes: the golden delivery is rejected as `Stale` when the clock is past
/// the replay window, and when it is as far before it (skipped when the scheme has no
/// timestamp).
pub async fn webhook_stale_rejected(spec: &ConformanceSpec) {
    let Some(c) = Case::from(spec) else { return };
    let Some(window) = c.case.replay_window_secs else {
        eprintln!(
            "conformance[{}]: the scheme has no timestamp; no replay window to check",
            c.id
        );
        return;
    };
    // The golden delivery is within `window` of `now`, so `2 * window + 1` away from `now` is
    // outside it whichever side of `now` the timestamp lies.
    let offset = 2 * window + 1;
    let delivery = c.golden();
    for (what, at) in [
        ("after", c.case.now + offset),
        ("before", c.case.now.saturating_sub(offset)),
    ] {
        let result = c.verify_with(&delivery, &[c.case.secret], at);
        let error = c.expect_rejected(
            result,
            &format!("the golden delivery {offset}s {what} its time"),
        );
        assert!(
            matches!(error, WebhookError::Stale { .. }),
            "conformance[{}]: a delivery {what} the replay window must be rejected as Stale, got {error}",
            c.id
        );
    }
}

/// The golden delivery without its signature headers is rejected, and so is it with every
/// header but `Content-Type` removed.
pub async fn webhook_missing_signature_rejected(spec: &ConformanceSpec) {
    let Some(c) = Case::from(spec) else { return };
    if !c.case.signature_headers.is_empty() {
        let mut delivery = c.golden();
        for name in c.case.signature_headers {
            assert!(
                delivery.headers.contains_key(*name),
                "conformance[{}]: the golden delivery has no {name} header to remove",
                c.id
            );
            delivery = delivery.without_header(name);
        }
        c.expect_rejected(
            c.verify(&delivery),
            &format!("a delivery without {}", c.case.signature_headers.join(", ")),
        );
    }
    let bare = c.golden().keep_only_headers(&["content-type"]);
    c.expect_rejected(
        c.verify(&bare),
        "a delivery with no headers but Content-Type",
    );
}
