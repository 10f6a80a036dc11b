//! Signed-webhook builders: deliveries signed the way each platform signs them, so verifiers
//! can be tested against known-good input, plus [`tamper`] to break one byte of a body.
//!
//! Signing uses `plugboard_core::signing` and `plugboard_core::webhook::sign_standard`; the
//! test kit does not carry its own HMAC code.

use bytes::Bytes;
use http::header::CONTENT_TYPE;
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use plugboard_core::WebhookRequest;
use plugboard_core::signing::hmac_sha256_hex;
use plugboard_core::webhook::sign_standard;

/// A webhook delivery as a platform would send it: method, headers, query and raw body.
#[derive(Debug, Clone)]
pub struct SignedDelivery {
    /// The method (`POST` unless changed).
    pub method: Method,
    /// The headers, signature included.
    pub headers: HeaderMap,
    /// The raw query string, without `?`.
    pub query: Option<String>,
    /// The raw body, byte for byte.
    pub body: Bytes,
}

impl SignedDelivery {
    /// An unsigned `POST` with `Content-Type: application/json` and `body`.
    pub fn new(body: impl Into<Bytes>) -> Self {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        Self {
            method: Method::POST,
            headers,
            query: None,
            body: body.into(),
        }
    }

    /// The delivery as the [`WebhookRequest`] a verifier takes.
    pub fn request(&self) -> WebhookRequest<'_> {
        WebhookRequest {
            method: &self.method,
            headers: &self.headers,
            query: self.query.as_deref(),
            body: &self.body,
        }
    }

    /// Sets (replaces) a header.
    ///
    /// # Panics
    /// When the name or value is not valid in HTTP.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        let name = HeaderName::try_from(name)
            .unwrap_or_else(|e| panic!("plugboard-testkit: bad header name {name:?}: {e}"));
        let value = HeaderValue::try_from(value)
            .unwrap_or_else(|e| panic!("plugboard-testkit: bad value for header {name}: {e}"));
        self.headers.insert(name, value);
        self
    }

    /// Removes a header (names are case-insensitive).
    pub fn without_header(mut self, name: &str) -> Self {
        self.headers.remove(name);
        self
    }

    /// Keeps only the named headers (case-insensitive), removing every other one.
    pub fn keep_only_headers(mut self, keep: &[&str]) -> Self {
        let names: Vec<HeaderName> = self
            .headers
            .keys()
            .filter(|n| !keep.iter().any(|k| n.as_str().eq_ignore_ascii_case(k)))
            .cloned()
            .collect();
        for name in names {
            self.headers.remove(&name);
        }
        self
    }

    /// Replaces the body and keeps the headers (and so the old signature).
    pub fn with_body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
        self
    }

    /// The same delivery with one byte of the body changed (see [`tamper`]).
    pub fn tampered(self) -> Self {
        let body = tamper(&self.body);
        self.with_body(body)
    }

    /// Sets the raw query string.
    pub fn with_query(mut self, query: impl Into<String>) -> Self {
        self.query = Some(query.into());
        self
    }

    /// A header's value as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// A delivery whose `header` is `prefix` followed by the lowercase hex HMAC-SHA256 of the raw
/// body under `secret`, e.g. `hmac_hex_header("X-Hub-Signature-256", "sha256=", s, body)`.
pub fn hmac_hex_header(
    header: &str,
    prefix: &str,
    secret: &str,
    body: impl Into<Bytes>,
) -> SignedDelivery {
    let delivery = SignedDelivery::new(body);
    let signature = hmac_sha256_hex(secret.as_bytes(), &[&delivery.body]);
    delivery.with_header(header, &format!("{prefix}{signature}"))
}

/// A GitHub delivery: `X-Hub-Signature-256: sha256=<hex>`, `X-GitHub-Event`,
/// `X-GitHub-Delivery`.
///
/// GitHub's documented example: secret `It's a Secret to Everybody`, body `Hello, World!`,
/// signature `sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17`.
pub fn github(
    secret: &str,
    event: &str,
    delivery_id: &str,
    body: impl Into<Bytes>,
) -> SignedDelivery {
    hmac_hex_header("X-Hub-Signature-256", "sha256=", secret, body)
        .with_header("X-GitHub-Event", event)
        .with_header("X-GitHub-Delivery", delivery_id)
        .with_header("User-Agent", "GitHub-Hookshot/plugboard-testkit")
}

