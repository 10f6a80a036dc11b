//! Slack's quirks on top of the default classifier: Web API errors arrive as HTTP 200 with
//! `{"ok": false, "error": "<code>"}`, so the code decides the error kind. Non-200 statuses
//! (429 with `Retry-After`, 5xx) follow the default, with Slack's code added as context.

use plugboard_core::http::{Classifier, ResponseView, default_classify};
use plugboard_core::{Error, ErrorKind, RetryStatus};
use serde_json::Value;

/// The context key holding Slack's error code.
pub const ERROR_CODE: &str = "slack_error";

/// Slack's classifier.
#[derive(Debug, Clone, Copy, Default)]
pub struct SlackClassifier;

impl Classifier for SlackClassifier {
    fn classify(&self, response: &ResponseView<'_>) -> Option<Error> {
        let body = serde_json::from_slice::<Value>(response.body).ok();
        let failed = body
            .as_ref()
            .is_some_and(|b| b.get("ok") == Some(&Value::Bool(false)));
        if !response.status.is_success() {
            let error = default_classify(response)?;
            return Some(match body.as_ref().and_then(|b| code_of(b)) {
                Some(code) => error.with_context(ERROR_CODE, code),
                None => error,
            });
        }
        // A 2xx without `ok: false` is a success, including the plain-text answers of
        // `upload_url` ("OK - 123") and `response_url`.
        if !failed {
            return None;
        }
        let body = body.unwrap_or_default();
        let code = code_of(&body).unwrap_or("unknown_error");
        Some(
            from_code(code, &body, response)
                .with_status(response.status.as_u16())
                .with_context(ERROR_CODE, code),
        )
    }
}

fn code_of(body: &Value) -> Option<&str> {
    body.get("error").and_then(Value::as_str)
}

/// The error for a Slack error code in an `ok: false` body.
fn from_code(code: &str, body: &Value, response: &ResponseView<'_>) -> Error {
    let message = describe(code, body);
    let kind = match code {
        "ratelimited" | "rate_limited" => {
            let wait = response.rate_signals().retry_after;
            return Error::rate_limited(wait, message);
        }
        "invalid_auth"
        | "not_authed"
        | "account_inactive"
        | "token_revoked"
        | "invalid_refresh_token" => ErrorKind::Unauthorized,
        "token_expired" => ErrorKind::TokenExpired,
        "channel_not_found" | "user_not_found" | "users_not_found" | "message_not_found"
        | "thread_not_found" | "file_not_found" | "view_not_found" => ErrorKind::NotFound,
        "missing_scope"
        | "not_allowed_token_type"
        | "no_permission"
        | "restricted_action"
        | "access_denied"
        | "ekm_access_denied"
        | "not_in_channel"
        | "cant_update_message"
        | "cant_delete_message"
        | "team_access_not_granted"
        | "edit_window_closed" => ErrorKind::Forbidden,
        "is_archived" | "already_reacted" | "name_taken" => ErrorKind::Conflict,
        "invalid_arguments"
        | "invalid_arg_name"
        | "invalid_array_arg"
        | "invalid_charset"
        | "invalid_form_data"
        | "invalid_post_type"
        | "missing_post_type"
        | "missing_argument"
        | "invalid_json"
        | "json_not_object"
        | "invalid_cursor"
        | "invalid_limit"
        | "no_text"
        | "msg_too_long"
        | "too_many_attachments"
        | "invalid_blocks"
        | "invalid_blocks_format"
        | "invalid_metadata_format"
        | "invalid_trigger_id"
        | "expired_trigger_id"
        | "invalid_ts_latest"
        | "invalid_ts_oldest" => ErrorKind::InvalidInput,
        // Slack's own failures; "it's possible some aspect of the operation succeeded", so
        // only idempotent operations are repeated (the runtime's rule).
        "internal_error" | "fatal_error" | "service_unavailable" | "request_timeout" => {
            return Error::new(ErrorKind::Upstream, message)
                .with_retry(RetryStatus::Transient { after: None });
        }
        _ => return Error::new(ErrorKind::Upstream, message).permanent(),
    };
    let error = Error::new(kind, message);
    match (code, body.get("needed"), body.get("provided")) {
        ("missing_scope", Some(Value::String(needed)), provided) => {
            let error = error.with_context("needed", needed.clone());
            match provided {
                Some(Value::String(p)) => error.with_context("provided", p.clone()),
                _ => error,
            }
        }
        _ => error,
    }
}

