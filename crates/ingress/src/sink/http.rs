//! [`HttpSink`]: POSTs each event's raw body to your application, signed with Standard
//! Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`), plus
//! `X-Plugboard-Connector`, `X-Plugboard-Event-Type`, `X-Plugboard-Event-Id` (and
//! `X-Plugboard-Connection`, `X-Plugboard-Attempt`).
//!
//! `2xx` is success; `408`, `429`, `5xx`, timeouts and network errors are transient (a
//! `Retry-After` in seconds is honoured as a minimum delay); any other status, redirects
//! included, is permanent.

use std::fmt;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use plugboard_core::webhook::sign_standard;
use plugboard_store::Entry;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

use super::{Sink, SinkError};

/// Turns a configured secret into the `whsec_<base64>` form [`sign_standard`] takes: a
/// `whsec_` secret must hold valid base64; any other non-empty text is the raw key.
pub fn signing_key(secret: &str) -> Result<SecretString, String> {
    if secret.is_empty() {
        return Err("must not be empty".into());
    }
    if let Some(b64) = secret.strip_prefix("whsec_") {
        let ok = STANDARD
            .decode(b64)
            .or_else(|_| STANDARD_NO_PAD.decode(b64));
        return match ok {
            Ok(key) if !key.is_empty() => Ok(SecretString::from(secret.to_string())),
            _ => Err("a whsec_ secret must be followed by base64".into()),
        };
    }
    Ok(SecretString::from(format!(
        "whsec_{}",
        STANDARD.encode(secret.as_bytes())
    )))
}

/// The `webhook-id` of an entry: stable across retries, replays and store backends.
/// `<connector>:<event id>` (or `<connector>:<connection>:<event id>`) when those are plain
/// (`[A-Za-z0-9_:-]`, at most 200 bytes), else `msg_` and a SHA-256 digest of them.
pub fn webhook_id(entry: &Entry) -> String {
    let e = &entry.event;
    let id = match &e.connection {
        Some(c) => format!("{}:{c}:{}", e.connector, e.event_id),
        None => format!("{}:{}", e.connector, e.event_id),
    };
    let plain = id.len() <= 200
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_:-".contains(&b));
    if plain {
        id
    } else {
        format!("msg_{}", &hex::encode(Sha256::digest(id.as_bytes()))[..32])
    }
}

/// Forwards events to an HTTP endpoint, signed with Standard Webhooks.
pub struct HttpSink {
    name: String,
    url: reqwest::Url,
    secret: SecretString,
    client: reqwest::Client,
}

impl fmt::Debug for HttpSink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpSink")
            .field("name", &self.name)
            .field("url", &self.url.as_str())
            .field("secret", &"[REDACTED]")
            .finish()
    }
}

/// Why an [`HttpSink`] cannot be built.
#[derive(Debug, thiserror::Error)]
pub enum HttpSinkError {
    /// The URL does not parse or is not http(s).
    #[error("bad sink URL: {0}")]
    Url(String),
    /// The secret is unusable.
    #[error("bad sink secret: {0}")]
    Secret(String),
    /// The HTTP client could not be built.
    #[error("HTTP client: {0}")]
    Client(String),
}

impl HttpSink {
    /// A sink POSTing to `url`, signing with `secret` (see [`signing_key`]), each request
    /// bounded by `timeout`.
    pub fn new(url: &str, secret: SecretString, timeout: Duration) -> Result<Self, HttpSinkError> {
        let url = reqwest::Url::parse(url).map_err(|e| HttpSinkError::Url(e.to_string()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(HttpSinkError::Url("must be http:// or https://".into()));
        }
        let secret = signing_key(secret.expose_secret()).map_err(HttpSinkError::Secret)?;
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("plugboard-ingress/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| HttpSinkError::Client(e.to_string()))?;
        Ok(Self {
            name: "http".into(),
            url,
            secret,
            client,
        })
    }

    /// Renames the sink (metrics label, logs).
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }
}

#[async_trait]
impl Sink for HttpSink {
    fn name(&self) -> &str {
        &self.name
    }

