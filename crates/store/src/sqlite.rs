//! [`SqliteStore`]: the embedded default — one SQLite file in WAL mode, every write funnelled
//! through one writer thread that commits whatever is queued in a single transaction (group
//! commit: one fsync for many appends).
//!
//! Reads (`get`, `list`, `stats`, credentials) use their own connections on the blocking pool,
//! so they never wait behind a commit. Several processes may share one file: every write
//! transaction starts with `BEGIN IMMEDIATE`, which serialises them.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use bytes::Bytes;
use rusqlite::{Connection, OpenFlags, OptionalExtension, Row, params};
use tokio::sync::oneshot;

use crate::error::{StoreError, StoreResult};
use crate::model::{
    CasOutcome, CredentialRecord, Enqueued, Entry, EntryFilter, EntryId, EntryState, LeaseToken,
    NewEntry, PurgeReport, QueueStats, unix_millis,
};
use crate::sqlite_claims as claims;
use crate::store::Store;

const BACKEND: &str = "sqlite";
/// The schema this build writes (`PRAGMA user_version`).
const SCHEMA_VERSION: i64 = 2;
/// The most jobs one group commit takes.
const MAX_BATCH: usize = 512;
/// Rows one purge step deletes, so a large purge never holds the writer for long.
const PURGE_CHUNK: i64 = 5_000;
/// How long a connection waits for another process's write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// Idle read connections kept open.
const MAX_IDLE_READERS: usize = 4;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS entries (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    connector       TEXT    NOT NULL,
    connection      TEXT,
    event_id        TEXT    NOT NULL,
    event_type      TEXT    NOT NULL,
    received_at     INTEGER NOT NULL,
    attributes      TEXT    NOT NULL,
    body            BLOB    NOT NULL,
    state           TEXT    NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    lease_owner     TEXT,
    lease_until     INTEGER,
    lease_token     INTEGER,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS entries_ready ON entries (next_attempt_at, id) WHERE state = 'ready';
CREATE INDEX IF NOT EXISTS entries_leased ON entries (lease_until, id) WHERE state = 'leased';
CREATE INDEX IF NOT EXISTS entries_done ON entries (updated_at) WHERE state = 'done';
CREATE INDEX IF NOT EXISTS entries_stats ON entries (state, connector, received_at);
CREATE TABLE IF NOT EXISTS credentials (
    key        TEXT    PRIMARY KEY,
    version    INTEGER NOT NULL,
    data       BLOB    NOT NULL,
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS locks (
    name  TEXT    PRIMARY KEY,
    owner TEXT    NOT NULL,
    until INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT    PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT OR IGNORE INTO meta (key, value) VALUES ('lease_seq', 0);
";

const COLUMNS: &str = "id, connector, connection, event_id, event_type, received_at, attributes, \
     body, state, attempts, next_attempt_at, last_error, lease_owner, lease_until, lease_token, \
     updated_at";

fn sql_err(e: rusqlite::Error) -> StoreError {
    StoreError::backend(BACKEND, e)
}

fn ms(d: Duration) -> i64 {
    d.as_millis().min(i64::MAX as u128) as i64
}

/// A store in one SQLite file. Dropping it lets the writer finish what is queued, then stops
/// it.
pub struct SqliteStore {
    path: PathBuf,
    jobs: Option<mpsc::Sender<Box<dyn Job>>>,
    writer: Option<JoinHandle<()>>,
    checkpoint_stop: Option<mpsc::Sender<()>>,
    checkpointer: Option<JoinHandle<()>>,
    readers: Arc<ReadPool>,
    commits: Arc<AtomicU64>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .field("commits", &self.commit_count())
            .finish_non_exhaustive()
    }
}

impl SqliteStore {
    /// Opens (creating when missing, with its parent directories) the store at `path`: WAL
    /// journal, `synchronous=FULL` (a commit survives a power cut), the current schema, and a
    /// writer thread.
    pub fn open(path: impl AsRef<Path>) -> StoreResult<Self> {
        let path = path.as_ref().to_path_buf();
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| {
                StoreError::backend(BACKEND, format!("cannot create {}: {e}", parent.display()))
            })?;
        }
        let conn = open_connection(&path)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(sql_err)?;
        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .map_err(sql_err)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::backend(
                BACKEND,
                format!("{} cannot use WAL journal mode ({mode})", path.display()),
            ));
        }
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(sql_err)?;
        // 8 MiB: a larger page cache makes every commit's cache truncation walk more pages.
        conn.pragma_update(None, "cache_size", -8_192)
            .map_err(sql_err)?;
        // The checkpointer thread copies the WAL back as it goes; the writer's own checkpoint
        // (every 10 000 pages) then finds little left to copy and restarts the WAL.
        conn.pragma_update(None, "wal_autocheckpoint", 10_000)
            .map_err(sql_err)?;
        migrate(&conn, &path)?;
        conn.set_prepared_statement_cache_capacity(64);

        let commits = Arc::new(AtomicU64::new(0));
        let (jobs, rx) = mpsc::channel::<Box<dyn Job>>();
        let writer_commits = Arc::clone(&commits);
        let writer = std::thread::Builder::new()
            .name("plugboard-sqlite-writer".into())
            .spawn(move || writer_loop(conn, rx, &writer_commits))
            .map_err(|e| StoreError::backend(BACKEND, format!("cannot start writer: {e}")))?;
        let checkpoint_conn = open_connection(&path)?;
        let (checkpoint_stop, stop) = mpsc::channel::<()>();
        let checkpointer = std::thread::Builder::new()
            .name("plugboard-sqlite-checkpointer".into())
            .spawn(move || checkpoint_loop(&checkpoint_conn, &stop))
            .map_err(|e| {
                StoreError::backend(BACKEND, format!("cannot start the checkpointer: {e}"))
            })?;
        Ok(Self {
            checkpoint_stop: Some(checkpoint_stop),
            checkpointer: Some(checkpointer),
            readers: Arc::new(ReadPool {
                path: path.clone(),
                idle: Mutex::new(Vec::new()),
            }),
            path,
            jobs: Some(jobs),
            writer: Some(writer),
            commits,
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Write transactions committed by this store so far. Many concurrent enqueues share one
    /// commit, so under load this grows far slower than the number of writes.
    pub fn commit_count(&self) -> u64 {
        self.commits.load(Ordering::Relaxed)
    }

    /// Runs `f` on the writer inside the next group commit; answers once that commit is
    /// durable. `f` runs in its own savepoint: when it fails, its changes are undone and the
    /// rest of the batch still commits.
    async fn write<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        self.write_job(f, true).await
    }

    /// Like [`write`](Self::write), for a job that undoes its own partial writes on failure
    /// (two statements fewer per job: the enqueue hot path).
    async fn write_job<T, F>(&self, f: F, savepoint: bool) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        let job: Box<dyn Job> = Box::new(WriteJob { f, tx, savepoint });
        self.jobs
            .as_ref()
            .ok_or_else(writer_gone)?
            .send(job)
            .map_err(|_| writer_gone())?;
        rx.await.map_err(|_| writer_gone())?
    }

    /// Runs `f` on a read connection on the blocking pool.
    async fn read<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        let pool = Arc::clone(&self.readers);
        tokio::task::spawn_blocking(move || {
            let conn = pool.take()?;
            let out = f(&conn);
            pool.give_back(conn);
            out
        })
        .await
        .map_err(|e| StoreError::backend(BACKEND, format!("read task failed: {e}")))?
    }
}

