//! Server information: `server_info.get` (`GET /rest/api/3/serverInfo`), the health check.

use http::Method;
use plugboard_core::connector::schema_of;
use plugboard_core::{OperationDescriptor, OperationId, RateClass, Result};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::client::{JiraClient, READ};
use crate::models::ServerInfo;

/// `server_info.get`.
pub const SERVER_INFO_GET: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("server_info.get"),
    summary: "Get the Jira site's version, build and time (health check)",
    docs_url: "https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-server-info/#api-rest-api-3-serverinfo-get",
    idempotent: true,
    read_only: true,
    paginated: false,
    rate_class: RateClass(READ),
    cache_ttl: None,
    input_schema: schema_of::<GetServerInfo>,
    output_schema: schema_of::<ServerInfo>,
};

/// Input of `server_info.get` (none).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetServerInfo {}

/// The server-information API.
#[derive(Debug, Clone, Copy)]
pub struct ServerInfoApi<'a> {
    pub(crate) client: &'a JiraClient,
}

impl ServerInfoApi<'_> {
    /// `GET /rest/api/3/serverInfo`.
    pub async fn get(&self) -> Result<ServerInfo> {
        let request = self
            .client
            .request(
                &SERVER_INFO_GET,
                Method::GET,
                &["rest", "api", "3", "serverInfo"],
            )
            .await?;
        self.client.runtime().json(request).await
    }
}
