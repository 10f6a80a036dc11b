//! Circuit breakers per host: open after 5 consecutive failures or ≥ 50 % failures over ≥ 10
//! calls in 60 s; after a cool-down, half-open admits a few probes; 2 successes close it.
//! Rate limits never count as failures.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use crate::error::{Error, ErrorKind};

/// Breaker thresholds.
#[derive(Debug, Clone, Copy)]
pub struct BreakerPolicy {
    /// Consecutive failures that open the breaker.
    pub consecutive_failures: u32,
    /// Failure share over the window that opens it...
    pub failure_ratio: f64,
    /// ...once the window holds at least this many calls.
    pub min_calls: u32,
    /// The window.
    pub window: Duration,
    /// How long it stays open before admitting probes.
    pub open_for: Duration,
    /// Probes admitted at once while half-open.
    pub half_open_probes: u32,
    /// Successful probes that close it.
    pub close_after: u32,
}

impl Default for BreakerPolicy {
    fn default() -> Self {
        Self {
            consecutive_failures: 5,
            failure_ratio: 0.5,
            min_calls: 10,
            window: Duration::from_secs(60),
            open_for: Duration::from_secs(30),
            half_open_probes: 3,
            close_after: 2,
        }
    }
}

/// A breaker's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakerState {
    /// Calls flow.
    Closed,
    /// Calls fail fast.
    Open,
    /// A few probes are admitted.
    HalfOpen,
}

impl BreakerState {
    /// The state's name.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Closed => "closed",
            Self::Open => "open",
            Self::HalfOpen => "half_open",
        }
    }
}

/// What an attempt means for the breaker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    Success,
    Failure,
    /// Says nothing about the host's health (rate limits, local errors).
    Ignored,
}

impl Verdict {
    pub(crate) fn of(result: &Result<impl Sized, Error>) -> Self {
        match result {
            Ok(_) => Self::Success,
            Err(e) => match e.kind() {
                ErrorKind::Upstream | ErrorKind::Timeout | ErrorKind::Network => Self::Failure,
                ErrorKind::RateLimited { .. }
                | ErrorKind::CircuitOpen
                | ErrorKind::Config
                | ErrorKind::Internal
                | ErrorKind::TokenExpired => Self::Ignored,
                _ => Self::Success,
            },
        }
    }
}

const SLOTS: usize = 6;

struct HostBreaker {
    state: BreakerState,
    opened_at: Instant,
    consecutive: u32,
    probes_in_flight: u32,
    probe_successes: u32,
    slots: [(u64, u32, u32); SLOTS], // (slot index, calls, failures)
}

impl HostBreaker {
    fn new(now: Instant) -> Self {
        Self {
            state: BreakerState::Closed,
            opened_at: now,
            consecutive: 0,
            probes_in_flight: 0,
            probe_successes: 0,
            slots: [(u64::MAX, 0, 0); SLOTS],
        }
    }

    fn open(&mut self, now: Instant) {
        self.state = BreakerState::Open;
        self.opened_at = now;
        self.probes_in_flight = 0;
        self.probe_successes = 0;
        self.slots = [(u64::MAX, 0, 0); SLOTS];
    }

    fn close(&mut self) {
        self.state = BreakerState::Closed;
        self.consecutive = 0;
        self.probes_in_flight = 0;
        self.probe_successes = 0;
        self.slots = [(u64::MAX, 0, 0); SLOTS];
    }
}

/// A permit to call a host; releases a half-open probe slot if dropped unrecorded.
pub(crate) struct BreakerPermit<'a> {
    breakers: &'a CircuitBreakers,
    host: usize,
    probe: bool,
    recorded: bool,
}

impl BreakerPermit<'_> {
    pub(crate) fn record(mut self, verdict: Verdict) {
        self.recorded = true;
        self.breakers.record(self.host, self.probe, verdict);
    }
}

impl Drop for BreakerPermit<'_> {
    fn drop(&mut self) {
        if !self.recorded {
            self.breakers
                .record(self.host, self.probe, Verdict::Ignored);
        }
    }
}

/// One host's breaker with its key (`host:port`) and the parts it is matched on.
struct Entry {
    key: String,
    host: String,
    port: u16,
    breaker: HostBreaker,
}

