//! The one error type of plugboard: a kind, a retry status, and where it happened.

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use crate::ids::{ConnectorId, OperationId};

/// Result alias with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong, independent of the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The credential was missing or rejected (HTTP 401).
    Unauthorized,
    /// The credential lacks permission (HTTP 403 that is not a rate limit).
    Forbidden,
    /// The resource does not exist (HTTP 404).
    NotFound,
    /// The request was malformed or failed validation (HTTP 400/422, or before sending).
    InvalidInput,
    /// The request conflicts with the resource's state (HTTP 409).
    Conflict,
    /// The platform's rate limit was hit, or would be hit within the deadline.
    RateLimited {
        /// How long to wait before trying again, when known.
        retry_after: Option<Duration>,
    },
    /// The attempt or the total deadline elapsed.
    Timeout,
    /// The connection failed (DNS, connect, TLS, reset).
    Network,
    /// The platform answered with a server error or an unreadable response.
    Upstream,
    /// The circuit breaker for the host is open; no request was sent.
    CircuitOpen,
    /// The access token expired and could not be refreshed.
    TokenExpired,
    /// A webhook delivery was rejected (signature, timestamp, shape).
    Webhook,
    /// Configuration is missing or wrong.
    Config,
    /// The operation or feature is not supported by this connector.
    Unsupported,
    /// A bug or broken invariant inside plugboard.
    Internal,
}

impl ErrorKind {
    /// The kind's short name, used in metrics labels and messages.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Unauthorized => "unauthorized",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not_found",
            Self::InvalidInput => "invalid_input",
            Self::Conflict => "conflict",
            Self::RateLimited { .. } => "rate_limited",
            Self::Timeout => "timeout",
            Self::Network => "network",
            Self::Upstream => "upstream",
            Self::CircuitOpen => "circuit_open",
            Self::TokenExpired => "token_expired",
            Self::Webhook => "webhook",
            Self::Config => "config",
            Self::Unsupported => "unsupported",
            Self::Internal => "internal",
        }
    }

    /// The retry status this kind has unless the classifier says otherwise.
    pub fn default_retry(&self) -> RetryStatus {
        match self {
            Self::RateLimited { retry_after } => RetryStatus::Transient {
                after: *retry_after,
            },
            Self::Timeout | Self::Network | Self::Upstream | Self::CircuitOpen => {
                RetryStatus::Transient { after: None }
            }
            _ => RetryStatus::Never,
        }
    }
}

/// Whether an error may be retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryStatus {
    /// Retrying cannot help.
    Never,
    /// Retrying may succeed, after the given wait when the platform said so.
    Transient {
        /// The platform's requested wait, if any.
        after: Option<Duration>,
    },
    /// It was transient, but the retries (or the deadline, or the retry budget) are used up.
    Exhausted,
}

/// A plugboard error. Messages never contain secrets: they are built from status codes,
/// platform error bodies and plugboard's own words, never from credentials.
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    retry: RetryStatus,
    connector: Option<ConnectorId>,
    operation: Option<OperationId>,
    status: Option<u16>,
    message: String,
    context: Vec<(&'static str, String)>,
    not_sent: bool,
    source: Option<Box<dyn StdError + Send + Sync + 'static>>,
}

