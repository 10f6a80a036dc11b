//! Reports: `reports.integrated` (`GET /open_api/v1.3/report/integrated/get/`), a synchronous
//! report with dimensions, metrics, dates and a data level, paged by `page` / `page_size`.

use futures::stream::BoxStream;
use plugboard_core::connector::schema_of;
use plugboard_core::{ApiRequest, Error, OperationDescriptor, OperationId, RateClass, Result};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{BUSINESS_PAGES, BusinessList, all_typed, json_list};
use crate::client::{BUSINESS_CLASS, TiktokClient};
use crate::models::ReportRow;

/// `reports.integrated`.
pub const REPORTS_INTEGRATED: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("reports.integrated"),
    summary: "Run a synchronous report (dimensions, metrics, dates, data level)",
    docs_url: "https://business-api.tiktok.com/portal/docs?id=1740302848100353",
    idempotent: true,
    read_only: true,
    paginated: true,
    rate_class: RateClass(BUSINESS_CLASS),
    cache_ttl: None,
    input_schema: schema_of::<GetIntegratedReport>,
    output_schema: schema_of::<ReportRow>,
};

/// Input of `reports.integrated`, with TikTok's parameter names.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetIntegratedReport {
    /// The advertiser.
    pub advertiser_id: String,
    /// `BASIC`, `AUDIENCE`, `PLAYABLE_MATERIAL` or `CATALOG`.
    pub report_type: String,
    /// Grouping, e.g. `["campaign_id", "stat_time_day"]` (sent as a JSON array).
    pub dimensions: Vec<String>,
    /// Metrics, e.g. `["spend", "impressions"]` (sent as a JSON array).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metrics: Option<Vec<String>>,
    /// `AUCTION_ADVERTISER`, `AUCTION_CAMPAIGN`, `AUCTION_ADGROUP`, `AUCTION_AD`...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_level: Option<String>,
    /// `AUCTION` (default) or `RESERVATION`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_type: Option<String>,
    /// The first day, `YYYY-MM-DD` (required unless `query_lifetime`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_date: Option<String>,
    /// The last day, `YYYY-MM-DD` (required unless `query_lifetime`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_date: Option<String>,
    /// Lifetime metrics instead of a date range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query_lifetime: Option<bool>,
    /// A metric to sort by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_field: Option<String>,
    /// `ASC` or `DESC`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_type: Option<String>,
    /// Filters as TikTok documents them (`[{"field_name","filter_type","filter_value"}]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filtering: Option<Value>,
    /// `REGULAR` (default) or `CHUNK` (no pagination).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query_mode: Option<String>,
    /// The page to start from (1-based).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub page: Option<u64>,
    /// Rows per page, 1 to 1000 (TikTok's default 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 1000))]
    pub page_size: Option<u32>,
}

/// The reports API.
#[derive(Debug, Clone, Copy)]
pub struct ReportsApi<'a> {
    pub(crate) client: &'a TiktokClient,
}

impl ReportsApi<'_> {
    /// The request for the first page of `reports.integrated`.
    pub fn integrated_request(&self, input: &GetIntegratedReport) -> Result<ApiRequest> {
        if input.advertiser_id.trim().is_empty() {
            return Err(Error::invalid_input(
                "invalid input for reports.integrated: field `advertiser_id`: must not be empty",
            ));
        }
        if input.dimensions.is_empty() {
            return Err(Error::invalid_input(
                "invalid input for reports.integrated: field `dimensions`: at least one is required",
            ));
        }
        if let Some(n) = input.page_size.filter(|n| !(1..=1000).contains(n)) {
            return Err(Error::invalid_input(format!(
                "invalid input for reports.integrated: field `page_size`: must be 1 to 1000, got {n}"
            )));
        }
        Ok(self
            .client
            .business_request(&REPORTS_INTEGRATED, &["report", "integrated", "get"])?
            .query("advertiser_id", &input.advertiser_id)
            .query("report_type", &input.report_type)
            .query_opt("data_level", input.data_level.as_deref())
            .query_opt("service_type", input.service_type.as_deref())
            .query("dimensions", json_list(&input.dimensions))
            .query_opt("metrics", input.metrics.as_deref().map(json_list))
            .query_opt("start_date", input.start_date.as_deref())
            .query_opt("end_date", input.end_date.as_deref())
            .query_opt("query_lifetime", input.query_lifetime)
            .query_opt("order_field", input.order_field.as_deref())
            .query_opt("order_type", input.order_type.as_deref())
            .query_opt("filtering", input.filtering.as_ref().map(Value::to_string))
            .query_opt("query_mode", input.query_mode.as_deref())
            .query_opt("page", input.page)
            .query_opt("page_size", input.page_size))
    }

    /// `GET /open_api/v1.3/report/integrated/get/`: one page of rows.
    pub async fn integrated(&self, input: &GetIntegratedReport) -> Result<Vec<ReportRow>> {
        let answer: BusinessList<ReportRow> = self
            .client
            .business_runtime()
            .json(self.integrated_request(input)?)
            .await?;
        Ok(answer.data.list)
    }

    /// Every row across every page.
    pub fn integrated_all(
        &self,
        input: &GetIntegratedReport,
    ) -> BoxStream<'static, Result<ReportRow>> {
        all_typed(
            self.client.business_runtime(),
            self.integrated_request(input),
            BUSINESS_PAGES,
        )
    }
}
