//! Folders: `folders.list`.

use http::Method;
use plugboard_core::connector::schema_of;
use plugboard_core::{OperationDescriptor, OperationId, Result};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Id, RATE_CLASS, list_of};
use crate::client::ClickupClient;
use crate::models::Folder;

/// `folders.list`.
pub const FOLDERS_LIST: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("folders.list"),
    summary: "List the Folders of a Space",
    docs_url: "https://developer.clickup.com/reference/getfolders",
    idempotent: true,
    read_only: true,
    paginated: false,
    rate_class: RATE_CLASS,
    cache_ttl: None,
    input_schema: schema_of::<ListFolders>,
    output_schema: schema_of::<Vec<Folder>>,
};

/// Input of `folders.list`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListFolders {
    /// The Space id.
    pub space_id: Id,
    /// Archived Folders instead of active ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archived: Option<bool>,
}

/// The Folders API.
#[derive(Debug, Clone, Copy)]
pub struct FoldersApi<'a> {
    pub(crate) client: &'a ClickupClient,
}

impl FoldersApi<'_> {
    /// `GET /space/{space_id}/folder` (ClickUp answers every Folder at once).
    pub async fn list(&self, input: &ListFolders) -> Result<Vec<Folder>> {
        let request = self
            .client
            .request(&FOLDERS_LIST, Method::GET)?
            .segments(["space", input.space_id.as_str(), "folder"])
            .query_opt("archived", input.archived);
        list_of(self.client.runtime(), request, "folders").await
    }
}
