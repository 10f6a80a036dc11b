//! Meta's quirks on top of the default classifier: the Graph error body
//! `{"error":{"message","type","code","error_subcode","fbtrace_id"}}` decides the kind (throttle
//! codes are rate limits whatever the status, code 190 is an expired token), and the usage
//! headers feed the pause gate before a limit is hit.

use std::time::Duration;

use plugboard_core::http::{Classifier, RateSignals, ResponseView, default_classify};
use plugboard_core::{Error, ErrorKind, RetryStatus};
use serde::Deserialize;

use crate::usage::Usage;

/// The wait after a throttle error when Meta advertises no time to regain access. Meta's
/// budgets roll over an hour, so a quick retry only spends more of it.
pub const THROTTLE_WAIT: Duration = Duration::from_secs(60);

/// Meta's classifier.
#[derive(Debug, Clone, Copy, Default)]
pub struct MetaClassifier;

/// The `error` object of a Graph API error body.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct GraphError {
    /// The message.
    #[serde(default)]
    pub message: String,
    /// `OAuthException`, `GraphMethodException`...
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// The error code.
    #[serde(default)]
    pub code: Option<i64>,
    /// The subcode.
    #[serde(default)]
    pub error_subcode: Option<i64>,
    /// The message meant for the end user, when Meta has one.
    #[serde(default)]
    pub error_user_msg: Option<String>,
    /// Meta's trace id, for support requests.
    #[serde(default)]
    pub fbtrace_id: Option<String>,
}

impl GraphError {
    /// Parses the `error` object of a body, if it has one.
    pub fn from_body(body: &[u8]) -> Option<Self> {
        #[derive(Deserialize)]
        struct Envelope {
            error: GraphError,
        }
        serde_json::from_slice::<Envelope>(body)
            .ok()
            .map(|e| e.error)
    }
}

/// Whether a Graph error code is a throttle: application (4), user (17), page (32), custom
/// (613) and the Business Use Case codes 80000–80014.
pub fn is_throttle_code(code: i64) -> bool {
    matches!(code, 4 | 17 | 32 | 613 | 80000..=80014)
}

impl Classifier for MetaClassifier {
    fn classify(&self, response: &ResponseView<'_>) -> Option<Error> {
        let fallback = default_classify(response)?;
        let Some(graph) = GraphError::from_body(response.body) else {
            return Some(fallback);
        };
        let Some(code) = graph.code else {
            return Some(fallback);
        };
        let message = match &graph.kind {
            Some(kind) => format!("{} ({kind}, code {code})", graph.message),
            None => format!("{} (code {code})", graph.message),
        };
        let error = match code {
            c if is_throttle_code(c) => {
                let regain = Usage::from_headers(response.headers)
                    .map(|u| u.regain)
                    .filter(|d| !d.is_zero());
                let wait = response
                    .rate_signals()
                    .retry_after
                    .or(regain)
                    .unwrap_or(THROTTLE_WAIT);
                Error::rate_limited(Some(wait), message)
            }
            190 => Error::new(ErrorKind::TokenExpired, message),
            10 | 200..=299 => Error::new(ErrorKind::Forbidden, message),
            100 => Error::new(ErrorKind::InvalidInput, message),
            1 | 2 => Error::new(ErrorKind::Upstream, message)
                .with_retry(RetryStatus::Transient { after: None }),
            _ => Error::new(fallback.kind(), message).with_retry(fallback.retry()),
        };
        let mut error = error
            .with_status(response.status.as_u16())
            .with_context("code", code.to_string());
        if let Some(sub) = graph.error_subcode {
            error = error.with_context("error_subcode", sub.to_string());
        }
        if let Some(kind) = graph.kind {
            error = error.with_context("type", kind);
        }
        if let Some(trace) = graph.fbtrace_id {
            error = error.with_context("fbtrace_id", trace);
        }
        Some(error)
    }

    fn rate_signals(&self, response: &ResponseView<'_>) -> RateSignals {
        let base = response.rate_signals();
        match Usage::from_headers(response.headers) {
            Some(usage) => usage.signals(base),
            None => base,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::SystemTime;

    use http::{HeaderMap, StatusCode};

    use super::*;

    fn view<'a>(status: u16, headers: &'a HeaderMap, body: &'a str) -> ResponseView<'a> {
        ResponseView {
            status: StatusCode::from_u16(status).unwrap(),
            headers,
            body: body.as_bytes(),
            now: SystemTime::now(),
        }
    }

    fn classify(status: u16, body: &str) -> Option<Error> {
        MetaClassifier.classify(&view(status, &HeaderMap::new(), body))
    }

    fn graph_error(code: i64) -> String {
        format!(
            r#"{{"error":{{"message":"boom","type":"OAuthException","code":{code},"error_subcode":460,"fbtrace_id":"AbCdEf"}}}}"#
        )
    }

    #[test]
    fn success_and_plain_http_errors_follow_the_default() {
        assert!(classify(200, r#"{"data":[]}"#).is_none());
        let e = classify(404, r#"{"message":"Not Found"}"#).unwrap();
        assert_eq!(e.kind(), ErrorKind::NotFound);
        assert_eq!(e.status(), Some(404));
    }

    #[test]
    fn graph_codes_decide_the_kind() {
        for code in [4, 17, 32, 613, 80000, 80004, 80014] {
            let e = classify(400, &graph_error(code)).unwrap();
            assert_eq!(
                e.kind(),
                ErrorKind::RateLimited {
                    retry_after: Some(THROTTLE_WAIT)
                },
                "code {code}"
            );
        }
        let e = classify(400, &graph_error(190)).unwrap();
        assert_eq!(e.kind(), ErrorKind::TokenExpired);
        assert_eq!(e.context_value("error_subcode"), Some("460"));
        assert_eq!(e.context_value("fbtrace_id"), Some("AbCdEf"));
        assert_eq!(e.status(), Some(400));
        assert!(e.message().contains("boom"), "{e}");
        for code in [10, 200, 299] {
            assert_eq!(
                classify(403, &graph_error(code)).unwrap().kind(),
                ErrorKind::Forbidden
            );
        }
        assert_eq!(
            classify(400, &graph_error(100)).unwrap().kind(),
            ErrorKind::InvalidInput
        );
        let e = classify(500, &graph_error(2)).unwrap();
        assert!(e.is_transient());
        let e = classify(400, &graph_error(80015)).unwrap();
        assert_eq!(
            e.kind(),
            ErrorKind::InvalidInput,
            "unknown codes keep the status kind"
        );
    }

    #[test]
    fn throttles_wait_for_the_advertised_regain_time() {
        let mut h = HeaderMap::new();
        h.insert(
            "x-business-use-case-usage",
            r#"{"act_1":[{"type":"ads_insights","call_count":100,"total_cputime":1,"total_time":1,"estimated_time_to_regain_access":5}]}"#
                .parse()
                .unwrap(),
        );
        let e = MetaClassifier
            .classify(&view(400, &h, &graph_error(80000)))
            .unwrap();
        assert_eq!(e.retry_after(), Some(Duration::from_secs(300)));
        let s = MetaClassifier.rate_signals(&view(200, &h, "{}"));
        assert_eq!(s.remaining, Some(0));
        assert_eq!(s.reset_after, Some(Duration::from_secs(300)));
        assert_eq!(
            MetaClassifier.rate_signals(&view(200, &HeaderMap::new(), "{}")),
            RateSignals::default()
        );
    }
}
