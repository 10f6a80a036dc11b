//! Jira's quirks on top of the default classifier:
//!
//! - **Rate limits.** A 429 carries `RateLimit-Reason` (also seen as `X-RateLimit-Reason` and,
//!   before enforcement, `X-Beta-RateLimit-Reason`), which decides the wait:
//!   - `jira-quota-global-based`, `jira-quota-tenant-based` (the hourly points quota): wait for
//!     the reset — the later of `Retry-After` and `X-RateLimit-Reset` (an ISO-8601 time such as
//!     `2026-03-26T16:00Z`), else the next full hour. Never hot-retried: when the reset lies
//!     beyond the call's deadline the call fails at once with `RateLimited { retry_after }` and
//!     the credential's pause gate stays closed until then.
//!   - `jira-burst-based` (per-second, per endpoint): back off — `Retry-After` when sent, else
//!     the runtime's jittered exponential backoff.
//!   - `jira-per-issue-on-write` (writes to one issue): `Retry-After` when sent, else backoff;
//!     reported as `RateLimited` with context `limit = per_issue_write`.
//!   - no reason: `Retry-After`, else `X-RateLimit-Reset`.
//! - **Rate signals.** `X-RateLimit-Reset` is parsed as ISO-8601; the structured quota headers
//!   `RateLimit: "<policy>";r=<remaining>;t=<seconds>` with `RateLimit-Policy: ...;q=<quota>`
//!   (or their `Beta-` forms) pace the credential when they are more constraining than the
//!   `X-RateLimit-Limit`/`-Remaining` pair.
//! - **Expired tokens.** Atlassian sometimes answers an expired or revoked OAuth token with 403
//!   or 404 instead of 401. Rule: a 403 or 404 whose `WWW-Authenticate` header names
//!   `invalid_token` or an expired token, or whose error message mentions a token together with
//!   "expired", "invalid" or "revoked", is `TokenExpired` (permanent). A 401 stays
//!   `Unauthorized` (the runtime renews the credential once and repeats the call) and is tagged
//!   with context `token = expired` under the same rule. Other 403/404s stay
//!   `Forbidden`/`NotFound`: an invisible issue and an expired token cannot be told apart.
//! - **Error bodies.** `{"errorMessages":[...],"errors":{"field":"message"}}` become one
//!   message naming the fields.

use std::time::{Duration, SystemTime};

use http::HeaderMap;
use plugboard_core::http::{Classifier, RateSignals, ResponseView, default_classify};
use plugboard_core::{Error, ErrorKind};
use serde_json::Value;

use crate::time::{next_full_hour, parse_datetime};

/// The headers that name why a request was rate limited, in order of preference.
const REASON_HEADERS: [&str; 4] = [
    "ratelimit-reason",
    "x-ratelimit-reason",
    "x-beta-ratelimit-reason",
    "beta-ratelimit-reason",
];

/// The headers that carry the reset time of a limit.
const RESET_HEADERS: [&str; 2] = ["x-ratelimit-reset", "x-beta-ratelimit-reset"];

/// Why Jira rate limited a request, from `RateLimit-Reason`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LimitReason {
    /// `jira-quota-global-based` or `jira-quota-tenant-based`: the hourly points quota.
    Quota,
    /// `jira-burst-based`: the per-second limit of an endpoint.
    Burst,
    /// `jira-per-issue-on-write`: too many writes to one issue.
    PerIssueWrite,
    /// A reason this crate does not know yet.
    Other(String),
}

impl LimitReason {
    /// Parses a `RateLimit-Reason` value.
    pub fn parse(value: &str) -> Self {
        let v = value.trim().to_ascii_lowercase();
        match v.as_str() {
            "jira-quota-global-based" | "jira-quota-tenant-based" => Self::Quota,
            "jira-burst-based" => Self::Burst,
            "jira-per-issue-on-write" => Self::PerIssueWrite,
            _ if v.starts_with("jira-quota") => Self::Quota,
            _ => Self::Other(v),
        }
    }

    /// The reason in the rate-limited requests of `headers`, when Jira named one.
    pub fn from_headers(headers: &HeaderMap) -> Option<Self> {
        REASON_HEADERS
            .iter()
            .find_map(|name| header(headers, name))
            .filter(|v| !v.is_empty())
            .map(Self::parse)
    }

    /// The value of the `limit` context key on errors.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Quota => "quota",
            Self::Burst => "burst",
            Self::PerIssueWrite => "per_issue_write",
            Self::Other(v) => v,
        }
    }
}

/// Jira's classifier.
#[derive(Debug, Clone, Copy, Default)]
pub struct JiraClassifier;

