//! The call path, in the one place that decides the order of the layers.

use std::time::SystemTime;

use tokio::time::Instant;
use tracing::Instrument;

use super::Runtime;
use super::breaker::Verdict;
use super::cache::CachedEntry;
use super::observe;
use super::retry::Backoff;
use super::transport;
use crate::error::{Error, ErrorKind, Result};
use crate::http::{ApiRequest, ApiResponse, CacheStatus, ResponseView};

impl Runtime {
    /// Executes one request through every layer:
    /// observe → cache → total deadline → retry loop → breaker → pause gate → token bucket →
    /// bulkhead → attempt timeout → auth → transport → classify.
    pub async fn execute(&self, request: ApiRequest) -> Result<ApiResponse> {
        let connector = self.inner.connector;
        let operation = request.operation;
        let span = tracing::debug_span!(
            "plugboard.call",
            connector = connector.as_str(),
            operation = operation.as_str(),
            method = %request.method,
        );
        let started = std::time::Instant::now();
        let result = self
            .cached(request)
            .instrument(span)
            .await
            .map_err(|e| e.at(connector, Some(operation)));
        self.inner
            .metrics
            .record(connector, operation, &result, started.elapsed());
        result
    }

    /// Cache layer: fresh hit, conditional revalidation, store, serve stale on failure.
    async fn cached(&self, mut request: ApiRequest) -> Result<ApiResponse> {
        let Some(ttl) = request.cache_ttl.filter(|_| request.is_cacheable()) else {
            return self.within_deadline(&request).await;
        };
        let key = format!(
            "{}|{}",
            self.inner.auth.credential_key(),
            request.url.as_str()
        );
        let entry = self.inner.cache.get(&key).await;
        if let Some(entry) = &entry {
            if entry.is_fresh() {
                return Ok(entry.response(CacheStatus::Hit));
            }
            if let Some(etag) = entry.etag() {
                request
                    .headers
                    .insert(http::header::IF_NONE_MATCH, etag.clone());
            }
        }
        match (self.within_deadline(&request).await, entry) {
            (Ok(response), Some(entry)) if response.status == http::StatusCode::NOT_MODIFIED => {
                let fresh = self
                    .inner
                    .cache
                    .put(key, entry.revalidated(&response.headers, ttl))
                    .await;
                Ok(fresh.response(CacheStatus::Revalidated))
            }
            (Ok(response), _) if response.status == http::StatusCode::NOT_MODIFIED => {
                Err(Error::new(
                    ErrorKind::Upstream,
                    "304 Not Modified without a cached copy",
                )
                .permanent())
            }
            (Ok(response), _) => {
                self.inner
                    .cache
                    .put(key, CachedEntry::new(&response, ttl))
                    .await;
                Ok(response)
            }
            (Err(error), Some(entry)) if serves_stale(&error) => {
                tracing::warn!(error = %error, "platform failed; serving a stale cached response");
                Ok(entry.response(CacheStatus::Stale))
            }
            (Err(error), _) => Err(error),
        }
    }

    /// The total deadline. It needs no timer of its own: every wait in the retry loop is
    /// checked against it, and every attempt is bounded by it (see `attempt`).
    async fn within_deadline(&self, request: &ApiRequest) -> Result<ApiResponse> {
        let deadline = Instant::now() + self.inner.policy.total_timeout;
        self.retry_loop(request, deadline).await
    }

    /// Retries transient failures of idempotent requests (and of requests that never reached
    /// the platform), honouring the platform's wait when it fits the deadline.
    async fn retry_loop(&self, request: &ApiRequest, deadline: Instant) -> Result<ApiResponse> {
        let inner = &self.inner;
        inner.budget.record_request();
        let mut backoff: Option<Backoff> = None;
        let mut retries = 0;
        let mut refreshed = false;
        loop {
            let error = match self.attempt(request, deadline).await {
                Ok(response) => return Ok(response),
                Err(error) => error,
            };
            // A 401 (or a platform's own "token expired" answer, e.g. Atlassian's 403) is
            // given before anything is processed: renew the credential once and repeat,
            // whatever the operation's idempotency.
            if matches!(
                error.kind(),
                ErrorKind::Unauthorized | ErrorKind::TokenExpired
            ) && !refreshed
                && inner.auth.refresh_after_unauthorized().await?
            {
                refreshed = true;
                continue;
            }
            // An open breaker fails fast: the caller sees CircuitOpen (transient, with the
            // time until probes are admitted) instead of a call that waits it out.
            if !error.is_transient() || error.kind() == ErrorKind::CircuitOpen {
                return Err(error);
            }
            let rate_limited = matches!(error.kind(), ErrorKind::RateLimited { .. });
            if !(request.idempotent || error.request_not_sent() || rate_limited) {
                return Err(error);
            }
            if retries >= inner.policy.max_retries {
                return Err(error.exhausted());
            }
            let wait = match error.retry_after() {
                Some(wait) => wait,
                None => backoff
                    .get_or_insert_with(|| Backoff::new(&inner.policy))
                    .next_wait(),
            };
            // A rate-limit wait longer than the policy's cap is the caller's to schedule.
            let over_cap = rate_limited
                && inner
                    .policy
                    .max_rate_limit_wait
                    .is_some_and(|cap| wait > cap);
            if over_cap || Instant::now() + wait > deadline {
                return Err(error.exhausted());
            }
            if !inner.budget.try_withdraw() {
                return Err(error.exhausted().with_context("retry_budget", "spent"));
            }
            observe::retry(inner.connector, request.operation, &error, wait);
            tokio::time::sleep(wait).await;
            retries += 1;
        }
    }