/// A Standard Webhooks delivery (`webhook-id`, `webhook-timestamp`, `webhook-signature`),
/// signed with a `whsec_` secret.
///
/// # Panics
/// When `secret_whsec` is not `whsec_<base64>`.
pub fn standard_webhooks(
    secret_whsec: &str,
    id: &str,
    timestamp: i64,
    body: impl Into<Bytes>,
) -> SignedDelivery {
    let delivery = SignedDelivery::new(body);
    let signature = sign_standard(secret_whsec, id, timestamp, &delivery.body)
        .unwrap_or_else(|e| panic!("plugboard-testkit: cannot sign a Standard Webhook: {e}"));
    delivery
        .with_header("webhook-id", id)
        .with_header("webhook-timestamp", &timestamp.to_string())
        .with_header("webhook-signature", &signature)
}

/// A Slack delivery: `X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:{timestamp}:{body}">` and
/// `X-Slack-Request-Timestamp`.
pub fn slack(secret: &str, timestamp: i64, body: impl Into<Bytes>) -> SignedDelivery {
    let delivery = SignedDelivery::new(body);
    let ts = timestamp.to_string();
    let signature = hmac_sha256_hex(
        secret.as_bytes(),
        &[b"v0:", ts.as_bytes(), b":", &delivery.body],
    );
    delivery
        .with_header("X-Slack-Signature", &format!("v0={signature}"))
        .with_header("X-Slack-Request-Timestamp", &ts)
}

/// `body` with exactly one byte changed. The byte is the first ASCII letter or digit from the
/// middle onwards (wrapping around), changed to another letter or digit so the body stays
/// plausible text; a body without one gets its middle byte's lowest bit flipped, and an empty
/// body becomes a single space.
pub fn tamper(body: &Bytes) -> Bytes {
    let mut bytes = body.to_vec();
    if bytes.is_empty() {
        return Bytes::from_static(b" ");
    }
    let middle = bytes.len() / 2;
    let order = (middle..bytes.len()).chain(0..middle);
    let target = order.clone().find(|&i| bytes[i].is_ascii_alphanumeric());
    match target {
        Some(i) => {
            let b = bytes[i];
            bytes[i] = if b.is_ascii_alphabetic() {
                b ^ 0x20
            } else if b == b'9' {
                b'8'
            } else {
                b + 1
            };
        }
        None => bytes[middle] ^= 0x01,
    }
    Bytes::from(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_documented_example() {
        let d = github(
            "It's a Secret to Everybody",
            "ping",
            "72d3162e-cc78-11e3-81ab-4c9367dc0958",
            "Hello, World!",
        );
        assert_eq!(
            d.header("x-hub-signature-256"),
            Some("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")
        );
        assert_eq!(d.header("x-github-event"), Some("ping"));
        assert_eq!(d.request().body, &Bytes::from_static(b"Hello, World!"));
        assert_eq!(d.request().method, Method::POST);
    }

    #[test]
    fn standard_webhooks_official_vector() {
        let d = standard_webhooks(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            r#"{"test": 2432232314}"#,
        );
        assert_eq!(
            d.header("webhook-signature"),
            Some("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        );
        assert_eq!(d.header("webhook-timestamp"), Some("1614265330"));
    }

    #[test]
    fn slack_signs_version_timestamp_and_body() {
        // Slack's documented example request.
        let body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
        let d = slack("8f742231b10e8888abcd99yyyzzz85a5", 1531420618, body);
        assert_eq!(
            d.header("x-slack-signature"),
            Some("v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503")
        );
        assert_eq!(d.header("x-slack-request-timestamp"), Some("1531420618"));
    }

    #[test]
    fn tamper_changes_exactly_one_byte() {
        for body in [&b"Hello, World!"[..], br#"{"n": 19}"#, b"{}[]", b"9", b""] {
            let original = Bytes::copy_from_slice(body);
            let changed = tamper(&original);
            assert_ne!(changed, original);
            if !body.is_empty() {
                assert_eq!(changed.len(), original.len());
                let diffs = original
                    .iter()
                    .zip(&changed)
                    .filter(|(a, b)| a != b)
                    .count();
                assert_eq!(diffs, 1, "{body:?}");
            }
        }
    }

    #[test]
    fn header_editing() {
        let d = hmac_hex_header("X-Sig", "", "k", "b")
            .with_header("X-Other", "1")
            .keep_only_headers(&["content-type", "x-other"]);
        assert!(d.header("x-sig").is_none());
        assert_eq!(d.header("x-other"), Some("1"));
        assert_eq!(d.header("content-type"), Some("application/json"));
        let d = d.without_header("X-OTHER").with_query("a=b");
        assert!(d.header("x-other").is_none());
        assert_eq!(d.request().query, Some("a=b"));
    }
}
