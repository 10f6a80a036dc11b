//! Client-side rate limiting per credential: a pause gate that closes on a 429 (or a spent
//! budget in the headers) and paces calls when the headers say little is left, then a
//! `governor` token bucket with the platform's documented quota.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultKeyedRateLimiter, RateLimiter};
use tokio::time::Instant;

use super::policy::{ClassQuota, Quota};
use crate::connector::RateClass;
use crate::error::{Error, Result};
use crate::http::RateSignals;
use crate::ids::OperationId;

#[derive(Default)]
struct GateState {
    paused_until: Option<Instant>,
    spacing: Option<(Duration, Instant)>, // (gap between calls, until when)
    next_slot: Option<Instant>,
}

/// A class's own bucket (Slack method tiers, GitHub search).
struct ClassBucket {
    class: &'static str,
    per_operation: bool,
    limiter: DefaultKeyedRateLimiter<String>,
}

pub(crate) struct RateGate {
    bucket: Option<DefaultKeyedRateLimiter<String>>,
    class_buckets: Vec<ClassBucket>,
    clock: DefaultClock,
    pace_below: f64,
    /// Whether any credential has gate state: until a rate-limit signal arrives, admitting a
    /// call takes no lock.
    active: AtomicBool,
    states: Mutex<HashMap<String, GateState>>,
}

/// A keyed token bucket for `quota`, with bursts up to the whole quota.
fn limiter(quota: Quota) -> Option<DefaultKeyedRateLimiter<String>> {
    let n = NonZeroU32::new(quota.requests)?;
    let period = quota.per / quota.requests;
    governor::Quota::with_period(period).map(|q| RateLimiter::keyed(q.allow_burst(n)))
}

impl RateGate {
    pub(crate) fn new(quota: Option<Quota>, class_quotas: &[ClassQuota], pace_below: f64) -> Self {
        let class_buckets = class_quotas
            .iter()
            .filter_map(|c| {
                Some(ClassBucket {
                    class: c.class,
                    per_operation: c.per_operation,
                    limiter: limiter(c.quota)?,
                })
            })
            .collect();
        Self {
            bucket: quota.and_then(limiter),
            class_buckets,
            clock: DefaultClock::default(),
            pace_below,
            active: AtomicBool::new(false),
            states: Mutex::new(HashMap::new()),
        }
    }

    /// Waits for the pause gate, the credential's bucket and its rate class's bucket, or fails
    /// with `RateLimited` at once when a wait would pass `deadline`.
    #[allow(clippy::ptr_arg)] // governor's keyed limiter looks keys up by `&String`
    pub(crate) async fn admit(
        &self,
        key: &String,
        operation: OperationId,
        class: RateClass,
        deadline: Instant,
    ) -> Result<()> {
        if let Some(wait) = self.reserve_gate(key) {
            wait_or_fail(
                wait,
                deadline,
                "paused after the platform's rate-limit signal",
            )
            .await?;
        }
        if let Some(bucket) = &self.bucket {
            self.take(bucket, key, deadline, "client-side quota spent")
                .await?;
        }
        if let Some(b) = self.class_buckets.iter().find(|b| b.class == class.0) {
            let class_key = if b.per_operation {
                format!("{key}|{operation}")
            } else {
                key.clone()
            };
            self.take(
                &b.limiter,
                &class_key,
                deadline,
                "client-side quota of the rate class spent",
            )
            .await?;
        }
        Ok(())
    }

    #[allow(clippy::ptr_arg)] // governor's keyed limiter looks keys up by `&String`
    async fn take(
        &self,
        limiter: &DefaultKeyedRateLimiter<String>,
        key: &String,
        deadline: Instant,
        why: &str,
    ) -> Result<()> {
        loop {
            match limiter.check_key(key) {
                Ok(()) => return Ok(()),
                Err(not_until) => {
                    let wait = not_until.wait_time_from(self.clock.now());
                    wait_or_fail(wait, deadline, why).await?;
                }
            }
        }
    }

    /// Reserves the caller's slot at the gate and returns how long to wait for it.
    fn reserve_gate(&self, key: &str) -> Option<Duration> {
        if !self.active.load(Ordering::Acquire) {
            return None;
        }
        let now = Instant::now();
        let mut states = self.states.lock().unwrap_or_else(|e| e.into_inner());
        let s = states.get_mut(key)?;
        let mut at = now;
        if let Some(until) = s.paused_until {
            if until > now {
                at = until;
            } else {
                s.paused_until = None;
            }
        }
        if let Some((gap, until)) = s.spacing {
            if until <= now {
                s.spacing = None;
                s.next_slot = None;
            } else {
                let slot = s.next_slot.map_or(at, |n| n.max(at));
                s.next_slot = Some(slot + gap);
                at = slot;
            }
        }
        (at > now).then(|| at - now)
    }

    /// Closes the gate for `key` for `for_`.
    pub(crate) fn pause(&self, key: &str, for_: Duration) {
        let until = Instant::now() + for_;
        let mut states = self.states.lock().unwrap_or_else(|e| e.into_inner());
        let s = states.entry(key.to_string()).or_default();
        self.active.store(true, Ordering::Release);
        if s.paused_until.is_none_or(|p| p < until) {
            s.paused_until = Some(until);
        }
        tracing::debug!(key, wait_ms = for_.as_millis() as u64, "rate-limit pause");
    }

