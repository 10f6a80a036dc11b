//! Tool results: an output as structured content plus its JSON text, and a plugboard error as
//! a tool error (`is_error: true`) whose structured content says what went wrong, where, and
//! when to try again.
//!
//! ```json
//! {"error": {"kind": "rate_limited", "message": "...", "retryable": true,
//!            "retry_after_secs": 120, "status": 429, "connector": "jira",
//!            "operation": "sprints.get"}}
//! ```
//!
//! `kind` is [`ErrorKind::as_str`] for every kind. Messages come from plugboard's errors,
//! which never contain credentials.

use std::time::Duration;

use plugboard_core::{Error, ErrorKind, RetryStatus};
use rmcp::model::{CallToolResult, ContentBlock};
use serde_json::{Value, json};

use crate::schema::JsonObject;

/// A successful result: `structured` as structured content and as JSON text.
pub fn success(structured: JsonObject) -> CallToolResult {
    let value = Value::Object(structured);
    let text = value.to_string();
    let mut result = CallToolResult::success(vec![ContentBlock::text(text)]);
    result.structured_content = Some(value);
    result
}

/// The tool error for a plugboard error.
pub fn error(error: &Error) -> CallToolResult {
    let mut text = error.to_string();
    if let Some(hint) = hint(error.kind()) {
        text.push_str(". ");
        text.push_str(hint);
    }
    let mut result = CallToolResult::error(vec![ContentBlock::text(text)]);
    result.structured_content = Some(error_json(error));
    result
}

/// The tool error for arguments plugboard itself reads (`all`, `max_items`, `connection`,
/// `input`): an `invalid_input` naming the field.
pub(crate) fn invalid_argument(field: &str, message: impl Into<String>) -> CallToolResult {
    let e = Error::invalid_input(format!("argument `{field}`: {}", message.into()))
        .with_context("field", field);
    error(&e)
}

/// `{"error": {...}}` for `error`.
pub fn error_json(error: &Error) -> Value {
    let mut body = JsonObject::new();
    body.insert("kind".into(), json!(error.kind().as_str()));
    body.insert("message".into(), json!(error.message()));
    body.insert(
        "retryable".into(),
        json!(!matches!(error.retry(), RetryStatus::Never)),
    );
    if let Some(wait) = error.retry_after() {
        body.insert("retry_after_secs".into(), json!(whole_seconds(wait)));
    }
    if let Some(status) = error.status() {
        body.insert("status".into(), json!(status));
    }
    if let Some(connector) = error.connector() {
        body.insert("connector".into(), json!(connector.as_str()));
    }
    if let Some(operation) = error.operation() {
        body.insert("operation".into(), json!(operation.as_str()));
    }
    if let Some(field) = error.context_value("field") {
        body.insert("field".into(), json!(field));
    }
    if error.request_not_sent() {
        body.insert("request_sent".into(), json!(false));
    }
    let context: JsonObject = error
        .context()
        .iter()
        .filter(|(k, _)| *k != "field")
        .map(|(k, v)| (k.to_string(), json!(v)))
        .collect();
    if !context.is_empty() {
        body.insert("context".into(), Value::Object(context));
    }
    json!({ "error": body })
}

/// A wait in whole seconds, rounded up (a caller that waits this long is not early).
fn whole_seconds(wait: Duration) -> u64 {
    let secs = wait.as_secs();
    if wait.subsec_nanos() > 0 {
        secs + 1
    } else {
        secs
    }
}

/// What the caller can do about an error of `kind`.
fn hint(kind: ErrorKind) -> Option<&'static str> {
    Some(match kind {
        ErrorKind::RateLimited { .. } => {
            "The platform's rate limit was reached; call again after retry_after_secs"
        }
        ErrorKind::InvalidInput => "Fix the arguments and call again",
        ErrorKind::Unauthorized | ErrorKind::TokenExpired => {
            "The credential configured in plugboard was rejected; it must be renewed there"
        }
        ErrorKind::Forbidden => "The credential configured in plugboard lacks permission",
        ErrorKind::NotFound => "Check the identifiers in the arguments",
        ErrorKind::CircuitOpen => {
            "plugboard stopped calling the platform after repeated failures; call again later"
        }
        ErrorKind::Timeout | ErrorKind::Network | ErrorKind::Upstream => {
            "The platform could not be reached or failed; calling again later may work"
        }
        ErrorKind::Config => "plugboard's configuration for this connector is incomplete",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use plugboard_core::{ConnectorId, OperationId};

    #[test]
    fn a_rate_limit_carries_its_wait_status_and_location() {
        let e = Error::rate_limited(Some(Duration::from_millis(119_200)), "slow down")
            .with_status(429)
            .exhausted()
            .at(
                ConnectorId::new("jira"),
                Some(OperationId::new("sprints.get")),
            );
        let result = error(&e);
        assert_eq!(result.is_error, Some(true));
        assert_eq!(
            result.structured_content.unwrap(),
            json!({"error": {
                "kind": "rate_limited",
                "message": "slow down",
                "retryable": true,
                "retry_after_secs": 120,
                "status": 429,
                "connector": "jira",
                "operation": "sprints.get",
            }})
        );
        let text = result.content[0].as_text().unwrap().text.clone();
        assert!(text.contains("rate_limited (HTTP 429)"), "{text}");
        assert!(text.contains("retry_after_secs"), "{text}");
    }

    #[test]
    fn every_kind_is_named_and_fields_and_context_are_kept() {
        let kinds = [
            ErrorKind::Unauthorized,
            ErrorKind::Forbidden,
            ErrorKind::NotFound,
            ErrorKind::InvalidInput,
            ErrorKind::Conflict,
            ErrorKind::RateLimited { retry_after: None },
            ErrorKind::Timeout,
            ErrorKind::Network,
            ErrorKind::Upstream,
            ErrorKind::CircuitOpen,
            ErrorKind::TokenExpired,
            ErrorKind::Webhook,
            ErrorKind::Config,
            ErrorKind::Unsupported,
            ErrorKind::Internal,
        ];
        for kind in kinds {
            let v = error_json(&Error::new(kind, "m"));
            assert_eq!(v["error"]["kind"], kind.as_str());
            assert_eq!(
                v["error"]["retryable"],
                !matches!(kind.default_retry(), RetryStatus::Never)
            );
        }
        let e = Error::invalid_input("invalid input for issues.create: field `title`: bad")
            .with_context("field", "title")
            .with_context("platform_code", "E42")
            .not_sent();
        let v = error_json(&e);
        assert_eq!(v["error"]["field"], "title");
        assert_eq!(v["error"]["request_sent"], false);
        assert_eq!(v["error"]["context"], json!({"platform_code": "E42"}));
        assert!(v["error"].get("retry_after_secs").is_none());

        let r = invalid_argument("max_items", "must be a positive integer");
        assert_eq!(r.is_error, Some(true));
        let v = r.structured_content.unwrap();
        assert_eq!(v["error"]["kind"], "invalid_input");
        assert_eq!(v["error"]["field"], "max_items");
    }

    #[test]
    fn success_has_the_same_json_as_text_and_structure() {
        let mut m = JsonObject::new();
        m.insert("id".into(), json!(7));
        let r = success(m);
        assert_eq!(r.is_error, Some(false));
        assert_eq!(r.structured_content, Some(json!({"id": 7})));
        assert_eq!(r.content[0].as_text().unwrap().text, r#"{"id":7}"#);
    }
}
