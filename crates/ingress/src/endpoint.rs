//! What the router knows about each connector: its verifier, secrets, per-connection URLs
//! with their tokens, and its inbound rate limiter.

use std::collections::BTreeMap;
use std::fmt;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use plugboard_core::signing::constant_time_eq;
use plugboard_core::{ConnectorId, WebhookSecrets, WebhookVerifier};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

use crate::config::InboundLimit;
use crate::metrics::EndpointMetrics;

/// The shortest URL token accepted.
pub const MIN_URL_TOKEN_LEN: usize = 24;

/// A fresh, unguessable URL token for a per-connection webhook URL: 32 random bytes from
/// the operating system, as 64 hex digits.
pub fn new_url_token() -> SecretString {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).unwrap_or_else(|e| {
        // Without OS randomness no secret can be made; there is no safe fallback.
        panic!("the operating system's random source failed: {e}")
    });
    SecretString::from(hex::encode(bytes))
}

/// The per-connection webhook path and query, e.g.
/// `/webhooks/github/acme?token=<token>`.
pub fn connection_path(connector: &str, connection: &str, url_token: &SecretString) -> String {
    format!(
        "/webhooks/{connector}/{connection}?token={}",
        url_token.expose_secret()
    )
}

/// Whether `name` is a valid connection name: 1 to 64 of `a-z`, `0-9`, `_`, `-`.
pub fn is_valid_connection_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

/// One per-connection URL.
pub(crate) struct Connection {
    /// SHA-256 of the URL token: compared in constant time, and of fixed length so the
    /// comparison reveals nothing about the token's length either.
    token_digest: [u8; 32],
    /// Its own secrets; `None` uses the connector's.
    pub(crate) secrets: Option<WebhookSecrets>,
}

impl Connection {
    pub(crate) fn new(url_token: &SecretString, secrets: Option<WebhookSecrets>) -> Self {
        Self {
            token_digest: Sha256::digest(url_token.expose_secret().as_bytes()).into(),
            secrets,
        }
    }

    /// Whether `given` is this connection's token (constant time).
    pub(crate) fn token_matches(&self, given: &str) -> bool {
        let digest: [u8; 32] = Sha256::digest(given.as_bytes()).into();
        constant_time_eq(&digest, &self.token_digest)
    }
}

/// A connector's webhook endpoint.
pub(crate) struct Endpoint {
    pub(crate) id: ConnectorId,
    pub(crate) verifier: &'static dyn WebhookVerifier,
    /// The connector-wide secrets; `None` closes `/webhooks/{connector}` (404), leaving only
    /// per-connection URLs with their own secrets.
    pub(crate) secrets: Option<WebhookSecrets>,
    pub(crate) connections: BTreeMap<String, Connection>,
    pub(crate) limiter: Option<DefaultDirectRateLimiter>,
    pub(crate) metrics: EndpointMetrics,
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Endpoint")
            .field("id", &self.id)
            .field("scheme", &self.verifier.scheme())
            .field("secrets", &self.secrets)
            .field("connections", &self.connections.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl Endpoint {
    /// Takes one delivery from the inbound budget; `Err(wait)` when over it.
    pub(crate) fn admit(&self) -> Result<(), Duration> {
        match &self.limiter {
            None => Ok(()),
            Some(limiter) => limiter
                .check()
                .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now())),
        }
    }

    /// Whether every routable URL of this endpoint has a secret.
    pub(crate) fn webhook_secret_configured(&self) -> bool {
        self.secrets.is_some() || self.connections.values().all(|c| c.secrets.is_some())
    }
}

/// The limiter for `limit`, or `None` for no limit.
pub(crate) fn limiter(limit: InboundLimit) -> Option<DefaultDirectRateLimiter> {
    let rate = NonZeroU32::new(limit.rate_per_sec)?;
    let burst = NonZeroU32::new(limit.burst).unwrap_or(rate);
    Some(RateLimiter::direct(
        Quota::per_second(rate).allow_burst(burst),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_compared_by_digest() {
        let a = new_url_token();
        let b = new_url_token();
        assert_eq!(a.expose_secret().len(), 64);
        assert_ne!(a.expose_secret(), b.expose_secret());
        let c = Connection::new(&a, None);
        assert!(c.token_matches(a.expose_secret()));
        assert!(!c.token_matches(b.expose_secret()));
        assert!(!c.token_matches(""));
    }

    #[test]
    fn connection_names() {
        assert!(is_valid_connection_name("acme-prod_1"));
        assert!(!is_valid_connection_name(""));
        assert!(!is_valid_connection_name("Acme"));
        assert!(!is_valid_connection_name("a/b"));
        assert!(!is_valid_connection_name(&"a".repeat(65)));
    }
}
