//! Google's webhooks behind one endpoint (`/webhooks/google`), told apart by their headers:
//!
//! - `X-Goog-Channel-ID`: a Calendar or Drive channel notification ([`channel`]);
//! - `X-Hub-Signature`: a YouTube WebSub delivery ([`websub`]); a `GET` with `hub.mode` is
//!   the hub's verification of intent;
//! - `Authorization: Bearer`: a Cloud Pub/Sub push ([`pubsub`]).
//!
//! Every kind is checked against the connector's webhook secret (the WebSub `hub.secret`, the
//! channel `token`, the Pub/Sub OIDC token through `signing::verify_jwt_rs256`), so each yields
//! the core's signature proof.

pub mod channel;
pub mod pubsub;
pub mod websub;

use std::time::SystemTime;

use plugboard_core::{
    Handshake, VerifiedWebhook, WebhookError, WebhookRequest, WebhookSecrets, WebhookVerifier,
};

pub use pubsub::{PubSubPushVerifier, PubSubSettings};

/// The Google verifier.
#[derive(Debug, Clone, Copy, Default)]
pub struct GoogleWebhookVerifier;

/// A static instance for the registry.
pub static GOOGLE_WEBHOOKS: GoogleWebhookVerifier = GoogleWebhookVerifier;

/// The kinds of delivery the endpoint receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryKind {
    /// A Calendar or Drive channel notification.
    Channel,
    /// A YouTube WebSub delivery.
    WebSub,
    /// A Cloud Pub/Sub push.
    PubSub,
}

impl DeliveryKind {
    /// The kind `request`'s headers announce, if any.
    pub fn of(request: &WebhookRequest<'_>) -> Option<Self> {
        if request.header(channel::CHANNEL_ID_HEADER).is_some() {
            Some(Self::Channel)
        } else if request.header(websub::SIGNATURE_HEADER).is_some() {
            Some(Self::WebSub)
        } else if request
            .header("authorization")
            .is_some_and(|v| v.len() > 7 && v[..7].eq_ignore_ascii_case("bearer "))
        {
            Some(Self::PubSub)
        } else {
            None
        }
    }
}

impl WebhookVerifier for GoogleWebhookVerifier {
    fn scheme(&self) -> &'static str {
        "WebSub X-Hub-Signature: sha1=<hex HMAC-SHA1 of the raw body>; X-Goog-Channel-Token (constant time); Pub/Sub OIDC bearer (RS256, Google JWKS; an optional ?push_token= must match)"
    }

    fn handshake(
        &self,
        request: &WebhookRequest<'_>,
        secrets: &WebhookSecrets,
        now: SystemTime,
    ) -> Option<Result<Handshake, WebhookError>> {
        match DeliveryKind::of(request) {
            Some(DeliveryKind::Channel) => channel::handshake(request, secrets, now),
            Some(_) => None,
            None => websub::handshake(request),
        }
    }

    fn verify(
        &self,
        request: &WebhookRequest<'_>,
        secrets: &WebhookSecrets,
        now: SystemTime,
    ) -> Result<VerifiedWebhook, WebhookError> {
        match DeliveryKind::of(request) {
            Some(DeliveryKind::Channel) => channel::verify(request, secrets, now),
            Some(DeliveryKind::WebSub) => websub::verify(request, secrets, now),
            Some(DeliveryKind::PubSub) => pubsub::verify_installed(request, secrets, now),
            None => Err(WebhookError::MissingHeader(
                "x-hub-signature (or x-goog-channel-token, or a Pub/Sub bearer token)",
            )),
        }
    }
}