impl Drop for SqliteStore {
    fn drop(&mut self) {
        drop(self.checkpoint_stop.take());
        if let Some(checkpointer) = self.checkpointer.take() {
            let _ = checkpointer.join();
        }
        // Closing the channel lets the writer drain what is queued, checkpoint and exit.
        drop(self.jobs.take());
        if let Some(writer) = self.writer.take() {
            let _ = writer.join();
        }
    }
}

fn writer_gone() -> StoreError {
    StoreError::backend(BACKEND, "the writer thread has stopped")
}

fn open_connection(path: &Path) -> StoreResult<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI,
    )
    .map_err(|e| StoreError::backend(BACKEND, format!("cannot open {}: {e}", path.display())))?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(sql_err)?;
    Ok(conn)
}

/// Creates or checks the schema, under the write lock so two processes opening a new file at
/// once do not race.
fn migrate(conn: &Connection, path: &Path) -> StoreResult<()> {
    conn.execute_batch("BEGIN IMMEDIATE").map_err(sql_err)?;
    let result = (|| {
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(sql_err)?;
        match version {
            0 => {
                conn.execute_batch(SCHEMA).map_err(sql_err)?;
                conn.execute_batch(claims::SCHEMA).map_err(sql_err)?;
                conn.pragma_update(None, "user_version", SCHEMA_VERSION)
                    .map_err(sql_err)
            }
            1 => {
                // Version 2 moved claims from a keyed table to an append-only log.
                claims::migrate_from_v1(conn).map_err(sql_err)?;
                conn.pragma_update(None, "user_version", SCHEMA_VERSION)
                    .map_err(sql_err)
            }
            SCHEMA_VERSION => Ok(()),
            other => Err(StoreError::backend(
                BACKEND,
                format!(
                    "{} has schema version {other}; this build knows version {SCHEMA_VERSION}",
                    path.display()
                ),
            )),
        }
    })();
    match result {
        Ok(()) => conn.execute_batch("COMMIT").map_err(sql_err),
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(e)
        }
    }
}

