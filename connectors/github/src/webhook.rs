//! GitHub webhook verification: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw
//! body>`; event id from `X-GitHub-Delivery` (stable across redeliveries), type from
//! `X-GitHub-Event`. The legacy SHA-1 header is not accepted.

use std::time::SystemTime;

use plugboard_core::signing::{MacAlgorithm, verify_hmac_hex};
use plugboard_core::webhook::body_digest_id;
use plugboard_core::{
    VerifiedWebhook, WebhookError, WebhookRequest, WebhookSecrets, WebhookVerifier,
};

/// The GitHub verifier.
#[derive(Debug, Clone, Copy, Default)]
pub struct GithubWebhookVerifier;

/// A static instance for the registry.
pub static GITHUB_WEBHOOKS: GithubWebhookVerifier = GithubWebhookVerifier;

impl WebhookVerifier for GithubWebhookVerifier {
    fn scheme(&self) -> &'static str {
        "X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>"
    }

    fn verify(
        &self,
        request: &WebhookRequest<'_>,
        secrets: &WebhookSecrets,
        now: SystemTime,
    ) -> Result<VerifiedWebhook, WebhookError> {
        let header = request.require_header("x-hub-signature-256")?;
        let (method, hex) = header.split_once('=').ok_or_else(|| {
            WebhookError::Malformed("X-Hub-Signature-256 has no method= prefix".into())
        })?;
        let algorithm = MacAlgorithm::from_prefix(method)?;
        if algorithm != MacAlgorithm::Sha256 {
            return Err(WebhookError::UnsupportedAlgorithm(method.to_string()));
        }
        let proof = verify_hmac_hex(algorithm, secrets, &[request.body], hex)?;
        let event_id = request
            .header("x-github-delivery")
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .unwrap_or_else(|| body_digest_id(request.body));
        let event_type = request.header("x-github-event").unwrap_or("unknown");
        let mut verified =
            VerifiedWebhook::new(proof, event_id, event_type, request.body.clone(), now);
        if let Some(hook) = request.header("x-github-hook-id") {
            verified = verified.with_attribute("hook_id", hook);
        }
        Ok(verified)
    }
}