impl Classifier for JiraClassifier {
    fn classify(&self, response: &ResponseView<'_>) -> Option<Error> {
        let error = default_classify(response)?;
        let status = response.status.as_u16();
        if status == 429 || matches!(error.kind(), ErrorKind::RateLimited { .. }) {
            return Some(self.rate_limited(response, &error));
        }
        let error = match jira_message(response.body) {
            Some(message) => Error::new(error.kind(), message)
                .with_status(status)
                .with_retry(error.retry()),
            None => error,
        };
        if matches!(status, 401 | 403 | 404) && token_expired(response.headers, error.message()) {
            if status == 401 {
                return Some(error.with_context("token", "expired"));
            }
            return Some(
                Error::new(
                    ErrorKind::TokenExpired,
                    format!(
                        "the access token is expired or invalid (Jira answered {status}): {}",
                        error.message()
                    ),
                )
                .with_status(status)
                .permanent()
                .with_context("token", "expired"),
            );
        }
        Some(error)
    }

    fn rate_signals(&self, response: &ResponseView<'_>) -> RateSignals {
        let mut signals = response.rate_signals();
        if signals.reset_after.is_none() {
            signals.reset_after = iso_reset(response.headers, response.now);
        }
        if let Some(quota) = StructuredQuota::from_headers(response.headers)
            && quota.more_constraining_than(&signals)
        {
            signals.limit = quota.limit;
            signals.remaining = Some(quota.remaining);
            signals.reset_after = Some(quota.reset_after);
        }
        signals
    }
}

impl JiraClassifier {
    fn rate_limited(&self, response: &ResponseView<'_>, error: &Error) -> Error {
        let signals = self.rate_signals(response);
        let reason = LimitReason::from_headers(response.headers);
        let wait = match &reason {
            Some(LimitReason::Quota) => {
                let until_reset = signals.reset_after.unwrap_or_else(|| {
                    next_full_hour(response.now)
                        .duration_since(response.now)
                        .unwrap_or(Duration::ZERO)
                });
                Some(
                    signals
                        .retry_after
                        .map_or(until_reset, |r| r.max(until_reset)),
                )
            }
            Some(LimitReason::Burst | LimitReason::PerIssueWrite) => signals.retry_after,
            Some(LimitReason::Other(_)) | None => signals.retry_after.or(signals.reset_after),
        };
        let mut e = Error::rate_limited(wait, error.message().to_string())
            .with_status(response.status.as_u16());
        if let Some(reason) = &reason {
            e = e.with_context("limit", reason.as_str().to_string());
        }
        e
    }
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
}

/// The time to an ISO-8601 `X-RateLimit-Reset` (numeric values are the default's business).
fn iso_reset(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let at = RESET_HEADERS
        .iter()
        .find_map(|name| header(headers, name).and_then(parse_datetime))?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// The structured quota headers: `RateLimit: "<policy>";r=<remaining>;t=<seconds to reset>`
/// and `RateLimit-Policy: "<policy>";q=<quota>;w=<window>` (or their `Beta-` forms).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct StructuredQuota {
    limit: Option<u64>,
    remaining: u64,
    reset_after: Duration,
}

impl StructuredQuota {
    fn from_headers(headers: &HeaderMap) -> Option<Self> {
        let state = ["ratelimit", "beta-ratelimit"]
            .iter()
            .find_map(|n| header(headers, n))?;
        let remaining = param(state, "r")?;
        let reset_after = Duration::from_secs(param(state, "t")?);
        let limit = ["ratelimit-policy", "beta-ratelimit-policy"]
            .iter()
            .find_map(|n| header(headers, n))
            .and_then(|policy| param(policy, "q"));
        Some(Self {
            limit,
            remaining,
            reset_after,
        })
    }

    /// Whether this quota has less room left than the one `signals` describe.
    fn more_constraining_than(&self, signals: &RateSignals) -> bool {
        let Some(other) = signals.remaining else {
            return true;
        };
        match (self.limit, signals.limit) {
            (Some(mine), Some(theirs)) if mine > 0 && theirs > 0 => {
                (self.remaining as f64 / mine as f64) < (other as f64 / theirs as f64)
            }
            _ => self.remaining < other,
        }
    }
}

/// The numeric value of `name=` in a structured header (`"policy";r=10;t=5`).
fn param(value: &str, name: &str) -> Option<u64> {
    value.split([';', ',']).find_map(|part| {
        let (k, v) = part.trim().split_once('=')?;
        (k.trim() == name).then(|| v.trim().trim_matches('"').parse().ok())?
    })
}

