//! The token's user: `me.get` (`GET /me`), the connection check.

use http::Method;
use plugboard_core::connector::schema_of;
use plugboard_core::{OperationDescriptor, OperationId, RateClass, Result};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::client::MetaClient;
use crate::models::Me;

/// `me.get`.
pub const ME_GET: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("me.get"),
    summary: "Get the token's user (or Page); the health check",
    docs_url: "https://developers.facebook.com/docs/graph-api/overview#me",
    idempotent: true,
    read_only: true,
    paginated: false,
    rate_class: RateClass("graph"),
    cache_ttl: None,
    input_schema: schema_of::<GetMe>,
    output_schema: schema_of::<Me>,
};

/// Input of `me.get`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetMe {
    /// Comma-separated fields (default `id,name`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<String>,
}

/// The `/me` API.
#[derive(Debug, Clone, Copy)]
pub struct MeApi<'a> {
    pub(crate) client: &'a MetaClient,
}

impl MeApi<'_> {
    /// `GET /me?fields=...`.
    pub async fn get(&self, input: &GetMe) -> Result<Me> {
        let request = self
            .client
            .request(&ME_GET, Method::GET, &["me"])?
            .query("fields", input.fields.as_deref().unwrap_or("id,name"));
        self.client.runtime().json(request).await
    }
}
