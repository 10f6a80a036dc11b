//! ClickUp webhook verification: `X-Signature` is the hex HMAC-SHA256 of the raw body under
//! the webhook's secret. There is no timestamp (so no replay window) and no delivery id: the
//! event id is derived from the payload.

use std::time::SystemTime;

use plugboard_core::signing::{MacAlgorithm, verify_hmac_hex};
use plugboard_core::webhook::body_digest_id;
use plugboard_core::{
    VerifiedWebhook, WebhookError, WebhookRequest, WebhookSecrets, WebhookVerifier,
};
use serde_json::Value;

/// The event type reported when the payload names none (or is not JSON).
pub const UNKNOWN_EVENT: &str = "unknown";

/// Joined history item ids longer than this are replaced by their digest in the event id.
const MAX_IDS_LEN: usize = 200;

/// Verifies ClickUp webhook deliveries.
#[derive(Debug, Clone, Copy, Default)]
pub struct ClickupWebhookVerifier;

/// The verifier the descriptor registers.
pub static CLICKUP_WEBHOOKS: ClickupWebhookVerifier = ClickupWebhookVerifier;

impl WebhookVerifier for ClickupWebhookVerifier {
    fn scheme(&self) -> &'static str {
        "X-Signature: <hex HMAC-SHA256 of the raw body under the webhook's secret>"
    }

    fn verify(
        &self,
        request: &WebhookRequest<'_>,
        secrets: &WebhookSecrets,
        now: SystemTime,
    ) -> Result<VerifiedWebhook, WebhookError> {
        let signature = request.require_header("x-signature")?;
        let proof = verify_hmac_hex(MacAlgorithm::Sha256, secrets, &[request.body], signature)?;
        // Only the verified bytes are read, and only to name the event.
        let payload: Option<Value> = serde_json::from_slice(request.body).ok();
        let event_type = payload
            .as_ref()
            .and_then(|p| p.get("event"))
            .and_then(Value::as_str)
            .filter(|e| !e.is_empty())
            .unwrap_or(UNKNOWN_EVENT);
        let event_id = payload
            .as_ref()
            .and_then(|p| payload_event_id(p, event_type))
            .unwrap_or_else(|| body_digest_id(request.body));
        let mut verified =
            VerifiedWebhook::new(proof, event_id, event_type, request.body.clone(), now);
        if let Some(webhook_id) = payload
            .as_ref()
            .and_then(|p| p.get("webhook_id"))
            .and_then(Value::as_str)
        {
            verified = verified.with_attribute("webhook_id", webhook_id);
        }
        Ok(verified)
    }
}

/// `<webhook_id>:<event>:<history item ids, comma-separated>` when the payload has a webhook
/// id and history items with ids. The event name is part of it because one change can be
/// delivered to the same webhook as several events (`taskStatusUpdated` and `taskUpdated`)
/// with the same history item; each must be processed once, not once in total.
pub fn payload_event_id(payload: &Value, event_type: &str) -> Option<String> {
    let webhook_id = payload
        .get("webhook_id")
        .and_then(Value::as_str)
        .filter(|w| !w.is_empty())?;
    let ids: Vec<String> = payload
        .get("history_items")?
        .as_array()?
        .iter()
        .filter_map(|item| match item.get("id")? {
            Value::String(s) if !s.is_empty() => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
        .collect();
    if ids.is_empty() {
        return None;
    }
    let joined = ids.join(",");
    let ids = if joined.len() > MAX_IDS_LEN {
        body_digest_id(joined.as_bytes())
    } else {
        joined
    };
    Some(format!("{webhook_id}:{event_type}:{ids}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn event_ids_come_from_the_webhook_and_history_items() {
        let p = json!({"webhook_id": "w1", "event": "taskUpdated", "history_items": [{"id": "33169"}, {"id": 2}]});
        assert_eq!(
            payload_event_id(&p, "taskUpdated").as_deref(),
            Some("w1:taskUpdated:33169,2")
        );
        assert_eq!(
            payload_event_id(&json!({"webhook_id": "w1", "task_id": "t"}), "taskDeleted"),
            None
        );
        assert_eq!(
            payload_event_id(&json!({"history_items": [{"id": "1"}]}), "taskUpdated"),
            None
        );
        let many: Vec<Value> = (0..100)
            .map(|i| json!({"id": format!("28007631367171408{i:02}")}))
            .collect();
        let id = payload_event_id(
            &json!({"webhook_id": "w1", "history_items": many}),
            "taskCreated",
        )
        .unwrap();
        assert!(id.starts_with("w1:taskCreated:sha256:"), "{id}");
    }
}
