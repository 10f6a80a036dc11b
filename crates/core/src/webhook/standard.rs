//! Standard Webhooks (standardwebhooks.com): plugboard's own outbound signature scheme, so it
//! can also verify what it sent. `webhook-id`, `webhook-timestamp`, `webhook-signature`
//! (`v1,<base64 HMAC-SHA256 of id.timestamp.body>`), `whsec_` base64 secrets, 300 s window.

use std::time::SystemTime;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use secrecy::ExposeSecret;

use super::{VerifiedWebhook, WebhookError, WebhookRequest, WebhookSecrets, WebhookVerifier};
use crate::signing::{MacAlgorithm, hmac, verify_mac_with_keys};

/// The replay window in seconds.
pub const TOLERANCE_SECS: u64 = 300;

/// The Standard Webhooks verifier.
#[derive(Debug, Clone, Copy, Default)]
pub struct StandardWebhooks;

/// A static instance, for registries and the CLI.
pub static STANDARD_WEBHOOKS: StandardWebhooks = StandardWebhooks;

fn decode_secret(secret: &str) -> Result<Vec<u8>, WebhookError> {
    let b64 = secret.strip_prefix("whsec_").unwrap_or(secret);
    STANDARD
        .decode(b64)
        .or_else(|_| STANDARD_NO_PAD.decode(b64))
        .map_err(|_| WebhookError::Malformed("secret is not whsec_<base64>".into()))
}

/// Signs `body` as Standard Webhooks does: returns the `webhook-signature` value.
pub fn sign_standard(
    secret: &str,
    id: &str,
    timestamp: i64,
    body: &[u8],
) -> Result<String, WebhookError> {
    let key = decode_secret(secret)?;
    let ts = timestamp.to_string();
    let mac = hmac(
        MacAlgorithm::Sha256,
        &key,
        &[id.as_bytes(), b".", ts.as_bytes(), b".", body],
    );
    Ok(format!("v1,{}", STANDARD.encode(mac)))
}

impl WebhookVerifier for StandardWebhooks {
    fn scheme(&self) -> &'static str {
        "Standard Webhooks (webhook-signature v1, HMAC-SHA256, base64, 300 s window)"
    }

    fn verify(
        &self,
        request: &WebhookRequest<'_>,
        secrets: &WebhookSecrets,
        now: SystemTime,
    ) -> Result<VerifiedWebhook, WebhookError> {
        let id = request.require_header("webhook-id")?;
        let ts_text = request.require_header("webhook-timestamp")?;
        let signatures = request.require_header("webhook-signature")?;
        if id.contains('.') {
            return Err(WebhookError::Malformed("webhook-id contains '.'".into()));
        }
        let ts: i64 = ts_text
            .parse()
            .map_err(|_| WebhookError::Malformed("webhook-timestamp is not an integer".into()))?;
        super::check_timestamp(ts, now, TOLERANCE_SECS)?;
        let candidates: Vec<Vec<u8>> = signatures
            .split_whitespace()
            .filter_map(|entry| entry.strip_prefix("v1,"))
            .filter_map(|b64| STANDARD.decode(b64).ok())
            .collect();
        if candidates.is_empty() {
            return Err(WebhookError::BadSignature);
        }
        let keys = secrets
            .iter()
            .map(|s| decode_secret(s.expose_secret()))
            .collect::<Result<Vec<_>, _>>()?;
        let proof = verify_mac_with_keys(
            MacAlgorithm::Sha256,
            &keys,
            &[id.as_bytes(), b".", ts_text.as_bytes(), b".", request.body],
            &candidates,
        )?;
        let event_type = serde_json::from_slice::<serde_json::Value>(request.body)
            .ok()
            .and_then(|v| v.get("type").and_then(|t| t.as_str()).map(str::to_owned))
            .unwrap_or_else(|| "unknown".into());
        Ok(VerifiedWebhook::new(
            proof,
            id,
            event_type,
            request.body.clone(),
            now,
        ))
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use bytes::Bytes;
    use http::{HeaderMap, Method};

    use super::*;

    fn request<'a>(headers: &'a HeaderMap, body: &'a Bytes) -> WebhookRequest<'a> {
        WebhookRequest {
            method: &Method::POST,
            headers,
            query: None,
            body,
        }
    }

    #[test]
    fn official_vector_verifies_and_tampering_fails() {
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let body = Bytes::from_static(br#"{"test": 2432232314}"#);
        let sig = sign_standard(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, &body).unwrap();
        assert_eq!(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        let mut h = HeaderMap::new();
        h.insert(
            "webhook-id",
            "msg_p5jXN8AQM9LWM0D4loKWxJek".parse().unwrap(),
        );
        h.insert("webhook-timestamp", "1614265330".parse().unwrap());
        h.insert(
            "webhook-signature",
            format!("v1a,xyz {sig}").parse().unwrap(),
        );
        let secrets = WebhookSecrets::from_strs([secret]).unwrap();
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1614265330 + 10);
        let v = StandardWebhooks
            .verify(&request(&h, &body), &secrets, now)
            .unwrap();
        assert_eq!(v.event_id(), "msg_p5jXN8AQM9LWM0D4loKWxJek");

        let tampered = Bytes::from_static(br#"{"test": 2432232315}"#);
        assert_eq!(
            StandardWebhooks
                .verify(&request(&h, &tampered), &secrets, now)
                .unwrap_err(),
            WebhookError::BadSignature
        );
        let late = now + Duration::from_secs(600);
        assert!(matches!(
            StandardWebhooks.verify(&request(&h, &body), &secrets, late),
            Err(WebhookError::Stale { .. })
        ));
    }
}
