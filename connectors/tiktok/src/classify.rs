//! TikTok's quirks on top of the default classifier: both of its APIs can report errors in the
//! body of an HTTP 200.
//!
//! - Display API v2: `{"data":{…},"error":{"code":"ok"|"…","message","log_id"}}` — any code but
//!   `ok` is an error (`rate_limit_exceeded`, `access_token_invalid`, `scope_not_authorized`...).
//! - API for Business: `{"code":0|N,"message","request_id","data"}` — any non-zero code is an
//!   error (`40100` rate limit, `40101`–`40109` credentials, `5xxxx` server trouble...).

use plugboard_core::http::{Classifier, ResponseView, default_classify};
use plugboard_core::{Error, ErrorKind, RetryStatus};
use serde::Deserialize;
use serde_json::Value;

/// TikTok's classifier, for both APIs.
#[derive(Debug, Clone, Copy, Default)]
pub struct TiktokClassifier;

/// The `error` object of a Display API v2 answer.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct OpenApiError {
    /// `ok`, or the error's name.
    pub code: String,
    /// The message.
    #[serde(default)]
    pub message: String,
    /// TikTok's id of the request.
    #[serde(default)]
    pub log_id: Option<String>,
}

/// The status fields of an API for Business answer.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct BusinessStatus {
    /// `0`, or the error code.
    pub code: i64,
    /// The message.
    #[serde(default)]
    pub message: String,
    /// TikTok's id of the request.
    #[serde(default)]
    pub request_id: Option<String>,
}

/// Which API answered, and how.
#[derive(Debug, Clone)]
pub enum Verdict {
    /// A Display API v2 answer.
    Open(OpenApiError),
    /// An API for Business answer.
    Business(BusinessStatus),
}

impl Verdict {
    /// Reads the status of either API from a body; `None` when the body has neither shape.
    pub fn from_body(body: &[u8]) -> Option<Self> {
        #[derive(Deserialize)]
        struct Probe {
            #[serde(default)]
            error: Option<Value>,
            #[serde(default)]
            code: Option<Value>,
            #[serde(default)]
            message: Option<String>,
            #[serde(default)]
            request_id: Option<String>,
        }
        let probe: Probe = serde_json::from_slice(body).ok()?;
        if let Some(error) = probe
            .error
            .filter(|e| e.get("code").is_some_and(Value::is_string))
        {
            return serde_json::from_value(error).ok().map(Verdict::Open);
        }
        let code = probe.code?.as_i64()?;
        Some(Verdict::Business(BusinessStatus {
            code,
            message: probe.message.unwrap_or_default(),
            request_id: probe.request_id,
        }))
    }

    fn is_ok(&self) -> bool {
        match self {
            Self::Open(e) => e.code == "ok",
            Self::Business(b) => b.code == 0,
        }
    }
}

/// The error for a Display API v2 error code.
pub fn open_api_error(e: &OpenApiError, status: u16, fallback: Option<&Error>) -> Error {
    let message = if e.message.is_empty() {
        e.code.clone()
    } else {
        format!("{} ({})", e.message, e.code)
    };
    let error = match e.code.as_str() {
        "rate_limit_exceeded" => Error::rate_limited(None, message),
        "access_token_invalid" | "access_token_expired" | "invalid_token" => {
            Error::new(ErrorKind::Unauthorized, message)
        }
        "scope_not_authorized" | "scope_permission_missed" | "permission_denied" => {
            Error::new(ErrorKind::Forbidden, message)
        }
        "invalid_params" | "invalid_param" | "invalid_request" | "invalid_file_upload" => {
            Error::new(ErrorKind::InvalidInput, message)
        }
        "internal_error" | "timeout" | "service_unavailable" => {
            Error::new(ErrorKind::Upstream, message)
                .with_retry(RetryStatus::Transient { after: None })
        }
        _ => match fallback {
            Some(f) => Error::new(f.kind(), message).with_retry(f.retry()),
            None => Error::new(ErrorKind::Upstream, message).permanent(),
        },
    };
    let error = error
        .with_status(status)
        .with_context("code", e.code.clone());
    match &e.log_id {
        Some(id) => error.with_context("log_id", id.clone()),
        None => error,
    }
}

/// The error for an API for Business code.
pub fn business_error(b: &BusinessStatus, status: u16) -> Error {
    let message = format!("{} (code {})", b.message, b.code);
    let error = match b.code {
        40100 => Error::rate_limited(None, message),
        40101..=40109 => Error::new(ErrorKind::Unauthorized, message),
        40001 => Error::new(ErrorKind::Forbidden, message),
        50000..=59999 => Error::new(ErrorKind::Upstream, message)
            .with_retry(RetryStatus::Transient { after: None }),
        40000..=49999 => Error::new(ErrorKind::InvalidInput, message),
        _ => Error::new(ErrorKind::Upstream, message).permanent(),
    };
    let error = error
        .with_status(status)
        .with_context("code", b.code.to_string());
    match &b.request_id {
        Some(id) => error.with_context("request_id", id.clone()),
        None => error,
    }
}