// --- the writer -----------------------------------------------------------------------------

/// A write queued for the writer thread.
trait Job: Send {
    /// Runs the write inside the open transaction; the result is held until the commit.
    fn run(self: Box<Self>, conn: &Connection) -> Box<dyn Completion>;
    /// The transaction could not start: answers with the failure.
    fn abort(self: Box<Self>, message: &str);
}

/// A write that ran and waits for its transaction to commit.
trait Completion: Send {
    /// Answers the caller: its own result if the commit succeeded, the commit's failure if not.
    fn finish(self: Box<Self>, commit: Result<(), &str>);
}

struct WriteJob<T, F> {
    f: F,
    tx: oneshot::Sender<StoreResult<T>>,
    /// Whether `f` runs in its own savepoint (so a failure undoes its partial writes). A job
    /// that undoes its own partial writes skips it.
    savepoint: bool,
}

struct Done<T> {
    result: StoreResult<T>,
    tx: oneshot::Sender<StoreResult<T>>,
}

impl<T, F> Job for WriteJob<T, F>
where
    T: Send + 'static,
    F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
{
    fn run(self: Box<Self>, conn: &Connection) -> Box<dyn Completion> {
        let result = if self.savepoint {
            in_savepoint(conn, self.f)
        } else {
            (self.f)(conn)
        };
        Box::new(Done {
            result,
            tx: self.tx,
        })
    }

    fn abort(self: Box<Self>, message: &str) {
        let _ = self.tx.send(Err(StoreError::backend(BACKEND, message)));
    }
}

impl<T: Send + 'static> Completion for Done<T> {
    fn finish(self: Box<Self>, commit: Result<(), &str>) {
        let answer = match commit {
            Ok(()) => self.result,
            Err(message) => Err(StoreError::backend(BACKEND, message)),
        };
        let _ = self.tx.send(answer);
    }
}

fn exec(conn: &Connection, sql: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(sql)?.execute([]).map(|_| ())
}

fn in_savepoint<T>(
    conn: &Connection,
    f: impl FnOnce(&Connection) -> StoreResult<T>,
) -> StoreResult<T> {
    exec(conn, "SAVEPOINT job").map_err(sql_err)?;
    let result = f(conn);
    if result.is_err() {
        exec(conn, "ROLLBACK TO job").map_err(sql_err)?;
    }
    exec(conn, "RELEASE job").map_err(sql_err)?;
    result
}

/// How often the checkpointer copies committed WAL frames back into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(200);

/// Copies committed WAL frames into the database file off the writer thread (a passive
/// checkpoint never blocks the writer), until `stop` closes.
fn checkpoint_loop(conn: &Connection, stop: &mpsc::Receiver<()>) {
    while let Err(mpsc::RecvTimeoutError::Timeout) = stop.recv_timeout(CHECKPOINT_EVERY) {
        if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
            tracing::debug!(target: "plugboard::store", backend = BACKEND, error = %e, "passive checkpoint");
        }
    }
}

fn writer_loop(conn: Connection, rx: mpsc::Receiver<Box<dyn Job>>, commits: &AtomicU64) {
    while let Ok(first) = rx.recv() {
        let mut batch = Vec::with_capacity(64);
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        run_batch(&conn, batch, commits);
    }
    // Every handle is gone and the queue is drained: fold the WAL into the main file.
    let _ = conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)");
}

fn run_batch(conn: &Connection, batch: Vec<Box<dyn Job>>, commits: &AtomicU64) {
    if let Err(e) = exec(conn, "BEGIN IMMEDIATE") {
        let message = format!("cannot begin a write transaction: {e}");
        tracing::warn!(target: "plugboard::store", backend = BACKEND, error = %message);
        for job in batch {
            job.abort(&message);
        }
        return;
    }
    let done: Vec<Box<dyn Completion>> = batch.into_iter().map(|job| job.run(conn)).collect();
    match exec(conn, "COMMIT") {
        Ok(()) => {
            commits.fetch_add(1, Ordering::Relaxed);
            for d in done {
                d.finish(Ok(()));
            }
        }
        Err(e) => {
            if !conn.is_autocommit() {
                let _ = conn.execute_batch("ROLLBACK");
            }
            // Claims made in the lost transaction must not count as taken.
            claims::invalidate();
            let message = format!("commit failed: {e}");
            tracing::warn!(target: "plugboard::store", backend = BACKEND, error = %message);
            for d in done {
                d.finish(Err(&message));
            }
        }
    }
}

// --- the read pool --------------------------------------------------------------------------

struct ReadPool {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

impl ReadPool {
    fn take(&self) -> StoreResult<Connection> {
        if let Some(conn) = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop() {
            return Ok(conn);
        }
        let conn = open_connection(&self.path)?;
        conn.pragma_update(None, "query_only", true)
            .map_err(sql_err)?;
        Ok(conn)
    }

