//! TikTok webhooks: `TikTok-Signature: t=<unix seconds>,s=<hex>` where `s` is the HMAC-SHA256
//! of `t + "." + raw body` under the app's client secret, accepted within a 5-minute window.
//! There is no handshake (the callback URL is set in the developer portal) and no delivery id:
//! the event id is derived from the body.

use std::time::SystemTime;

use plugboard_core::signing::{MacAlgorithm, verify_mac};
use plugboard_core::webhook::{body_digest_id, check_timestamp};
use plugboard_core::{
    VerifiedWebhook, WebhookError, WebhookEvent, WebhookRequest, WebhookSecrets, WebhookVerifier,
};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

/// How far a delivery's `t` may be from now, in seconds.
pub const REPLAY_WINDOW_SECS: u64 = 300;

/// The TikTok verifier.
#[derive(Debug, Clone, Copy, Default)]
pub struct TiktokWebhookVerifier;

/// A static instance for the registry.
pub static TIKTOK_WEBHOOKS: TiktokWebhookVerifier = TiktokWebhookVerifier;

/// The parts of a `TikTok-Signature` header.
fn parse_header(value: &str) -> Result<(i64, Vec<Vec<u8>>), WebhookError> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in value.split(',') {
        let Some((key, val)) = part.trim().split_once('=') else {
            continue;
        };
        match key.trim() {
            "t" => {
                timestamp = Some(val.trim().parse::<i64>().map_err(|_| {
                    WebhookError::Malformed("TikTok-Signature t= is not a number".into())
                })?)
            }
            "s" => {
                signatures.push(hex::decode(val.trim()).map_err(|_| WebhookError::BadSignature)?)
            }
            _ => {}
        }
    }
    let timestamp =
        timestamp.ok_or_else(|| WebhookError::Malformed("TikTok-Signature has no t=".into()))?;
    if signatures.is_empty() {
        return Err(WebhookError::Malformed("TikTok-Signature has no s=".into()));
    }
    Ok((timestamp, signatures))
}

/// The envelope fields that identify an event.
#[derive(Deserialize)]
struct Head {
    #[serde(default)]
    event: Option<String>,
    #[serde(default)]
    log_id: Option<String>,
    #[serde(default)]
    user_openid: Option<String>,
    #[serde(default)]
    create_time: Option<Value>,
    #[serde(default)]
    content: Option<Value>,
}

/// The event id: `log_id` when TikTok sends one, else
/// `{event}:{user_openid}:{create_time}:{16 hex digits of the content's SHA-256}` (two events of
/// one user in the same second stay apart), else a digest of the body.
fn event_id(head: &Head, body: &[u8]) -> String {
    if let Some(id) = head.log_id.as_deref().filter(|s| !s.is_empty()) {
        return id.to_string();
    }
    let time = match &head.create_time {
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        _ => None,
    };
    match (&head.event, &head.user_openid, time) {
        (Some(event), Some(user), Some(time)) => {
            let content = match &head.content {
                Some(Value::String(s)) => s.clone(),
                Some(other) => other.to_string(),
                None => String::new(),
            };
            let digest = body_digest_id(content.as_bytes());
            let short = digest.trim_start_matches("sha256:");
            format!("{event}:{user}:{time}:{}", &short[..16.min(short.len())])
        }
        _ => body_digest_id(body),
    }
}

