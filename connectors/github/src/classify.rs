//! GitHub's quirks on top of the default classifier: secondary rate limits and primary-limit
//! exhaustion reported as 403 (or 429) with only a message to tell them apart.

use std::time::Duration;

use plugboard_core::http::{Classifier, ResponseView, default_classify};
use plugboard_core::{Error, ErrorKind};

/// The wait GitHub asks for after a secondary rate limit without `retry-after`: "at least one
/// minute".
pub const SECONDARY_LIMIT_WAIT: Duration = Duration::from_secs(60);

/// GitHub's classifier.
#[derive(Debug, Clone, Copy, Default)]
pub struct GithubClassifier;

impl Classifier for GithubClassifier {
    fn classify(&self, response: &ResponseView<'_>) -> Option<Error> {
        let error = default_classify(response)?;
        let status = response.status.as_u16();
        if !matches!(status, 403 | 429)
            || matches!(
                error.kind(),
                ErrorKind::RateLimited {
                    retry_after: Some(_)
                }
            )
        {
            return Some(error);
        }
        let message = error.message().to_ascii_lowercase();
        if message.contains("secondary rate limit") || message.contains("abuse detection") {
            // No retry-after and budget not spent: wait at least a minute, per GitHub's docs.
            return Some(
                Error::rate_limited(Some(SECONDARY_LIMIT_WAIT), error.message())
                    .with_status(status)
                    .with_context("limit", "secondary"),
            );
        }
        if message.contains("rate limit exceeded") {
            let wait = response.rate_signals().wait();
            return Some(
                Error::rate_limited(wait, error.message())
                    .with_status(status)
                    .with_context("limit", "primary"),
            );
        }
        Some(error)
    }
}

#[cfg(test)]
mod tests {
    use std::time::SystemTime;

    use http::{HeaderMap, StatusCode};

    use super::*;

    fn classify(status: u16, headers: &[(&'static str, &str)], body: &str) -> Error {
        let mut h = HeaderMap::new();
        for (k, v) in headers {
            h.insert(*k, v.parse().unwrap());
        }
        GithubClassifier
            .classify(&ResponseView {
                status: StatusCode::from_u16(status).unwrap(),
                headers: &h,
                body: body.as_bytes(),
                now: SystemTime::now(),
            })
            .unwrap()
    }

    #[test]
    fn secondary_limit_without_headers_waits_a_minute() {
        let e = classify(
            403,
            &[],
            r#"{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"}"#,
        );
        assert_eq!(e.retry_after(), Some(SECONDARY_LIMIT_WAIT));
        assert_eq!(e.context_value("limit"), Some("secondary"));
    }

    #[test]
    fn secondary_limit_with_retry_after_uses_it() {
        let e = classify(
            403,
            &[("retry-after", "30")],
            r#"{"message":"You have exceeded a secondary rate limit."}"#,
        );
        assert_eq!(e.retry_after(), Some(Duration::from_secs(30)));
    }

    #[test]
    fn plain_forbidden_stays_forbidden() {
        let e = classify(
            403,
            &[("x-ratelimit-remaining", "4999")],
            r#"{"message":"Resource not accessible by integration"}"#,
        );
        assert_eq!(e.kind(), ErrorKind::Forbidden);
    }
}
