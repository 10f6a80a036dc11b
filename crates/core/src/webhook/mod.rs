//! Webhook contracts: the raw request a verifier sees, the secrets it checks against, the
//! [`VerifiedWebhook`] it produces, and the typed rejections.

mod standard;
mod verified;

pub use standard::{STANDARD_WEBHOOKS, StandardWebhooks, sign_standard};
pub use verified::{VerifiedWebhook, body_digest_id};

use std::fmt;
use std::time::SystemTime;

use bytes::Bytes;
use http::{HeaderMap, Method};
use secrecy::{ExposeSecret, SecretString};

/// A delivery exactly as it arrived: verification runs over these raw bytes.
#[derive(Debug, Clone, Copy)]
pub struct WebhookRequest<'a> {
    /// The method (POST for deliveries, GET for handshakes).
    pub method: &'a Method,
    /// The headers.
    pub headers: &'a HeaderMap,
    /// The raw query string, without `?`.
    pub query: Option<&'a str>,
    /// The raw body.
    pub body: &'a Bytes,
}

impl WebhookRequest<'_> {
    /// A header's value as text (names are case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    }

    /// A required header, or [`WebhookError::MissingHeader`].
    pub fn require_header(&self, name: &'static str) -> Result<&str, WebhookError> {
        self.header(name)
            .filter(|v| !v.is_empty())
            .ok_or(WebhookError::MissingHeader(name))
    }

    /// A query parameter's decoded value.
    pub fn query_param(&self, name: &str) -> Option<String> {
        url::form_urlencoded::parse(self.query?.as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }
}

/// The secrets a delivery is checked against: the current one first, then the previous one
/// while a rotation is under way. Never empty, so there is no "no secret, accept" path.
#[derive(Clone)]
pub struct WebhookSecrets(Vec<SecretString>);

impl WebhookSecrets {
    /// Wraps the secrets; an empty list is [`WebhookError::NoSecret`].
    pub fn new(secrets: Vec<SecretString>) -> Result<Self, WebhookError> {
        let secrets: Vec<SecretString> = secrets
            .into_iter()
            .filter(|s| !s.expose_secret().is_empty())
            .collect();
        if secrets.is_empty() {
            return Err(WebhookError::NoSecret);
        }
        Ok(Self(secrets))
    }

    /// From plain strings (tests, the CLI).
    pub fn from_strs<I, S>(secrets: I) -> Result<Self, WebhookError>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self::new(
            secrets
                .into_iter()
                .map(|s| SecretString::from(s.into()))
                .collect(),
        )
    }

    /// The secrets in order.
    pub fn iter(&self) -> impl Iterator<Item = &SecretString> {
        self.0.iter()
    }

    /// The secrets as raw key bytes (UTF-8), in order.
    pub fn key_bytes(&self) -> Vec<Vec<u8>> {
        self.0
            .iter()
            .map(|s| s.expose_secret().as_bytes().to_vec())
            .collect()
    }
}

impl fmt::Debug for WebhookSecrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WebhookSecrets([REDACTED; {}])", self.0.len())
    }
}

/// Why a delivery was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// A header the scheme needs is absent.
    #[error("missing header {0}")]
    MissingHeader(&'static str),
    /// The signature does not match any configured secret.
    #[error("signature does not match")]
    BadSignature,
    /// The timestamp is outside the replay window.
    #[error("timestamp outside the {tolerance_secs}s window (off by {skew_secs}s)")]
    Stale {
        /// How far the timestamp is from now, in seconds (positive: in the past).
        skew_secs: i64,
        /// The window.
        tolerance_secs: u64,
    },
    /// The signature names an algorithm the scheme does not allow.
    #[error("unsupported signature algorithm {0:?}")]
    UnsupportedAlgorithm(String),
    /// The delivery is not shaped as the scheme requires.
    #[error("malformed delivery: {0}")]
    Malformed(String),
    /// No secret is configured, so nothing can be accepted.
    #[error("no webhook secret is configured")]
    NoSecret,
    /// The body is larger than allowed.
    #[error("body larger than {limit} bytes")]
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
}