impl WebhookVerifier for TiktokWebhookVerifier {
    fn scheme(&self) -> &'static str {
        "TikTok-Signature: t=<unix>,s=<hex HMAC-SHA256 of t.body> under the client secret, 5-minute window"
    }

    fn verify(
        &self,
        request: &WebhookRequest<'_>,
        secrets: &WebhookSecrets,
        now: SystemTime,
    ) -> Result<VerifiedWebhook, WebhookError> {
        let header = request.require_header("tiktok-signature")?;
        let (timestamp, candidates) = parse_header(header)?;
        let t = timestamp.to_string();
        let proof = verify_mac(
            MacAlgorithm::Sha256,
            secrets,
            &[t.as_bytes(), b".", request.body],
            &candidates,
        )?;
        check_timestamp(timestamp, now, REPLAY_WINDOW_SECS)?;
        let (id, event_type) = match serde_json::from_slice::<Head>(request.body) {
            Ok(head) => (
                event_id(&head, request.body),
                head.event.clone().unwrap_or_else(|| "unknown".to_string()),
            ),
            Err(_) => (body_digest_id(request.body), "unknown".to_string()),
        };
        Ok(
            VerifiedWebhook::new(proof, id, event_type, request.body.clone(), now)
                .with_attribute("timestamp", t),
        )
    }
}

/// A TikTok webhook envelope. `content` arrives as a JSON-encoded string; it is parsed into
/// JSON (and kept as a string when it is not JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    /// The app's client key.
    #[serde(default)]
    pub client_key: Option<String>,
    /// The event type (`authorization.removed`, `video.publish.completed`...).
    pub event: String,
    /// When the event happened, Unix seconds.
    #[serde(default)]
    pub create_time: Option<i64>,
    /// The user the event is about.
    #[serde(default)]
    pub user_openid: Option<String>,
    /// The event's content.
    #[serde(default, deserialize_with = "embedded_json")]
    pub content: Value,
    /// Every other field TikTok sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A TikTok webhook event. A type plugboard does not know arrives as `Unknown` with its raw
/// JSON, never as an error.
#[derive(Debug, Clone, PartialEq)]
pub enum TiktokEvent {
    /// The user deauthorised the app (`authorization.removed`).
    AuthorizationRemoved(Envelope),
    /// An upload failed (`video.upload.failed`).
    VideoUploadFailed(Envelope),
    /// A video was published (`video.publish.completed`).
    VideoPublishCompleted(Envelope),
    /// A data portability download is ready (`portability.download.ready`).
    PortabilityDownloadReady(Envelope),
    /// A Content Posting API status change (`post.publish.*`).
    PostPublish(Envelope),
    /// Anything else.
    Unknown {
        /// The event type the verifier reported.
        event: String,
        /// The body.
        raw: Value,
    },
}

impl WebhookEvent for TiktokEvent {
    const CONNECTOR: &'static str = "tiktok";

    fn parse(event_type: &str, body: &[u8]) -> Result<Self, serde_json::Error> {
        let raw: Value = serde_json::from_slice(body)?;
        let unknown = |raw: Value| Self::Unknown {
            event: event_type.to_string(),
            raw,
        };
        let Ok(envelope) = serde_json::from_value::<Envelope>(raw.clone()) else {
            return Ok(unknown(raw));
        };
        Ok(match envelope.event.as_str() {
            "authorization.removed" => Self::AuthorizationRemoved(envelope),
            "video.upload.failed" => Self::VideoUploadFailed(envelope),
            "video.publish.completed" => Self::VideoPublishCompleted(envelope),
            "portability.download.ready" => Self::PortabilityDownloadReady(envelope),
            e if e.starts_with("post.publish.") => Self::PostPublish(envelope),
            _ => unknown(raw),
        })
    }
}

fn embedded_json<'de, D: Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(text) => serde_json::from_str(&text).unwrap_or(Value::String(text)),
        other => other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_parts_are_parsed_not_assumed() {
        let (t, s) = parse_header("t=1633174587, s=ab01").unwrap();
        assert_eq!(t, 1633174587);
        assert_eq!(s, vec![vec![0xab, 0x01]]);
        assert!(matches!(
            parse_header("s=ab01"),
            Err(WebhookError::Malformed(_))
        ));
        assert!(matches!(
            parse_header("t=1"),
            Err(WebhookError::Malformed(_))
        ));
        assert!(matches!(
            parse_header("t=x,s=ab"),
            Err(WebhookError::Malformed(_))
        ));
        assert_eq!(
            parse_header("t=1,s=zz").unwrap_err(),
            WebhookError::BadSignature
        );
    }
}
