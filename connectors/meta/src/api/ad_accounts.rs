//! Ad accounts: `ad_accounts.list` (`GET /me/adaccounts`, cursor pages).

use futures::stream::BoxStream;
use http::Method;
use plugboard_core::connector::schema_of;
use plugboard_core::{ApiRequest, OperationDescriptor, OperationId, RateClass, Result};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Listing, all_typed};
use crate::client::MetaClient;
use crate::models::AdAccount;

/// `ad_accounts.list`.
pub const AD_ACCOUNTS_LIST: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("ad_accounts.list"),
    summary: "List the ad accounts the user can reach",
    docs_url: "https://developers.facebook.com/docs/graph-api/reference/user/adaccounts/",
    idempotent: true,
    read_only: true,
    paginated: true,
    rate_class: RateClass("ads_management"),
    cache_ttl: None,
    input_schema: schema_of::<ListAdAccounts>,
    output_schema: schema_of::<AdAccount>,
};

/// The fields `ad_accounts.list` asks for unless told otherwise.
pub const DEFAULT_AD_ACCOUNT_FIELDS: &str =
    "id,account_id,name,currency,account_status,timezone_name";

/// Input of `ad_accounts.list`, with Graph's parameter names.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListAdAccounts {
    /// Comma-separated ad account fields (default
    /// `id,account_id,name,currency,account_status,timezone_name`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<String>,
    /// Accounts per page of results.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub limit: Option<u32>,
    /// The cursor to start after.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
}

/// The ad accounts API.
#[derive(Debug, Clone, Copy)]
pub struct AdAccountsApi<'a> {
    pub(crate) client: &'a MetaClient,
}

impl AdAccountsApi<'_> {
    /// The request for the first page of `ad_accounts.list`.
    pub fn list_request(&self, input: &ListAdAccounts) -> Result<ApiRequest> {
        Ok(self
            .client
            .request(&AD_ACCOUNTS_LIST, Method::GET, &["me", "adaccounts"])?
            .query(
                "fields",
                input.fields.as_deref().unwrap_or(DEFAULT_AD_ACCOUNT_FIELDS),
            )
            .query_opt("limit", input.limit)
            .query_opt("after", input.after.as_deref()))
    }

    /// `GET /me/adaccounts`: one page.
    pub async fn list(&self, input: &ListAdAccounts) -> Result<Vec<AdAccount>> {
        let listing: Listing<AdAccount> = self
            .client
            .runtime()
            .json(self.list_request(input)?)
            .await?;
        Ok(listing.data)
    }

    /// Every ad account across every page of results.
    pub fn list_all(&self, input: &ListAdAccounts) -> BoxStream<'static, Result<AdAccount>> {
        all_typed(self.client, self.list_request(input))
    }
}
