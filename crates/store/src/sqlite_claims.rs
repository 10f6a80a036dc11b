//! Idempotency claims in the SQLite backend: an append-only log in the database (`claim_log`:
//! a 128-bit hash of the key and its expiry, in append order) and, on the writer thread, an
//! index of it in memory.
//!
//! A B-tree keyed by random event ids (GitHub's are UUIDs) makes every claim dirty a different
//! leaf page, so each group commit wrote about one 4 KiB page per event for the claims alone.
//! Appending to a log dirties the last page only. Duplicate checks use the in-memory index,
//! which is exact across processes sharing the file: each check first reads the log rows
//! appended since the index last looked (under the write lock, so nothing can slip in between),
//! and a failed commit drops the index so it is rebuilt from what was committed.
//!
//! The index holds 16 bytes of key hash plus two integers per live claim, and forgets expired
//! claims when the store purges them. Two different keys would have to share a 128-bit
//! SHA-256 prefix to be confused.

use std::cell::RefCell;
use std::collections::HashMap;

use rusqlite::{Connection, params};
use sha2::{Digest, Sha256};

/// The SQL for the log.
pub(crate) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS claim_log (
    seq        INTEGER PRIMARY KEY,
    key        BLOB    NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS claim_log_expiry ON claim_log (expires_at);
";

type Hash = [u8; 16];

/// The writer thread's view of the log.
#[derive(Default)]
struct ClaimIndex {
    loaded: bool,
    /// The last log row read or written.
    last_seq: i64,
    /// Per key hash: the expiry and the log row of its latest claim.
    claims: HashMap<Hash, (i64, i64)>,
}

thread_local! {
    // Only the store's writer thread claims, so the index lives there without a lock; each
    // store has its own writer thread, so stores never share an index.
    static INDEX: RefCell<ClaimIndex> = RefCell::new(ClaimIndex::default());
}

/// The key's hash as stored.
pub(crate) fn hash(key: &str) -> Hash {
    let digest = Sha256::digest(key.as_bytes());
    let mut out = [0u8; 16];
    out.copy_from_slice(&digest[..16]);
    out
}

impl ClaimIndex {
    /// Reads log rows appended since the last look (all of them the first time).
    fn catch_up(&mut self, conn: &Connection) -> rusqlite::Result<()> {
        let mut stmt = conn.prepare_cached(
            "SELECT seq, key, expires_at FROM claim_log WHERE seq > ?1 ORDER BY seq",
        )?;
        let mut rows = stmt.query(params![self.last_seq])?;
        while let Some(row) = rows.next()? {
            let seq: i64 = row.get(0)?;
            let key: Vec<u8> = row.get(1)?;
            let expires: i64 = row.get(2)?;
            if let Ok(hash) = Hash::try_from(key.as_slice()) {
                self.claims.insert(hash, (expires, seq));
            }
            self.last_seq = seq;
        }
        self.loaded = true;
        Ok(())
    }
}

/// What undoing a claim needs.
pub(crate) struct Undo {
    hash: Hash,
    seq: i64,
}

/// Claims `key` until `expires` unless an unexpired claim exists (`None`: a duplicate). Runs
/// inside the writer's transaction.
pub(crate) fn claim(
    conn: &Connection,
    key: &str,
    expires: i64,
    now: i64,
) -> rusqlite::Result<Option<Undo>> {
    INDEX.with(|index| {
        let mut index = index.borrow_mut();
        index.catch_up(conn)?;
        let hash = hash(key);
        let previous = index.claims.get(&hash).copied();
        if previous.is_some_and(|(expiry, _)| expiry > now) {
            return Ok(None);
        }
        if let Some((_, old_seq)) = previous {
            // An expired claim is replaced, so the log holds one row per live key.
            conn.prepare_cached("DELETE FROM claim_log WHERE seq = ?1")?
                .execute(params![old_seq])?;
        }
        conn.prepare_cached("INSERT INTO claim_log (key, expires_at) VALUES (?1, ?2)")?
            .execute(params![&hash[..], expires])?;
        let seq = conn.last_insert_rowid();
        index.last_seq = seq;
        index.claims.insert(hash, (expires, seq));
        Ok(Some(Undo { hash, seq }))
    })
}

/// Takes a claim back within the same transaction (its append failed). An expired claim it
/// replaced is not restored: expired and absent mean the same.
pub(crate) fn undo(conn: &Connection, undo: Undo) {
    INDEX.with(|index| {
        let mut index = index.borrow_mut();
        let _ = conn
            .prepare_cached("DELETE FROM claim_log WHERE seq = ?1")
            .and_then(|mut s| s.execute(params![undo.seq]));
        index.claims.remove(&undo.hash);
    });
}

/// Forgets the in-memory index (a transaction failed to commit): the next claim rebuilds it
/// from the log.
pub(crate) fn invalidate() {
    INDEX.with(|index| *index.borrow_mut() = ClaimIndex::default());
}

/// Deletes up to `limit` expired claims; returns how many.
pub(crate) fn purge_chunk(conn: &Connection, now: i64, limit: i64) -> rusqlite::Result<u64> {
    let n = conn
        .prepare_cached(
            "DELETE FROM claim_log WHERE seq IN \
             (SELECT seq FROM claim_log WHERE expires_at <= ?1 LIMIT ?2)",
        )?
        .execute(params![now, limit])?;
    INDEX.with(|index| {
        let mut index = index.borrow_mut();
        if index.loaded {
            index.claims.retain(|_, (expiry, _)| *expiry > now);
        }
    });
    Ok(n as u64)
}

/// Moves a version-1 `claims` table (key text, expiry) into the log.
pub(crate) fn migrate_from_v1(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(SCHEMA)?;
    let rows: Vec<(String, i64)> = conn
        .prepare("SELECT key, expires_at FROM claims ORDER BY expires_at")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut insert = conn.prepare("INSERT INTO claim_log (key, expires_at) VALUES (?1, ?2)")?;
    for (key, expires) in rows {
        insert.execute(params![&hash(&key)[..], expires])?;
    }
    conn.execute_batch("DROP TABLE claims;")
}
