//! ClickUp's quirks on top of the default classifier: a 429's wait comes from
//! `X-RateLimit-Reset` (Unix seconds) even when `X-RateLimit-Remaining` is missing, a
//! Workspace the token was not granted is reported as 401 "Team not authorized", and error
//! bodies carry an `ECODE` worth keeping (`{"err": "...", "ECODE": "OAUTH_025"}`).

use plugboard_core::http::{Classifier, RateSignals, ResponseView, default_classify};
use plugboard_core::{Error, ErrorKind};
use serde_json::Value;

/// `ECODE`s of a 401 that mean "this token was not granted that Workspace": a permission
/// problem, not a dead credential.
const WORKSPACE_NOT_AUTHORIZED: &[&str] = &["OAUTH_023", "OAUTH_027"];

/// ClickUp's classifier.
#[derive(Debug, Clone, Copy, Default)]
pub struct ClickupClassifier;

impl Classifier for ClickupClassifier {
    fn classify(&self, response: &ResponseView<'_>) -> Option<Error> {
        let error = default_classify(response)?;
        let status = response.status.as_u16();
        let ecode = ecode(response.body);
        let error = match status {
            429 => {
                let signals = self.rate_signals(response);
                Error::rate_limited(signals.wait(), error.message()).with_status(status)
            }
            401 if ecode
                .as_deref()
                .is_some_and(|c| WORKSPACE_NOT_AUTHORIZED.contains(&c)) =>
            {
                Error::new(ErrorKind::Forbidden, error.message()).with_status(status)
            }
            _ => error,
        };
        Some(match ecode {
            Some(code) => error.with_context("ecode", code),
            None => error,
        })
    }

    /// The default `X-RateLimit-*` reading (Reset is Unix seconds), plus: a 429 means the
    /// budget is spent even when `X-RateLimit-Remaining` is absent, so the credential pauses
    /// until the reset instead of retrying into the wall.
    fn rate_signals(&self, response: &ResponseView<'_>) -> RateSignals {
        let mut signals = response.rate_signals();
        if response.status.as_u16() == 429 && signals.remaining.is_none() {
            signals.remaining = Some(0);
        }
        signals
    }
}

/// The `ECODE` of a ClickUp error body.
fn ecode(body: &[u8]) -> Option<String> {
    let json: Value = serde_json::from_slice(body).ok()?;
    json.get("ECODE")
        .and_then(Value::as_str)
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime};

    use http::{HeaderMap, StatusCode};

    use super::*;

    const NOW: u64 = 1_700_000_000;

    fn view<'a>(status: u16, headers: &'a HeaderMap, body: &'a str) -> ResponseView<'a> {
        ResponseView {
            status: StatusCode::from_u16(status).unwrap(),
            headers,
            body: body.as_bytes(),
            now: SystemTime::UNIX_EPOCH + Duration::from_secs(NOW),
        }
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn success_is_not_an_error() {
        let h = HeaderMap::new();
        assert!(
            ClickupClassifier
                .classify(&view(200, &h, r#"{"teams":[]}"#))
                .is_none()
        );
    }

    #[test]
    fn a_429_waits_for_the_reset_even_without_remaining() {
        let reset = (NOW + 42).to_string();
        let h = headers(&[("x-ratelimit-limit", "100"), ("x-ratelimit-reset", &reset)]);
        let v = view(429, &h, r#"{"err":"Rate limit reached","ECODE":"APP_002"}"#);
        let e = ClickupClassifier.classify(&v).unwrap();
        assert_eq!(
            e.kind(),
            ErrorKind::RateLimited {
                retry_after: Some(Duration::from_secs(42))
            }
        );
        assert_eq!(e.message(), "Rate limit reached");
        assert_eq!(e.context_value("ecode"), Some("APP_002"));
        assert_eq!(e.status(), Some(429));
        let signals = ClickupClassifier.rate_signals(&v);
        assert!(signals.exhausted());
        assert_eq!(signals.reset_after, Some(Duration::from_secs(42)));
    }

    #[test]
    fn headers_of_a_success_feed_the_pacing() {
        let reset = (NOW + 30).to_string();
        let h = headers(&[
            ("x-ratelimit-limit", "100"),
            ("x-ratelimit-remaining", "7"),
            ("x-ratelimit-reset", &reset),
        ]);
        let signals = ClickupClassifier.rate_signals(&view(200, &h, "{}"));
        assert_eq!(signals.limit, Some(100));
        assert_eq!(signals.remaining, Some(7));
        assert_eq!(signals.reset_after, Some(Duration::from_secs(30)));
    }

    #[test]
    fn retry_after_wins_when_present() {
        let h = headers(&[("retry-after", "3")]);
        let e = ClickupClassifier
            .classify(&view(429, &h, r#"{"err":"Rate limit reached"}"#))
            .unwrap();
        assert_eq!(e.retry_after(), Some(Duration::from_secs(3)));
    }

    #[test]
    fn an_unauthorized_workspace_is_forbidden_and_a_bad_token_unauthorized() {
        let h = HeaderMap::new();
        let e = ClickupClassifier
            .classify(&view(
                401,
                &h,
                r#"{"err":"Team not authorized","ECODE":"OAUTH_027"}"#,
            ))
            .unwrap();
        assert_eq!(e.kind(), ErrorKind::Forbidden);
        assert_eq!(e.status(), Some(401));
        assert_eq!(e.message(), "Team not authorized");
        let e = ClickupClassifier
            .classify(&view(
                401,
                &h,
                r#"{"err":"Token invalid","ECODE":"OAUTH_025"}"#,
            ))
            .unwrap();
        assert_eq!(e.kind(), ErrorKind::Unauthorized);
        assert_eq!(e.context_value("ecode"), Some("OAUTH_025"));
    }

    #[test]
    fn other_errors_follow_the_default_and_keep_the_ecode() {
        let h = HeaderMap::new();
        let e = ClickupClassifier
            .classify(&view(
                404,
                &h,
                r#"{"err":"Task not found, deleted","ECODE":"ITEM_013"}"#,
            ))
            .unwrap();
        assert_eq!(e.kind(), ErrorKind::NotFound);
        assert_eq!(e.context_value("ecode"), Some("ITEM_013"));
        let e = ClickupClassifier
            .classify(&view(502, &h, "<html>bad gateway</html>"))
            .unwrap();
        assert!(e.is_transient());
        assert_eq!(e.context_value("ecode"), None);
    }
}
