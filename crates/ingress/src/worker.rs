//! Delivery workers and housekeeping.
//!
//! A worker leases up to `batch` ready entries (owner = the instance id), delivers each one to
//! every sink at once, and ends its lease: `ack` when every sink accepted; on a transient
//! failure `retry_at(now + retry_schedule[attempts] × (1 ± jitter))` (at least the sink's
//! `Retry-After`), or `dead_letter` once the schedule is used up; `dead_letter` at once when
//! any sink fails permanently. While it works, a keeper extends the batch's leases every third
//! of `lease_visibility`. Asked to stop, it finishes the current delivery and releases the
//! leases of entries it has not started.
//!
//! Idle workers wait for a wake-up (an append, a retry falling due) or `poll_interval`, which
//! also finds retries scheduled and leases expired on other hosts.

use std::collections::BTreeMap;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::Duration;

use futures::FutureExt;
use plugboard_store::{Entry, EntryId, LeaseToken};
use tokio::sync::watch;

use crate::ingress::Shared;
use crate::metrics::{DEAD_LETTERED, RETRIED};
use crate::sink::SinkError;

/// How often the metrics recorder drains histogram samples.
const UPKEEP_EVERY: Duration = Duration::from_secs(10);

/// One worker's loop.
pub(crate) async fn run(shared: Arc<Shared>, index: usize, mut stop: watch::Receiver<bool>) {
    tracing::debug!(worker = index, "worker started");
    let mut failing_since: Option<std::time::Instant> = None;
    loop {
        if *stop.borrow() {
            break;
        }
        let leased = shared
            .store
            .lease(
                &shared.owner,
                shared.config.batch,
                shared.config.lease_visibility,
                shared.clock.now(),
            )
            .await;
        let batch = match leased {
            Ok(batch) => {
                failing_since = None;
                batch
            }
            Err(e) => {
                if failing_since.is_none() {
                    tracing::error!(worker = index, "cannot lease from the store: {e}");
                    failing_since = Some(std::time::Instant::now());
                }
                idle(&shared, &mut stop).await;
                continue;
            }
        };
        if batch.is_empty() {
            idle(&shared, &mut stop).await;
            continue;
        }
        if batch.len() == shared.config.batch {
            // There may be more: let another idle worker look.
            shared.wake.notify_one();
        }
        process_batch(&shared, batch, &stop).await;
    }
    tracing::debug!(worker = index, "worker stopped");
}

async fn idle(shared: &Shared, stop: &mut watch::Receiver<bool>) {
    tokio::select! {
        () = shared.wake.notified() => {}
        () = tokio::time::sleep(shared.config.poll_interval) => {}
        _ = stop.changed() => {}
    }
}

type Outstanding = Arc<Mutex<BTreeMap<EntryId, LeaseToken>>>;

fn lock(o: &Outstanding) -> std::sync::MutexGuard<'_, BTreeMap<EntryId, LeaseToken>> {
    o.lock().unwrap_or_else(PoisonError::into_inner)
}

async fn process_batch(shared: &Arc<Shared>, batch: Vec<Entry>, stop: &watch::Receiver<bool>) {
    let outstanding: Outstanding = Arc::new(Mutex::new(
        batch
            .iter()
            .filter_map(|e| e.lease().map(|l| (e.id, l)))
            .collect(),
    ));
    let keeper = tokio::spawn(keep_leases(shared.clone(), outstanding.clone()));
    for entry in &batch {
        if *stop.borrow() {
            break;
        }
        let Some(lease) = lock(&outstanding).get(&entry.id).cloned() else {
            // Its lease was lost (expired and taken elsewhere) before we started it.
            continue;
        };
        let outcome = deliver(shared, entry).await;
        lock(&outstanding).remove(&entry.id);
        finish(shared, entry, &lease, outcome).await;
    }
    keeper.abort();
    let _ = keeper.await;
    let left: Vec<LeaseToken> = std::mem::take(&mut *lock(&outstanding))
        .into_values()
        .collect();
    for lease in left {
        match shared.store.release(&lease, shared.clock.now()).await {
            Ok(_) => tracing::debug!(entry = %lease.id, "released (not started)"),
            Err(e) => {
                tracing::warn!(entry = %lease.id, "cannot release; it returns when its lease expires: {e}")
            }
        }
    }
}

/// Extends the outstanding leases every third of the visibility timeout.
async fn keep_leases(shared: Arc<Shared>, outstanding: Outstanding) {
    let visibility = shared.config.lease_visibility;
    let every = (visibility / 3).max(Duration::from_millis(10));
    loop {
        tokio::time::sleep(every).await;
        let leases: Vec<LeaseToken> = lock(&outstanding).values().cloned().collect();
        for lease in leases {
            match shared
                .store
                .extend(&lease, visibility, shared.clock.now())
                .await
            {
                Ok(true) => {}
                Ok(false) => {
                    tracing::warn!(entry = %lease.id, "lease lost while waiting for delivery");
                    lock(&outstanding).remove(&lease.id);
                }
                Err(e) => tracing::warn!(entry = %lease.id, "cannot extend lease: {e}"),
            }
        }
    }
}

enum Outcome {
    Delivered,
    Transient {
        message: String,
        retry_after: Option<Duration>,
    },
    Permanent(String),
}

