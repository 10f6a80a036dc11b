//! Google's quirks on top of the default classifier. Google answers errors as
//! `{"error":{"code","message","status","errors":[{"reason","domain","message"}],"details":[...]}}`;
//! the Google Ads API adds a `GoogleAdsFailure` in `details` with typed error codes
//! (`{"errorCode":{"quotaError":"RESOURCE_EXHAUSTED"}}`) and a `quotaErrorDetails.retryDelay`.
//!
//! - Rate limits reported as 403 (`rateLimitExceeded`, `userRateLimitExceeded`, non-YouTube
//!   `quotaExceeded`) or with status `RESOURCE_EXHAUSTED` are `RateLimited`, waiting
//!   `Retry-After` or the Ads `retryDelay` when given (else the runtime's backoff).
//! - Daily quotas (YouTube's `quotaExceeded` in domain `youtube.quota`, `dailyLimitExceeded`,
//!   an Ads quota whose `retryDelay` exceeds an hour or `EXCESSIVE_LONG_TERM_*`) are
//!   `RateLimited` **without** a wait and never retried: the credential's pause gate is shared
//!   by every Google API the connection calls, so pausing it until the daily reset would also
//!   stop calls that still have quota. The error carries context `limit=daily` and
//!   `resets_in_secs` (until midnight Pacific time, counted as 08:00 UTC so it is never
//!   early).
//! - `ACCESS_PROHIBITED` quota errors are `Forbidden`. Everything else keeps the default kind,
//!   with Google's `status`, `reason` and the Ads error code as context and the Ads error's
//!   own message appended to Google's generic one.

use std::time::{Duration, SystemTime};

use plugboard_core::http::{Classifier, ResponseView, default_classify};
use plugboard_core::{Error, ErrorKind, RetryStatus};
use serde_json::Value;

/// Ads quota waits longer than this are treated as a daily quota.
pub const LONGEST_TRANSIENT_WAIT: Duration = Duration::from_secs(3600);

/// Google's classifier.
#[derive(Debug, Clone, Copy, Default)]
pub struct GoogleClassifier;

/// What a Google error body says, beyond its status.
#[derive(Debug, Default)]
struct GoogleError {
    message: Option<String>,
    status: Option<String>,
    reasons: Vec<(String, Option<String>)>,
    ads_codes: Vec<(String, String)>,
    ads_message: Option<String>,
    retry_delay: Option<Duration>,
    request_id: Option<String>,
}

