//! Jira admin-webhook verification: `X-Hub-Signature: <method>=<hex HMAC of the raw body>`
//! under the webhook's secret. The method is read from the header (Atlassian sends `sha256` and
//! says it may change): `sha256` and `sha1` are checked, anything else is rejected as an
//! unsupported algorithm. The event id is `X-Atlassian-Webhook-Identifier` (stable across
//! retries), else a digest of the body; the event type is the body's `webhookEvent`
//! (`jira:issue_created`, `comment_created`, `sprint_started`...), read only after the
//! signature matched. Jira signs no timestamp, so replays are caught by the event id.

use std::time::SystemTime;

use plugboard_core::signing::{MacAlgorithm, verify_hmac_hex};
use plugboard_core::webhook::body_digest_id;
use plugboard_core::{
    VerifiedWebhook, WebhookError, WebhookRequest, WebhookSecrets, WebhookVerifier,
};
use serde::Deserialize;

/// The signature header.
pub const SIGNATURE_HEADER: &str = "x-hub-signature";

/// The delivery id header.
pub const IDENTIFIER_HEADER: &str = "x-atlassian-webhook-identifier";

/// The event type reported when a verified body names none.
pub const UNKNOWN_EVENT: &str = "unknown";

/// The Jira admin-webhook verifier.
#[derive(Debug, Clone, Copy, Default)]
pub struct JiraWebhookVerifier;

/// A static instance for the registry.
pub static JIRA_WEBHOOKS: JiraWebhookVerifier = JiraWebhookVerifier;

#[derive(Deserialize)]
struct Head {
    #[serde(rename = "webhookEvent")]
    webhook_event: Option<String>,
}

/// The body's `webhookEvent`, or [`UNKNOWN_EVENT`].
pub(crate) fn event_type_of(body: &[u8]) -> String {
    serde_json::from_slice::<Head>(body)
        .ok()
        .and_then(|h| h.webhook_event)
        .filter(|e| !e.is_empty())
        .unwrap_or_else(|| UNKNOWN_EVENT.to_string())
}

impl WebhookVerifier for JiraWebhookVerifier {
    fn scheme(&self) -> &'static str {
        "X-Hub-Signature: <method>=<hex HMAC of the raw body> (sha256; method parsed)"
    }

    fn verify(
        &self,
        request: &WebhookRequest<'_>,
        secrets: &WebhookSecrets,
        now: SystemTime,
    ) -> Result<VerifiedWebhook, WebhookError> {
        let header = request.require_header(SIGNATURE_HEADER)?;
        let (method, hex) = header.split_once('=').ok_or_else(|| {
            WebhookError::Malformed("X-Hub-Signature has no <method>= prefix".into())
        })?;
        let algorithm = MacAlgorithm::from_prefix(method.trim())?;
        let proof = verify_hmac_hex(algorithm, secrets, &[request.body], hex)?;
        let event_id = request
            .header(IDENTIFIER_HEADER)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .unwrap_or_else(|| body_digest_id(request.body));
        let event_type = event_type_of(request.body);
        let mut verified =
            VerifiedWebhook::new(proof, event_id, event_type, request.body.clone(), now);
        if let Some(retry) = request.header("x-atlassian-webhook-retry") {
            verified = verified.with_attribute("retry", retry);
        }
        if let Some(flow) = request.header("x-atlassian-webhook-flow") {
            verified = verified.with_attribute("flow", flow);
        }
        Ok(verified.with_attribute("signature_method", method.trim().to_ascii_lowercase()))
    }
}