pub(crate) struct CircuitBreakers {
    connector: &'static str,
    policy: BreakerPolicy,
    epoch: Instant,
    slot_ms: u64,
    // A connector talks to one to a few hosts: a short list beats hashing a key per call.
    // Entries are never removed, so an index stays valid.
    hosts: Mutex<Vec<Entry>>,
}

impl CircuitBreakers {
    pub(crate) fn new(connector: &'static str, policy: BreakerPolicy) -> Self {
        Self {
            connector,
            policy,
            epoch: Instant::now(),
            slot_ms: ((policy.window / SLOTS as u32).as_millis() as u64).max(1),
            hosts: Mutex::new(Vec::new()),
        }
    }

    pub(crate) fn state(&self, host: &str) -> BreakerState {
        let hosts = self.hosts.lock().unwrap_or_else(|e| e.into_inner());
        match hosts.iter().find(|e| e.key == host).map(|e| &e.breaker) {
            Some(b)
                if b.state == BreakerState::Open
                    && b.opened_at.elapsed() >= self.policy.open_for =>
            {
                BreakerState::HalfOpen
            }
            Some(b) => b.state,
            None => BreakerState::Closed,
        }
    }

    /// Admits a call to `host:port` or fails fast with `CircuitOpen`.
    pub(crate) fn acquire(&self, host: &str, port: u16) -> Result<BreakerPermit<'_>, Error> {
        let now = Instant::now();
        let mut hosts = self.hosts.lock().unwrap_or_else(|e| e.into_inner());
        let index = match hosts.iter().position(|e| e.port == port && e.host == host) {
            Some(i) => i,
            None => {
                hosts.push(Entry {
                    key: format!("{host}:{port}"),
                    host: host.to_string(),
                    port,
                    breaker: HostBreaker::new(now),
                });
                hosts.len() - 1
            }
        };
        let Entry {
            key, breaker: b, ..
        } = &mut hosts[index];
        let host = key.as_str();
        let mut probe = false;
        match b.state {
            BreakerState::Closed => {}
            BreakerState::Open => {
                let open_for = now.duration_since(b.opened_at);
                if open_for < self.policy.open_for {
                    return Err(open_error(host, self.policy.open_for - open_for));
                }
                b.state = BreakerState::HalfOpen;
                b.probes_in_flight = 1;
                probe = true;
            }
            BreakerState::HalfOpen => {
                if b.probes_in_flight >= self.policy.half_open_probes {
                    return Err(open_error(host, Duration::from_millis(100)));
                }
                b.probes_in_flight += 1;
                probe = true;
            }
        }
        Ok(BreakerPermit {
            breakers: self,
            host: index,
            probe,
            recorded: false,
        })
    }

    fn record(&self, index: usize, probe: bool, verdict: Verdict) {
        let now = Instant::now();
        let slot = now.duration_since(self.epoch).as_millis() as u64 / self.slot_ms;
        let mut hosts = self.hosts.lock().unwrap_or_else(|e| e.into_inner());
        let Some(Entry {
            key, breaker: b, ..
        }) = hosts.get_mut(index)
        else {
            return;
        };
        let host = key.as_str();
        if probe {
            b.probes_in_flight = b.probes_in_flight.saturating_sub(1);
        }
        match (b.state, verdict) {
            (_, Verdict::Ignored) => {}
            (BreakerState::HalfOpen, Verdict::Success) if probe => {
                b.probe_successes += 1;
                if b.probe_successes >= self.policy.close_after {
                    b.close();
                    announce(self.connector, host, false);
                    tracing::info!(host, "circuit breaker closed");
                }
            }
            (BreakerState::HalfOpen, Verdict::Failure) if probe => {
                b.open(now);
                announce(self.connector, host, true);
                tracing::warn!(host, "circuit breaker re-opened: probe failed");
            }
            (BreakerState::Closed, v) => {
                let i = (slot % SLOTS as u64) as usize;
                if b.slots[i].0 != slot {
                    b.slots[i] = (slot, 0, 0);
                }
                b.slots[i].1 += 1;
                if v == Verdict::Failure {
                    b.slots[i].2 += 1;
                    b.consecutive += 1;
                } else {
                    b.consecutive = 0;
                }
                let (calls, failures) = b
                    .slots
                    .iter()
                    .filter(|(idx, _, _)| {
                        *idx != u64::MAX && slot.saturating_sub(*idx) < SLOTS as u64
                    })
                    .fold((0u32, 0u32), |(c, f), s| (c + s.1, f + s.2));
                let ratio_trips = calls >= self.policy.min_calls
                    && f64::from(failures) >= self.policy.failure_ratio * f64::from(calls);
                if v == Verdict::Failure
                    && (b.consecutive >= self.policy.consecutive_failures || ratio_trips)
                {
                    b.open(now);
                    announce(self.connector, host, true);
                    tracing::warn!(host, calls, failures, "circuit breaker opened");
                }
            }
            _ => {}
        }
    }
}