    fn give_back(&self, conn: Connection) {
        let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
        if idle.len() < MAX_IDLE_READERS {
            idle.push(conn);
        }
    }
}

// --- row mapping ----------------------------------------------------------------------------

fn read_entry(row: &Row<'_>) -> StoreResult<Entry> {
    let id: i64 = row.get(0).map_err(sql_err)?;
    let corrupt = |message: String| StoreError::Corrupt {
        backend: BACKEND,
        key: format!("entry {id}"),
        message,
    };
    let attributes: String = row.get(6).map_err(sql_err)?;
    let state: String = row.get(8).map_err(sql_err)?;
    let body: Vec<u8> = row.get(7).map_err(sql_err)?;
    let attempts: i64 = row.get(9).map_err(sql_err)?;
    let token: Option<i64> = row.get(14).map_err(sql_err)?;
    Ok(Entry {
        id: EntryId(id as u64),
        event: NewEntry {
            connector: row.get(1).map_err(sql_err)?,
            connection: row.get(2).map_err(sql_err)?,
            event_id: row.get(3).map_err(sql_err)?,
            event_type: row.get(4).map_err(sql_err)?,
            received_at_ms: row.get(5).map_err(sql_err)?,
            attributes: serde_json::from_str(&attributes)
                .map_err(|e| corrupt(format!("attributes: {e}")))?,
            body: Bytes::from(body),
        },
        state: EntryState::parse(&state).ok_or_else(|| corrupt(format!("state {state:?}")))?,
        attempts: attempts.clamp(0, u32::MAX as i64) as u32,
        next_attempt_at_ms: row.get(10).map_err(sql_err)?,
        last_error: row.get(11).map_err(sql_err)?,
        lease_owner: row.get(12).map_err(sql_err)?,
        lease_until_ms: row.get(13).map_err(sql_err)?,
        lease_token: token.map(|t| t as u64),
        updated_at_ms: row.get(15).map_err(sql_err)?,
    })
}

fn read_credential(row: &Row<'_>) -> rusqlite::Result<CredentialRecord> {
    Ok(CredentialRecord {
        key: row.get(0)?,
        version: row.get::<_, i64>(1)? as u64,
        data: row.get(2)?,
        updated_at_ms: row.get(3)?,
    })
}

// --- statements run on the writer -----------------------------------------------------------

/// Claims `key` until `expires` unless an unexpired claim exists; `true` when claimed.
fn claim_tx(conn: &Connection, key: &str, expires: i64, now: i64) -> StoreResult<bool> {
    Ok(claims::claim(conn, key, expires, now)
        .map_err(sql_err)?
        .is_some())
}

/// An entry ready to insert, prepared off the writer thread.
struct Insert {
    claim_key: String,
    claim_expires: i64,
    attributes: String,
    entry: NewEntry,
    now: i64,
}

/// Claims and appends in the writer's transaction, without a savepoint of its own: when the
/// append fails after the claim, the claim is deleted again (an expired claim it replaced is
/// as good as none), so the two stay one atomic step.
fn enqueue_tx(conn: &Connection, ins: &Insert) -> StoreResult<Enqueued> {
    let Some(undo) =
        claims::claim(conn, &ins.claim_key, ins.claim_expires, ins.now).map_err(sql_err)?
    else {
        return Ok(Enqueued::Duplicate);
    };
    insert_entry(conn, ins).inspect_err(|_| claims::undo(conn, undo))
}

fn insert_entry(conn: &Connection, ins: &Insert) -> StoreResult<Enqueued> {
    let e = &ins.entry;
    conn.prepare_cached(
        "INSERT INTO entries (connector, connection, event_id, event_type, received_at, \
         attributes, body, state, attempts, next_attempt_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'ready', 0, ?8, ?8)",
    )
    .and_then(|mut s| {
        s.execute(params![
            e.connector,
            e.connection,
            e.event_id,
            e.event_type,
            e.received_at_ms,
            ins.attributes,
            &e.body[..],
            ins.now
        ])
    })
    .map_err(sql_err)?;
    Ok(Enqueued::Appended(EntryId(conn.last_insert_rowid() as u64)))
}

fn lease_tx(
    conn: &Connection,
    owner: &str,
    max: usize,
    until: i64,
    now: i64,
) -> StoreResult<Vec<Entry>> {
    let limit = max.min(i64::MAX as usize) as i64;
    let mut due: Vec<(i64, i64)> = Vec::new();
    for sql in [
        "SELECT next_attempt_at, id FROM entries WHERE state = 'ready' AND next_attempt_at <= ?1 \
         ORDER BY next_attempt_at, id LIMIT ?2",
        "SELECT lease_until, id FROM entries WHERE state = 'leased' AND lease_until <= ?1 \
         ORDER BY lease_until, id LIMIT ?2",
    ] {
        let mut stmt = conn.prepare_cached(sql).map_err(sql_err)?;
        let rows = stmt
            .query_map(params![now, limit], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(sql_err)?;
        for row in rows {
            due.push(row.map_err(sql_err)?);
        }
    }
    due.sort_unstable();
    due.truncate(max);
    if due.is_empty() {
        return Ok(Vec::new());
    }
    let last_token: i64 = conn
        .prepare_cached(
            "UPDATE meta SET value = value + ?1 WHERE key = 'lease_seq' RETURNING value",
        )
        .and_then(|mut s| s.query_row(params![due.len() as i64], |r| r.get(0)))
        .map_err(sql_err)?;
    let first_token = last_token - due.len() as i64 + 1;
    let sql = format!(
        "UPDATE entries SET state = 'leased', lease_owner = ?1, lease_until = ?2, \
         lease_token = ?3, updated_at = ?4 WHERE id = ?5 RETURNING {COLUMNS}"
    );
    let mut stmt = conn.prepare_cached(&sql).map_err(sql_err)?;
    let mut out = Vec::with_capacity(due.len());
    for (i, (_, id)) in due.into_iter().enumerate() {
        let token = first_token + i as i64;
        let mut rows = stmt
            .query(params![owner, until, token, now, id])
            .map_err(sql_err)?;
        if let Some(row) = rows.next().map_err(sql_err)? {
            out.push(read_entry(row)?);
        }
    }
    Ok(out)
}

/// Runs a lease-guarded update (`?1` id, `?2` token, then `extra`); `true` if it applied.
fn guarded(
    conn: &Connection,
    sql: &str,
    lease: &LeaseToken,
    extra: &[&dyn rusqlite::ToSql],
) -> StoreResult<bool> {
    let id = lease.id.0 as i64;
    let token = lease.token as i64;
    let mut args: Vec<&dyn rusqlite::ToSql> = vec![&id, &token];
    args.extend_from_slice(extra);
    let changed = conn
        .prepare_cached(sql)
        .and_then(|mut s| s.execute(args.as_slice()))
        .map_err(sql_err)?;
    Ok(changed == 1)
}

const HELD: &str = "WHERE id = ?1 AND state = 'leased' AND lease_token = ?2";

fn purge_claims_chunk(conn: &Connection, now: i64) -> StoreResult<u64> {
    claims::purge_chunk(conn, now, PURGE_CHUNK).map_err(sql_err)
}

fn purge_entries_chunk(conn: &Connection, cutoff: i64) -> StoreResult<u64> {
    conn.prepare_cached(
        "DELETE FROM entries WHERE id IN \
         (SELECT id FROM entries WHERE state = 'done' AND updated_at <= ?1 LIMIT ?2)",
    )
    .and_then(|mut s| s.execute(params![cutoff, PURGE_CHUNK]))
    .map(|n| n as u64)
    .map_err(sql_err)
}

fn credential_version(conn: &Connection, key: &str) -> StoreResult<Option<u64>> {
    conn.prepare_cached("SELECT version FROM credentials WHERE key = ?1")
        .and_then(|mut s| s.query_row(params![key], |r| r.get::<_, i64>(0)).optional())
        .map(|v| v.map(|v| v as u64))
        .map_err(sql_err)
}

#[async_trait]
impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        BACKEND
    }