impl WebhookError {
    /// A short reason for metrics labels.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::MissingHeader(_) => "missing_signature",
            Self::BadSignature => "bad_signature",
            Self::Stale { .. } => "stale",
            Self::UnsupportedAlgorithm(_) => "unsupported_algorithm",
            Self::Malformed(_) => "malformed",
            Self::NoSecret => "no_secret",
            Self::TooLarge { .. } => "too_large",
        }
    }
}

impl From<WebhookError> for crate::Error {
    fn from(e: WebhookError) -> Self {
        crate::Error::new(crate::ErrorKind::Webhook, e.to_string())
            .with_context("reason", e.reason())
    }
}

/// An answer to a platform's handshake (Slack `url_verification`, `hub.challenge`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handshake {
    /// HTTP status.
    pub status: u16,
    /// Content type.
    pub content_type: &'static str,
    /// Body.
    pub body: Bytes,
}

impl Handshake {
    /// A `200 text/plain` answer echoing `challenge`.
    pub fn echo(challenge: impl Into<String>) -> Self {
        Self {
            status: 200,
            content_type: "text/plain",
            body: Bytes::from(challenge.into()),
        }
    }
}

/// Checks a timestamp against a symmetric replay window.
pub fn check_timestamp(
    timestamp_secs: i64,
    now: SystemTime,
    tolerance_secs: u64,
) -> Result<(), WebhookError> {
    let now = crate::clock::unix_seconds(now) as i64;
    let skew = now - timestamp_secs;
    if skew.unsigned_abs() > tolerance_secs {
        return Err(WebhookError::Stale {
            skew_secs: skew,
            tolerance_secs,
        });
    }
    Ok(())
}

/// A connector's typed webhook events: what an in-process handler receives
/// (`Ingress::builder().on::<GithubEvent>(handler)`). Implementations keep an `Unknown` arm so
/// a new event type never fails to parse.
pub trait WebhookEvent: Sized + Send + 'static {
    /// The connector whose deliveries parse into this type.
    const CONNECTOR: &'static str;

    /// Parses one verified event from its type (as the connector's verifier reports it) and
    /// raw body.
    fn parse(event_type: &str, body: &[u8]) -> Result<Self, serde_json::Error>;
}

/// Verifies a platform's webhook deliveries. Implementations are stateless: secrets and the
/// clock come with each call, so one verifier serves every connection and can be tested at a
/// known instant.
pub trait WebhookVerifier: Send + Sync + 'static {
    /// A one-line description of the scheme.
    fn scheme(&self) -> &'static str;

    /// Answers a handshake when the request is one; `None` for ordinary deliveries.
    fn handshake(
        &self,
        _request: &WebhookRequest<'_>,
        _secrets: &WebhookSecrets,
        _now: SystemTime,
    ) -> Option<Result<Handshake, WebhookError>> {
        None
    }

    /// Verifies a delivery over its raw bytes and extracts its event id and type.
    fn verify(
        &self,
        request: &WebhookRequest<'_>,
        secrets: &WebhookSecrets,
        now: SystemTime,
    ) -> Result<VerifiedWebhook, WebhookError>;

    /// Splits one verified delivery into the events it carries, each with its own event id
    /// (built with [`VerifiedWebhook::part`]). Most platforms send one event per delivery,
    /// which is the default; Meta batches `entry[]`.
    fn split(&self, delivery: VerifiedWebhook) -> Vec<VerifiedWebhook> {
        vec![delivery]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_never_empty_or_printed() {
        assert_eq!(
            WebhookSecrets::from_strs([""]).unwrap_err(),
            WebhookError::NoSecret
        );
        let s = WebhookSecrets::from_strs(["hunter2"]).unwrap();
        assert!(!format!("{s:?}").contains("hunter2"));
    }

    #[test]
    fn timestamps_outside_the_window_are_stale() {
        let now = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1000);
        assert!(check_timestamp(800, now, 300).is_ok());
        assert!(matches!(
            check_timestamp(600, now, 300),
            Err(WebhookError::Stale { skew_secs: 400, .. })
        ));
        assert!(check_timestamp(1400, now, 300).is_err());
    }
}
