//! Shared test helpers: an ingress with GitHub and Standard Webhooks endpoints over a
//! `MemoryStore`, a request helper over the router, a recording sink whose failures are
//! scripted, and a store wrapper that can be made unreachable.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use axum::Router;
use axum::body::Body;
use http::{HeaderMap, Request, StatusCode};
use plugboard_core::{ConnectorId, WebhookSecrets};
use plugboard_ingress::{Ingress, IngressBuilder, IngressConfig, Sink, SinkError};
use plugboard_store::{
    CasOutcome, CredentialRecord, Enqueued, Entry, EntryFilter, EntryId, EntryState, LeaseToken,
    MemoryStore, NewEntry, PurgeReport, QueueStats, Store, StoreError, StoreResult,
};
use plugboard_testkit::SignedDelivery;
use serde_json::Value;
use tower::ServiceExt;

/// GitHub's documented example secret.
pub const GITHUB_SECRET: &str = "It's a Secret to Everybody";
/// The Standard Webhooks test secret.
pub const WHSEC: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
/// A connector verified with the Standard Webhooks scheme (it has a replay window).
pub const ACME: ConnectorId = ConnectorId::new("acme");
/// GitHub.
pub const GITHUB: ConnectorId = ConnectorId::new("github");

/// A config for tests: short retry schedule, fast polling, short leases.
pub fn fast_config() -> IngressConfig {
    IngressConfig {
        retry_schedule: vec![Duration::from_millis(50), Duration::from_millis(50)],
        retry_jitter: 0.0,
        poll_interval: Duration::from_millis(20),
        lease_visibility: Duration::from_secs(5),
        workers: 2,
        batch: 4,
        ..IngressConfig::default()
    }
}

/// A builder with the `github` and `acme` endpoints over `store`.
pub fn builder(store: Arc<dyn Store>) -> IngressBuilder {
    Ingress::builder()
        .store(store)
        .endpoint(
            GITHUB,
            &plugboard_github::GITHUB_WEBHOOKS,
            Some(WebhookSecrets::from_strs([GITHUB_SECRET]).unwrap()),
        )
        .endpoint(
            ACME,
            &plugboard_core::webhook::STANDARD_WEBHOOKS,
            Some(WebhookSecrets::from_strs([WHSEC]).unwrap()),
        )
        .config(fast_config())
}

/// A signed GitHub delivery of `body` with delivery id `id`.
pub fn github(id: &str, event: &str, body: &str) -> SignedDelivery {
    plugboard_testkit::webhooks::github(GITHUB_SECRET, event, id, body.to_string())
}

/// A response, decoded.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
}

impl Answer {
    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }

    /// The `X-Request-Id`.
    pub fn request_id(&self) -> Option<&str> {
        self.headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
    }
}

/// Sends `delivery` to `path` (query appended from the delivery) through `router`.
pub async fn send(router: &Router, path: &str, delivery: &SignedDelivery) -> Answer {
    let uri = match &delivery.query {
        Some(q) if path.contains('?') => format!("{path}&{q}"),
        Some(q) => format!("{path}?{q}"),
        None => path.to_string(),
    };
    let mut request = Request::builder()
        .method(delivery.method.clone())
        .uri(uri)
        .body(Body::from(delivery.body.clone()))
        .unwrap();
    *request.headers_mut() = delivery.headers.clone();
    call(router, request).await
}