    async fn deliver(&self, entry: &Entry) -> Result<(), SinkError> {
        let e = &entry.event;
        let id = webhook_id(entry);
        let timestamp = plugboard_core::clock::unix_seconds(SystemTime::now()) as i64;
        let signature = sign_standard(self.secret.expose_secret(), &id, timestamp, &e.body)
            .map_err(|err| SinkError::permanent(format!("cannot sign: {err}")))?;
        let content_type = if serde_json::from_slice::<serde::de::IgnoredAny>(&e.body).is_ok() {
            "application/json"
        } else {
            "application/octet-stream"
        };
        let mut request = self
            .client
            .post(self.url.clone())
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .header("webhook-id", &id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .header("x-plugboard-connector", &e.connector)
            .header("x-plugboard-event-id", header_safe(&e.event_id))
            .header("x-plugboard-event-type", header_safe(&e.event_type))
            .header(
                "x-plugboard-attempt",
                entry.attempts.saturating_add(1).to_string(),
            )
            .body(e.body.clone());
        if let Some(c) = &e.connection {
            request = request.header("x-plugboard-connection", c);
        }
        let response = match request.send().await {
            Ok(r) => r,
            Err(err) if err.is_timeout() => {
                return Err(SinkError::transient(format!(
                    "{}: timed out",
                    self.url.host_str().unwrap_or("sink")
                )));
            }
            Err(err) => {
                return Err(SinkError::transient(format!(
                    "{}: {}",
                    self.url.host_str().unwrap_or("sink"),
                    error_chain(err)
                )));
            }
        };
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let code = status.as_u16();
        let message = format!("{} answered {code}", self.url.host_str().unwrap_or("sink"));
        if code == 408 || code == 429 || status.is_server_error() {
            let retry_after = response
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_secs);
            return Err(SinkError::Transient {
                message,
                retry_after,
            });
        }
        Err(SinkError::permanent(message))
    }
}

/// Header values must be visible ASCII; anything else becomes `_`.
fn header_safe(value: &str) -> String {
    value
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The error and its sources, without the URL (whose query may hold a token).
fn error_chain(err: reqwest::Error) -> String {
    let err = err.without_url();
    let mut text = err.to_string();
    let mut source = std::error::Error::source(&err);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use bytes::Bytes;
    use plugboard_store::{EntryId, EntryState, NewEntry};

    use super::*;

    fn entry(connection: Option<&str>, event_id: &str) -> Entry {
        Entry {
            id: EntryId(7),
            event: NewEntry {
                connector: "github".into(),
                connection: connection.map(str::to_owned),
                event_id: event_id.into(),
                event_type: "push".into(),
                received_at_ms: 0,
                attributes: BTreeMap::new(),
                body: Bytes::from_static(b"{}"),
            },
            state: EntryState::Leased,
            attempts: 0,
            next_attempt_at_ms: 0,
            last_error: None,
            lease_owner: None,
            lease_until_ms: None,
            lease_token: None,
            updated_at_ms: 0,
        }
    }

    #[test]
    fn webhook_ids_are_stable_and_dot_free() {
        assert_eq!(webhook_id(&entry(None, "abc-123")), "github:abc-123");
        assert_eq!(
            webhook_id(&entry(Some("acme"), "abc-123")),
            "github:acme:abc-123"
        );
        let odd = webhook_id(&entry(None, "1234.5678"));
        assert!(odd.starts_with("msg_") && !odd.contains('.'), "{odd}");
        assert_eq!(odd, webhook_id(&entry(None, "1234.5678")));
        assert_ne!(odd, webhook_id(&entry(None, "1234.5679")));
    }

    #[test]
    fn secrets_are_whsec_or_raw() {
        let raw = signing_key("s3cret").unwrap();
        assert_eq!(raw.expose_secret(), "whsec_czNjcmV0");
        let whsec = signing_key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        assert_eq!(
            whsec.expose_secret(),
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        );
        assert!(signing_key("whsec_!!!").is_err());
        assert!(signing_key("").is_err());
    }

    #[test]
    fn debug_hides_the_secret() {
        let sink = HttpSink::new(
            "http://127.0.0.1:9/hook",
            SecretString::from("hunter2hunter2".to_string()),
            Duration::from_secs(1),
        )
        .unwrap();
        assert!(!format!("{sink:?}").contains("hunter2"));
    }
}