    async fn claim(&self, key: &str, ttl: Duration, now: SystemTime) -> StoreResult<bool> {
        let key = key.to_string();
        let now = unix_millis(now);
        let expires = now.saturating_add(ms(ttl));
        self.write(move |c| claim_tx(c, &key, expires, now)).await
    }

    async fn enqueue(
        &self,
        entry: NewEntry,
        claim_ttl: Duration,
        now: SystemTime,
    ) -> StoreResult<Enqueued> {
        let now = unix_millis(now);
        let attributes = serde_json::to_string(&entry.attributes)
            .map_err(|e| StoreError::backend(BACKEND, format!("attributes: {e}")))?;
        let ins = Insert {
            claim_key: entry.claim_key(),
            claim_expires: now.saturating_add(ms(claim_ttl)),
            attributes,
            entry,
            now,
        };
        self.write_job(move |c| enqueue_tx(c, &ins), false).await
    }

    async fn lease(
        &self,
        owner: &str,
        max: usize,
        visibility: Duration,
        now: SystemTime,
    ) -> StoreResult<Vec<Entry>> {
        if max == 0 {
            return Ok(Vec::new());
        }
        let owner = owner.to_string();
        let now = unix_millis(now);
        let until = now.saturating_add(ms(visibility));
        self.write(move |c| lease_tx(c, &owner, max, until, now))
            .await
    }

