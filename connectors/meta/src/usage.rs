//! Meta's usage headers (`X-App-Usage`, `X-Page-Usage`, `X-Ad-Account-Usage`,
//! `X-Business-Use-Case-Usage`, `X-FB-Ads-Insights-Throttle`): JSON documents of percentages of
//! a rolling budget and, once throttled, the time until access is regained. Meta sends no
//! `Retry-After`; these headers are how a client learns to slow down before it is cut off.

use std::time::Duration;

use http::HeaderMap;
use plugboard_core::http::RateSignals;
use serde_json::Value;

/// The usage headers Meta documents, all JSON.
pub const USAGE_HEADERS: &[&str] = &[
    "x-app-usage",
    "x-page-usage",
    "x-ad-account-usage",
    "x-business-use-case-usage",
    "x-fb-ads-insights-throttle",
];

/// Fields holding a percentage of a budget.
const PERCENT_FIELDS: &[&str] = &[
    "call_count",
    "total_cputime",
    "total_time",
    "acc_id_util_pct",
    "app_id_util_pct",
];

/// At or above this share of any budget, the client stops for the time Meta advertises.
pub const PAUSE_AT_PERCENT: f64 = 95.0;

/// How long calls are held when a budget is spent and Meta advertises no time to regain
/// access, and the window over which the remaining calls are spread when it is nearly spent.
pub const PACE_WINDOW: Duration = Duration::from_secs(60);

/// What the usage headers of one response say.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Usage {
    /// The highest percentage of any budget in any header (0–100, may exceed 100).
    pub percent: f64,
    /// The longest advertised wait until access is regained
    /// (`estimated_time_to_regain_access` in minutes, `reset_time_duration` in seconds);
    /// zero when Meta reports none.
    pub regain: Duration,
}

impl Usage {
    /// Reads every usage header present; `None` when the response carries none.
    pub fn from_headers(headers: &HeaderMap) -> Option<Self> {
        let mut usage: Option<Usage> = None;
        for name in USAGE_HEADERS {
            let Some(value) = headers.get(*name).and_then(|v| v.to_str().ok()) else {
                continue;
            };
            let Ok(json) = serde_json::from_str::<Value>(value) else {
                continue;
            };
            let u = usage.get_or_insert_with(Usage::default);
            u.absorb(&json);
        }
        usage
    }

    fn absorb(&mut self, value: &Value) {
        match value {
            Value::Array(items) => items.iter().for_each(|v| self.absorb(v)),
            Value::Object(fields) => {
                for (name, v) in fields {
                    let number = number(v);
                    match (name.as_str(), number) {
                        (n, Some(pct)) if PERCENT_FIELDS.contains(&n) => {
                            self.percent = self.percent.max(pct);
                        }
                        ("estimated_time_to_regain_access", Some(minutes)) => {
                            self.raise_regain(minutes * 60.0);
                        }
                        ("reset_time_duration", Some(seconds)) => self.raise_regain(seconds),
                        _ => self.absorb(v),
                    }
                }
            }
            _ => {}
        }
    }

    fn raise_regain(&mut self, seconds: f64) {
        if seconds.is_finite() && seconds > 0.0 {
            self.regain = self.regain.max(Duration::from_secs_f64(seconds));
        }
    }

    /// The usage as the runtime's rate signals (a budget of 100 "percent points"):
    ///
    /// - an advertised time to regain access (Meta only sends one once a budget is at or near
    ///   its limit), with usage at or above [`PAUSE_AT_PERCENT`]: nothing left, reset after
    ///   that time — the pause gate holds the credential's calls until then;
    /// - a spent budget without an advertised time: nothing left for [`PACE_WINDOW`];
    /// - otherwise what is left of 100, resetting over [`PACE_WINDOW`], so the runtime spaces
    ///   calls out once little is left instead of spending the rest at once.
    pub fn signals(&self, mut base: RateSignals) -> RateSignals {
        base.limit = Some(100);
        if self.regain > Duration::ZERO && self.percent >= PAUSE_AT_PERCENT {
            base.remaining = Some(0);
            base.reset_after = Some(self.regain);
        } else if self.percent >= 100.0 {
            base.remaining = Some(0);
            base.reset_after = Some(self.regain.max(PACE_WINDOW));
        } else {
            base.remaining = Some(((100.0 - self.percent).floor() as u64).max(1));
            base.reset_after = Some(PACE_WINDOW);
        }
        base
    }
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
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
    fn reads_the_highest_percentage_and_the_longest_regain_time() {
        let h = headers(&[
            (
                "x-app-usage",
                r#"{"call_count":28,"total_time":25,"total_cputime":25}"#,
            ),
            (
                "x-business-use-case-usage",
                r#"{"1122334455":[{"type":"ads_management","call_count":96,"total_cputime":20,"total_time":30,"estimated_time_to_regain_access":19,"ads_api_access_tier":"standard_access"},{"type":"custom_audience","call_count":10,"total_cputime":1,"total_time":1,"estimated_time_to_regain_access":0}]}"#,
            ),
        ]);
        let u = Usage::from_headers(&h).unwrap();
        assert_eq!(u.percent, 96.0);
        assert_eq!(u.regain, Duration::from_secs(19 * 60));
        let s = u.signals(RateSignals::default());
        assert_eq!(
            (s.remaining, s.reset_after),
            (Some(0), Some(Duration::from_secs(1140)))
        );
    }

    #[test]
    fn ad_account_usage_resets_in_seconds() {
        let h = headers(&[(
            "x-ad-account-usage",
            r#"{"acc_id_util_pct":99.5,"reset_time_duration":42,"ads_api_access_tier":"development_access"}"#,
        )]);
        let u = Usage::from_headers(&h).unwrap();
        assert_eq!(u.regain, Duration::from_secs(42));
        assert_eq!(
            u.signals(RateSignals::default()).reset_after,
            Some(Duration::from_secs(42))
        );
    }

    #[test]
    fn low_usage_leaves_room_and_a_spent_budget_without_a_time_waits_a_window() {
        let low = Usage::from_headers(&headers(&[(
            "x-app-usage",
            r#"{"call_count":12,"total_time":3,"total_cputime":4}"#,
        )]))
        .unwrap();
        let s = low.signals(RateSignals::default());
        assert_eq!((s.limit, s.remaining), (Some(100), Some(88)));

        let near = Usage {
            percent: 97.0,
            regain: Duration::ZERO,
        };
        assert_eq!(near.signals(RateSignals::default()).remaining, Some(3));
        let spent = Usage {
            percent: 100.0,
            regain: Duration::ZERO,
        };
        let s = spent.signals(RateSignals::default());
        assert_eq!((s.remaining, s.reset_after), (Some(0), Some(PACE_WINDOW)));
        assert!(Usage::from_headers(&HeaderMap::new()).is_none());
        assert!(Usage::from_headers(&headers(&[("x-app-usage", "not json")])).is_none());
    }
}
