//! The [`Store`] trait: one contract for claims, the inbox and credentials, whatever the
//! backend.

use std::path::Path;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;

use crate::error::{StoreError, StoreResult};
use crate::model::{
    CasOutcome, CredentialRecord, Enqueued, Entry, EntryFilter, EntryId, LeaseToken, NewEntry,
    PurgeReport, QueueStats,
};

/// How long claims and delivered entries are kept by default: 30 days.
pub const DEFAULT_RETENTION: Duration = Duration::from_secs(30 * 24 * 3600);

/// The state plugboard keeps. Every method is atomic on its own; `now` is the caller's clock.
///
/// The inbox is a queue: [`enqueue`](Store::enqueue) appends (claiming the event's
/// idempotency key in the same atomic step, so a claimed event is always stored),
/// [`lease`](Store::lease) hands ready entries to a worker for a visibility timeout, and the
/// worker ends the lease with [`ack`](Store::ack), [`retry_at`](Store::retry_at),
/// [`dead_letter`](Store::dead_letter) or [`release`](Store::release). A lease that expires
/// (its worker died) makes the entry leasable again.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// `memory`, `sqlite` or `redis`.
    fn backend(&self) -> &'static str;

    // --- idempotency claims ---

    /// Claims `key` for `ttl`: `true` the first time, `false` while an unexpired claim exists.
    async fn claim(&self, key: &str, ttl: Duration, now: SystemTime) -> StoreResult<bool>;

    // --- inbox ---

    /// Claims the entry's [`claim_key`](NewEntry::claim_key) for `claim_ttl` and appends it,
    /// as one atomic step: either both happen or neither. A claimed key answers `Duplicate`
    /// and appends nothing. The entry is durable when this returns.
    async fn enqueue(
        &self,
        entry: NewEntry,
        claim_ttl: Duration,
        now: SystemTime,
    ) -> StoreResult<Enqueued>;

    /// Leases up to `max` entries to `owner` for `visibility`: ready entries due by `now`
    /// (oldest due first) and leased entries whose lease expired.
    async fn lease(
        &self,
        owner: &str,
        max: usize,
        visibility: Duration,
        now: SystemTime,
    ) -> StoreResult<Vec<Entry>>;

    /// Extends a lease still held to `now + visibility`; `false` if it was lost.
    async fn extend(
        &self,
        lease: &LeaseToken,
        visibility: Duration,
        now: SystemTime,
    ) -> StoreResult<bool>;

    /// Marks a leased entry delivered; `false` if the lease was lost.
    async fn ack(&self, lease: &LeaseToken, now: SystemTime) -> StoreResult<bool>;

    /// Counts a failed attempt and makes the entry ready again at `at`; `false` if the lease
    /// was lost.
    async fn retry_at(
        &self,
        lease: &LeaseToken,
        at: SystemTime,
        error: &str,
        now: SystemTime,
    ) -> StoreResult<bool>;

    /// Counts a failed attempt and moves the entry to the dead-letter queue; `false` if the
    /// lease was lost.
    async fn dead_letter(
        &self,
        lease: &LeaseToken,
        error: &str,
        now: SystemTime,
    ) -> StoreResult<bool>;

    /// Gives a lease back without counting an attempt (graceful shutdown); `false` if lost.
    async fn release(&self, lease: &LeaseToken, now: SystemTime) -> StoreResult<bool>;

    /// Makes every entry leased by `owner` ready again (a host restarting after a crash
    /// recovers its own leases at once instead of waiting for them to expire). Returns how
    /// many.
    async fn release_owner(&self, owner: &str, now: SystemTime) -> StoreResult<u64>;

    /// One entry.
    async fn get(&self, id: EntryId) -> StoreResult<Option<Entry>>;

    /// Entries passing `filter`, by increasing id.
    async fn list(&self, filter: &EntryFilter) -> StoreResult<Vec<Entry>>;

    /// Moves a dead entry back to ready (attempts reset); `false` if it is not dead.
    async fn replay(&self, id: EntryId, now: SystemTime) -> StoreResult<bool>;

    /// Replays every dead entry (of one connector, when given). Returns how many.
    async fn replay_all(&self, connector: Option<&str>, now: SystemTime) -> StoreResult<u64>;

    /// Queue figures per connector.
    async fn stats(&self, now: SystemTime) -> StoreResult<QueueStats>;

    /// Removes expired claims and entries delivered more than `retention` ago. Dead entries
    /// stay until replayed.
    async fn purge(&self, now: SystemTime, retention: Duration) -> StoreResult<PurgeReport>;

    // --- credentials ---

    /// A credential record.
    async fn get_credential(&self, key: &str) -> StoreResult<Option<CredentialRecord>>;

    /// Writes `data` under `key` if its current version is `expected` (`None`: the record
    /// must not exist). The new version is the old one plus one (1 for a new record).
    async fn put_credential(
        &self,
        key: &str,
        expected: Option<u64>,
        data: Vec<u8>,
        now: SystemTime,
    ) -> StoreResult<CasOutcome>;

    /// Every credential record whose key starts with `prefix`, by key.
    async fn list_credentials(&self, prefix: &str) -> StoreResult<Vec<CredentialRecord>>;

    /// Deletes `key` if its version is `expected`.
    async fn delete_credential(&self, key: &str, expected: u64) -> StoreResult<CasOutcome>;

    // --- locks (cross-process single flight) ---

    /// Takes the named lock for `owner` until `now + ttl`: `true` if free, expired or already
    /// held by `owner` (then extended).
    async fn try_lock(
        &self,
        name: &str,
        owner: &str,
        ttl: Duration,
        now: SystemTime,
    ) -> StoreResult<bool>;

    /// Releases the named lock if `owner` holds it.
    async fn unlock(&self, name: &str, owner: &str) -> StoreResult<()>;

    // --- operations ---

    /// Writes a consistent copy of the store to `path` while it is in use.
    async fn backup(&self, _path: &Path) -> StoreResult<()> {
        Err(StoreError::Unsupported {
            backend: self.backend(),
            operation: "backup",
        })
    }

    /// Makes everything accepted so far durable (called at shutdown).
    async fn flush(&self) -> StoreResult<()> {
        Ok(())
    }
}
