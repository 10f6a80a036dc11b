//! Identity: `auth.test`, also the connection's health check.

use plugboard_core::connector::schema_of;
use plugboard_core::{OperationDescriptor, OperationId, Result};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::client::SlackClient;
use crate::models::AuthTest;
use crate::tiers;

/// `auth.test`.
pub const AUTH_TEST: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("auth.test"),
    summary: "Check the token and say whom it belongs to (health check)",
    docs_url: "https://docs.slack.dev/reference/methods/auth.test",
    idempotent: true,
    read_only: true,
    paginated: false,
    rate_class: tiers::AUTH_TEST,
    cache_ttl: None,
    input_schema: schema_of::<TestAuth>,
    output_schema: schema_of::<AuthTest>,
};

/// Input of `auth.test` (none).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TestAuth {}

/// The `auth.*` methods.
#[derive(Debug, Clone, Copy)]
pub struct AuthApi<'a> {
    pub(crate) client: &'a SlackClient,
}

impl AuthApi<'_> {
    /// `POST /api/auth.test` (no arguments: the token is the question).
    pub async fn test(&self) -> Result<AuthTest> {
        let request = self.client.post_form(&AUTH_TEST, "auth.test", Vec::new())?;
        self.client.runtime().json(request).await
    }
}