    /// Learns from a response's rate-limit headers: a spent budget pauses until the reset; a
    /// nearly spent one spaces the remaining calls evenly until the reset.
    pub(crate) fn observe(&self, key: &str, signals: &RateSignals) {
        let (Some(remaining), Some(reset)) = (signals.remaining, signals.reset_after) else {
            return;
        };
        if remaining == 0 {
            self.pause(key, reset);
            return;
        }
        let limit = signals.limit.unwrap_or(u64::MAX);
        let low = (remaining as f64) < self.pace_below * limit as f64;
        let mut states = self.states.lock().unwrap_or_else(|e| e.into_inner());
        if low {
            let gap = reset / (remaining as u32).max(1);
            let s = states.entry(key.to_string()).or_default();
            self.active.store(true, Ordering::Release);
            s.spacing = Some((gap, Instant::now() + reset));
        } else if let Some(s) = states.get_mut(key) {
            s.spacing = None;
            s.next_slot = None;
        }
    }
}

async fn wait_or_fail(wait: Duration, deadline: Instant, why: &str) -> Result<()> {
    if wait.is_zero() {
        return Ok(());
    }
    if Instant::now() + wait > deadline {
        return Err(Error::rate_limited(
            Some(wait),
            format!("{why}; the wait does not fit the deadline or the rate-limit wait cap"),
        )
        .exhausted()
        .not_sent());
    }
    tokio::time::sleep(wait).await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const OP: OperationId = OperationId::new("things.get");
    const CLASS: RateClass = RateClass("core");

    #[tokio::test]
    async fn spent_budget_pauses_until_reset_and_deadline_fails_fast() {
        let gate = RateGate::new(None, &[], 0.1);
        gate.observe(
            "k",
            &RateSignals {
                limit: Some(10),
                remaining: Some(0),
                reset_after: Some(Duration::from_secs(60)),
                retry_after: None,
            },
        );
        let e = gate
            .admit(
                &"k".to_string(),
                OP,
                CLASS,
                Instant::now() + Duration::from_secs(1),
            )
            .await
            .unwrap_err();
        assert!(
            matches!(e.kind(), crate::ErrorKind::RateLimited { retry_after: Some(w) } if w > Duration::from_secs(58))
        );
        assert!(
            gate.admit(
                &"other".to_string(),
                OP,
                CLASS,
                Instant::now() + Duration::from_secs(1)
            )
            .await
            .is_ok()
        );
    }

    #[tokio::test]
    async fn low_remaining_spaces_calls_out() {
        let gate = RateGate::new(None, &[], 0.5);
        gate.observe(
            "k",
            &RateSignals {
                limit: Some(100),
                remaining: Some(10),
                reset_after: Some(Duration::from_millis(500)),
                retry_after: None,
            },
        );
        let started = std::time::Instant::now();
        for _ in 0..3 {
            gate.admit(
                &"k".to_string(),
                OP,
                CLASS,
                Instant::now() + Duration::from_secs(5),
            )
            .await
            .unwrap();
        }
        // slots at 0, 50 ms, 100 ms
        assert!(
            started.elapsed() >= Duration::from_millis(95),
            "{:?}",
            started.elapsed()
        );
    }

    #[tokio::test]
    async fn token_bucket_enforces_the_quota() {
        let gate = RateGate::new(
            Some(Quota {
                requests: 2,
                per: Duration::from_millis(200),
            }),
            &[],
            0.1,
        );
        let deadline = Instant::now() + Duration::from_secs(5);
        let started = std::time::Instant::now();
        for _ in 0..4 {
            gate.admit(&"k".to_string(), OP, CLASS, deadline)
                .await
                .unwrap();
        }
        assert!(
            started.elapsed() >= Duration::from_millis(180),
            "{:?}",
            started.elapsed()
        );
        let tight = Instant::now() + Duration::from_millis(1);
        gate.admit(&"k2".to_string(), OP, CLASS, tight)
            .await
            .unwrap();
        gate.admit(&"k2".to_string(), OP, CLASS, tight)
            .await
            .unwrap();
        assert!(
            gate.admit(&"k2".to_string(), OP, CLASS, tight)
                .await
                .is_err()
        );
    }
}

#[cfg(test)]
mod class_tests {
    use super::*;

    #[tokio::test]
    async fn class_buckets_are_per_operation_or_shared() {
        let per_method = ClassQuota {
            class: "tier1",
            quota: Quota {
                requests: 1,
                per: Duration::from_secs(60),
            },
            per_operation: true,
        };
        let shared = ClassQuota {
            class: "search",
            quota: Quota {
                requests: 1,
                per: Duration::from_secs(60),
            },
            per_operation: false,
        };
        let gate = RateGate::new(None, &[per_method, shared], 0.1);
        let key = "cred".to_string();
        let soon = Instant::now() + Duration::from_millis(50);
        let (a, b) = (OperationId::new("chat.a"), OperationId::new("chat.b"));
        gate.admit(&key, a, RateClass("tier1"), soon).await.unwrap();
        gate.admit(&key, b, RateClass("tier1"), soon).await.unwrap();
        assert!(
            gate.admit(&key, a, RateClass("tier1"), soon).await.is_err(),
            "a's budget is spent"
        );
        gate.admit(&key, a, RateClass("search"), soon)
            .await
            .unwrap();
        let e = gate
            .admit(&key, b, RateClass("search"), soon)
            .await
            .unwrap_err();
        assert!(matches!(
            e.kind(),
            crate::ErrorKind::RateLimited {
                retry_after: Some(_)
            }
        ));
        gate.admit(&key, a, RateClass("core"), soon).await.unwrap();
    }
}
