//! Lists: `lists.list` (the Lists of a Folder, or the folderless Lists of a Space) and
//! `lists.get` (with the List's statuses).

use std::time::Duration;

use http::Method;
use plugboard_core::connector::schema_of;
use plugboard_core::{OperationDescriptor, OperationId, Result};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Id, RATE_CLASS, invalid, list_of};
use crate::client::ClickupClient;
use crate::models::List;

/// `lists.list`: one operation for both of ClickUp's list endpoints, chosen by which parent
/// id the input names.
pub const LISTS_LIST: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("lists.list"),
    summary: "List the Lists of a Folder (folder_id) or the folderless Lists of a Space (space_id)",
    docs_url: "https://developer.clickup.com/reference/getlists",
    idempotent: true,
    read_only: true,
    paginated: false,
    rate_class: RATE_CLASS,
    cache_ttl: None,
    input_schema: schema_of::<ListLists>,
    output_schema: schema_of::<Vec<List>>,
};

/// `lists.get`: cached for five minutes (statuses change rarely; ClickUp sends no ETag).
pub const LISTS_GET: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("lists.get"),
    summary: "Get a List, its statuses included",
    docs_url: "https://developer.clickup.com/reference/getlist",
    idempotent: true,
    read_only: true,
    paginated: false,
    rate_class: RATE_CLASS,
    cache_ttl: Some(Duration::from_secs(300)),
    input_schema: schema_of::<GetList>,
    output_schema: schema_of::<List>,
};

/// Input of `lists.list`: exactly one of `folder_id` (`GET /folder/{folder_id}/list`) and
/// `space_id` (folderless Lists, `GET /space/{space_id}/list`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListLists {
    /// The Folder whose Lists to list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub folder_id: Option<Id>,
    /// The Space whose folderless Lists to list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub space_id: Option<Id>,
    /// Archived Lists instead of active ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archived: Option<bool>,
}

/// Input of `lists.get`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetList {
    /// The List id.
    pub list_id: Id,
}

/// The Lists API.
#[derive(Debug, Clone, Copy)]
pub struct ListsApi<'a> {
    pub(crate) client: &'a ClickupClient,
}

impl ListsApi<'_> {
    /// `GET /folder/{folder_id}/list` or `GET /space/{space_id}/list` (ClickUp answers every
    /// List at once).
    pub async fn list(&self, input: &ListLists) -> Result<Vec<List>> {
        let (parent, id) = match (&input.folder_id, &input.space_id) {
            (Some(folder), None) => ("folder", folder),
            (None, Some(space)) => ("space", space),
            _ => {
                return Err(invalid(
                    "lists.list",
                    "name exactly one of `folder_id` (a Folder's Lists) and `space_id` (a Space's folderless Lists)",
                ));
            }
        };
        let request = self
            .client
            .request(&LISTS_LIST, Method::GET)?
            .segments([parent, id.as_str(), "list"])
            .query_opt("archived", input.archived);
        list_of(self.client.runtime(), request, "lists").await
    }

    /// `GET /list/{list_id}`.
    pub async fn get(&self, input: &GetList) -> Result<List> {
        let request = self
            .client
            .request(&LISTS_GET, Method::GET)?
            .segments(["list", input.list_id.as_str()]);
        self.client.runtime().json(request).await
    }
}
