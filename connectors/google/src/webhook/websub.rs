//! YouTube push notifications over WebSub (PubSubHubbub): the hub's verification of intent
//! (`GET ?hub.mode=subscribe&hub.topic=...&hub.challenge=...&hub.lease_seconds=...`, answered
//! by echoing the challenge) and signed deliveries (`POST` Atom XML with
//! `X-Hub-Signature: sha1=<hex HMAC-SHA1 of the raw body>` under the subscription's
//! `hub.secret`; `sha256=` is accepted too, as WebSub allows).

use std::time::SystemTime;

use plugboard_core::signing::{MacAlgorithm, verify_hmac_hex};
use plugboard_core::webhook::body_digest_id;
use plugboard_core::{Handshake, VerifiedWebhook, WebhookError, WebhookRequest, WebhookSecrets};

use crate::feed::FeedEntry;

/// The signature header.
pub const SIGNATURE_HEADER: &str = "x-hub-signature";

/// The event type of a delivery whose feed has no entry the connector knows.
pub const WEBSUB_EVENT: &str = "websub";

/// The longest `hub.challenge` echoed.
const MAX_CHALLENGE: usize = 1024;

/// Answers the hub's verification of intent; `None` for anything else.
pub(crate) fn handshake(request: &WebhookRequest<'_>) -> Option<Result<Handshake, WebhookError>> {
    if request.method != http::Method::GET {
        return None;
    }
    let mode = request.query_param("hub.mode")?;
    Some(match mode.as_str() {
        "subscribe" | "unsubscribe" => match request.query_param("hub.challenge") {
            Some(challenge) if !challenge.is_empty() && challenge.len() <= MAX_CHALLENGE => {
                Ok(Handshake::echo(challenge))
            }
            Some(_) => Err(WebhookError::Malformed(
                "hub.challenge is empty or too long".into(),
            )),
            None => Err(WebhookError::Malformed(format!(
                "hub.mode={mode} without hub.challenge"
            ))),
        },
        // The hub refused the subscription; it expects a 2xx and nothing else.
        "denied" => Ok(Handshake::echo("")),
        _ => Err(WebhookError::Malformed("unknown hub.mode".into())),
    })
}

/// Verifies a signed delivery over its raw body.
pub(crate) fn verify(
    request: &WebhookRequest<'_>,
    secrets: &WebhookSecrets,
    now: SystemTime,
) -> Result<VerifiedWebhook, WebhookError> {
    let header = request.require_header("x-hub-signature")?;
    let (method, hex) = header
        .split_once('=')
        .ok_or_else(|| WebhookError::Malformed("X-Hub-Signature has no method= prefix".into()))?;
    let algorithm = MacAlgorithm::from_prefix(method)?;
    let proof = verify_hmac_hex(algorithm, secrets, &[request.body], hex)?;
    let entry = std::str::from_utf8(request.body)
        .ok()
        .and_then(FeedEntry::parse);
    let event_type = entry.as_ref().map_or(WEBSUB_EVENT, FeedEntry::event_type);
    let event_id = entry
        .as_ref()
        .and_then(FeedEntry::event_id)
        .unwrap_or_else(|| body_digest_id(request.body));
    let mut verified = VerifiedWebhook::new(proof, event_id, event_type, request.body.clone(), now);
    if let Some(FeedEntry::Video {
        channel_id: Some(channel),
        ..
    }) = &entry
    {
        verified = verified.with_attribute("channel_id", channel.clone());
    }
    if let Some(link) = request.header("link") {
        verified = verified.with_attribute("link", link);
    }
    Ok(verified)
}