/// Sends a request through `router`.
pub async fn call(router: &Router, request: Request<Body>) -> Answer {
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    Answer {
        status,
        headers,
        text: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// A GET of `path`.
pub async fn get(router: &Router, path: &str) -> Answer {
    call(
        router,
        Request::builder().uri(path).body(Body::empty()).unwrap(),
    )
    .await
}

/// Every entry in the store.
pub async fn entries(store: &dyn Store) -> Vec<Entry> {
    store
        .list(&EntryFilter {
            limit: 100_000,
            ..EntryFilter::default()
        })
        .await
        .unwrap()
}

/// Polls `check` every 10 ms until it holds or `within` passes.
pub async fn eventually<F, Fut>(within: Duration, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + within;
    loop {
        if check().await {
            return;
        }
        if tokio::time::Instant::now() > deadline {
            panic!("timed out waiting for: {what}");
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// What a [`RecordingSink`] answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Accept.
    Accept,
    /// Fail transiently.
    Transient,
    /// Fail permanently.
    Permanent,
}

/// A sink that records what it was given and answers as scripted.
#[derive(Clone)]
pub struct RecordingSink {
    name: String,
    mode: Arc<Mutex<Mode>>,
    delay: Arc<Mutex<Duration>>,
    /// Event ids delivered successfully, in order.
    pub delivered: Arc<Mutex<Vec<String>>>,
    /// Every attempt, as (event id, attempt number from the entry).
    pub attempts: Arc<Mutex<Vec<(String, u32)>>>,
}

impl RecordingSink {
    /// An accepting sink.
    pub fn new(name: &str) -> Self {
        Self {
            name: name.into(),
            mode: Arc::new(Mutex::new(Mode::Accept)),
            delay: Arc::new(Mutex::new(Duration::ZERO)),
            delivered: Arc::default(),
            attempts: Arc::default(),
        }
    }

    /// Changes what it answers.
    pub fn set_mode(&self, mode: Mode) {
        *self.mode.lock().unwrap() = mode;
    }

    /// Makes each delivery take `delay`.
    pub fn set_delay(&self, delay: Duration) {
        *self.delay.lock().unwrap() = delay;
    }

    /// The delivered event ids.
    pub fn delivered(&self) -> Vec<String> {
        self.delivered.lock().unwrap().clone()
    }

    /// How many attempts were made.
    pub fn attempt_count(&self) -> usize {
        self.attempts.lock().unwrap().len()
    }

    /// Boxed, for `IngressBuilder::sink`.
    pub fn boxed(&self) -> Box<dyn Sink> {
        Box::new(self.clone())
    }
}

#[async_trait]
impl Sink for RecordingSink {
    fn name(&self) -> &str {
        &self.name
    }

    async fn deliver(&self, entry: &Entry) -> Result<(), SinkError> {
        self.attempts
            .lock()
            .unwrap()
            .push((entry.event.event_id.clone(), entry.attempts + 1));
        let delay = *self.delay.lock().unwrap();
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        let mode = *self.mode.lock().unwrap();
        match mode {
            Mode::Accept => {
                self.delivered
                    .lock()
                    .unwrap()
                    .push(entry.event.event_id.clone());
                Ok(())
            }
            Mode::Transient => Err(SinkError::transient("scripted transient failure")),
            Mode::Permanent => Err(SinkError::permanent("scripted permanent failure")),
        }
    }
}

/// Counts how often each item occurs.
pub fn counts(items: &[String]) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for i in items {
        *m.entry(i.clone()).or_insert(0) += 1;
    }
    m
}

/// A `MemoryStore` that can be made unreachable: every call then fails.
#[derive(Default)]
pub struct FlakyStore {
    pub inner: MemoryStore,
    pub down: std::sync::atomic::AtomicBool,
}

impl FlakyStore {
    fn check(&self) -> StoreResult<()> {
        if self.down.load(std::sync::atomic::Ordering::SeqCst) {
            Err(StoreError::backend("memory", "connection refused"))
        } else {
            Ok(())
        }
    }

    /// Makes it fail (or work again).
    pub fn set_down(&self, down: bool) {
        self.down.store(down, std::sync::atomic::Ordering::SeqCst);
    }
}

#[async_trait]
impl Store for FlakyStore {
    fn backend(&self) -> &'static str {
        "memory"
    }
    async fn claim(&self, key: &str, ttl: Duration, now: SystemTime) -> StoreResult<bool> {
        self.check()?;
        self.inner.claim(key, ttl, now).await
    }
    async fn enqueue(&self, e: NewEntry, ttl: Duration, now: SystemTime) -> StoreResult<Enqueued> {
        self.check()?;
        self.inner.enqueue(e, ttl, now).await
    }
    async fn lease(
        &self,
        owner: &str,
        max: usize,
        visibility: Duration,
        now: SystemTime,
    ) -> StoreResult<Vec<Entry>> {
        self.check()?;
        self.inner.lease(owner, max, visibility, now).await
    }
    async fn extend(&self, l: &LeaseToken, v: Duration, now: SystemTime) -> StoreResult<bool> {
        self.check()?;
        self.inner.extend(l, v, now).await
    }
    async fn ack(&self, l: &LeaseToken, now: SystemTime) -> StoreResult<bool> {
        self.check()?;
        self.inner.ack(l, now).await
    }
    async fn retry_at(
        &self,
        l: &LeaseToken,
        at: SystemTime,
        error: &str,
        now: SystemTime,
    ) -> StoreResult<bool> {
        self.check()?;
        self.inner.retry_at(l, at, error, now).await
    }
    async fn dead_letter(&self, l: &LeaseToken, error: &str, now: SystemTime) -> StoreResult<bool> {
        self.check()?;
        self.inner.dead_letter(l, error, now).await
    }
    async fn release(&self, l: &LeaseToken, now: SystemTime) -> StoreResult<bool> {
        self.check()?;
        self.inner.release(l, now).await
    }
    async fn release_owner(&self, owner: &str, now: SystemTime) -> StoreResult<u64> {
        self.check()?;
        self.inner.release_owner(owner, now).await
    }
    async fn get(&self, id: EntryId) -> StoreResult<Option<Entry>> {
        self.check()?;
        self.inner.get(id).await
    }
    async fn list(&self, filter: &EntryFilter) -> StoreResult<Vec<Entry>> {
        self.check()?;
        self.inner.list(filter).await
    }
    async fn replay(&self, id: EntryId, now: SystemTime) -> StoreResult<bool> {
        self.check()?;
        self.inner.replay(id, now).await
    }
    async fn replay_all(&self, c: Option<&str>, now: SystemTime) -> StoreResult<u64> {
        self.check()?;
        self.inner.replay_all(c, now).await
    }
    async fn stats(&self, now: SystemTime) -> StoreResult<QueueStats> {
        self.check()?;
        self.inner.stats(now).await
    }
    async fn purge(&self, now: SystemTime, retention: Duration) -> StoreResult<PurgeReport> {
        self.check()?;
        self.inner.purge(now, retention).await
    }
    async fn get_credential(&self, key: &str) -> StoreResult<Option<CredentialRecord>> {
        self.inner.get_credential(key).await
    }
    async fn put_credential(
        &self,
        key: &str,
        expected: Option<u64>,
        data: Vec<u8>,
        now: SystemTime,
    ) -> StoreResult<CasOutcome> {
        self.inner.put_credential(key, expected, data, now).await
    }
    async fn list_credentials(&self, prefix: &str) -> StoreResult<Vec<CredentialRecord>> {
        self.inner.list_credentials(prefix).await
    }
    async fn delete_credential(&self, key: &str, expected: u64) -> StoreResult<CasOutcome> {
        self.inner.delete_credential(key, expected).await
    }
    async fn try_lock(
        &self,
        name: &str,
        owner: &str,
        ttl: Duration,
        now: SystemTime,
    ) -> StoreResult<bool> {
        self.inner.try_lock(name, owner, ttl, now).await
    }
    async fn unlock(&self, name: &str, owner: &str) -> StoreResult<()> {
        self.inner.unlock(name, owner).await
    }
    async fn backup(&self, path: &Path) -> StoreResult<()> {
        self.inner.backup(path).await
    }
}

/// Entries in `state`.
pub async fn in_state(store: &dyn Store, state: EntryState) -> Vec<Entry> {
    store
        .list(&EntryFilter {
            state: Some(state),
            limit: 100_000,
            ..EntryFilter::default()
        })
        .await
        .unwrap()
}