    async fn extend(
        &self,
        lease: &LeaseToken,
        visibility: Duration,
        now: SystemTime,
    ) -> StoreResult<bool> {
        let lease = lease.clone();
        let until = unix_millis(now).saturating_add(ms(visibility));
        self.write(move |c| {
            guarded(
                c,
                &format!("UPDATE entries SET lease_until = ?3 {HELD}"),
                &lease,
                &[&until],
            )
        })
        .await
    }

    async fn ack(&self, lease: &LeaseToken, now: SystemTime) -> StoreResult<bool> {
        let lease = lease.clone();
        let now = unix_millis(now);
        self.write(move |c| {
            guarded(
                c,
                &format!(
                    "UPDATE entries SET state = 'done', lease_owner = NULL, lease_until = NULL, \
                     lease_token = NULL, updated_at = ?3 {HELD}"
                ),
                &lease,
                &[&now],
            )
        })
        .await
    }

    async fn retry_at(
        &self,
        lease: &LeaseToken,
        at: SystemTime,
        error: &str,
        now: SystemTime,
    ) -> StoreResult<bool> {
        let lease = lease.clone();
        let now = unix_millis(now);
        let at = unix_millis(at);
        let error = error.to_string();
        self.write(move |c| {
            guarded(
                c,
                &format!(
                    "UPDATE entries SET state = 'ready', lease_owner = NULL, lease_until = NULL, \
                     lease_token = NULL, updated_at = ?3, attempts = attempts + 1, \
                     next_attempt_at = ?4, last_error = ?5 {HELD}"
                ),
                &lease,
                &[&now, &at, &error],
            )
        })
        .await
    }

    async fn dead_letter(
        &self,
        lease: &LeaseToken,
        error: &str,
        now: SystemTime,
    ) -> StoreResult<bool> {
        let lease = lease.clone();
        let now = unix_millis(now);
        let error = error.to_string();
        self.write(move |c| {
            guarded(
                c,
                &format!(
                    "UPDATE entries SET state = 'dead', lease_owner = NULL, lease_until = NULL, \
                     lease_token = NULL, updated_at = ?3, attempts = attempts + 1, \
                     last_error = ?4 {HELD}"
                ),
                &lease,
                &[&now, &error],
            )
        })
        .await
    }

    async fn release(&self, lease: &LeaseToken, now: SystemTime) -> StoreResult<bool> {
        let lease = lease.clone();
        let now = unix_millis(now);
        self.write(move |c| {
            guarded(
                c,
                &format!(
                    "UPDATE entries SET state = 'ready', lease_owner = NULL, lease_until = NULL, \
                     lease_token = NULL, updated_at = ?3, next_attempt_at = ?3 {HELD}"
                ),
                &lease,
                &[&now],
            )
        })
        .await
    }

    async fn release_owner(&self, owner: &str, now: SystemTime) -> StoreResult<u64> {
        let owner = owner.to_string();
        let now = unix_millis(now);
        self.write(move |c| {
            c.prepare_cached(
                "UPDATE entries SET state = 'ready', lease_owner = NULL, lease_until = NULL, \
                 lease_token = NULL, updated_at = ?2, next_attempt_at = ?2 \
                 WHERE state = 'leased' AND lease_owner = ?1",
            )
            .and_then(|mut s| s.execute(params![owner, now]))
            .map(|n| n as u64)
            .map_err(sql_err)
        })
        .await
    }

    async fn get(&self, id: EntryId) -> StoreResult<Option<Entry>> {
        self.read(move |c| {
            let sql = format!("SELECT {COLUMNS} FROM entries WHERE id = ?1");
            let mut stmt = c.prepare_cached(&sql).map_err(sql_err)?;
            let mut rows = stmt.query(params![id.0 as i64]).map_err(sql_err)?;
            match rows.next().map_err(sql_err)? {
                Some(row) => read_entry(row).map(Some),
                None => Ok(None),
            }
        })
        .await
    }

    async fn list(&self, filter: &EntryFilter) -> StoreResult<Vec<Entry>> {
        let filter = filter.clone();
        self.read(move |c| {
            let after = filter.after.map_or(0, |a| a.0 as i64);
            let state = filter.state.map(|s| s.as_str());
            let limit = filter.effective_limit().min(i64::MAX as usize) as i64;
            let mut sql = format!("SELECT {COLUMNS} FROM entries WHERE id > ?");
            let mut args: Vec<&dyn rusqlite::ToSql> = vec![&after];
            if let Some(state) = &state {
                sql.push_str(" AND state = ?");
                args.push(state);
            }
            if let Some(connector) = &filter.connector {
                sql.push_str(" AND connector = ?");
                args.push(connector);
            }
            sql.push_str(" ORDER BY id LIMIT ?");
            args.push(&limit);
            let mut stmt = c.prepare_cached(&sql).map_err(sql_err)?;
            let mut rows = stmt.query(args.as_slice()).map_err(sql_err)?;
            let mut out = Vec::new();
            while let Some(row) = rows.next().map_err(sql_err)? {
                out.push(read_entry(row)?);
            }
            Ok(out)
        })
        .await
    }

