//! plugboard-store: the state plugboard keeps, behind one [`Store`] trait — idempotency claims,
//! the durable webhook inbox (a queue with leases, retries and a dead-letter state) and
//! versioned credential records — with backends in memory, in SQLite (the embedded default)
//! and in Redis (several hosts sharing work).
//!
//! Every backend passes the same behaviour suite (`tests/behaviour.rs`). Times are passed in by
//! the caller (`now`), so expiry is tested without sleeping and every host agrees on one clock
//! source: its own.
#![doc = include_str!("../README.md")]

pub mod error;
pub mod memory;
pub mod model;
pub mod open;
pub mod redis;
pub mod sqlite;
mod sqlite_claims;
pub mod store;

pub use error::{StoreError, StoreResult};
pub use memory::MemoryStore;
pub use model::{
    CasOutcome, ConnectorStats, CredentialRecord, Enqueued, Entry, EntryFilter, EntryId,
    EntryState, LeaseToken, NewEntry, PurgeReport, QueueStats, from_unix_millis, unix_millis,
};
pub use open::{StoreUrl, open, spawn_purger};
pub use sqlite::SqliteStore;
pub use store::{DEFAULT_RETENTION, Store};

pub use crate::redis::RedisStore;
