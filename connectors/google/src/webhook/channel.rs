//! Calendar and Drive push channels (`events.watch`, `files.watch`, `changes.watch`):
//! notifications carry no signature, only the `token` given when the channel was created,
//! echoed as `X-Goog-Channel-Token` and compared in constant time with the webhook secret.
//! A channel past `X-Goog-Channel-Expiration` is refused; the first message of a channel
//! (`X-Goog-Resource-State: sync`) is answered as a handshake. The event id is
//! `<X-Goog-Channel-ID>:<X-Goog-Message-Number>`; the event type `<api>.<resource state>`
//! (`calendar.exists`, `drive.update`...), with the API read from `X-Goog-Resource-URI`.

use std::time::SystemTime;

use plugboard_core::signing::{SignatureOk, verify_shared_token};
use plugboard_core::{Handshake, VerifiedWebhook, WebhookError, WebhookRequest, WebhookSecrets};

/// The header that marks a channel notification.
pub const CHANNEL_ID_HEADER: &str = "x-goog-channel-id";

/// The checks every notification passes: token, expiry. Returns the proof.
fn authenticate(
    request: &WebhookRequest<'_>,
    secrets: &WebhookSecrets,
    now: SystemTime,
) -> Result<SignatureOk, WebhookError> {
    request.require_header("x-goog-channel-id")?;
    let token = request.require_header("x-goog-channel-token")?;
    let proof = verify_shared_token(secrets, token)?;
    if let Some(expiration) = request.header("x-goog-channel-expiration") {
        let at = httpdate::parse_http_date(expiration).map_err(|_| {
            WebhookError::Malformed("X-Goog-Channel-Expiration is not an HTTP date".into())
        })?;
        if at < now {
            let late = now.duration_since(at).map(|d| d.as_secs()).unwrap_or(0);
            return Err(WebhookError::Stale {
                skew_secs: i64::try_from(late).unwrap_or(i64::MAX),
                tolerance_secs: 0,
            });
        }
    }
    Ok(proof)
}

/// The API a notification is about, from its resource URI.
fn api_of(request: &WebhookRequest<'_>) -> &'static str {
    let uri = request.header("x-goog-resource-uri").unwrap_or("");
    if uri.contains("/calendar/") {
        "calendar"
    } else if uri.contains("/drive/") {
        "drive"
    } else {
        "channel"
    }
}

/// Answers a channel's `sync` message after authenticating it; `None` for other messages.
pub(crate) fn handshake(
    request: &WebhookRequest<'_>,
    secrets: &WebhookSecrets,
    now: SystemTime,
) -> Option<Result<Handshake, WebhookError>> {
    if request.header("x-goog-resource-state") != Some("sync") {
        return None;
    }
    Some(authenticate(request, secrets, now).map(|_| Handshake::echo("")))
}

/// Verifies a notification.
pub(crate) fn verify(
    request: &WebhookRequest<'_>,
    secrets: &WebhookSecrets,
    now: SystemTime,
) -> Result<VerifiedWebhook, WebhookError> {
    let proof = authenticate(request, secrets, now)?;
    let channel = request.require_header("x-goog-channel-id")?;
    let state = request.require_header("x-goog-resource-state")?;
    if !state
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        return Err(WebhookError::Malformed(
            "X-Goog-Resource-State is not a state name".into(),
        ));
    }
    let number: u64 = request
        .require_header("x-goog-message-number")?
        .parse()
        .map_err(|_| WebhookError::Malformed("X-Goog-Message-Number is not a number".into()))?;
    let event_type = format!("{}.{state}", api_of(request));
    let mut verified = VerifiedWebhook::new(
        proof,
        format!("{channel}:{number}"),
        event_type,
        request.body.clone(),
        now,
    )
    .with_attribute("channel_id", channel)
    .with_attribute("resource_state", state)
    .with_attribute("message_number", number.to_string());
    for (header, attribute) in [
        ("x-goog-resource-id", "resource_id"),
        ("x-goog-resource-uri", "resource_uri"),
        ("x-goog-channel-expiration", "channel_expiration"),
        ("x-goog-changed", "changed"),
    ] {
        if let Some(value) = request.header(header) {
            verified = verified.with_attribute(attribute, value);
        }
    }
    Ok(verified)
}