/// Whether the response says the credential's token expired or is invalid.
fn token_expired(headers: &HeaderMap, message: &str) -> bool {
    let challenge = header(headers, "www-authenticate")
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if challenge.contains("invalid_token") || challenge.contains("expired") {
        return true;
    }
    let m = message.to_ascii_lowercase();
    m.contains("token") && (m.contains("expired") || m.contains("invalid") || m.contains("revoked"))
}

/// Jira's error body as one message: every `errorMessages` entry, then `field: message` for
/// each entry of `errors`. `None` when the body has neither.
fn jira_message(body: &[u8]) -> Option<String> {
    let json: Value = serde_json::from_slice(body).ok()?;
    let mut parts: Vec<String> = json
        .get("errorMessages")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    if let Some(errors) = json.get("errors").and_then(Value::as_object) {
        for (field, message) in errors {
            let text = message
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| message.to_string());
            parts.push(format!("{field}: {text}"));
        }
    }
    if parts.is_empty() {
        return None;
    }
    let mut joined = parts.join("; ");
    if joined.len() > 300 {
        let mut end = 300;
        while !joined.is_char_boundary(end) {
            end -= 1;
        }
        joined.truncate(end);
        joined.push('…');
    }
    Some(joined)
}

#[cfg(test)]
mod tests {
    use std::time::UNIX_EPOCH;

    use http::StatusCode;
    use plugboard_core::RetryStatus;

    use super::*;