impl Classifier for TiktokClassifier {
    fn classify(&self, response: &ResponseView<'_>) -> Option<Error> {
        let status = response.status.as_u16();
        let fallback = default_classify(response);
        let Some(verdict) = Verdict::from_body(response.body) else {
            return fallback;
        };
        if verdict.is_ok() {
            return fallback;
        }
        let error = match &verdict {
            Verdict::Open(e) => open_api_error(e, status, fallback.as_ref()),
            Verdict::Business(b) => business_error(b, status),
        };
        // A 429 keeps the wait its headers name.
        match (error.kind(), fallback) {
            (ErrorKind::RateLimited { retry_after: None }, Some(f))
                if f.retry_after().is_some() =>
            {
                let mut e =
                    Error::rate_limited(f.retry_after(), error.message()).with_status(status);
                for (k, v) in error.context() {
                    e = e.with_context(k, v.clone());
                }
                Some(e)
            }
            _ => Some(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime};

    use http::{HeaderMap, StatusCode};

    use super::*;

    fn classify_with(status: u16, headers: &HeaderMap, body: &str) -> Option<Error> {
        TiktokClassifier.classify(&ResponseView {
            status: StatusCode::from_u16(status).unwrap(),
            headers,
            body: body.as_bytes(),
            now: SystemTime::now(),
        })
    }

    fn classify(status: u16, body: &str) -> Option<Error> {
        classify_with(status, &HeaderMap::new(), body)
    }

    fn v2(code: &str) -> String {
        format!(
            r#"{{"data":{{}},"error":{{"code":"{code}","message":"m","log_id":"20220829194722CBE87ED59D524E727021"}}}}"#
        )
    }

    #[test]
    fn successes_of_both_apis_pass() {
        assert!(classify(200, &v2("ok")).is_none());
        assert!(
            classify(
                200,
                r#"{"code":0,"message":"OK","request_id":"1","data":{}}"#
            )
            .is_none()
        );
        assert!(classify(200, "[]").is_none());
        let e = classify(404, r#"{"message":"Not Found"}"#).unwrap();
        assert_eq!(e.kind(), ErrorKind::NotFound);
    }

    #[test]
    fn open_api_codes_are_typed_even_in_a_200() {
        let e = classify(200, &v2("access_token_invalid")).unwrap();
        assert_eq!(e.kind(), ErrorKind::Unauthorized);
        assert_eq!(
            e.context_value("log_id"),
            Some("20220829194722CBE87ED59D524E727021")
        );
        assert_eq!(
            classify(401, &v2("scope_not_authorized")).unwrap().kind(),
            ErrorKind::Forbidden
        );
        assert!(matches!(
            classify(429, &v2("rate_limit_exceeded")).unwrap().kind(),
            ErrorKind::RateLimited { .. }
        ));
        assert_eq!(
            classify(400, &v2("invalid_params")).unwrap().kind(),
            ErrorKind::InvalidInput
        );
        assert!(classify(500, &v2("internal_error")).unwrap().is_transient());
        let e = classify(200, &v2("something_new")).unwrap();
        assert_eq!(e.kind(), ErrorKind::Upstream);
        assert!(!e.is_transient());
    }

    #[test]
    fn business_codes_are_typed_even_in_a_200() {
        let body = |code: i64| {
            format!(r#"{{"code":{code},"message":"msg","request_id":"2023","data":{{}}}}"#)
        };
        let e = classify(200, &body(40100)).unwrap();
        assert!(matches!(e.kind(), ErrorKind::RateLimited { .. }));
        assert_eq!(e.status(), Some(200));
        assert_eq!(e.context_value("request_id"), Some("2023"));
        assert_eq!(
            classify(200, &body(40105)).unwrap().kind(),
            ErrorKind::Unauthorized
        );
        assert_eq!(
            classify(200, &body(40001)).unwrap().kind(),
            ErrorKind::Forbidden
        );
        assert_eq!(
            classify(200, &body(40002)).unwrap().kind(),
            ErrorKind::InvalidInput
        );
        assert!(classify(200, &body(51021)).unwrap().is_transient());
    }

    #[test]
    fn a_429_keeps_its_retry_after() {
        let mut h = HeaderMap::new();
        h.insert("retry-after", "7".parse().unwrap());
        let e = classify_with(429, &h, &v2("rate_limit_exceeded")).unwrap();
        assert_eq!(e.retry_after(), Some(Duration::from_secs(7)));
        assert_eq!(e.context_value("code"), Some("rate_limit_exceeded"));
    }
}
