//! The records a [`Store`](crate::Store) keeps: inbox entries, their states and leases,
//! queue statistics and versioned credential records.

use std::collections::BTreeMap;
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use serde::{Deserialize, Serialize};

/// Milliseconds since the Unix epoch (0 before it), the unit every backend stores times in.
pub fn unix_millis(t: SystemTime) -> i64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// The inverse of [`unix_millis`].
pub fn from_unix_millis(ms: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(ms.max(0) as u64)
}

/// An inbox entry's id: assigned by the store, increasing in append order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EntryId(pub u64);

impl fmt::Display for EntryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Proof of holding an entry's lease. Every transition out of `Leased` must present it; a
/// holder whose lease expired and was taken by another worker is refused (`Ok(false)`), so an
/// entry is never acknowledged by a worker that no longer owns it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LeaseToken {
    /// The leased entry.
    pub id: EntryId,
    /// A number that changes with every lease of this entry.
    pub token: u64,
}

/// Where an entry is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryState {
    /// Waiting for a worker (possibly not before `next_attempt_at`).
    Ready,
    /// Held by a worker until its lease expires.
    Leased,
    /// Delivered; kept for the retention period, then purged.
    Done,
    /// Failed permanently or exhausted its retries; kept until replayed.
    Dead,
}

impl EntryState {
    /// The lowercase name used in storage, filters and output.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ready => "ready",
            Self::Leased => "leased",
            Self::Done => "done",
            Self::Dead => "dead",
        }
    }

    /// Parses [`EntryState::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "ready" => Self::Ready,
            "leased" => Self::Leased,
            "done" => Self::Done,
            "dead" => Self::Dead,
            _ => return None,
        })
    }
}

/// A verified webhook event to append to the inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewEntry {
    /// The connector it came through (`github`).
    pub connector: String,
    /// The connection, for per-connection webhook URLs.
    pub connection: Option<String>,
    /// The platform's event id (or a body digest).
    pub event_id: String,
    /// The event type.
    pub event_type: String,
    /// When it was received, in Unix milliseconds.
    pub received_at_ms: i64,
    /// Platform attributes kept from the delivery (`retry_num`, ...).
    pub attributes: BTreeMap<String, String>,
    /// The raw body.
    #[serde(with = "body_serde")]
    pub body: Bytes,
}

impl NewEntry {
    /// The idempotency key this entry is claimed under: connector, connection and event id.
    pub fn claim_key(&self) -> String {
        format!(
            "{}/{}/{}",
            self.connector,
            self.connection.as_deref().unwrap_or("-"),
            self.event_id
        )
    }
}

/// An entry as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Its id.
    pub id: EntryId,
    /// What was appended.
    #[serde(flatten)]
    pub event: NewEntry,
    /// Its state.
    pub state: EntryState,
    /// Failed delivery attempts so far (counted by `retry_at` and `dead_letter`).
    pub attempts: u32,
    /// Not to be leased before this time (Unix ms).
    pub next_attempt_at_ms: i64,
    /// The last delivery error.
    pub last_error: Option<String>,
    /// The current lease holder, while leased.
    pub lease_owner: Option<String>,
    /// When the current lease expires (Unix ms), while leased.
    pub lease_until_ms: Option<i64>,
    /// The current lease token, while leased.
    pub lease_token: Option<u64>,
    /// When the entry last changed state (Unix ms).
    pub updated_at_ms: i64,
}

impl Entry {
    /// The lease proof, while leased.
    pub fn lease(&self) -> Option<LeaseToken> {
        self.lease_token
            .map(|token| LeaseToken { id: self.id, token })
    }
}

/// The result of [`Store::enqueue`](crate::Store::enqueue).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enqueued {
    /// First sight of this event: appended under this id.
    Appended(EntryId),
    /// The event was claimed before (within retention): nothing appended.
    Duplicate,
}

/// Which entries [`Store::list`](crate::Store::list) returns, oldest id first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntryFilter {
    /// Only this state.
    pub state: Option<EntryState>,
    /// Only this connector.
    pub connector: Option<String>,
    /// Only ids greater than this (paging).
    pub after: Option<EntryId>,
    /// At most this many (0 means 100).
    pub limit: usize,
}

impl EntryFilter {
    /// The effective limit.
    pub fn effective_limit(&self) -> usize {
        if self.limit == 0 { 100 } else { self.limit }
    }

    /// Whether `entry` passes the filter (ignoring the limit).
    pub fn matches(&self, entry: &Entry) -> bool {
        self.state.is_none_or(|s| s == entry.state)
            && self
                .connector
                .as_deref()
                .is_none_or(|c| c == entry.event.connector)
            && self.after.is_none_or(|a| entry.id > a)
    }
}

/// Queue figures for one connector.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectorStats {
    /// Entries waiting (including those scheduled for a retry).
    pub ready: u64,
    /// Entries held by workers.
    pub leased: u64,
    /// Entries in the dead-letter queue.
    pub dead: u64,
    /// Delivered entries not yet purged.
    pub done: u64,
    /// When the oldest ready or leased entry was received (Unix ms).
    pub oldest_pending_ms: Option<i64>,
}

/// Queue figures per connector.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueStats {
    /// By connector id.
    pub connectors: BTreeMap<String, ConnectorStats>,
}

impl QueueStats {
    /// Figures for one connector (zero when it has none).
    pub fn connector(&self, id: &str) -> ConnectorStats {
        self.connectors.get(id).cloned().unwrap_or_default()
    }
}

/// What [`Store::purge`](crate::Store::purge) removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PurgeReport {
    /// Expired idempotency claims.
    pub claims: u64,
    /// Delivered entries older than the retention.
    pub entries: u64,
}

/// A credential record: opaque (encrypted) bytes under a key, with a version that increases
/// by one on every write.
#[derive(Clone, PartialEq, Eq)]
pub struct CredentialRecord {
    /// Its key, e.g. `github/default`.
    pub key: String,
    /// Its version (1 for the first write).
    pub version: u64,
    /// The sealed bytes; the store never interprets them.
    pub data: Vec<u8>,
    /// When it was written (Unix ms).
    pub updated_at_ms: i64,
}

impl fmt::Debug for CredentialRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialRecord")
            .field("key", &self.key)
            .field("version", &self.version)
            .field("data", &format_args!("[{} bytes]", self.data.len()))
            .field("updated_at_ms", &self.updated_at_ms)
            .finish()
    }
}

/// The result of a compare-and-swap write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CasOutcome {
    /// Written; the record now has this version (0 after a delete).
    Written {
        /// The new version.
        version: u64,
    },
    /// Refused: the record's version was not the expected one.
    Conflict {
        /// The version found (`None`: no record).
        current: Option<u64>,
    },
}

mod body_serde {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    use bytes::Bytes;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(b: &Bytes, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&STANDARD.encode(b))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Bytes, D::Error> {
        let s = String::deserialize(d)?;
        STANDARD
            .decode(s)
            .map(Bytes::from)
            .map_err(serde::de::Error::custom)
    }
}
