//! The Google Ads API (REST): `ads.customers.list_accessible` and `ads.search` (GAQL, pages
//! by a `pageToken` in the JSON body). Every call carries the `developer-token` header and,
//! when configured, `login-customer-id`.

use std::time::Duration;

use futures::stream::BoxStream;
use http::Method;
use plugboard_core::connector::schema_of;
use plugboard_core::runtime::{PageSpec, Pagination};
use plugboard_core::{ApiRequest, Error, OperationDescriptor, OperationId, RateClass, Result};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{all_raw, all_typed};
use crate::client::{ADS_CLASS, GoogleClient, customer_id};
use crate::models::{AccessibleCustomers, GoogleAdsRow, SearchGoogleAdsResponse};

/// `ads.customers.list_accessible`: cached 30 minutes.
pub const ADS_CUSTOMERS_LIST_ACCESSIBLE: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("ads.customers.list_accessible"),
    summary: "List the Google Ads customers the user can access directly",
    docs_url: "https://developers.google.com/google-ads/api/rest/reference/rest/v26/customers/listAccessibleCustomers",
    idempotent: true,
    read_only: true,
    paginated: false,
    rate_class: RateClass(ADS_CLASS),
    cache_ttl: Some(Duration::from_secs(30 * 60)),
    input_schema: schema_of::<ListAccessibleCustomers>,
    output_schema: schema_of::<AccessibleCustomers>,
};

/// `ads.search`: a POST, but a read that is safe to repeat, so it is retried like a GET.
pub const ADS_SEARCH: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("ads.search"),
    summary: "Run a Google Ads Query Language (GAQL) query against one customer",
    docs_url: "https://developers.google.com/google-ads/api/rest/reference/rest/v26/customers.googleAds/search",
    idempotent: true,
    read_only: true,
    paginated: true,
    rate_class: RateClass(ADS_CLASS),
    cache_ttl: None,
    input_schema: schema_of::<SearchAds>,
    output_schema: schema_of::<GoogleAdsRow>,
};

/// How `googleAds:search` pages: `nextPageToken` in the answer, sent back as `pageToken` in
/// the JSON body (the core's cursor style with `in_body`).
pub const SEARCH_PAGES: PageSpec = PageSpec::new(
    Pagination::Cursor {
        param: "pageToken",
        next: "/nextPageToken",
        has_more: None,
        in_body: true,
    },
    "/results",
);

/// Input of `ads.customers.list_accessible` (none).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListAccessibleCustomers {}

/// Input of `ads.search`, in the REST API's names.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SearchAds {
    /// The customer queried (`1234567890` or `123-456-7890`).
    #[serde(alias = "customer_id")]
    pub customer_id: String,
    /// The GAQL query, e.g. `SELECT campaign.id, campaign.name FROM campaign`.
    pub query: String,
    /// The page to fetch (a previous answer's `nextPageToken`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_token: Option<String>,
    /// Validate the query without running it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validate_only: Option<bool>,
    /// `searchSettings` (`returnTotalResultsCount`, `returnSummaryRow`...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search_settings: Option<Value>,
}

/// The Google Ads API.
#[derive(Debug, Clone, Copy)]
pub struct AdsApi<'a> {
    pub(crate) client: &'a GoogleClient,
}

impl AdsApi<'_> {
    fn configured_login(&self) -> Option<&str> {
        self.client.ads_settings().login_customer_id.as_deref()
    }

    /// `GET https://googleads.googleapis.com/{version}/customers:listAccessibleCustomers`.
    pub async fn list_accessible_customers(&self) -> Result<AccessibleCustomers> {
        let request = self
            .client
            .ads_request(
                &ADS_CUSTOMERS_LIST_ACCESSIBLE,
                Method::GET,
                self.configured_login(),
            )?
            .segments(["customers:listAccessibleCustomers"]);
        self.client.runtime().json(request).await
    }

    /// The first page's request of `googleAds:search`, logging in as `login_customer_id`.
    pub fn search_request_as(
        &self,
        input: &SearchAds,
        login_customer_id: Option<&str>,
    ) -> Result<ApiRequest> {
        let customer = customer_id(&input.customer_id).map_err(|e| {
            Error::invalid_input(format!(
                "invalid input for {}: field `customerId`: {}",
                ADS_SEARCH.id,
                e.message()
            ))
            .with_context("field", "customerId")
        })?;
        if input.query.trim().is_empty() {
            return Err(Error::invalid_input(format!(
                "invalid input for {}: field `query`: the GAQL query is empty",
                ADS_SEARCH.id
            ))
            .with_context("field", "query"));
        }
        let mut body = Map::new();
        body.insert("query".into(), Value::from(input.query.clone()));
        if let Some(token) = &input.page_token {
            body.insert("pageToken".into(), Value::from(token.clone()));
        }
        if let Some(validate) = input.validate_only {
            body.insert("validateOnly".into(), Value::from(validate));
        }
        if let Some(settings) = &input.search_settings {
            body.insert("searchSettings".into(), settings.clone());
        }
        self.client
            .ads_request(&ADS_SEARCH, Method::POST, login_customer_id)?
            .segments(["customers", customer.as_str(), "googleAds:search"])
            .json(&Value::Object(body))
    }

    /// The first page's request of `googleAds:search` with the configured login customer.
    pub fn search_request(&self, input: &SearchAds) -> Result<ApiRequest> {
        self.search_request_as(input, self.configured_login())
    }

    /// `POST https://googleads.googleapis.com/{version}/customers/{customerId}/googleAds:search`:
    /// one page, with its `nextPageToken`.
    pub async fn search(&self, input: &SearchAds) -> Result<SearchGoogleAdsResponse> {
        self.client
            .runtime()
            .json(self.search_request(input)?)
            .await
    }

    /// Like [`search`](Self::search), logging in as `login_customer_id` instead of the
    /// configured manager (`None`: no `login-customer-id` header).
    pub async fn search_as(
        &self,
        input: &SearchAds,
        login_customer_id: Option<&str>,
    ) -> Result<SearchGoogleAdsResponse> {
        self.client
            .runtime()
            .json(self.search_request_as(input, login_customer_id)?)
            .await
    }

    /// Every row across every page, in order.
    pub fn search_all(&self, input: &SearchAds) -> BoxStream<'static, Result<GoogleAdsRow>> {
        all_typed(self.client, self.search_request(input), SEARCH_PAGES)
    }

    /// Every row across every page, as Google's JSON.
    pub fn search_all_raw(&self, input: &SearchAds) -> BoxStream<'static, Result<Value>> {
        all_raw(self.client, self.search_request(input), SEARCH_PAGES)
    }
}
