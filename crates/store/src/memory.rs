//! [`MemoryStore`]: every record in one process's memory, for tests and embedding.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;

use crate::error::StoreResult;
use crate::model::{
    CasOutcome, ConnectorStats, CredentialRecord, Enqueued, Entry, EntryFilter, EntryId,
    EntryState, LeaseToken, NewEntry, PurgeReport, QueueStats, unix_millis,
};
use crate::store::Store;

/// A store that lives and dies with the process.
#[derive(Debug, Default)]
pub struct MemoryStore {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    claims: HashMap<String, i64>,
    entries: BTreeMap<EntryId, Entry>,
    next_id: u64,
    next_token: u64,
    credentials: BTreeMap<String, CredentialRecord>,
    locks: HashMap<String, (String, i64)>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn with<T>(&self, f: impl FnOnce(&mut Inner) -> T) -> T {
        let mut guard = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut guard)
    }
}

fn ms(d: Duration) -> i64 {
    d.as_millis().min(i64::MAX as u128) as i64
}

impl Inner {
    fn claim(&mut self, key: &str, ttl: Duration, now: i64) -> bool {
        match self.claims.get(key) {
            Some(&expires) if expires > now => false,
            _ => {
                self.claims
                    .insert(key.to_string(), now.saturating_add(ms(ttl)));
                true
            }
        }
    }

    /// The entry if `lease` still holds it.
    fn held(&mut self, lease: &LeaseToken) -> Option<&mut Entry> {
        self.entries
            .get_mut(&lease.id)
            .filter(|e| e.state == EntryState::Leased && e.lease_token == Some(lease.token))
    }
}

fn end_lease(e: &mut Entry, state: EntryState, now: i64) {
    e.state = state;
    e.lease_owner = None;
    e.lease_until_ms = None;
    e.lease_token = None;
    e.updated_at_ms = now;
}

