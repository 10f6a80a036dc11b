//! Rate-limit signals read from response headers: `Retry-After`, `x-ratelimit-*`.

use std::time::{Duration, SystemTime};

use http::{HeaderMap, HeaderName};

const LIMIT: HeaderName = HeaderName::from_static("x-ratelimit-limit");
const REMAINING: HeaderName = HeaderName::from_static("x-ratelimit-remaining");
const RESET: HeaderName = HeaderName::from_static("x-ratelimit-reset");

/// What a response's headers say about the caller's rate budget.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RateSignals {
    /// `x-ratelimit-limit`: the window's size in requests.
    pub limit: Option<u64>,
    /// `x-ratelimit-remaining`: requests left in the window.
    pub remaining: Option<u64>,
    /// Time until the window resets (from `x-ratelimit-reset`, epoch or delta seconds).
    pub reset_after: Option<Duration>,
    /// `Retry-After` (seconds or HTTP date).
    pub retry_after: Option<Duration>,
}

impl RateSignals {
    /// Reads the signals from `headers` at wall-clock time `now`.
    pub fn from_headers(headers: &HeaderMap, now: SystemTime) -> Self {
        Self {
            limit: header_u64(headers, &LIMIT),
            remaining: header_u64(headers, &REMAINING),
            reset_after: header_str(headers, &RESET).and_then(|v| parse_reset(v, now)),
            retry_after: header_str(headers, &http::header::RETRY_AFTER)
                .and_then(|v| parse_retry_after(v, now)),
        }
    }

    /// Whether the headers say the budget is spent.
    pub fn exhausted(&self) -> bool {
        self.remaining == Some(0)
    }

    /// The wait the platform asks for: `Retry-After`, else the reset time when the budget is
    /// spent.
    pub fn wait(&self) -> Option<Duration> {
        self.retry_after.or(if self.exhausted() {
            self.reset_after
        } else {
            None
        })
    }
}

fn header_str<'a>(headers: &'a HeaderMap, name: &HeaderName) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
}

fn header_u64(headers: &HeaderMap, name: &HeaderName) -> Option<u64> {
    header_str(headers, name).and_then(|v| v.parse().ok())
}

/// Parses `Retry-After`: delta seconds (integer or decimal) or an HTTP date.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Parses `x-ratelimit-reset`: Unix epoch seconds when large, else delta seconds.
fn parse_reset(value: &str, now: SystemTime) -> Option<Duration> {
    let n: f64 = value.parse().ok()?;
    if !n.is_finite() || n < 0.0 {
        return None;
    }
    if n > 1_000_000_000.0 {
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs_f64(n);
        Some(at.duration_since(now).unwrap_or(Duration::ZERO))
    } else {
        Some(Duration::from_secs_f64(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn reads_github_style_headers() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let s = RateSignals::from_headers(
            &headers(&[
                ("x-ratelimit-limit", "5000"),
                ("x-ratelimit-remaining", "0"),
                ("x-ratelimit-reset", "1700000042"),
            ]),
            now,
        );
        assert_eq!(s.limit, Some(5000));
        assert!(s.exhausted());
        assert_eq!(s.wait(), Some(Duration::from_secs(42)));
    }

    #[test]
    fn retry_after_wins_and_accepts_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777);
        let s = RateSignals::from_headers(&headers(&[("retry-after", "7")]), now);
        assert_eq!(s.wait(), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:47 GMT", now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn small_reset_values_are_deltas() {
        let s = RateSignals::from_headers(
            &headers(&[("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", "30")]),
            SystemTime::now(),
        );
        assert_eq!(s.wait(), Some(Duration::from_secs(30)));
    }
}