/// Breakers that are open (or half-open) right now, process-wide: `(connector, host)`.
static OPEN: Mutex<Vec<(&'static str, String)>> = Mutex::new(Vec::new());

/// Records a transition: the `plugboard_breaker_open{connector, host}` gauge and the
/// process-wide list [`open_breakers`] reads.
fn announce(connector: &'static str, host: &str, open: bool) {
    metrics::gauge!("plugboard_breaker_open", "connector" => connector, "host" => host.to_string())
        .set(if open { 1.0 } else { 0.0 });
    let mut list = OPEN.lock().unwrap_or_else(|e| e.into_inner());
    list.retain(|(c, h)| !(*c == connector && h == host));
    if open {
        list.push((connector, host.to_string()));
    }
}

/// The `(connector, host)` pairs whose circuit breaker is open or half-open in this process
/// (for health reports).
pub fn open_breakers() -> Vec<(&'static str, String)> {
    OPEN.lock().unwrap_or_else(|e| e.into_inner()).clone()
}

fn open_error(host: &str, retry_after: Duration) -> Error {
    Error::new(
        ErrorKind::CircuitOpen,
        format!("circuit breaker for {host} is open"),
    )
    .with_retry(crate::error::RetryStatus::Transient {
        after: Some(retry_after),
    })
    .not_sent()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fail(b: &CircuitBreakers, host: &str) {
        b.acquire(host, 443).unwrap().record(Verdict::Failure);
    }

    #[tokio::test(start_paused = true)]
    async fn opens_after_consecutive_failures_then_half_opens_and_closes() {
        let b = CircuitBreakers::new("test", BreakerPolicy::default());
        for _ in 0..4 {
            fail(&b, "h");
        }
        assert_eq!(b.state("h:443"), BreakerState::Closed);
        fail(&b, "h");
        assert_eq!(b.state("h:443"), BreakerState::Open);
        let e = b.acquire("h", 443).err().unwrap();
        assert_eq!(e.kind(), ErrorKind::CircuitOpen);
        assert!(e.request_not_sent());

        tokio::time::advance(Duration::from_secs(31)).await;
        let p1 = b.acquire("h", 443).unwrap();
        let p2 = b.acquire("h", 443).unwrap();
        let p3 = b.acquire("h", 443).unwrap();
        assert!(b.acquire("h", 443).is_err(), "only three probes at once");
        p1.record(Verdict::Success);
        drop(p3);
        p2.record(Verdict::Success);
        assert_eq!(b.state("h:443"), BreakerState::Closed);
    }

    #[tokio::test(start_paused = true)]
    async fn opens_on_failure_ratio_and_ignores_rate_limits() {
        let b = CircuitBreakers::new("test", BreakerPolicy::default());
        for i in 0..10 {
            let v = if i % 2 == 1 {
                Verdict::Failure
            } else {
                Verdict::Success
            };
            b.acquire("h", 443).unwrap().record(v);
        }
        assert_eq!(b.state("h:443"), BreakerState::Open);
        for _ in 0..20 {
            b.acquire("r", 443).unwrap().record(Verdict::Ignored);
        }
        assert_eq!(b.state("r:443"), BreakerState::Closed);
    }

    #[tokio::test(start_paused = true)]
    async fn failed_probe_reopens() {
        let b = CircuitBreakers::new("test", BreakerPolicy::default());
        for _ in 0..5 {
            fail(&b, "h");
        }
        tokio::time::advance(Duration::from_secs(30)).await;
        fail(&b, "h");
        assert_eq!(b.state("h:443"), BreakerState::Open);
    }
}