#[async_trait]
impl Store for MemoryStore {
    fn backend(&self) -> &'static str {
        "memory"
    }

    async fn claim(&self, key: &str, ttl: Duration, now: SystemTime) -> StoreResult<bool> {
        Ok(self.with(|s| s.claim(key, ttl, unix_millis(now))))
    }

    async fn enqueue(
        &self,
        entry: NewEntry,
        claim_ttl: Duration,
        now: SystemTime,
    ) -> StoreResult<Enqueued> {
        let now = unix_millis(now);
        Ok(self.with(|s| {
            if !s.claim(&entry.claim_key(), claim_ttl, now) {
                return Enqueued::Duplicate;
            }
            s.next_id += 1;
            let id = EntryId(s.next_id);
            s.entries.insert(
                id,
                Entry {
                    id,
                    event: entry,
                    state: EntryState::Ready,
                    attempts: 0,
                    next_attempt_at_ms: now,
                    last_error: None,
                    lease_owner: None,
                    lease_until_ms: None,
                    lease_token: None,
                    updated_at_ms: now,
                },
            );
            Enqueued::Appended(id)
        }))
    }

    async fn lease(
        &self,
        owner: &str,
        max: usize,
        visibility: Duration,
        now: SystemTime,
    ) -> StoreResult<Vec<Entry>> {
        let now = unix_millis(now);
        Ok(self.with(|s| {
            let mut due: Vec<(i64, EntryId)> = s
                .entries
                .values()
                .filter_map(|e| match e.state {
                    EntryState::Ready if e.next_attempt_at_ms <= now => {
                        Some((e.next_attempt_at_ms, e.id))
                    }
                    EntryState::Leased if e.lease_until_ms.is_some_and(|u| u <= now) => {
                        e.lease_until_ms.map(|u| (u, e.id))
                    }
                    _ => None,
                })
                .collect();
            due.sort();
            due.truncate(max);
            let mut out = Vec::with_capacity(due.len());
            for (_, id) in due {
                s.next_token += 1;
                let token = s.next_token;
                if let Some(e) = s.entries.get_mut(&id) {
                    e.state = EntryState::Leased;
                    e.lease_owner = Some(owner.to_string());
                    e.lease_until_ms = Some(now.saturating_add(ms(visibility)));
                    e.lease_token = Some(token);
                    e.updated_at_ms = now;
                    out.push(e.clone());
                }
            }
            out
        }))
    }

    async fn extend(
        &self,
        lease: &LeaseToken,
        visibility: Duration,
        now: SystemTime,
    ) -> StoreResult<bool> {
        let now = unix_millis(now);
        Ok(self.with(|s| match s.held(lease) {
            Some(e) => {
                e.lease_until_ms = Some(now.saturating_add(ms(visibility)));
                true
            }
            None => false,
        }))
    }

    async fn ack(&self, lease: &LeaseToken, now: SystemTime) -> StoreResult<bool> {
        let now = unix_millis(now);
        Ok(self.with(|s| match s.held(lease) {
            Some(e) => {
                end_lease(e, EntryState::Done, now);
                true
            }
            None => false,
        }))
    }

    async fn retry_at(
        &self,
        lease: &LeaseToken,
        at: SystemTime,
        error: &str,
        now: SystemTime,
    ) -> StoreResult<bool> {
        let now = unix_millis(now);
        Ok(self.with(|s| match s.held(lease) {
            Some(e) => {
                end_lease(e, EntryState::Ready, now);
                e.attempts += 1;
                e.next_attempt_at_ms = unix_millis(at);
                e.last_error = Some(error.to_string());
                true
            }
            None => false,
        }))
    }

    async fn dead_letter(
        &self,
        lease: &LeaseToken,
        error: &str,
        now: SystemTime,
    ) -> StoreResult<bool> {
        let now = unix_millis(now);
        Ok(self.with(|s| match s.held(lease) {
            Some(e) => {
                end_lease(e, EntryState::Dead, now);
                e.attempts += 1;
                e.last_error = Some(error.to_string());
                true
            }
            None => false,
        }))
    }

    async fn release(&self, lease: &LeaseToken, now: SystemTime) -> StoreResult<bool> {
        let now = unix_millis(now);
        Ok(self.with(|s| match s.held(lease) {
            Some(e) => {
                end_lease(e, EntryState::Ready, now);
                e.next_attempt_at_ms = now;
                true
            }
            None => false,
        }))
    }

    async fn release_owner(&self, owner: &str, now: SystemTime) -> StoreResult<u64> {
        let now = unix_millis(now);
        Ok(self.with(|s| {
            let mut n = 0;
            for e in s.entries.values_mut() {
                if e.state == EntryState::Leased && e.lease_owner.as_deref() == Some(owner) {
                    end_lease(e, EntryState::Ready, now);
                    e.next_attempt_at_ms = now;
                    n += 1;
                }
            }
            n
        }))
    }

    async fn get(&self, id: EntryId) -> StoreResult<Option<Entry>> {
        Ok(self.with(|s| s.entries.get(&id).cloned()))
    }

    async fn list(&self, filter: &EntryFilter) -> StoreResult<Vec<Entry>> {
        Ok(self.with(|s| {
            s.entries
                .values()
                .filter(|e| filter.matches(e))
                .take(filter.effective_limit())
                .cloned()
                .collect()
        }))
    }

    async fn replay(&self, id: EntryId, now: SystemTime) -> StoreResult<bool> {
        let now = unix_millis(now);
        Ok(self.with(|s| match s.entries.get_mut(&id) {
            Some(e) if e.state == EntryState::Dead => {
                e.state = EntryState::Ready;
                e.attempts = 0;
                e.next_attempt_at_ms = now;
                e.updated_at_ms = now;
                true
            }
            _ => false,
        }))
    }

    async fn replay_all(&self, connector: Option<&str>, now: SystemTime) -> StoreResult<u64> {
        let now = unix_millis(now);
        Ok(self.with(|s| {
            let mut n = 0;
            for e in s.entries.values_mut() {
                if e.state == EntryState::Dead && connector.is_none_or(|c| c == e.event.connector) {
                    e.state = EntryState::Ready;
                    e.attempts = 0;
                    e.next_attempt_at_ms = now;
                    e.updated_at_ms = now;
                    n += 1;
                }
            }
            n
        }))
    }

    async fn stats(&self, _now: SystemTime) -> StoreResult<QueueStats> {
        Ok(self.with(|s| {
            let mut stats = QueueStats::default();
            for e in s.entries.values() {
                let c: &mut ConnectorStats = stats
                    .connectors
                    .entry(e.event.connector.clone())
                    .or_default();
                match e.state {
                    EntryState::Ready => c.ready += 1,
                    EntryState::Leased => c.leased += 1,
                    EntryState::Done => c.done += 1,
                    EntryState::Dead => c.dead += 1,
                }
                if matches!(e.state, EntryState::Ready | EntryState::Leased) {
                    let t = e.event.received_at_ms;
                    c.oldest_pending_ms = Some(c.oldest_pending_ms.map_or(t, |o| o.min(t)));
                }
            }
            stats
        }))
    }

    async fn purge(&self, now: SystemTime, retention: Duration) -> StoreResult<PurgeReport> {
        let now = unix_millis(now);
        let cutoff = now.saturating_sub(ms(retention));
        Ok(self.with(|s| {
            let claims_before = s.claims.len();
            s.claims.retain(|_, &mut expires| expires > now);
            let entries_before = s.entries.len();
            s.entries
                .retain(|_, e| !(e.state == EntryState::Done && e.updated_at_ms <= cutoff));
            PurgeReport {
                claims: (claims_before - s.claims.len()) as u64,
                entries: (entries_before - s.entries.len()) as u64,
            }
        }))
    }

    async fn get_credential(&self, key: &str) -> StoreResult<Option<CredentialRecord>> {
        Ok(self.with(|s| s.credentials.get(key).cloned()))
    }

    async fn put_credential(
        &self,
        key: &str,
        expected: Option<u64>,
        data: Vec<u8>,
        now: SystemTime,
    ) -> StoreResult<CasOutcome> {
        Ok(self.with(|s| {
            let current = s.credentials.get(key).map(|r| r.version);
            if current != expected {
                return CasOutcome::Conflict { current };
            }
            let version = current.unwrap_or(0) + 1;
            s.credentials.insert(
                key.to_string(),
                CredentialRecord {
                    key: key.to_string(),
                    version,
                    data,
                    updated_at_ms: unix_millis(now),
                },
            );
            CasOutcome::Written { version }
        }))
    }

    async fn list_credentials(&self, prefix: &str) -> StoreResult<Vec<CredentialRecord>> {
        Ok(self.with(|s| {
            s.credentials
                .range(prefix.to_string()..)
                .take_while(|(k, _)| k.starts_with(prefix))
                .map(|(_, r)| r.clone())
                .collect()
        }))
    }

    async fn delete_credential(&self, key: &str, expected: u64) -> StoreResult<CasOutcome> {
        Ok(self.with(|s| {
            let current = s.credentials.get(key).map(|r| r.version);
            if current != Some(expected) {
                return CasOutcome::Conflict { current };
            }
            s.credentials.remove(key);
            CasOutcome::Written { version: 0 }
        }))
    }

    async fn try_lock(
        &self,
        name: &str,
        owner: &str,
        ttl: Duration,
        now: SystemTime,
    ) -> StoreResult<bool> {
        let now = unix_millis(now);
        Ok(self.with(|s| match s.locks.get(name) {
            Some((holder, until)) if holder != owner && *until > now => false,
            _ => {
                s.locks.insert(
                    name.to_string(),
                    (owner.to_string(), now.saturating_add(ms(ttl))),
                );
                true
            }
        }))
    }

    async fn unlock(&self, name: &str, owner: &str) -> StoreResult<()> {
        self.with(|s| {
            if s.locks.get(name).is_some_and(|(holder, _)| holder == owner) {
                s.locks.remove(name);
            }
        });
        Ok(())
    }
}
