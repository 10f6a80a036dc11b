//! Wall clocks, injectable so time-dependent checks (webhook replay windows, token expiry) can be
//! tested at a known instant.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A source of wall-clock time.
pub trait Clock: Send + Sync + 'static {
    /// The current wall-clock time.
    fn now(&self) -> SystemTime;

    /// The current time as whole seconds since the Unix epoch.
    fn unix_seconds(&self) -> u64 {
        self.now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0)
    }
}

/// The operating system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// A clock that stands still at a set instant until moved; for tests.
#[derive(Debug, Default)]
pub struct FixedClock {
    unix_millis: AtomicU64,
}

impl FixedClock {
    /// A clock fixed at `unix_seconds` after the epoch.
    pub fn at_unix(unix_seconds: u64) -> Self {
        Self {
            unix_millis: AtomicU64::new(unix_seconds * 1000),
        }
    }

    /// Moves the clock to `unix_seconds`.
    pub fn set_unix(&self, unix_seconds: u64) {
        self.unix_millis
            .store(unix_seconds * 1000, Ordering::SeqCst);
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        self.unix_millis
            .fetch_add(by.as_millis() as u64, Ordering::SeqCst);
    }
}

impl Clock for FixedClock {
    fn now(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_millis(self.unix_millis.load(Ordering::SeqCst))
    }
}

/// Seconds since the Unix epoch for `t` (0 for times before it).
pub fn unix_seconds(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_clock_moves_only_when_told() {
        let clock = FixedClock::at_unix(1_531_420_618);
        assert_eq!(clock.unix_seconds(), 1_531_420_618);
        clock.advance(Duration::from_secs(600));
        assert_eq!(clock.unix_seconds(), 1_531_421_218);
        clock.set_unix(5);
        assert_eq!(unix_seconds(clock.now()), 5);
    }
}
