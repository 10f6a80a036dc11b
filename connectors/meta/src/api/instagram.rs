//! Instagram: `instagram.accounts`, the Instagram professional accounts linked to the user's
//! Pages (`GET /me/accounts?fields=id,name,instagram_business_account{...}`, cursor pages).

use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use http::Method;
use plugboard_core::connector::schema_of;
use plugboard_core::{ApiRequest, OperationDescriptor, OperationId, RateClass, Result};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Listing, all_raw};
use crate::client::MetaClient;
use crate::models::InstagramAccount;

/// `instagram.accounts`.
pub const INSTAGRAM_ACCOUNTS: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("instagram.accounts"),
    summary: "List the Instagram business accounts linked to the user's Pages",
    docs_url: "https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/page/",
    idempotent: true,
    read_only: true,
    paginated: true,
    rate_class: RateClass("pages"),
    cache_ttl: None,
    input_schema: schema_of::<ListInstagramAccounts>,
    output_schema: schema_of::<InstagramAccount>,
};

/// The Instagram account fields asked for unless told otherwise.
pub const DEFAULT_INSTAGRAM_FIELDS: &str = "id,username,name,profile_picture_url,followers_count";

/// Input of `instagram.accounts`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListInstagramAccounts {
    /// Comma-separated Instagram user fields (default
    /// `id,username,name,profile_picture_url,followers_count`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<String>,
    /// Pages per page of results.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub limit: Option<u32>,
    /// The cursor to start after.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
}

/// The Instagram API.
#[derive(Debug, Clone, Copy)]
pub struct InstagramApi<'a> {
    pub(crate) client: &'a MetaClient,
}

impl InstagramApi<'_> {
    /// The request for the first page of `instagram.accounts` (a Pages listing).
    pub fn accounts_request(&self, input: &ListInstagramAccounts) -> Result<ApiRequest> {
        let ig_fields = input.fields.as_deref().unwrap_or(DEFAULT_INSTAGRAM_FIELDS);
        Ok(self
            .client
            .request(&INSTAGRAM_ACCOUNTS, Method::GET, &["me", "accounts"])?
            .query(
                "fields",
                format!("id,name,instagram_business_account{{{ig_fields}}}"),
            )
            .query_opt("limit", input.limit)
            .query_opt("after", input.after.as_deref()))
    }

    /// The linked accounts of one page of Pages.
    pub async fn accounts(&self, input: &ListInstagramAccounts) -> Result<Vec<InstagramAccount>> {
        let listing: Listing<Value> = self
            .client
            .runtime()
            .json(self.accounts_request(input)?)
            .await?;
        listing
            .data
            .into_iter()
            .filter_map(linked_account)
            .collect()
    }

    /// The linked accounts across every page of Pages.
    pub fn accounts_all(
        &self,
        input: &ListInstagramAccounts,
    ) -> BoxStream<'static, Result<InstagramAccount>> {
        all_raw(self.client, self.accounts_request(input))
            .map_ok(|page| stream::iter(linked_account(page)))
            .try_flatten()
            .boxed()
    }
}

/// The Instagram account of a Page item, with the Page's id and name; `None` when the Page
/// has no linked account.
fn linked_account(page: Value) -> Option<Result<InstagramAccount>> {
    let mut account = page.get("instagram_business_account")?.clone();
    let object = account.as_object_mut()?;
    for (from, to) in [("id", "page_id"), ("name", "page_name")] {
        if let Some(v) = page.get(from) {
            object.insert(to.to_string(), v.clone());
        }
    }
    Some(serde_json::from_value(account).map_err(Into::into))
}
