//! Slack request verification (signing secret, scheme `v0`): `X-Slack-Signature:
//! v0=<hex HMAC-SHA256 of "v0:{X-Slack-Request-Timestamp}:{raw body}">`, with the timestamp
//! within five minutes of now, checked over the raw bytes in constant time against the
//! current and previous secret. One verifier serves the three kinds of requests Slack sends:
//!
//! | Request | Body | Event type | Event id |
//! |---|---|---|---|
//! | Events API | JSON `event_callback` | `event_callback:<event.type>` (`event_callback:message`) | `event_id` |
//! | Events API handshake | JSON `url_verification` | `url_verification` | body digest |
//! | Other Events API envelopes | JSON (`app_rate_limited`...) | the envelope's `type` | body digest |
//! | Slash command | form fields | `slash_command:<command>` (`slash_command:/deploy`) | `trigger_id` |
//! | Interactivity | form field `payload` (JSON) | `interactive:<payload.type>` (`interactive:block_actions`) | `trigger_id`, else `<type>:<user>:<action_ts>` |
//!
//! Whatever has no id of its own gets `sha256:<digest of the body>`. `X-Slack-Retry-Num` and
//! `X-Slack-Retry-Reason` are kept as the attributes `retry_num` and `retry_reason`; the
//! workspace, app, user and channel ids as `team_id`, `api_app_id`, `user_id`, `channel_id`.

use std::time::SystemTime;

use plugboard_core::signing::{MacAlgorithm, SignatureOk, verify_hmac_hex};
use plugboard_core::webhook::{body_digest_id, check_timestamp};
use plugboard_core::{
    Handshake, VerifiedWebhook, WebhookError, WebhookRequest, WebhookSecrets, WebhookVerifier,
};
use serde_json::{Map, Value};

/// How far `X-Slack-Request-Timestamp` may be from now, either way: five minutes.
pub const REPLAY_WINDOW_SECS: u64 = 300;

/// The Slack verifier.
#[derive(Debug, Clone, Copy, Default)]
pub struct SlackWebhookVerifier;

/// A static instance for the registry.
pub static SLACK_WEBHOOKS: SlackWebhookVerifier = SlackWebhookVerifier;

impl SlackWebhookVerifier {
    /// Checks the signature and the timestamp of `request`.
    pub fn check(
        &self,
        request: &WebhookRequest<'_>,
        secrets: &WebhookSecrets,
        now: SystemTime,
    ) -> Result<SignatureOk, WebhookError> {
        let signature = request.require_header("x-slack-signature")?;
        let timestamp = request.require_header("x-slack-request-timestamp")?;
        let seconds: i64 = timestamp.parse().map_err(|_| {
            WebhookError::Malformed("X-Slack-Request-Timestamp is not Unix seconds".into())
        })?;
        let (version, hex) = signature.split_once('=').ok_or_else(|| {
            WebhookError::Malformed("X-Slack-Signature has no version= prefix".into())
        })?;
        if version != "v0" {
            return Err(WebhookError::UnsupportedAlgorithm(version.to_string()));
        }
        check_timestamp(seconds, now, REPLAY_WINDOW_SECS)?;
        verify_hmac_hex(
            MacAlgorithm::Sha256,
            secrets,
            &[b"v0:", timestamp.as_bytes(), b":", request.body],
            hex,
        )
    }
}

impl WebhookVerifier for SlackWebhookVerifier {
    fn scheme(&self) -> &'static str {
        "X-Slack-Signature: v0=<hex HMAC-SHA256 of \"v0:{X-Slack-Request-Timestamp}:{raw body}\">, timestamp within 5 minutes"
    }

    /// Answers `url_verification` with its challenge (as `text/plain`), only once the
    /// signature and timestamp check out.
    fn handshake(
        &self,
        request: &WebhookRequest<'_>,
        secrets: &WebhookSecrets,
        now: SystemTime,
    ) -> Option<Result<Handshake, WebhookError>> {
        if !is_json(request.body) || !contains(request.body, b"url_verification") {
            return None;
        }
        let body: Value = serde_json::from_slice(request.body).ok()?;
        if body.get("type").and_then(Value::as_str) != Some("url_verification") {
            return None;
        }
        Some(self.check(request, secrets, now).and_then(|_| {
            body.get("challenge")
                .and_then(Value::as_str)
                .map(Handshake::echo)
                .ok_or_else(|| {
                    WebhookError::Malformed("url_verification without a challenge".into())
                })
        }))
    }

    fn verify(
        &self,
        request: &WebhookRequest<'_>,
        secrets: &WebhookSecrets,
        now: SystemTime,
    ) -> Result<VerifiedWebhook, WebhookError> {
        let proof = self.check(request, secrets, now)?;
        let identity = identify(request.body);
        let event_id = identity
            .event_id
            .unwrap_or_else(|| body_digest_id(request.body));
        let mut verified = VerifiedWebhook::new(
            proof,
            event_id,
            identity.event_type,
            request.body.clone(),
            now,
        );
        for (key, header) in [
            ("retry_num", "x-slack-retry-num"),
            ("retry_reason", "x-slack-retry-reason"),
        ] {
            if let Some(value) = request.header(header).filter(|v| !v.is_empty()) {
                verified = verified.with_attribute(key, value);
            }
        }
        for (key, value) in identity.attributes {
            verified = verified.with_attribute(key, value);
        }
        Ok(verified)
    }
}