    async fn replay(&self, id: EntryId, now: SystemTime) -> StoreResult<bool> {
        let now = unix_millis(now);
        self.write(move |c| {
            c.prepare_cached(
                "UPDATE entries SET state = 'ready', attempts = 0, next_attempt_at = ?2, \
                 updated_at = ?2 WHERE id = ?1 AND state = 'dead'",
            )
            .and_then(|mut s| s.execute(params![id.0 as i64, now]))
            .map(|n| n == 1)
            .map_err(sql_err)
        })
        .await
    }

    async fn replay_all(&self, connector: Option<&str>, now: SystemTime) -> StoreResult<u64> {
        let connector = connector.map(str::to_string);
        let now = unix_millis(now);
        self.write(move |c| {
            c.prepare_cached(
                "UPDATE entries SET state = 'ready', attempts = 0, next_attempt_at = ?2, \
                 updated_at = ?2 WHERE state = 'dead' AND (?1 IS NULL OR connector = ?1)",
            )
            .and_then(|mut s| s.execute(params![connector, now]))
            .map(|n| n as u64)
            .map_err(sql_err)
        })
        .await
    }

    async fn stats(&self, _now: SystemTime) -> StoreResult<QueueStats> {
        self.read(|c| {
            let mut stmt = c
                .prepare_cached(
                    "SELECT connector, state, COUNT(*), MIN(received_at) FROM entries \
                     GROUP BY state, connector",
                )
                .map_err(sql_err)?;
            let mut rows = stmt.query([]).map_err(sql_err)?;
            let mut stats = QueueStats::default();
            while let Some(row) = rows.next().map_err(sql_err)? {
                let connector: String = row.get(0).map_err(sql_err)?;
                let state: String = row.get(1).map_err(sql_err)?;
                let count = row.get::<_, i64>(2).map_err(sql_err)? as u64;
                let oldest: i64 = row.get(3).map_err(sql_err)?;
                let state = EntryState::parse(&state).ok_or_else(|| StoreError::Corrupt {
                    backend: BACKEND,
                    key: format!("entries of {connector}"),
                    message: format!("state {state:?}"),
                })?;
                let c = stats.connectors.entry(connector).or_default();
                match state {
                    EntryState::Ready => c.ready += count,
                    EntryState::Leased => c.leased += count,
                    EntryState::Done => c.done += count,
                    EntryState::Dead => c.dead += count,
                }
                if matches!(state, EntryState::Ready | EntryState::Leased) {
                    c.oldest_pending_ms =
                        Some(c.oldest_pending_ms.map_or(oldest, |o| o.min(oldest)));
                }
            }
            Ok(stats)
        })
        .await
    }

    async fn purge(&self, now: SystemTime, retention: Duration) -> StoreResult<PurgeReport> {
        let now = unix_millis(now);
        let cutoff = now.saturating_sub(ms(retention));
        let mut report = PurgeReport::default();
        // In chunks, each its own write, so enqueues keep flowing during a large purge.
        loop {
            let n = self.write(move |c| purge_claims_chunk(c, now)).await?;
            report.claims += n;
            if n < PURGE_CHUNK as u64 {
                break;
            }
        }
        loop {
            let n = self.write(move |c| purge_entries_chunk(c, cutoff)).await?;
            report.entries += n;
            if n < PURGE_CHUNK as u64 {
                break;
            }
        }
        Ok(report)
    }

    async fn get_credential(&self, key: &str) -> StoreResult<Option<CredentialRecord>> {
        let key = key.to_string();
        self.read(move |c| {
            c.prepare_cached(
                "SELECT key, version, data, updated_at FROM credentials WHERE key = ?1",
            )
            .and_then(|mut s| s.query_row(params![key], read_credential).optional())
            .map_err(sql_err)
        })
        .await
    }

    async fn put_credential(
        &self,
        key: &str,
        expected: Option<u64>,
        data: Vec<u8>,
        now: SystemTime,
    ) -> StoreResult<CasOutcome> {
        let key = key.to_string();
        let now = unix_millis(now);
        self.write(move |c| {
            let current = credential_version(c, &key)?;
            if current != expected {
                return Ok(CasOutcome::Conflict { current });
            }
            let version = current.unwrap_or(0) + 1;
            c.prepare_cached(
                "INSERT OR REPLACE INTO credentials (key, version, data, updated_at) \
                 VALUES (?1, ?2, ?3, ?4)",
            )
            .and_then(|mut s| s.execute(params![key, version as i64, data, now]))
            .map_err(sql_err)?;
            Ok(CasOutcome::Written { version })
        })
        .await
    }

