//! Time for tests: the core's [`FixedClock`] and helpers to name instants by Unix seconds.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub use plugboard_core::clock::{Clock, FixedClock, SystemClock, unix_seconds};

/// The instant `secs` seconds after the Unix epoch.
pub fn unix(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_round_trips() {
        assert_eq!(unix_seconds(unix(1_531_420_618)), 1_531_420_618);
        let clock = FixedClock::at_unix(42);
        assert_eq!(clock.now(), unix(42));
    }
}