    /// One attempt: breaker → pause gate → token bucket → bulkhead → attempt timeout → auth →
    /// transport → classify.
    async fn attempt(&self, request: &ApiRequest, deadline: Instant) -> Result<ApiResponse> {
        let inner = &self.inner;
        let url = transport::rewrite_origin(&request.url, inner.origin.as_ref());
        let permit = inner.breakers.acquire(
            url.host_str().unwrap_or(""),
            url.port_or_known_default().unwrap_or(0),
        )?;
        let key = &inner.credential;
        // The gate and buckets wait at most until the deadline, or the rate-limit wait cap.
        let gate_deadline = match inner.policy.max_rate_limit_wait {
            Some(cap) => deadline.min(Instant::now() + cap),
            None => deadline,
        };
        inner
            .gate
            .admit(key, request.operation, request.rate_class, gate_deadline)
            .await?;
        let _slot = match inner.bulkhead.try_acquire() {
            Ok(slot) => slot,
            Err(_) => tokio::time::timeout_at(deadline, inner.bulkhead.acquire())
                .await
                .map_err(|_| {
                    Error::new(ErrorKind::Timeout, "no bulkhead slot before the deadline")
                        .not_sent()
                })?
                .map_err(|_| Error::internal("bulkhead closed"))?,
        };

        let attempt_timeout = inner.policy.attempt_timeout;
        let attempt_deadline = Instant::now() + attempt_timeout;
        let total_bound = attempt_deadline >= deadline;
        let sent = tokio::time::timeout_at(attempt_deadline.min(deadline), async {
            let mut headers = request.headers.clone();
            inner.auth.apply(&mut headers).await?;
            transport::send(
                &inner.client,
                request.method.clone(),
                url,
                headers,
                &request.body,
            )
            .await
        })
        .await
        .unwrap_or_else(|_| {
            Err(if total_bound {
                Error::new(
                    ErrorKind::Timeout,
                    format!(
                        "total deadline of {:.1}s elapsed",
                        inner.policy.total_timeout.as_secs_f64()
                    ),
                )
                .exhausted()
            } else {
                Error::new(
                    ErrorKind::Timeout,
                    format!(
                        "attempt timed out after {:.1}s",
                        attempt_timeout.as_secs_f64()
                    ),
                )
            })
        });

        let result = sent.and_then(|raw| {
            let view = ResponseView {
                status: raw.status,
                headers: &raw.headers,
                body: &raw.body,
                now: SystemTime::now(),
            };
            inner
                .gate
                .observe(key, &inner.classifier.rate_signals(&view));
            match inner.classifier.classify(&view) {
                None => Ok(ApiResponse {
                    status: raw.status,
                    headers: raw.headers,
                    body: raw.body,
                    cache: CacheStatus::Miss,
                }),
                Some(error) => Err(error),
            }
        });
        if let Err(error) = &result
            && let ErrorKind::RateLimited { retry_after } = error.kind()
        {
            inner
                .gate
                .pause(key, retry_after.unwrap_or(inner.policy.backoff_min));
        }
        permit.record(Verdict::of(&result));
        result
    }
}

/// Whether a failure may be papered over with a stale cached response.
fn serves_stale(error: &Error) -> bool {
    matches!(
        error.kind(),
        ErrorKind::Upstream
            | ErrorKind::Timeout
            | ErrorKind::Network
            | ErrorKind::CircuitOpen
            | ErrorKind::RateLimited { .. }
    )
}