impl GoogleError {
    fn parse(body: &[u8]) -> Option<Self> {
        let json: Value = serde_json::from_slice(body).ok()?;
        let error = json.get("error")?.as_object()?;
        let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
        let mut out = GoogleError {
            message: text(error.get("message")),
            status: text(error.get("status")),
            ..Default::default()
        };
        for e in error
            .get("errors")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(reason) = e.get("reason").and_then(Value::as_str) {
                out.reasons
                    .push((reason.to_string(), text(e.get("domain"))));
            }
        }
        for detail in error
            .get("details")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if out.request_id.is_none() {
                out.request_id = text(detail.get("requestId"));
            }
            // google.rpc.ErrorInfo carries a reason too (`RATE_LIMIT_EXCEEDED`...).
            if let Some(reason) = detail.get("reason").and_then(Value::as_str) {
                out.reasons
                    .push((reason.to_string(), text(detail.get("domain"))));
            }
            for ads in detail
                .get("errors")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(codes) = ads.get("errorCode").and_then(Value::as_object) {
                    for (category, code) in codes {
                        if let Some(code) = code.as_str() {
                            out.ads_codes.push((category.clone(), code.to_string()));
                        }
                    }
                }
                if out.ads_message.is_none() {
                    out.ads_message = text(ads.get("message"));
                }
                if out.retry_delay.is_none() {
                    out.retry_delay = ads
                        .pointer("/details/quotaErrorDetails/retryDelay")
                        .and_then(Value::as_str)
                        .and_then(parse_duration);
                }
            }
        }
        Some(out)
    }

    fn has_reason(&self, names: &[&str]) -> bool {
        self.reasons
            .iter()
            .any(|(r, _)| names.contains(&r.as_str()))
    }

    fn quota_code(&self) -> Option<&str> {
        self.ads_codes
            .iter()
            .find(|(category, _)| category == "quotaError")
            .map(|(_, code)| code.as_str())
    }

    fn message(&self, fallback: &str) -> String {
        let base = self.message.as_deref().unwrap_or(fallback);
        match &self.ads_message {
            Some(ads) if !base.contains(ads.as_str()) => format!("{base}: {ads}"),
            _ => base.to_string(),
        }
    }

    fn is_daily(&self) -> bool {
        let youtube_quota = self
            .reasons
            .iter()
            .any(|(r, d)| r == "quotaExceeded" && d.as_deref() == Some("youtube.quota"));
        youtube_quota
            || self.has_reason(&["dailyLimitExceeded", "dailyLimitExceededUnreg"])
            || self.quota_code() == Some("EXCESSIVE_LONG_TERM_QUERY_RESOURCE_CONSUMPTION")
            || (self.quota_code().is_some()
                && self.retry_delay.is_some_and(|d| d > LONGEST_TRANSIENT_WAIT))
    }

    fn is_rate_limit(&self, status: u16) -> bool {
        status == 429
            || self.status.as_deref() == Some("RESOURCE_EXHAUSTED")
            || self.has_reason(&[
                "rateLimitExceeded",
                "userRateLimitExceeded",
                "quotaExceeded",
                "RATE_LIMIT_EXCEEDED",
            ])
            || matches!(
                self.quota_code(),
                Some(
                    "RESOURCE_EXHAUSTED"
                        | "RESOURCE_TEMPORARILY_EXHAUSTED"
                        | "EXCESSIVE_SHORT_TERM_QUERY_RESOURCE_CONSUMPTION"
                )
            )
    }
}

/// Parses a protobuf JSON duration (`"30s"`, `"1.5s"`).
fn parse_duration(text: &str) -> Option<Duration> {
    let secs: f64 = text.trim().strip_suffix('s')?.parse().ok()?;
    (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs))
}

/// Seconds from `now` to the next daily quota reset, counted as 08:00 UTC (midnight Pacific
/// standard time; an hour late during daylight saving time, never early).
pub fn until_daily_reset(now: SystemTime) -> Duration {
    const DAY: u64 = 86_400;
    const RESET: u64 = 8 * 3600;
    let secs = now
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let into_day = (secs + DAY - RESET) % DAY;
    Duration::from_secs(DAY - into_day)
}

