//! The resilience policy of a connector: timeouts, retries, quotas, concurrency, breaker.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::breaker::BreakerPolicy;
use super::retry::BudgetPolicy;
use crate::error::{Error, Result};

/// A request quota: `requests` per `per`, with bursts up to `requests`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    /// Requests allowed per period.
    pub requests: u32,
    /// The period.
    pub per: Duration,
}

impl Quota {
    /// `requests` per minute.
    pub const fn per_minute(requests: u32) -> Self {
        Self {
            requests,
            per: Duration::from_secs(60),
        }
    }

    /// `requests` per hour.
    pub const fn per_hour(requests: u32) -> Self {
        Self {
            requests,
            per: Duration::from_secs(3600),
        }
    }
}

/// A quota for one rate class, on top of the connector-wide one: GitHub's `search` class,
/// Slack's per-method tiers, TikTok's per-endpoint limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClassQuota {
    /// The rate class (an operation descriptor's `rate_class`).
    pub class: &'static str,
    /// The quota.
    pub quota: Quota,
    /// Whether each operation in the class has its own budget (Slack: per method) rather
    /// than the class sharing one (GitHub: all search endpoints).
    pub per_operation: bool,
}

/// How the runtime treats one connector's calls.
#[derive(Debug, Clone)]
pub struct Policy {
    /// TCP + TLS connect timeout.
    pub connect_timeout: Duration,
    /// One attempt's timeout (request sent to body read).
    pub attempt_timeout: Duration,
    /// The whole call's deadline, retries and waits included.
    pub total_timeout: Duration,
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// The first backoff step (full jitter: a wait is uniform in `[0, step]`).
    pub backoff_min: Duration,
    /// The largest backoff step.
    pub backoff_max: Duration,
    /// The retry budget.
    pub retry_budget: BudgetPolicy,
    /// The client-side token bucket per credential (`None`: unlimited, headers still pace).
    pub quota: Option<Quota>,
    /// Extra buckets per rate class (checked after the connector-wide one).
    pub class_quotas: Vec<ClassQuota>,
    /// Most calls in flight at once (the bulkhead).
    pub max_concurrency: usize,
    /// The circuit breaker per host.
    pub breaker: BreakerPolicy,
    /// When `remaining / limit` from rate-limit headers falls below this, calls are spaced
    /// evenly over the time left to the reset instead of spending the rest at once.
    pub pace_below: f64,
    /// Response cache capacity in bytes.
    pub cache_capacity_bytes: u64,
    /// The longest the runtime waits out a rate limit within one call: the platform's
    /// `Retry-After` (or reset) before a retry, and the client-side pause gate and token
    /// buckets before an attempt. A longer wait returns [`ErrorKind::RateLimited`] at once,
    /// still carrying `retry_after`, so an interactive caller (the MCP server) never hangs.
    /// `None` (the default): any wait that fits [`total_timeout`](Self::total_timeout).
    ///
    /// [`ErrorKind::RateLimited`]: crate::ErrorKind::RateLimited
    pub max_rate_limit_wait: Option<Duration>,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(5),
            attempt_timeout: Duration::from_secs(30),
            total_timeout: Duration::from_secs(30),
            max_retries: 3,
            backoff_min: Duration::from_millis(200),
            backoff_max: Duration::from_secs(10),
            retry_budget: BudgetPolicy::default(),
            quota: None,
            class_quotas: Vec::new(),
            max_concurrency: 64,
            breaker: BreakerPolicy::default(),
            pace_below: 0.1,
            cache_capacity_bytes: 64 * 1024 * 1024,
            max_rate_limit_wait: None,
        }
    }
}

impl Policy {
    /// Sets the total deadline, capping the attempt timeout to it.
    pub fn with_total_timeout(mut self, total: Duration) -> Self {
        self.total_timeout = total;
        self.attempt_timeout = self.attempt_timeout.min(total);
        self
    }

    /// Sets the quota.
    pub fn with_quota(mut self, quota: Quota) -> Self {
        self.quota = Some(quota);
        self
    }

