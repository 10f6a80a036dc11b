//! Campaigns: `campaigns.list` (`GET /open_api/v1.3/campaign/get/`, `page` / `page_size`).

use futures::stream::BoxStream;
use plugboard_core::connector::schema_of;
use plugboard_core::{ApiRequest, Error, OperationDescriptor, OperationId, RateClass, Result};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{BUSINESS_PAGES, BusinessList, all_typed, json_list};
use crate::client::{BUSINESS_CLASS, TiktokClient};
use crate::models::Campaign;

/// `campaigns.list`.
pub const CAMPAIGNS_LIST: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("campaigns.list"),
    summary: "List an advertiser's campaigns",
    docs_url: "https://business-api.tiktok.com/portal/docs?id=1739315828649986",
    idempotent: true,
    read_only: true,
    paginated: true,
    rate_class: RateClass(BUSINESS_CLASS),
    cache_ttl: None,
    input_schema: schema_of::<ListCampaigns>,
    output_schema: schema_of::<Campaign>,
};

/// Input of `campaigns.list`, with TikTok's parameter names.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListCampaigns {
    /// The advertiser.
    pub advertiser_id: String,
    /// Fields to return (sent as a JSON array).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<String>>,
    /// Filters as TikTok documents them (`{"campaign_ids": [...], "primary_status": ...}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filtering: Option<Value>,
    /// The page to start from (1-based).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub page: Option<u64>,
    /// Campaigns per page, 1 to 1000 (TikTok's default 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 1000))]
    pub page_size: Option<u32>,
}

/// The campaigns API.
#[derive(Debug, Clone, Copy)]
pub struct CampaignsApi<'a> {
    pub(crate) client: &'a TiktokClient,
}

impl CampaignsApi<'_> {
    /// The request for the first page of `campaigns.list`.
    pub fn list_request(&self, input: &ListCampaigns) -> Result<ApiRequest> {
        if input.advertiser_id.trim().is_empty() {
            return Err(Error::invalid_input(
                "invalid input for campaigns.list: field `advertiser_id`: must not be empty",
            ));
        }
        if let Some(n) = input.page_size.filter(|n| !(1..=1000).contains(n)) {
            return Err(Error::invalid_input(format!(
                "invalid input for campaigns.list: field `page_size`: must be 1 to 1000, got {n}"
            )));
        }
        Ok(self
            .client
            .business_request(&CAMPAIGNS_LIST, &["campaign", "get"])?
            .query("advertiser_id", &input.advertiser_id)
            .query_opt("fields", input.fields.as_deref().map(json_list))
            .query_opt("filtering", input.filtering.as_ref().map(Value::to_string))
            .query_opt("page", input.page)
            .query_opt("page_size", input.page_size))
    }

    /// `GET /open_api/v1.3/campaign/get/`: one page of campaigns.
    pub async fn list(&self, input: &ListCampaigns) -> Result<Vec<Campaign>> {
        let answer: BusinessList<Campaign> = self
            .client
            .business_runtime()
            .json(self.list_request(input)?)
            .await?;
        Ok(answer.data.list)
    }

    /// Every campaign across every page.
    pub fn list_all(&self, input: &ListCampaigns) -> BoxStream<'static, Result<Campaign>> {
        all_typed(
            self.client.business_runtime(),
            self.list_request(input),
            BUSINESS_PAGES,
        )
    }
}
