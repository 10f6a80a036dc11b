//! Health: `health.get`, the connection check. Point it at Clickup's cheapest authenticated
//! endpoint (a "who am I" or status call).

use http::Method;
use plugboard_core::connector::schema_of;
use plugboard_core::{OperationDescriptor, OperationId, RateClass, Result};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::client::ClickupClient;
use crate::models::Health;

/// `health.get`.
pub const HEALTH_GET: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("health.get"),
    summary: "Check that Clickup is reachable and accepts the credential",
    docs_url: "https://api.clickup.example/health",
    idempotent: true,
    read_only: true,
    paginated: false,
    rate_class: RateClass("default"),
    cache_ttl: None,
    input_schema: schema_of::<GetHealth>,
    output_schema: schema_of::<Health>,
};

/// Input of `health.get` (none).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetHealth {}

/// The health API.
#[derive(Debug, Clone, Copy)]
pub struct HealthApi<'a> {
    pub(crate) client: &'a ClickupClient,
}

impl HealthApi<'_> {
    /// `GET /health`.
    pub async fn get(&self) -> Result<Health> {
        let request = self
            .client
            .request(&HEALTH_GET, Method::GET)?
            .segments(["health"]);
        self.client.runtime().json(request).await
    }
}