/// What a verified body says about itself.
struct Identity {
    event_id: Option<String>,
    event_type: String,
    attributes: Vec<(&'static str, String)>,
}

fn identify(body: &[u8]) -> Identity {
    if is_json(body) {
        return match serde_json::from_slice::<Value>(body) {
            Ok(envelope) => identify_envelope(&envelope),
            Err(_) => unknown(),
        };
    }
    let fields = form_fields(body);
    if let Some(payload) = fields.get("payload").and_then(Value::as_str) {
        return match serde_json::from_str::<Value>(payload) {
            Ok(payload) => identify_interaction(&payload),
            Err(_) => unknown(),
        };
    }
    if let Some(command) = text(&fields, "command") {
        let mut attributes = Vec::new();
        for key in ["team_id", "api_app_id", "user_id", "channel_id"] {
            if let Some(v) = text(&fields, key) {
                attributes.push((key, v.to_string()));
            }
        }
        return Identity {
            event_id: text(&fields, "trigger_id").map(str::to_owned),
            event_type: format!("slash_command:{command}"),
            attributes,
        };
    }
    unknown()
}

fn identify_envelope(envelope: &Value) -> Identity {
    let kind = text(envelope, "type").unwrap_or("unknown");
    let mut attributes = Vec::new();
    for key in ["team_id", "api_app_id"] {
        if let Some(v) = text(envelope, key) {
            attributes.push((key, v.to_string()));
        }
    }
    if kind == "event_callback" {
        let inner = envelope
            .pointer("/event/type")
            .and_then(Value::as_str)
            .unwrap_or("unknown");
        return Identity {
            event_id: text(envelope, "event_id").map(str::to_owned),
            event_type: format!("event_callback:{inner}"),
            attributes,
        };
    }
    Identity {
        event_id: None,
        event_type: kind.to_string(),
        attributes,
    }
}

fn identify_interaction(payload: &Value) -> Identity {
    let kind = text(payload, "type").unwrap_or("unknown");
    let user = payload.pointer("/user/id").and_then(Value::as_str);
    let mut attributes = Vec::new();
    let ids = [
        ("team_id", payload.pointer("/team/id")),
        ("api_app_id", payload.get("api_app_id")),
        ("user_id", payload.pointer("/user/id")),
        ("channel_id", payload.pointer("/channel/id")),
    ];
    for (key, value) in ids {
        if let Some(v) = value.and_then(Value::as_str) {
            attributes.push((key, v.to_string()));
        }
    }
    let action_ts = text(payload, "action_ts").or_else(|| {
        payload
            .pointer("/actions/0/action_ts")
            .and_then(Value::as_str)
    });
    let event_id = text(payload, "trigger_id")
        .map(str::to_owned)
        .or_else(|| action_ts.map(|ts| format!("{kind}:{}:{ts}", user.unwrap_or("-"))));
    Identity {
        event_id,
        event_type: format!("interactive:{kind}"),
        attributes,
    }
}

fn unknown() -> Identity {
    Identity {
        event_id: None,
        event_type: "unknown".to_string(),
        attributes: Vec::new(),
    }
}

/// A non-empty string field of a JSON object.
fn text<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value
        .get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

/// Whether the body is a JSON document (Events API) rather than form fields.
pub(crate) fn is_json(body: &[u8]) -> bool {
    body.iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b == b'{')
}

/// Form fields as a JSON object of strings (a repeated name keeps its first value).
pub(crate) fn form_fields(body: &[u8]) -> Value {
    let mut fields = Map::new();
    for (name, value) in url::form_urlencoded::parse(body) {
        fields
            .entry(name.into_owned())
            .or_insert_with(|| Value::String(value.into_owned()));
    }
    Value::Object(fields)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifies_each_kind_of_request() {
        let e = identify(br#"{"type":"event_callback","event_id":"Ev1","team_id":"T1","event":{"type":"app_mention"}}"#);
        assert_eq!(e.event_type, "event_callback:app_mention");
        assert_eq!(e.event_id.as_deref(), Some("Ev1"));
        let e = identify(b"command=%2Fdeploy&trigger_id=1.2.3&team_id=T1");
        assert_eq!(e.event_type, "slash_command:/deploy");
        assert_eq!(e.event_id.as_deref(), Some("1.2.3"));
        let e = identify(b"command=%2Fdeploy&text=");
        assert_eq!(e.event_id, None, "no trigger_id: the body digest is used");
        let e = identify(
            b"payload=%7B%22type%22%3A%22block_actions%22%2C%22user%22%3A%7B%22id%22%3A%22U1%22%7D%2C%22actions%22%3A%5B%7B%22action_ts%22%3A%2217.5%22%7D%5D%7D",
        );
        assert_eq!(e.event_type, "interactive:block_actions");
        assert_eq!(e.event_id.as_deref(), Some("block_actions:U1:17.5"));
        assert_eq!(identify(b"\x00\xff").event_type, "unknown");
        assert_eq!(identify(b"{not json").event_type, "unknown");
    }
}