/// The code, with Slack's explanation when it sends one (`response_metadata.messages`) and the
/// scope a `missing_scope` needs.
fn describe(code: &str, body: &Value) -> String {
    let details: Vec<&str> = body
        .pointer("/response_metadata/messages")
        .and_then(Value::as_array)
        .map(|m| m.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut message = code.to_string();
    if let Some(needed) = body.get("needed").and_then(Value::as_str) {
        message.push_str(&format!(" (needed: {needed})"));
    }
    if !details.is_empty() {
        message.push_str(": ");
        message.push_str(&details.join("; "));
    }
    message
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime};

    use http::{HeaderMap, StatusCode};

    use super::*;

    fn classify(status: u16, headers: &[(&'static str, &str)], body: &str) -> Option<Error> {
        let mut h = HeaderMap::new();
        for (k, v) in headers {
            h.insert(*k, v.parse().unwrap());
        }
        SlackClassifier.classify(&ResponseView {
            status: StatusCode::from_u16(status).unwrap(),
            headers: &h,
            body: body.as_bytes(),
            now: SystemTime::now(),
        })
    }

    fn kind(body: &str) -> ErrorKind {
        classify(200, &[], body).unwrap().kind()
    }

    #[test]
    fn ok_bodies_and_plain_text_are_successes() {
        assert!(classify(200, &[], r#"{"ok":true,"channel":"C1","ts":"1.2"}"#).is_none());
        assert!(classify(200, &[], "OK - 1024").is_none());
        assert!(classify(200, &[], "").is_none());
    }

    #[test]
    fn codes_in_200_bodies_become_typed_errors() {
        assert_eq!(
            kind(r#"{"ok":false,"error":"invalid_auth"}"#),
            ErrorKind::Unauthorized
        );
        assert_eq!(
            kind(r#"{"ok":false,"error":"not_authed"}"#),
            ErrorKind::Unauthorized
        );
        assert_eq!(
            kind(r#"{"ok":false,"error":"account_inactive"}"#),
            ErrorKind::Unauthorized
        );
        assert_eq!(
            kind(r#"{"ok":false,"error":"token_expired"}"#),
            ErrorKind::TokenExpired
        );
        assert_eq!(
            kind(r#"{"ok":false,"error":"channel_not_found"}"#),
            ErrorKind::NotFound
        );
        assert_eq!(
            kind(r#"{"ok":false,"error":"user_not_found"}"#),
            ErrorKind::NotFound
        );
        assert_eq!(
            kind(r#"{"ok":false,"error":"invalid_arguments"}"#),
            ErrorKind::InvalidInput
        );
        let e = classify(200, &[], r#"{"ok":false,"error":"some_new_code"}"#).unwrap();
        assert_eq!(e.kind(), ErrorKind::Upstream);
        assert!(!e.is_transient(), "an unknown code is not retried");
        assert_eq!(e.context_value(ERROR_CODE), Some("some_new_code"));
        assert_eq!(e.status(), Some(200));
        assert!(
            classify(200, &[], r#"{"ok":false,"error":"internal_error"}"#)
                .unwrap()
                .is_transient()
        );
    }

    #[test]
    fn missing_scope_is_forbidden_and_names_the_scope() {
        let e = classify(
            200,
            &[],
            r#"{"ok":false,"error":"missing_scope","needed":"chat:write","provided":"channels:read"}"#,
        )
        .unwrap();
        assert_eq!(e.kind(), ErrorKind::Forbidden);
        assert_eq!(e.context_value("needed"), Some("chat:write"));
        assert_eq!(e.context_value("provided"), Some("channels:read"));
        assert!(e.message().contains("chat:write"), "{}", e.message());
    }

    #[test]
    fn invalid_arguments_carry_slacks_explanation() {
        let e = classify(
            200,
            &[],
            r#"{"ok":false,"error":"invalid_arguments","response_metadata":{"messages":["[ERROR] missing required field: channel"]}}"#,
        )
        .unwrap();
        assert_eq!(
            e.message(),
            "invalid_arguments: [ERROR] missing required field: channel"
        );
    }

    #[test]
    fn ratelimited_is_rate_limited_with_retry_after() {
        let e = classify(
            200,
            &[("retry-after", "7")],
            r#"{"ok":false,"error":"ratelimited"}"#,
        )
        .unwrap();
        assert_eq!(
            e.kind(),
            ErrorKind::RateLimited {
                retry_after: Some(Duration::from_secs(7))
            }
        );
        let e = classify(
            429,
            &[("retry-after", "30")],
            r#"{"ok":false,"error":"ratelimited"}"#,
        )
        .unwrap();
        assert_eq!(e.retry_after(), Some(Duration::from_secs(30)));
        assert_eq!(e.context_value(ERROR_CODE), Some("ratelimited"));
        let e = classify(200, &[], r#"{"ok":false,"error":"ratelimited"}"#).unwrap();
        assert!(matches!(
            e.kind(),
            ErrorKind::RateLimited { retry_after: None }
        ));
        assert!(e.is_transient());
    }

    #[test]
    fn http_errors_follow_the_default() {
        let e = classify(503, &[], "Service Unavailable").unwrap();
        assert_eq!(e.kind(), ErrorKind::Upstream);
        assert!(e.is_transient());
        assert_eq!(
            classify(404, &[], "no_service").unwrap().kind(),
            ErrorKind::NotFound
        );
    }
}