fn with_details(mut error: Error, google: &GoogleError, response: &ResponseView<'_>) -> Error {
    if let Some(status) = &google.status {
        error = error.with_context("google_status", status.clone());
    }
    if let Some((reason, _)) = google.reasons.first() {
        error = error.with_context("reason", reason.clone());
    }
    if let Some((category, code)) = google.ads_codes.first() {
        error = error.with_context("ads_error", format!("{category}.{code}"));
    }
    let request_id = google.request_id.clone().or_else(|| {
        response
            .headers
            .get("request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    });
    if let Some(id) = request_id {
        error = error.with_context("request_id", id);
    }
    error
}

impl Classifier for GoogleClassifier {
    fn classify(&self, response: &ResponseView<'_>) -> Option<Error> {
        let default = default_classify(response)?;
        let Some(google) = GoogleError::parse(response.body) else {
            return Some(default);
        };
        let status = response.status.as_u16();
        let message = google.message(default.message());
        let error = if google.is_daily() {
            let resets = until_daily_reset(response.now);
            Error::rate_limited(None, message)
                .with_retry(RetryStatus::Never)
                .with_context("limit", "daily")
                .with_context("resets_in_secs", resets.as_secs().to_string())
        } else if google.quota_code() == Some("ACCESS_PROHIBITED") {
            Error::new(ErrorKind::Forbidden, message)
        } else if google.is_rate_limit(status) {
            let wait = response.rate_signals().wait().or(google.retry_delay);
            Error::rate_limited(wait, message)
        } else {
            Error::new(default.kind(), message).with_retry(default.retry())
        };
        Some(with_details(error.with_status(status), &google, response))
    }
}

#[cfg(test)]
mod tests {
    use http::{HeaderMap, StatusCode};
    use serde_json::json;

    use super::*;

    fn classify_at(
        status: u16,
        headers: &[(&'static str, &str)],
        body: &Value,
        now: SystemTime,
    ) -> Option<Error> {
        let mut h = HeaderMap::new();
        for (k, v) in headers {
            h.insert(*k, v.parse().unwrap());
        }
        let body = body.to_string();
        GoogleClassifier.classify(&ResponseView {
            status: StatusCode::from_u16(status).unwrap(),
            headers: &h,
            body: body.as_bytes(),
            now,
        })
    }

    fn classify(status: u16, body: &Value) -> Error {
        classify_at(status, &[], body, SystemTime::now()).unwrap()
    }

    fn google_error(code: u16, status: &str, reason: &str, domain: &str) -> Value {
        json!({"error": {
            "code": code,
            "message": format!("The request failed: {reason}."),
            "status": status,
            "errors": [{"message": "The request failed.", "domain": domain, "reason": reason}]
        }})
    }

    #[test]
    fn success_follows_the_default() {
        assert!(classify_at(200, &[], &json!({"items": []}), SystemTime::now()).is_none());
        let e = classify(404, &google_error(404, "NOT_FOUND", "notFound", "global"));
        assert_eq!(e.kind(), ErrorKind::NotFound);
        assert_eq!(e.context_value("reason"), Some("notFound"));
    }

    #[test]
    fn rate_limits_reported_as_403_are_rate_limited() {
        for reason in ["rateLimitExceeded", "userRateLimitExceeded"] {
            let e = classify(
                403,
                &google_error(403, "PERMISSION_DENIED", reason, "usageLimits"),
            );
            assert_eq!(
                e.kind(),
                ErrorKind::RateLimited { retry_after: None },
                "{reason}"
            );
            assert!(e.is_transient(), "{reason}");
            assert_eq!(e.status(), Some(403));
            assert_eq!(e.context_value("reason"), Some(reason));
        }
        let e = classify(
            429,
            &google_error(429, "RESOURCE_EXHAUSTED", "rateLimitExceeded", "global"),
        );
        assert!(e.is_transient());
        assert_eq!(e.context_value("google_status"), Some("RESOURCE_EXHAUSTED"));
    }

    #[test]
    fn retry_after_is_honoured() {
        let e = classify_at(
            429,
            &[("retry-after", "7")],
            &google_error(429, "RESOURCE_EXHAUSTED", "rateLimitExceeded", "global"),
            SystemTime::now(),
        )
        .unwrap();
        assert_eq!(e.retry_after(), Some(Duration::from_secs(7)));
    }

    #[test]
    fn youtube_daily_quota_is_never_retried_and_says_when_it_resets() {
        // 2026-11-02 07:00:00 UTC: the reset (08:00 UTC) is an hour away.
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_793_602_800);
        let e = classify_at(
            403,
            &[],
            &google_error(403, "PERMISSION_DENIED", "quotaExceeded", "youtube.quota"),
            now,
        )
        .unwrap();
        assert_eq!(e.kind(), ErrorKind::RateLimited { retry_after: None });
        assert_eq!(e.retry(), RetryStatus::Never);
        assert_eq!(e.context_value("limit"), Some("daily"));
        assert_eq!(e.context_value("resets_in_secs"), Some("3600"));
    }

    #[test]
    fn daily_reset_is_the_next_0800_utc() {
        let at = |s: u64| until_daily_reset(SystemTime::UNIX_EPOCH + Duration::from_secs(s));
        assert_eq!(at(0), Duration::from_secs(8 * 3600));
        assert_eq!(at(8 * 3600), Duration::from_secs(86_400));
        assert_eq!(at(8 * 3600 + 1), Duration::from_secs(86_399));
    }

    fn ads_failure(code: u16, status: &str, error_code: Value, details: Value) -> Value {
        json!({"error": {
            "code": code,
            "message": "Request had invalid authentication credentials.",
            "status": status,
            "details": [{
                "@type": "type.googleapis.com/google.ads.googleads.v26.errors.GoogleAdsFailure",
                "errors": [{
                    "errorCode": error_code,
                    "message": "Too many requests. Retry in 30 seconds.",
                    "details": details
                }],
                "requestId": "gB1bq2P5K-7Yz0aBcDeF"
            }]
        }})
    }

    #[test]
    fn ads_quota_errors_wait_the_retry_delay() {
        let e = classify(
            429,
            &ads_failure(
                429,
                "RESOURCE_EXHAUSTED",
                json!({"quotaError": "RESOURCE_TEMPORARILY_EXHAUSTED"}),
                json!({"quotaErrorDetails": {"rateScope": "ACCOUNT", "rateName": "Requests per account", "retryDelay": "30s"}}),
            ),
        );
        assert_eq!(e.retry_after(), Some(Duration::from_secs(30)));
        assert!(e.is_transient());
        assert_eq!(
            e.context_value("ads_error"),
            Some("quotaError.RESOURCE_TEMPORARILY_EXHAUSTED")
        );
        assert_eq!(e.context_value("request_id"), Some("gB1bq2P5K-7Yz0aBcDeF"));
        assert!(e.message().contains("Too many requests"), "{}", e.message());
    }

    #[test]
    fn ads_daily_operations_quota_is_never_retried() {
        let e = classify(
            429,
            &ads_failure(
                429,
                "RESOURCE_EXHAUSTED",
                json!({"quotaError": "RESOURCE_EXHAUSTED"}),
                json!({"quotaErrorDetails": {"rateScope": "DEVELOPER", "rateName": "Number of operations for basic access", "retryDelay": "52000s"}}),
            ),
        );
        assert_eq!(e.kind(), ErrorKind::RateLimited { retry_after: None });
        assert_eq!(e.retry(), RetryStatus::Never);
        assert_eq!(e.context_value("limit"), Some("daily"));
    }

    #[test]
    fn ads_authentication_and_authorization_errors_keep_their_kind() {
        let e = classify(
            401,
            &ads_failure(
                401,
                "UNAUTHENTICATED",
                json!({"authenticationError": "OAUTH_TOKEN_EXPIRED"}),
                json!({}),
            ),
        );
        assert_eq!(e.kind(), ErrorKind::Unauthorized);
        assert_eq!(
            e.context_value("ads_error"),
            Some("authenticationError.OAUTH_TOKEN_EXPIRED")
        );
        let e = classify(
            403,
            &ads_failure(
                403,
                "PERMISSION_DENIED",
                json!({"authorizationError": "DEVELOPER_TOKEN_NOT_APPROVED"}),
                json!({}),
            ),
        );
        assert_eq!(e.kind(), ErrorKind::Forbidden);
        let e = classify(
            403,
            &ads_failure(
                403,
                "PERMISSION_DENIED",
                json!({"quotaError": "ACCESS_PROHIBITED"}),
                json!({}),
            ),
        );
        assert_eq!(e.kind(), ErrorKind::Forbidden);
    }

    #[test]
    fn bodies_that_are_not_google_errors_follow_the_default() {
        let e = classify_at(502, &[], &json!("bad gateway"), SystemTime::now()).unwrap();
        assert_eq!(e.kind(), ErrorKind::Upstream);
        assert!(e.is_transient());
    }
}