impl Error {
    /// A new error of `kind` with a human-readable message.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            inner: Box::new(Inner {
                retry: kind.default_retry(),
                kind,
                connector: None,
                operation: None,
                status: None,
                message: message.into(),
                context: Vec::new(),
                not_sent: false,
                source: None,
            }),
        }
    }

    /// Removes `secrets`, as written and URL-encoded, from the message: for calls that must
    /// put a secret in a URL (a transport error quotes the URL it failed on). The source is
    /// dropped when it quotes one too. Kind, retry advice, status, context and origin stay.
    pub fn redact(mut self, secrets: &[&str]) -> Self {
        let forms: Vec<String> = secrets
            .iter()
            .filter(|s| !s.is_empty())
            .flat_map(|s| {
                let encoded: String = url::form_urlencoded::byte_serialize(s.as_bytes()).collect();
                [s.to_string(), encoded]
            })
            .collect();
        for form in &forms {
            if self.inner.message.contains(form.as_str()) {
                self.inner.message = self.inner.message.replace(form.as_str(), "[REDACTED]");
            }
        }
        let source_quotes_one = self.inner.source.as_ref().is_some_and(|source| {
            let text = source.to_string();
            forms.iter().any(|form| text.contains(form.as_str()))
        });
        if source_quotes_one {
            self.inner.source = None;
        }
        self
    }

    /// Shorthand for an [`ErrorKind::InvalidInput`] error.
    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidInput, message)
    }

    /// Shorthand for an [`ErrorKind::Config`] error.
    pub fn config(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Config, message)
    }

    /// Shorthand for an [`ErrorKind::Internal`] error.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Internal, message)
    }

    /// Shorthand for a [`ErrorKind::RateLimited`] error.
    pub fn rate_limited(retry_after: Option<Duration>, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::RateLimited { retry_after }, message)
    }

    /// The kind.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The retry status.
    pub fn retry(&self) -> RetryStatus {
        self.inner.retry
    }

    /// The connector the error came from, when known.
    pub fn connector(&self) -> Option<ConnectorId> {
        self.inner.connector
    }

    /// The operation the error came from, when known.
    pub fn operation(&self) -> Option<OperationId> {
        self.inner.operation
    }

    /// The HTTP status the platform answered with, when there was one.
    pub fn status(&self) -> Option<u16> {
        self.inner.status
    }

    /// The message, without kind or location.
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    /// Key-value context (for example the platform's error code).
    pub fn context(&self) -> &[(&'static str, String)] {
        &self.inner.context
    }

    /// The value of a context key.
    pub fn context_value(&self, key: &str) -> Option<&str> {
        self.inner
            .context
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The wait the platform asked for, for rate limits and transient errors.
    pub fn retry_after(&self) -> Option<Duration> {
        match (self.inner.kind, self.inner.retry) {
            (ErrorKind::RateLimited { retry_after }, _) => retry_after,
            (_, RetryStatus::Transient { after }) => after,
            _ => None,
        }
    }

    /// Whether the error is transient (retrying may help).
    pub fn is_transient(&self) -> bool {
        matches!(self.inner.retry, RetryStatus::Transient { .. })
    }

    /// Whether plugboard knows the request never reached the platform, so even a
    /// non-idempotent operation may be retried safely.
    pub fn request_not_sent(&self) -> bool {
        self.inner.not_sent
    }

    /// Sets the HTTP status.
    pub fn with_status(mut self, status: u16) -> Self {
        self.inner.status = Some(status);
        self
    }

    /// Sets the retry status.
    pub fn with_retry(mut self, retry: RetryStatus) -> Self {
        self.inner.retry = retry;
        self
    }

    /// Marks the error as permanent.
    pub fn permanent(self) -> Self {
        self.with_retry(RetryStatus::Never)
    }

    /// Marks a transient error as exhausted (no more retries will be made).
    pub fn exhausted(mut self) -> Self {
        if self.is_transient() {
            self.inner.retry = RetryStatus::Exhausted;
        }
        self
    }

    /// Marks that the request was never sent.
    pub fn not_sent(mut self) -> Self {
        self.inner.not_sent = true;
        self
    }

    /// Adds a key-value pair of context.
    pub fn with_context(mut self, key: &'static str, value: impl Into<String>) -> Self {
        self.inner.context.push((key, value.into()));
        self
    }

    /// Sets the underlying cause.
    pub fn with_source(mut self, source: impl StdError + Send + Sync + 'static) -> Self {
        self.inner.source = Some(Box::new(source));
        self
    }

    /// Records the connector and operation, keeping ones already set.
    pub fn at(mut self, connector: ConnectorId, operation: Option<OperationId>) -> Self {
        self.inner.connector.get_or_insert(connector);
        if self.inner.operation.is_none() {
            self.inner.operation = operation;
        }
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.inner.connector, self.inner.operation) {
            (Some(c), Some(o)) => write!(f, "{c} {o}: ")?,
            (Some(c), None) => write!(f, "{c}: ")?,
            _ => {}
        }
        write!(f, "{}", self.inner.kind.as_str())?;
        if let Some(status) = self.inner.status {
            write!(f, " (HTTP {status})")?;
        }
        if !self.inner.message.is_empty() {
            write!(f, ": {}", self.inner.message)?;
        }
        if let Some(after) = self.retry_after() {
            write!(f, "; retry after {:.3}s", after.as_secs_f64())?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.inner.kind)
            .field("retry", &self.inner.retry)
            .field("connector", &self.inner.connector)
            .field("operation", &self.inner.operation)
            .field("status", &self.inner.status)
            .field("message", &self.inner.message)
            .field("context", &self.inner.context)
            .field("source", &self.inner.source.as_ref().map(|s| s.to_string()))
            .finish()
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.inner
            .source
            .as_deref()
            .map(|s| s as &(dyn StdError + 'static))
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::new(ErrorKind::Upstream, format!("unreadable JSON: {e}")).permanent()
    }
}

#[cfg(test)]
mod tests {

    use super::*;

    #[test]
    fn redact_removes_raw_and_encoded_secrets_and_keeps_the_rest() {
        #[derive(Debug)]
        struct Quoting;
        impl std::fmt::Display for Quoting {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("connect failed for http://x/oauth?client_secret=a%7Cb")
            }
        }
        impl StdError for Quoting {}
        let e = Error::new(
            ErrorKind::Network,
            "error sending request for url (http://x/oauth?client_secret=a%7Cb&token=EAAB)",
        )
        .not_sent()
        .with_status(502)
        .with_context("code", "1")
        .with_source(Quoting)
        .at(
            ConnectorId::new("meta"),
            Some(OperationId::new("tokens.exchange")),
        );
        let clean = e.redact(&["a|b", "EAAB", ""]);
        assert_eq!(
            clean.message(),
            "error sending request for url (http://x/oauth?client_secret=[REDACTED]&token=[REDACTED])"
        );
        assert!(clean.source().is_none(), "the source quoted the secret");
        assert!(clean.request_not_sent());
        assert_eq!(clean.status(), Some(502));
        assert_eq!(clean.context_value("code"), Some("1"));
        assert_eq!(clean.kind(), ErrorKind::Network);
        assert_eq!(
            clean.operation().map(|o| o.as_str()),
            Some("tokens.exchange")
        );

        let kept = Error::new(ErrorKind::Upstream, "plain").with_source(Quoting);
        let kept = kept.redact(&["nothing-here"]);
        assert_eq!(kept.message(), "plain");
        assert!(kept.source().is_some(), "a source without the secret stays");
    }

    #[test]
    fn display_names_location_kind_status_and_wait() {
        let e = Error::rate_limited(Some(Duration::from_secs(2)), "slow down")
            .with_status(429)
            .at(
                ConnectorId::new("github"),
                Some(OperationId::new("issues.list")),
            );
        assert_eq!(
            e.to_string(),
            "github issues.list: rate_limited (HTTP 429): slow down; retry after 2.000s"
        );
        assert!(e.is_transient());
        assert_eq!(e.retry_after(), Some(Duration::from_secs(2)));
    }

    #[test]
    fn exhausted_only_changes_transient_errors() {
        let t = Error::new(ErrorKind::Upstream, "boom").exhausted();
        assert_eq!(t.retry(), RetryStatus::Exhausted);
        let p = Error::new(ErrorKind::NotFound, "gone").exhausted();
        assert_eq!(p.retry(), RetryStatus::Never);
    }
}
