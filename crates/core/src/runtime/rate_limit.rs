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

use super::policy::Quota;
use crate::error::{Error, Result};
use crate::http::RateSignals;

#[derive(Default)]
struct GateState {
    paused_until: Option<Instant>,
    spacing: Option<(Duration, Instant)>, // (gap between calls, until when)
    next_slot: Option<Instant>,
}

pub(crate) struct RateGate {
    bucket: Option<DefaultKeyedRateLimiter<String>>,
    clock: DefaultClock,
    pace_below: f64,
    /// Whether any credential has gate state: until a rate-limit signal arrives, admitting a
    /// call takes no lock.
    active: AtomicBool,
    states: Mutex<HashMap<String, GateState>>,
}

impl RateGate {
    pub(crate) fn new(quota: Option<Quota>, pace_below: f64) -> Self {
        let bucket = quota.and_then(|q| {
            let n = NonZeroU32::new(q.requests)?;
            let period = q.per / q.requests;
            governor::Quota::with_period(period).map(|gq| RateLimiter::keyed(gq.allow_burst(n)))
        });
        Self {
            bucket,
            clock: DefaultClock::default(),
            pace_below,
            active: AtomicBool::new(false),
            states: Mutex::new(HashMap::new()),
        }
    }

    /// Waits for the pause gate and the token bucket, or fails with `RateLimited` at once when
    /// the wait would pass `deadline`.
    #[allow(clippy::ptr_arg)] // governor's keyed limiter looks keys up by `&String`
    pub(crate) async fn admit(&self, key: &String, deadline: Instant) -> Result<()> {
        let wait = self.reserve_gate(key);
        if let Some(wait) = wait {
            wait_or_fail(
                wait,
                deadline,
                "paused after the platform's rate-limit signal",
            )
            .await?;
        }
        if let Some(bucket) = &self.bucket {
            loop {
                match bucket.check_key(key) {
                    Ok(()) => break,
                    Err(not_until) => {
                        let wait = not_until.wait_time_from(self.clock.now());
                        wait_or_fail(wait, deadline, "client-side quota spent").await?;
                    }
                }
            }
        }
        Ok(())
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
            format!("{why}; the wait does not fit the deadline"),
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

    #[tokio::test]
    async fn spent_budget_pauses_until_reset_and_deadline_fails_fast() {
        let gate = RateGate::new(None, 0.1);
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
            .admit(&"k".to_string(), Instant::now() + Duration::from_secs(1))
            .await
            .unwrap_err();
        assert!(
            matches!(e.kind(), crate::ErrorKind::RateLimited { retry_after: Some(w) } if w > Duration::from_secs(58))
        );
        assert!(
            gate.admit(
                &"other".to_string(),
                Instant::now() + Duration::from_secs(1)
            )
            .await
            .is_ok()
        );
    }

    #[tokio::test]
    async fn low_remaining_spaces_calls_out() {
        let gate = RateGate::new(None, 0.5);
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
            gate.admit(&"k".to_string(), Instant::now() + Duration::from_secs(5))
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
            0.1,
        );
        let deadline = Instant::now() + Duration::from_secs(5);
        let started = std::time::Instant::now();
        for _ in 0..4 {
            gate.admit(&"k".to_string(), deadline).await.unwrap();
        }
        assert!(
            started.elapsed() >= Duration::from_millis(180),
            "{:?}",
            started.elapsed()
        );
        let tight = Instant::now() + Duration::from_millis(1);
        gate.admit(&"k2".to_string(), tight).await.unwrap();
        gate.admit(&"k2".to_string(), tight).await.unwrap();
        assert!(gate.admit(&"k2".to_string(), tight).await.is_err());
    }
}
