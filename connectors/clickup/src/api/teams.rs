//! Workspaces: `teams.list` (API v2 calls Workspaces teams), also the connection's health
//! check.

use std::time::Duration;

use http::Method;
use plugboard_core::connector::schema_of;
use plugboard_core::{OperationDescriptor, OperationId, Result};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{RATE_CLASS, list_of};
use crate::client::ClickupClient;
use crate::models::Team;

/// `teams.list`: the Workspaces the token can reach; cached for five minutes.
pub const TEAMS_LIST: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("teams.list"),
    summary: "List the authorized Workspaces (teams); the health check",
    docs_url: "https://developer.clickup.com/reference/getauthorizedteams",
    idempotent: true,
    read_only: true,
    paginated: false,
    rate_class: RATE_CLASS,
    cache_ttl: Some(Duration::from_secs(300)),
    input_schema: schema_of::<ListTeams>,
    output_schema: schema_of::<Vec<Team>>,
};

/// Input of `teams.list` (none).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListTeams {}

/// The Workspaces API.
#[derive(Debug, Clone, Copy)]
pub struct TeamsApi<'a> {
    pub(crate) client: &'a ClickupClient,
}

impl TeamsApi<'_> {
    /// `GET /team`: every Workspace the token is authorized for.
    pub async fn list(&self) -> Result<Vec<Team>> {
        let request = self
            .client
            .request(&TEAMS_LIST, Method::GET)?
            .segments(["team"]);
        list_of(self.client.runtime(), request, "teams").await
    }
}
