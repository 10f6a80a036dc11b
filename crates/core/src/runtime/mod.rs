//! The resilience runtime. Every outbound call goes through [`Runtime::execute`], whose layer
//! order is fixed in one place ([`pipeline`]):
//!
//! observe (span + metrics) → cache → total deadline → retry loop (budget) → per attempt:
//! circuit breaker → rate-limit pause gate → token bucket → bulkhead → attempt timeout → auth
//! → transport (reqwest, its own retries off) → classify.

mod breaker;
mod cache;
mod observe;
mod paginate;
mod pipeline;
mod policy;
mod rate_limit;
mod retry;
mod transport;

pub use breaker::{BreakerPolicy, BreakerState, open_breakers};
pub use paginate::{Page, PageSpec, Pagination};
pub use policy::{ClassQuota, Policy, PolicyOverrides, Quota};
pub use retry::BudgetPolicy;

use std::sync::Arc;

use serde::de::DeserializeOwned;
use tokio::sync::Semaphore;
use url::Url;

use crate::auth::{AuthProvider, NoAuth};
use crate::error::{Error, Result};
use crate::http::{ApiRequest, Classifier, DefaultClassifier};
use crate::ids::ConnectorId;

/// The runtime for one connector connection. Cheap to clone (shared state behind an `Arc`).
#[derive(Clone)]
pub struct Runtime {
    inner: Arc<Inner>,
}

struct Inner {
    connector: ConnectorId,
    policy: Policy,
    origin: Option<Url>,
    auth: Arc<dyn AuthProvider>,
    /// `auth.credential_key()`, owned once (the token bucket is keyed by `String`).
    credential: String,
    classifier: Arc<dyn Classifier>,
    client: reqwest::Client,
    breakers: breaker::CircuitBreakers,
    gate: rate_limit::RateGate,
    bulkhead: Semaphore,
    budget: retry::RetryBudget,
    cache: cache::ResponseCache,
    metrics: observe::Handles,
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime")
            .field("connector", &self.inner.connector)
            .field("origin", &self.inner.origin.as_ref().map(Url::as_str))
            .field("credential", &self.inner.auth.credential_key())
            .finish()
    }
}

/// Builds a [`Runtime`].
pub struct RuntimeBuilder {
    connector: ConnectorId,
    policy: Policy,
    origin: Option<Url>,
    auth: Arc<dyn AuthProvider>,
    classifier: Arc<dyn Classifier>,
    client: Option<reqwest::Client>,
}

impl RuntimeBuilder {
    /// Sets the policy.
    pub fn policy(mut self, policy: Policy) -> Self {
        self.policy = policy;
        self
    }

    /// Replaces the origin (scheme, host, port) of every URL called; paths are kept.
    pub fn origin(mut self, origin: Option<Url>) -> Self {
        self.origin = origin;
        self
    }

    /// Sets the credentials.
    pub fn auth(mut self, auth: Arc<dyn AuthProvider>) -> Self {
        self.auth = auth;
        self
    }

    /// Sets the platform's classifier (its quirks on top of the default).
    pub fn classifier(mut self, classifier: Arc<dyn Classifier>) -> Self {
        self.classifier = classifier;
        self
    }

    /// Shares an existing HTTP client (its connection pool) instead of building one.
    pub fn client(mut self, client: reqwest::Client) -> Self {
        self.client = Some(client);
        self
    }

    /// Builds the runtime.
    pub fn build(self) -> Result<Runtime> {
        let client = match self.client {
            Some(c) => c,
            None => transport::build_client(&self.policy)?,
        };
        Ok(Runtime {
            inner: Arc::new(Inner {
                connector: self.connector,
                breakers: breaker::CircuitBreakers::new(
                    self.connector.as_str(),
                    self.policy.breaker,
                ),
                gate: rate_limit::RateGate::new(
                    self.policy.quota,
                    &self.policy.class_quotas,
                    self.policy.pace_below,
                ),
                bulkhead: Semaphore::new(self.policy.max_concurrency),
                budget: retry::RetryBudget::new(self.policy.retry_budget),
                cache: cache::ResponseCache::new(self.policy.cache_capacity_bytes),
                metrics: observe::Handles::default(),
                policy: self.policy,
                origin: self.origin,
                credential: self.auth.credential_key().to_string(),
                auth: self.auth,
                classifier: self.classifier,
                client,
            }),
        })
    }
}

impl Runtime {
    /// A builder with the default policy, no auth and the default classifier.
    pub fn builder(connector: ConnectorId) -> RuntimeBuilder {
        RuntimeBuilder {
            connector,
            policy: Policy::default(),
            origin: None,
            auth: Arc::new(NoAuth),
            classifier: Arc::new(DefaultClassifier),
            client: None,
        }
    }

    /// The connector this runtime serves.
    pub fn connector(&self) -> ConnectorId {
        self.inner.connector
    }

    /// The policy in force.
    pub fn policy(&self) -> &Policy {
        &self.inner.policy
    }

    /// The breaker state for a host (`host:port` as called, after the origin override).
    pub fn breaker_state(&self, host: &str) -> BreakerState {
        self.inner.breakers.state(host)
    }

    /// The URL actually called for `url` (origin override applied).
    pub fn resolve_url(&self, url: &Url) -> Url {
        transport::rewrite_origin(url, self.inner.origin.as_ref())
    }

    /// Executes a request and parses its JSON body into `T`.
    pub async fn json<T: DeserializeOwned>(&self, request: ApiRequest) -> Result<T> {
        let op = request.operation;
        self.execute(request)
            .await?
            .json()
            .map_err(|e: Error| e.at(self.inner.connector, Some(op)))
    }
}
