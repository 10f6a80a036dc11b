//! [`open`] a store from its URL (`store.url`), and [`spawn_purger`], the periodic clean-up of
//! expired claims and delivered entries.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tokio::task::JoinHandle;

use crate::error::{StoreError, StoreResult};
use crate::memory::MemoryStore;
use crate::redis::RedisStore;
use crate::sqlite::SqliteStore;
use crate::store::Store;

/// The configuration key a store URL comes from.
pub const URL_KEY: &str = "store.url";

/// The Redis key prefix when the URL names none.
pub const DEFAULT_REDIS_PREFIX: &str = "plugboard";

/// Where a store URL points, parsed but not opened. Its `Debug` hides a Redis password.
#[derive(Clone, PartialEq, Eq)]
pub enum StoreUrl {
    /// `memory://`.
    Memory,
    /// `sqlite://path/to/file.db` (relative to the working directory),
    /// `sqlite:///absolute/file.db`, or a bare path.
    Sqlite(PathBuf),
    /// `redis://host:port/db` or `rediss://…`, with `?prefix=` taken out.
    Redis {
        /// The URL handed to the Redis client (credentials included; never log it).
        url: String,
        /// The key prefix.
        prefix: String,
    },
}

impl StoreUrl {
    /// Parses a store URL, naming `store.url` in the error.
    pub fn parse(url: &str) -> StoreResult<Self> {
        let bad = |message: String| StoreError::Config {
            key: URL_KEY,
            message,
        };
        let url = url.trim();
        if url.is_empty() {
            return Err(bad(
                "empty; expected memory://, sqlite://PATH, redis://HOST:PORT/DB or a file path"
                    .into(),
            ));
        }
        let Some((scheme, rest)) = url.split_once("://") else {
            // No scheme: a file path (`plugboard.db`, `/var/lib/plugboard/store.db`).
            return Ok(Self::Sqlite(PathBuf::from(url)));
        };
        match scheme.to_ascii_lowercase().as_str() {
            "memory" => {
                if rest.is_empty() {
                    Ok(Self::Memory)
                } else {
                    Err(bad(format!(
                        "memory:// takes nothing after it (got {rest:?})"
                    )))
                }
            }
            "sqlite" => {
                if rest.is_empty() {
                    Err(bad(
                        "sqlite:// needs a file path, e.g. sqlite://plugboard.db".into(),
                    ))
                } else {
                    Ok(Self::Sqlite(PathBuf::from(rest)))
                }
            }
            "redis" | "rediss" => {
                let mut parsed =
                    url::Url::parse(url).map_err(|e| bad(format!("not a valid Redis URL: {e}")))?;
                if parsed.host_str().is_none_or(str::is_empty) {
                    return Err(bad("the Redis URL has no host".into()));
                }
                let mut prefix = DEFAULT_REDIS_PREFIX.to_string();
                let mut kept = Vec::new();
                for (k, v) in parsed.query_pairs() {
                    if k == "prefix" {
                        prefix = v.into_owned();
                    } else {
                        kept.push((k.into_owned(), v.into_owned()));
                    }
                }
                if prefix.is_empty() {
                    return Err(bad("?prefix= is empty".into()));
                }
                if kept.is_empty() {
                    parsed.set_query(None);
                } else {
                    parsed.query_pairs_mut().clear().extend_pairs(kept);
                }
                Ok(Self::Redis {
                    url: parsed.into(),
                    prefix,
                })
            }
            other => Err(bad(format!(
                "unsupported scheme {other:?}; expected memory, sqlite or redis"
            ))),
        }
    }
}

impl std::fmt::Debug for StoreUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Memory => f.write_str("Memory"),
            Self::Sqlite(path) => f.debug_tuple("Sqlite").field(path).finish(),
            Self::Redis { url, prefix } => f
                .debug_struct("Redis")
                .field("url", &redact(url))
                .field("prefix", prefix)
                .finish(),
        }
    }
}

/// `url` with its password (if any) replaced by `***`.
fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.into()
        }
        Ok(u) => u.into(),
        Err(_) => "<unparsable>".into(),
    }
}

/// Opens the store `url` names: `memory://`, `sqlite://relative/or/abs.db` (or a bare path),
/// `redis://host:port/db[?prefix=NAME]`.
pub async fn open(url: &str) -> StoreResult<Arc<dyn Store>> {
    Ok(match StoreUrl::parse(url)? {
        StoreUrl::Memory => Arc::new(MemoryStore::new()),
        StoreUrl::Sqlite(path) => {
            let store = tokio::task::spawn_blocking(move || SqliteStore::open(path))
                .await
                .map_err(|e| StoreError::backend("sqlite", format!("open task failed: {e}")))??;
            Arc::new(store)
        }
        StoreUrl::Redis { url, prefix } => Arc::new(RedisStore::connect(&url, &prefix).await?),
    })
}

/// Purges `store` every `every` (the first time at once): expired claims, and delivered
/// entries older than `retention`. Logs what it removed; failures are logged and retried on
/// the next round. Abort the handle to stop it.
pub fn spawn_purger(store: Arc<dyn Store>, every: Duration, retention: Duration) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every.max(Duration::from_millis(1)));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match store.purge(SystemTime::now(), retention).await {
                Ok(report) if report.claims + report.entries > 0 => tracing::info!(
                    target: "plugboard::store",
                    backend = store.backend(),
                    claims = report.claims,
                    entries = report.entries,
                    "purged expired claims and delivered entries"
                ),
                Ok(_) => {}
                Err(e) => tracing::warn!(
                    target: "plugboard::store",
                    backend = store.backend(),
                    error = %e,
                    "purge failed"
                ),
            }
        }
    })
}
