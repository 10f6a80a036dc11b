//! The response cache for idempotent GETs: fresh entries are served without a request; stale
//! ones are revalidated with `If-None-Match` (a 304 refreshes them) and served when the
//! platform fails.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, StatusCode};
use tokio::time::Instant;

use crate::http::{ApiResponse, CacheStatus};

/// How long an entry is kept past its freshness, for revalidation and serve-stale.
const KEEP_STALE: Duration = Duration::from_secs(24 * 3600);

#[derive(Debug)]
pub(crate) struct CachedEntry {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    fresh_until: Instant,
}

impl CachedEntry {
    pub(crate) fn new(response: &ApiResponse, ttl: Duration) -> Self {
        Self {
            status: response.status,
            headers: response.headers.clone(),
            body: response.body.clone(),
            fresh_until: Instant::now() + ttl,
        }
    }

    pub(crate) fn is_fresh(&self) -> bool {
        Instant::now() < self.fresh_until
    }

    pub(crate) fn etag(&self) -> Option<&HeaderValue> {
        self.headers.get(http::header::ETAG)
    }

    /// The entry confirmed by a 304: fresh again, with the 304's updated headers merged.
    pub(crate) fn revalidated(&self, not_modified: &HeaderMap, ttl: Duration) -> Self {
        let mut headers = self.headers.clone();
        for (name, value) in not_modified {
            if name != http::header::CONTENT_LENGTH {
                headers.insert(name.clone(), value.clone());
            }
        }
        Self {
            status: self.status,
            headers,
            body: self.body.clone(),
            fresh_until: Instant::now() + ttl,
        }
    }

    pub(crate) fn response(&self, cache: CacheStatus) -> ApiResponse {
        ApiResponse {
            status: self.status,
            headers: self.headers.clone(),
            body: self.body.clone(),
            cache,
        }
    }
}

pub(crate) struct ResponseCache {
    entries: moka::future::Cache<String, Arc<CachedEntry>>,
}

impl ResponseCache {
    pub(crate) fn new(capacity_bytes: u64) -> Self {
        Self {
            entries: moka::future::Cache::builder()
                .max_capacity(capacity_bytes)
                .weigher(|k: &String, v: &Arc<CachedEntry>| {
                    (k.len() + v.body.len()).try_into().unwrap_or(u32::MAX)
                })
                .time_to_live(KEEP_STALE)
                .build(),
        }
    }

    pub(crate) async fn get(&self, key: &str) -> Option<Arc<CachedEntry>> {
        self.entries.get(key).await
    }

    pub(crate) async fn put(&self, key: String, entry: CachedEntry) -> Arc<CachedEntry> {
        let entry = Arc::new(entry);
        self.entries.insert(key, entry.clone()).await;
        entry
    }
}