/// Delivers `entry` to every sink concurrently; done when all accepted.
async fn deliver(shared: &Shared, entry: &Entry) -> Outcome {
    let results = futures::future::join_all(shared.sinks.iter().map(|slot| async move {
        let result = AssertUnwindSafe(slot.sink.deliver(entry))
            .catch_unwind()
            .await
            .unwrap_or_else(|_| Err(SinkError::permanent("the sink panicked")));
        match &result {
            Ok(()) => slot.ok.increment(1),
            Err(SinkError::Transient { .. }) => slot.transient.increment(1),
            Err(SinkError::Permanent { .. }) => slot.permanent.increment(1),
        }
        (slot.sink.name(), result)
    }))
    .await;
    let mut permanent = Vec::new();
    let mut transient = Vec::new();
    let mut retry_after: Option<Duration> = None;
    for (name, result) in results {
        match result {
            Ok(()) => {}
            Err(SinkError::Permanent { message }) => permanent.push(format!("{name}: {message}")),
            Err(SinkError::Transient {
                message,
                retry_after: after,
            }) => {
                transient.push(format!("{name}: {message}"));
                retry_after = retry_after.max(after);
            }
        }
    }
    if !permanent.is_empty() {
        permanent.extend(transient);
        Outcome::Permanent(permanent.join("; "))
    } else if !transient.is_empty() {
        Outcome::Transient {
            message: transient.join("; "),
            retry_after,
        }
    } else {
        Outcome::Delivered
    }
}

async fn finish(shared: &Arc<Shared>, entry: &Entry, lease: &LeaseToken, outcome: Outcome) {
    let store = &shared.store;
    let now = shared.clock.now();
    let connector = entry.event.connector.as_str();
    let labels = [("connector", connector)];
    let (result, what) = match outcome {
        Outcome::Delivered => (store.ack(lease, now).await, "ack"),
        Outcome::Permanent(message) => {
            tracing::warn!(entry = %entry.id, connector, event_id = %entry.event.event_id, "permanent failure, dead-lettered: {message}");
            shared.metrics.counter(DEAD_LETTERED, &labels).increment(1);
            (store.dead_letter(lease, &message, now).await, "dead_letter")
        }
        Outcome::Transient {
            message,
            retry_after,
        } => {
            let attempt = entry.attempts as usize;
            match shared.config.retry_schedule.get(attempt) {
                Some(&base) => {
                    let delay = jittered(base, shared.config.retry_jitter)
                        .max(retry_after.unwrap_or_default());
                    tracing::info!(entry = %entry.id, connector, attempt = attempt + 1, ?delay, "transient failure, will retry: {message}");
                    shared.metrics.counter(RETRIED, &labels).increment(1);
                    let result = store.retry_at(lease, now + delay, &message, now).await;
                    wake_after(Arc::downgrade(shared), delay);
                    (result, "retry_at")
                }
                None => {
                    let message = format!("gave up after {} attempts: {message}", attempt + 1);
                    tracing::warn!(entry = %entry.id, connector, event_id = %entry.event.event_id, "{message}; dead-lettered");
                    shared.metrics.counter(DEAD_LETTERED, &labels).increment(1);
                    (store.dead_letter(lease, &message, now).await, "dead_letter")
                }
            }
        }
    };
    match result {
        Ok(true) => {}
        Ok(false) => tracing::warn!(
            entry = %entry.id,
            "{what}: the lease was lost meanwhile; another worker may deliver it again"
        ),
        Err(e) => tracing::error!(
            entry = %entry.id,
            "{what} failed; the entry returns when its lease expires: {e}"
        ),
    }
}

/// `base × (1 ± jitter)`.
fn jittered(base: Duration, jitter: f64) -> Duration {
    if jitter <= 0.0 {
        return base;
    }
    let factor = 1.0 + jitter * (fastrand::f64() * 2.0 - 1.0);
    base.mul_f64(factor.max(0.0))
}

/// Wakes a worker when a retry falls due (sooner than the next poll).
fn wake_after(shared: Weak<Shared>, delay: Duration) {
    tokio::spawn(async move {
        tokio::time::sleep(delay).await;
        if let Some(shared) = shared.upgrade() {
            shared.wake.notify_one();
        }
    });
}

/// Purges claims past retention and old delivered entries every `purge_every`, and drains
/// histogram samples.
pub(crate) async fn housekeeping(shared: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    let mut purge = tokio::time::interval(shared.config.purge_every);
    purge.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut upkeep = tokio::time::interval(UPKEEP_EVERY);
    upkeep.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = purge.tick() => {
                match shared.store.purge(shared.clock.now(), shared.config.claim_retention).await {
                    Ok(r) if r.claims + r.entries > 0 => {
                        tracing::info!(claims = r.claims, entries = r.entries, "purged");
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!("purge failed: {e}"),
                }
            }
            _ = upkeep.tick() => shared.metrics.upkeep(),
            _ = stop.changed() => break,
        }
        if *stop.borrow() {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_stays_within_bounds() {
        let base = Duration::from_secs(10);
        assert_eq!(jittered(base, 0.0), base);
        for _ in 0..1000 {
            let d = jittered(base, 0.2);
            assert!(
                d >= Duration::from_secs(8) && d <= Duration::from_secs(12),
                "{d:?}"
            );
        }
    }
}