    /// Adds a per-class quota.
    pub fn with_class_quota(mut self, quota: ClassQuota) -> Self {
        self.class_quotas.push(quota);
        self
    }

    /// Applies configuration overrides, naming the key at fault.
    pub fn with_overrides(mut self, o: &PolicyOverrides) -> Result<Self> {
        fn secs(key: &str, v: f64) -> Result<Duration> {
            if v.is_finite() && v > 0.0 {
                Ok(Duration::from_secs_f64(v))
            } else {
                Err(Error::config(format!(
                    "policy.{key} must be a positive number of seconds, got {v}"
                )))
            }
        }
        if let Some(v) = o.total_timeout_secs {
            self = self.with_total_timeout(secs("total_timeout_secs", v)?);
        }
        if let Some(v) = o.attempt_timeout_secs {
            self.attempt_timeout = secs("attempt_timeout_secs", v)?;
        }
        if let Some(v) = o.connect_timeout_secs {
            self.connect_timeout = secs("connect_timeout_secs", v)?;
        }
        if let Some(v) = o.max_retries {
            self.max_retries = v;
        }
        if let Some(v) = o.max_concurrency {
            if v == 0 {
                return Err(Error::config("policy.max_concurrency must be at least 1"));
            }
            self.max_concurrency = v;
        }
        if let Some(v) = o.requests_per_minute {
            if v == 0 {
                return Err(Error::config(
                    "policy.requests_per_minute must be at least 1",
                ));
            }
            self.quota = Some(Quota::per_minute(v));
        }
        if let Some(v) = o.max_rate_limit_wait_secs {
            // 0 is allowed: never wait for a rate limit.
            if !(v.is_finite() && v >= 0.0) {
                return Err(Error::config(format!(
                    "policy.max_rate_limit_wait_secs must be zero or a positive number of \
                     seconds, got {v}"
                )));
            }
            self.max_rate_limit_wait = Some(Duration::from_secs_f64(v));
        }
        Ok(self)
    }
}

/// Policy keys settable from configuration (`[connectors.<id>.policy]`).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PolicyOverrides {
    /// Total deadline in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_timeout_secs: Option<f64>,
    /// Per-attempt timeout in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempt_timeout_secs: Option<f64>,
    /// Connect timeout in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connect_timeout_secs: Option<f64>,
    /// Retries after the first attempt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_retries: Option<u32>,
    /// Bulkhead size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_concurrency: Option<usize>,
    /// Client-side quota per credential, per minute (for plans with higher or lower limits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests_per_minute: Option<u32>,
    /// The longest rate-limit wait within one call, in seconds (see
    /// [`Policy::max_rate_limit_wait`]); `0` never waits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_rate_limit_wait_secs: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_apply_and_bad_values_name_the_key() {
        let p = Policy::default()
            .with_overrides(&PolicyOverrides {
                total_timeout_secs: Some(2.0),
                requests_per_minute: Some(100),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(p.total_timeout, Duration::from_secs(2));
        assert!(p.attempt_timeout <= p.total_timeout);
        assert_eq!(p.quota, Some(Quota::per_minute(100)));
        let e = Policy::default()
            .with_overrides(&PolicyOverrides {
                attempt_timeout_secs: Some(-1.0),
                ..Default::default()
            })
            .unwrap_err();
        assert!(e.to_string().contains("attempt_timeout_secs"), "{e}");
    }

    #[test]
    fn the_rate_limit_wait_cap_is_off_by_default_and_may_be_zero() {
        assert_eq!(Policy::default().max_rate_limit_wait, None);
        let p = Policy::default()
            .with_overrides(&PolicyOverrides {
                max_rate_limit_wait_secs: Some(0.0),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(p.max_rate_limit_wait, Some(Duration::ZERO));
        let e = Policy::default()
            .with_overrides(&PolicyOverrides {
                max_rate_limit_wait_secs: Some(f64::NAN),
                ..Default::default()
            })
            .unwrap_err();
        assert!(e.to_string().contains("max_rate_limit_wait_secs"), "{e}");
    }
}
