//! Turning a platform response into success or a typed [`Error`]: one default classifier that
//! knows HTTP, which connectors extend with their quirks.

use std::time::SystemTime;

use http::{HeaderMap, StatusCode};

use super::rate_signals::RateSignals;
use crate::error::{Error, ErrorKind, RetryStatus};

/// A response as the classifier sees it.
#[derive(Debug, Clone, Copy)]
pub struct ResponseView<'a> {
    /// The status code.
    pub status: StatusCode,
    /// The headers.
    pub headers: &'a HeaderMap,
    /// The body, read whole.
    pub body: &'a [u8],
    /// The wall-clock time the response arrived.
    pub now: SystemTime,
}

impl ResponseView<'_> {
    /// The rate-limit signals in the headers.
    pub fn rate_signals(&self) -> RateSignals {
        RateSignals::from_headers(self.headers, self.now)
    }
}

/// Decides whether a response is a success and, if not, which error it is.
///
/// Implementations add a platform's quirks (errors inside HTTP 200, rate limits reported as
/// 403) and fall back to [`default_classify`] for everything else.
pub trait Classifier: Send + Sync + 'static {
    /// `None` for success, else the error.
    fn classify(&self, response: &ResponseView<'_>) -> Option<Error> {
        default_classify(response)
    }

    /// What the response says about the credential's rate budget; it paces and pauses the
    /// credential's next calls. The default reads `Retry-After` and `x-ratelimit-*`; platforms
    /// that report usage differently (Meta's `X-App-Usage`, Jira's `RateLimit`) translate it
    /// here, e.g. `remaining: Some(0)` with `reset_after` to pause before an error happens.
    fn rate_signals(&self, response: &ResponseView<'_>) -> RateSignals {
        response.rate_signals()
    }
}

/// The HTTP-only classifier.
#[derive(Debug, Clone, Copy, Default)]
pub struct DefaultClassifier;

impl Classifier for DefaultClassifier {}

/// Maps status codes and rate-limit headers to errors.
///
/// - 2xx and 304: success.
/// - 429, and 403 whose headers say the budget is spent or ask for a wait: `RateLimited`
///   with the wait from `Retry-After` or `x-ratelimit-reset`.
/// - 401 `Unauthorized`, 403 `Forbidden`, 404/410 `NotFound`, 400/422 `InvalidInput`,
///   409 `Conflict`, 408 `Timeout` (transient), 5xx `Upstream` (transient, except 501).
pub fn default_classify(response: &ResponseView<'_>) -> Option<Error> {
    let status = response.status;
    if status.is_success() || status == StatusCode::NOT_MODIFIED {
        return None;
    }
    let signals = response.rate_signals();
    let message = error_message(response.body);
    let code = status.as_u16();
    let error = match code {
        429 => Error::rate_limited(signals.wait(), message),
        403 if signals.exhausted() || signals.retry_after.is_some() => {
            Error::rate_limited(signals.wait(), message)
        }
        401 => Error::new(ErrorKind::Unauthorized, message),
        403 => Error::new(ErrorKind::Forbidden, message),
        404 | 410 => Error::new(ErrorKind::NotFound, message),
        400 | 422 => Error::new(ErrorKind::InvalidInput, message),
        409 => Error::new(ErrorKind::Conflict, message),
        408 => Error::new(ErrorKind::Timeout, message),
        501 => Error::new(ErrorKind::Unsupported, message),
        500..=599 => Error::new(ErrorKind::Upstream, message).with_retry(RetryStatus::Transient {
            after: signals.retry_after,
        }),
        _ => Error::new(ErrorKind::Upstream, message).permanent(),
    };
    Some(error.with_status(code))
}

/// The most useful human message in an error body: common JSON fields (`message`, `error`,
/// `error.message`, `error_description`, `errorMessages`, `err`), else the start of the text.
pub fn error_message(body: &[u8]) -> String {
    if let Ok(json) = serde_json::from_slice::<serde_json::Value>(body) {
        let candidates = [
            json.pointer("/error/message"),
            json.get("message"),
            json.get("error_description"),
            json.get("error"),
            json.pointer("/errorMessages/0"),
            json.get("err"),
        ];
        for c in candidates.into_iter().flatten() {
            if let Some(s) = c.as_str().filter(|s| !s.is_empty()) {
                return truncate(s);
            }
        }
    }
    truncate(String::from_utf8_lossy(body).trim())
}

fn truncate(s: &str) -> String {
    const MAX: usize = 300;
    if s.len() <= MAX {
        return s.to_string();
    }
    let mut end = MAX;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn classify(status: u16, headers: &[(&'static str, &str)], body: &str) -> Option<Error> {
        let mut h = HeaderMap::new();
        for (k, v) in headers {
            h.insert(*k, v.parse().unwrap());
        }
        default_classify(&ResponseView {
            status: StatusCode::from_u16(status).unwrap(),
            headers: &h,
            body: body.as_bytes(),
            now: SystemTime::now(),
        })
    }

    #[test]
    fn success_and_not_modified_are_not_errors() {
        assert!(classify(200, &[], "{}").is_none());
        assert!(classify(204, &[], "").is_none());
        assert!(classify(304, &[], "").is_none());
    }

    #[test]
    fn rate_limits_carry_the_wait() {
        let e = classify(429, &[("retry-after", "3")], r#"{"message":"slow"}"#).unwrap();
        assert_eq!(
            e.kind(),
            ErrorKind::RateLimited {
                retry_after: Some(Duration::from_secs(3))
            }
        );
        assert_eq!(e.message(), "slow");
        let e = classify(
            403,
            &[("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", "5")],
            "",
        )
        .unwrap();
        assert_eq!(e.retry_after(), Some(Duration::from_secs(5)));
    }

    #[test]
    fn maps_statuses_to_kinds() {
        assert_eq!(
            classify(401, &[], "").unwrap().kind(),
            ErrorKind::Unauthorized
        );
        assert_eq!(classify(403, &[], "").unwrap().kind(), ErrorKind::Forbidden);
        assert_eq!(classify(404, &[], "").unwrap().kind(), ErrorKind::NotFound);
        assert_eq!(
            classify(422, &[], "").unwrap().kind(),
            ErrorKind::InvalidInput
        );
        let e = classify(502, &[], "bad gateway").unwrap();
        assert_eq!(e.kind(), ErrorKind::Upstream);
        assert!(e.is_transient());
        assert_eq!(e.status(), Some(502));
        assert!(!classify(400, &[], "").unwrap().is_transient());
    }

    #[test]
    fn finds_messages_in_platform_bodies() {
        assert_eq!(
            error_message(br#"{"error":{"message":"bad token","code":190}}"#),
            "bad token"
        );
        assert_eq!(
            error_message(br#"{"errorMessages":["Issue does not exist"]}"#),
            "Issue does not exist"
        );
        assert_eq!(
            error_message(br#"{"ok":false,"error":"channel_not_found"}"#),
            "channel_not_found"
        );
        assert_eq!(error_message(b"plain text"), "plain text");
    }
}