    async fn list_credentials(&self, prefix: &str) -> StoreResult<Vec<CredentialRecord>> {
        let prefix = prefix.to_string();
        self.read(move |c| {
            let mut stmt = c
                .prepare_cached(
                    "SELECT key, version, data, updated_at FROM credentials \
                     WHERE key >= ?1 ORDER BY key",
                )
                .map_err(sql_err)?;
            let rows = stmt
                .query_map(params![prefix], read_credential)
                .map_err(sql_err)?;
            let mut out = Vec::new();
            for row in rows {
                let record = row.map_err(sql_err)?;
                if !record.key.starts_with(&prefix) {
                    break;
                }
                out.push(record);
            }
            Ok(out)
        })
        .await
    }

    async fn delete_credential(&self, key: &str, expected: u64) -> StoreResult<CasOutcome> {
        let key = key.to_string();
        self.write(move |c| {
            let current = credential_version(c, &key)?;
            if current != Some(expected) {
                return Ok(CasOutcome::Conflict { current });
            }
            c.prepare_cached("DELETE FROM credentials WHERE key = ?1")
                .and_then(|mut s| s.execute(params![key]))
                .map_err(sql_err)?;
            Ok(CasOutcome::Written { version: 0 })
        })
        .await
    }

    async fn try_lock(
        &self,
        name: &str,
        owner: &str,
        ttl: Duration,
        now: SystemTime,
    ) -> StoreResult<bool> {
        let name = name.to_string();
        let owner = owner.to_string();
        let now = unix_millis(now);
        let until = now.saturating_add(ms(ttl));
        self.write(move |c| {
            let changed = c
                .prepare_cached(
                    "INSERT INTO locks (name, owner, until) VALUES (?1, ?2, ?3) \
                     ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, \
                     until = excluded.until WHERE locks.owner = ?2 OR locks.until <= ?4",
                )
                .and_then(|mut s| s.execute(params![name, owner, until, now]))
                .map_err(sql_err)?;
            Ok(changed == 1)
        })
        .await
    }

    async fn unlock(&self, name: &str, owner: &str) -> StoreResult<()> {
        let name = name.to_string();
        let owner = owner.to_string();
        self.write(move |c| {
            c.prepare_cached("DELETE FROM locks WHERE name = ?1 AND owner = ?2")
                .and_then(|mut s| s.execute(params![name, owner]))
                .map(|_| ())
                .map_err(sql_err)
        })
        .await
    }

    async fn backup(&self, path: &Path) -> StoreResult<()> {
        let target = path.to_path_buf();
        self.read(move |src| backup_to(src, &target)).await
    }

    async fn flush(&self) -> StoreResult<()> {
        // Answered after the commit of the batch it lands in, i.e. after everything queued
        // before it is durable.
        self.write(|_| Ok(())).await
    }
}

/// Copies the database into a temporary file next to `target` in one backup step (a
/// consistent snapshot; writers keep going in WAL mode), then renames it into place.
fn backup_to(src: &Connection, target: &Path) -> StoreResult<()> {
    let io = |what: &str, e: std::io::Error| {
        StoreError::backend(BACKEND, format!("backup {what} {}: {e}", target.display()))
    };
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| io("cannot create the directory of", e))?;
    let name = target
        .file_name()
        .ok_or_else(|| StoreError::backend(BACKEND, "backup path has no file name"))?;
    let tmp = dir.join(format!(
        ".{}.{}.partial",
        name.to_string_lossy(),
        std::process::id()
    ));
    let _ = std::fs::remove_file(&tmp);
    let result = (|| {
        let mut dst = Connection::open(&tmp).map_err(sql_err)?;
        {
            let backup = rusqlite::backup::Backup::new(src, &mut dst).map_err(sql_err)?;
            loop {
                match backup.step(-1).map_err(sql_err)? {
                    rusqlite::backup::StepResult::Done => break,
                    rusqlite::backup::StepResult::More => continue,
                    _ => std::thread::sleep(Duration::from_millis(20)),
                }
            }
        }
        dst.close().map_err(|(_, e)| sql_err(e))?;
        // A stale WAL next to the target would be replayed into the new copy: remove it.
        for suffix in ["-wal", "-shm"] {
            let mut side = target.as_os_str().to_owned();
            side.push(suffix);
            match std::fs::remove_file(&side) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(io("cannot remove the old journal of", e));
                }
                _ => {}
            }
        }
        std::fs::rename(&tmp, target).map_err(|e| io("cannot move into", e))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