    /// 2026-03-26T15:35:00Z.
    fn now() -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_774_540_800 - 25 * 60)
    }

    fn view<'a>(status: u16, headers: &'a HeaderMap, body: &'a str) -> ResponseView<'a> {
        ResponseView {
            status: StatusCode::from_u16(status).unwrap(),
            headers,
            body: body.as_bytes(),
            now: now(),
        }
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    fn classify(status: u16, pairs: &[(&'static str, &str)], body: &str) -> Option<Error> {
        let h = headers(pairs);
        JiraClassifier.classify(&view(status, &h, body))
    }

    #[test]
    fn quota_limits_wait_for_the_iso_reset_not_the_short_retry_after() {
        let e = classify(
            429,
            &[
                ("retry-after", "5"),
                ("ratelimit-reason", "jira-quota-tenant-based"),
                ("x-ratelimit-reset", "2026-03-26T16:00Z"),
            ],
            "",
        )
        .unwrap();
        assert_eq!(e.retry_after(), Some(Duration::from_secs(25 * 60)));
        assert_eq!(e.context_value("limit"), Some("quota"));
        assert_eq!(e.status(), Some(429));
    }

    #[test]
    fn quota_limits_without_a_reset_wait_for_the_next_hour() {
        let e = classify(
            429,
            &[("x-beta-ratelimit-reason", "jira-quota-global-based")],
            "",
        )
        .unwrap();
        assert_eq!(e.retry_after(), Some(Duration::from_secs(25 * 60)));
    }

    #[test]
    fn burst_limits_back_off_with_retry_after_or_the_runtime_backoff() {
        let e = classify(
            429,
            &[
                ("retry-after", "2"),
                ("ratelimit-reason", "jira-burst-based"),
                ("x-ratelimit-reset", "2026-03-26T16:00Z"),
            ],
            "",
        )
        .unwrap();
        assert_eq!(e.retry_after(), Some(Duration::from_secs(2)));
        assert_eq!(e.context_value("limit"), Some("burst"));
        let e = classify(429, &[("ratelimit-reason", "jira-burst-based")], "").unwrap();
        assert_eq!(
            e.kind(),
            ErrorKind::RateLimited { retry_after: None },
            "no wait given: the runtime's jittered backoff decides"
        );
        assert!(e.is_transient());
    }

    #[test]
    fn per_issue_write_limits_are_rate_limits() {
        let e = classify(
            429,
            &[
                ("retry-after", "1"),
                ("ratelimit-reason", "jira-per-issue-on-write"),
            ],
            r#"{"errorMessages":["Too many updates to this issue"]}"#,
        )
        .unwrap();
        assert_eq!(e.retry_after(), Some(Duration::from_secs(1)));
        assert_eq!(e.context_value("limit"), Some("per_issue_write"));
        assert_eq!(e.message(), "Too many updates to this issue");
    }

    #[test]
    fn unnamed_limits_use_retry_after_then_the_reset() {
        let e = classify(429, &[("retry-after", "120")], "").unwrap();
        assert_eq!(e.retry_after(), Some(Duration::from_secs(120)));
        assert_eq!(e.context_value("limit"), None);
        let e = classify(429, &[("x-ratelimit-reset", "2026-03-26T15:36:00Z")], "").unwrap();
        assert_eq!(e.retry_after(), Some(Duration::from_secs(60)));
    }

    #[test]
    fn rate_signals_read_iso_resets_and_structured_quota() {
        let h = headers(&[
            ("x-ratelimit-limit", "350"),
            ("x-ratelimit-remaining", "349"),
            ("x-ratelimit-reset", "2026-03-26T16:00Z"),
        ]);
        let s = JiraClassifier.rate_signals(&view(200, &h, ""));
        assert_eq!(s.limit, Some(350));
        assert_eq!(s.remaining, Some(349));
        assert_eq!(s.reset_after, Some(Duration::from_secs(25 * 60)));

        let h = headers(&[
            ("x-ratelimit-limit", "350"),
            ("x-ratelimit-remaining", "349"),
            ("ratelimit-policy", "\"tenant-app-quota\";q=100100;w=3600"),
            ("ratelimit", "\"tenant-app-quota\";r=0;t=1500"),
        ]);
        let s = JiraClassifier.rate_signals(&view(200, &h, ""));
        assert_eq!(s.limit, Some(100_100));
        assert_eq!(s.remaining, Some(0));
        assert_eq!(s.reset_after, Some(Duration::from_secs(1500)));
        assert!(
            s.exhausted(),
            "a spent quota closes the gate before the 429"
        );

        let h = headers(&[
            ("x-ratelimit-limit", "350"),
            ("x-ratelimit-remaining", "10"),
            (
                "beta-ratelimit-policy",
                "\"tenant-app-quota\";q=100100;w=3600",
            ),
            ("beta-ratelimit", "\"tenant-app-quota\";r=90000;t=1500"),
        ]);
        let s = JiraClassifier.rate_signals(&view(200, &h, ""));
        assert_eq!(
            (s.limit, s.remaining),
            (Some(350), Some(10)),
            "the burst pair is the tighter one here"
        );
    }

    #[test]
    fn expired_tokens_answered_as_403_or_404_are_token_expired() {
        let e = classify(
            403,
            &[],
            r#"{"code":403,"message":"The access token expired"}"#,
        )
        .unwrap();
        assert_eq!(e.kind(), ErrorKind::TokenExpired);
        assert_eq!(e.retry(), RetryStatus::Never);
        assert_eq!(e.status(), Some(403));
        let e = classify(
            404,
            &[(
                "www-authenticate",
                "Bearer realm=\"api.atlassian.com\", error=\"invalid_token\"",
            )],
            r#"{"errorMessages":["Issue does not exist or you do not have permission to see it."]}"#,
        )
        .unwrap();
        assert_eq!(e.kind(), ErrorKind::TokenExpired);
    }

    #[test]
    fn other_403_404_and_401_keep_their_kinds() {
        let e = classify(
            404,
            &[],
            r#"{"errorMessages":["Issue does not exist or you do not have permission to see it."],"errors":{}}"#,
        )
        .unwrap();
        assert_eq!(e.kind(), ErrorKind::NotFound);
        assert_eq!(
            e.message(),
            "Issue does not exist or you do not have permission to see it."
        );
        let e = classify(
            403,
            &[],
            r#"{"errorMessages":["You do not have permission"]}"#,
        )
        .unwrap();
        assert_eq!(e.kind(), ErrorKind::Forbidden);
        let e = classify(
            401,
            &[("www-authenticate", "Bearer error=\"invalid_token\"")],
            r#"{"code":401,"message":"Unauthorized"}"#,
        )
        .unwrap();
        assert_eq!(
            e.kind(),
            ErrorKind::Unauthorized,
            "401 stays Unauthorized so the runtime renews once"
        );
        assert_eq!(e.context_value("token"), Some("expired"));
        assert_eq!(classify(401, &[], "").unwrap().context_value("token"), None);
    }

    #[test]
    fn field_errors_are_named() {
        let e = classify(
            400,
            &[],
            r#"{"errorMessages":[],"errors":{"summary":"You must specify a summary of the issue."}}"#,
        )
        .unwrap();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert_eq!(
            e.message(),
            "summary: You must specify a summary of the issue."
        );
        assert!(classify(200, &[], "{}").is_none());
        assert!(classify(204, &[], "").is_none());
    }

    #[test]
    fn reasons_parse() {
        assert_eq!(LimitReason::parse("JIRA-BURST-BASED"), LimitReason::Burst);
        assert_eq!(
            LimitReason::parse("jira-quota-new-kind"),
            LimitReason::Quota
        );
        assert_eq!(
            LimitReason::parse("something-else"),
            LimitReason::Other("something-else".into())
        );
    }
}
