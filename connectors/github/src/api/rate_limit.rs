//! Rate-limit status: `rate_limit.get`, also the connection's health check (it does not count
//! against the primary limit).

use http::Method;
use plugboard_core::connector::schema_of;
use plugboard_core::{OperationDescriptor, OperationId, RateClass, Result};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::client::GithubClient;
use crate::models::RateLimit;

/// `rate_limit.get`.
pub const RATE_LIMIT_GET: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("rate_limit.get"),
    summary: "Get rate-limit status for the authenticated credential (health check)",
    docs_url: "https://docs.github.com/rest/rate-limit/rate-limit#get-rate-limit-status-for-the-authenticated-user",
    idempotent: true,
    read_only: true,
    paginated: false,
    rate_class: RateClass("none"),
    cache_ttl: None,
    input_schema: schema_of::<GetRateLimit>,
    output_schema: schema_of::<RateLimit>,
};

/// Input of `rate_limit.get` (none).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetRateLimit {}

/// The rate-limit API.
#[derive(Debug, Clone, Copy)]
pub struct RateLimitApi<'a> {
    pub(crate) client: &'a GithubClient,
}

impl RateLimitApi<'_> {
    /// `GET /rate_limit`.
    pub async fn get(&self) -> Result<RateLimit> {
        let request = self
            .client
            .request(&RATE_LIMIT_GET, Method::GET)?
            .segments(["rate_limit"]);
        self.client.runtime().json(request).await
    }
}
