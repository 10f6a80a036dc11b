//! Retry timing: full-jitter exponential backoff (schedule from `backon`) and a retry budget
//! that caps retries to a share of traffic so retries cannot multiply an outage.

use std::sync::Mutex;
use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBuilder};
use tokio::time::Instant;

use super::policy::Policy;

/// Full-jitter exponential backoff: the n-th wait is uniform in `[0, min(max, min·2ⁿ)]`.
pub(crate) struct Backoff {
    steps: backon::ExponentialBackoff,
    last: Duration,
}

impl Backoff {
    pub(crate) fn new(policy: &Policy) -> Self {
        let steps = ExponentialBuilder::default()
            .with_min_delay(policy.backoff_min)
            .with_max_delay(policy.backoff_max)
            .with_factor(2.0)
            .without_max_times()
            .build();
        Self {
            steps,
            last: policy.backoff_min,
        }
    }

    /// The next wait.
    pub(crate) fn next_wait(&mut self) -> Duration {
        if let Some(step) = self.steps.next() {
            self.last = step;
        }
        self.last.mul_f64(fastrand::f64())
    }
}

/// The retry budget: retries within a window may not exceed `ratio` of the requests in it plus
/// `min_per_second` times the window length.
#[derive(Debug, Clone, Copy)]
pub struct BudgetPolicy {
    /// Share of requests that may be retried.
    pub ratio: f64,
    /// Retries always allowed per second, whatever the traffic.
    pub min_per_second: u32,
    /// The window.
    pub window: Duration,
}

impl Default for BudgetPolicy {
    fn default() -> Self {
        Self {
            ratio: 0.2,
            min_per_second: 10,
            window: Duration::from_secs(10),
        }
    }
}

const SLOTS: usize = 10;

pub(crate) struct RetryBudget {
    policy: BudgetPolicy,
    slot_len: Duration,
    start: Instant,
    slots: Mutex<[(u64, u64, u64); SLOTS]>, // (slot index, requests, retries)
}

impl RetryBudget {
    pub(crate) fn new(policy: BudgetPolicy) -> Self {
        Self {
            slot_len: policy.window / SLOTS as u32,
            policy,
            start: Instant::now(),
            slots: Mutex::new([(u64::MAX, 0, 0); SLOTS]),
        }
    }

    fn current(&self) -> u64 {
        // Millisecond slots in u64: a u128 division per request shows up in profiles.
        self.start.elapsed().as_millis() as u64 / (self.slot_len.as_millis() as u64).max(1)
    }

    fn with_slot<R>(&self, f: impl FnOnce(&mut [(u64, u64, u64); SLOTS], usize, u64) -> R) -> R {
        let now = self.current();
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        let i = (now % SLOTS as u64) as usize;
        if slots[i].0 != now {
            slots[i] = (now, 0, 0);
        }
        f(&mut slots, i, now)
    }

    pub(crate) fn record_request(&self) {
        self.with_slot(|slots, i, _| slots[i].1 += 1);
    }

    /// Takes one retry from the budget, or says it is spent.
    pub(crate) fn try_withdraw(&self) -> bool {
        let floor = f64::from(self.policy.min_per_second) * self.policy.window.as_secs_f64();
        self.with_slot(|slots, i, now| {
            let live = slots
                .iter()
                .filter(|(idx, _, _)| *idx != u64::MAX && now.saturating_sub(*idx) < SLOTS as u64);
            let (requests, retries) = live.fold((0u64, 0u64), |(a, b), s| (a + s.1, b + s.2));
            let allowed = floor + self.policy.ratio * requests as f64;
            if (retries as f64) < allowed {
                slots[i].2 += 1;
                true
            } else {
                false
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_is_jittered_below_a_doubling_cap() {
        let policy = Policy {
            backoff_min: Duration::from_millis(100),
            backoff_max: Duration::from_millis(400),
            ..Policy::default()
        };
        let mut b = Backoff::new(&policy);
        let caps = [100, 200, 400, 400, 400];
        for cap in caps {
            let w = b.next_wait();
            assert!(w <= Duration::from_millis(cap), "{w:?} > {cap}ms");
        }
    }

    #[test]
    fn budget_allows_floor_plus_ratio() {
        let budget = RetryBudget::new(BudgetPolicy {
            ratio: 0.5,
            min_per_second: 0,
            window: Duration::from_secs(60),
        });
        for _ in 0..10 {
            budget.record_request();
        }
        let granted = (0..20).filter(|_| budget.try_withdraw()).count();
        assert_eq!(granted, 5);
    }
}
