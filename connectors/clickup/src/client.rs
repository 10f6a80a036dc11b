//! [`ClickupClient`]: the typed client, a handle per resource over one runtime.

use std::sync::Arc;
use std::time::Duration;

use http::{HeaderValue, Method};
use plugboard_core::runtime::Quota;
use plugboard_core::{
    ApiRequest, AuthProvider, ConnectorConfig, NoAuth, OperationDescriptor, Policy, Result,
    Runtime, StaticToken,
};

use crate::api::health::HealthApi;
use crate::classify::ClickupClassifier;
use crate::connector::INFO;

/// The origin of Clickup's API; `base_url` in the configuration replaces it.
pub const API_ORIGIN: &str = "https://api.clickup.example";

/// A typed Clickup client.
#[derive(Debug, Clone)]
pub struct ClickupClient {
    runtime: Runtime,
}

impl ClickupClient {
    /// Clickup's default policy: 30 s total deadline, 600 requests per minute per credential,
    /// then any overrides from the configuration.
    pub fn default_policy(config: &ConnectorConfig) -> Result<Policy> {
        Policy::default()
            .with_total_timeout(Duration::from_secs(30))
            .with_quota(Quota::per_minute(600))
            .with_overrides(&config.policy)
    }

    /// A client from configuration: a token (or anonymous), the base URL override, and policy
    /// overrides.
    pub fn from_config(config: &ConnectorConfig) -> Result<Self> {
        let auth: Arc<dyn AuthProvider> = match &config.token {
            Some(token) => Arc::new(StaticToken::bearer(token, "default")?),
            None => Arc::new(NoAuth),
        };
        let runtime = Runtime::builder(INFO.id)
            .policy(Self::default_policy(config)?)
            .origin(config.base_url.clone())
            .auth(auth)
            .classifier(Arc::new(ClickupClassifier))
            .build()?;
        Ok(Self::with_runtime(runtime))
    }

    /// A client over an existing runtime (custom auth, shared pools).
    pub fn with_runtime(runtime: Runtime) -> Self {
        Self { runtime }
    }

    /// The runtime.
    pub fn runtime(&self) -> &Runtime {
        &self.runtime
    }

    /// Health.
    pub fn health(&self) -> HealthApi<'_> {
        HealthApi { client: self }
    }

    /// A request for `op` asking for JSON.
    pub(crate) fn request(&self, op: &OperationDescriptor, method: Method) -> Result<ApiRequest> {
        Ok(ApiRequest::new(op, method, API_ORIGIN)?.header(
            http::header::ACCEPT,
            HeaderValue::from_static("application/json"),
        ))
    }
}
