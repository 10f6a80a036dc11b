//! Spaces: `spaces.list`.

use http::Method;
use plugboard_core::connector::schema_of;
use plugboard_core::{OperationDescriptor, OperationId, Result};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Id, RATE_CLASS, list_of};
use crate::client::ClickupClient;
use crate::models::Space;

/// `spaces.list`.
pub const SPACES_LIST: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("spaces.list"),
    summary: "List the Spaces of a Workspace",
    docs_url: "https://developer.clickup.com/reference/getspaces",
    idempotent: true,
    read_only: true,
    paginated: false,
    rate_class: RATE_CLASS,
    cache_ttl: None,
    input_schema: schema_of::<ListSpaces>,
    output_schema: schema_of::<Vec<Space>>,
};

/// Input of `spaces.list`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListSpaces {
    /// The Workspace id.
    pub team_id: Id,
    /// Archived Spaces instead of active ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archived: Option<bool>,
}

/// The Spaces API.
#[derive(Debug, Clone, Copy)]
pub struct SpacesApi<'a> {
    pub(crate) client: &'a ClickupClient,
}

impl SpacesApi<'_> {
    /// `GET /team/{team_id}/space` (ClickUp answers every Space at once).
    pub async fn list(&self, input: &ListSpaces) -> Result<Vec<Space>> {
        let request = self
            .client
            .request(&SPACES_LIST, Method::GET)?
            .segments(["team", input.team_id.as_str(), "space"])
            .query_opt("archived", input.archived);
        list_of(self.client.runtime(), request, "spaces").await
    }
}
