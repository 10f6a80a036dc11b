//! Insights: `insights.get` (`GET /act_{ad-account-id}/insights`, cursor pages) with fields,
//! a time range or date preset, a level and breakdowns.

use futures::stream::BoxStream;
use http::Method;
use plugboard_core::connector::schema_of;
use plugboard_core::{ApiRequest, Error, OperationDescriptor, OperationId, RateClass, Result};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Listing, all_typed};
use crate::client::MetaClient;
use crate::models::Insight;

/// `insights.get`.
pub const INSIGHTS_GET: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("insights.get"),
    summary: "Get an ad account's insights (fields, time range, level, breakdowns)",
    docs_url: "https://developers.facebook.com/docs/marketing-api/reference/ad-account/insights/",
    idempotent: true,
    read_only: true,
    paginated: true,
    rate_class: RateClass("ads_insights"),
    cache_ttl: None,
    input_schema: schema_of::<GetInsights>,
    output_schema: schema_of::<Insight>,
};

/// The aggregation level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Per ad.
    Ad,
    /// Per ad set.
    Adset,
    /// Per campaign.
    Campaign,
    /// The whole account (Meta's default).
    Account,
}

impl Level {
    fn as_str(self) -> &'static str {
        match self {
            Self::Ad => "ad",
            Self::Adset => "adset",
            Self::Campaign => "campaign",
            Self::Account => "account",
        }
    }
}

/// A date range in the ad account's time zone, both ends included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TimeRange {
    /// The first day, `YYYY-MM-DD`.
    pub since: String,
    /// The last day, `YYYY-MM-DD`.
    pub until: String,
}

/// Days per row (`1` to `90`), or `monthly` / `all_days`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum TimeIncrement {
    /// A number of days.
    Days(u32),
    /// `monthly` or `all_days`.
    Named(String),
}

/// Input of `insights.get`, with Graph's parameter names.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetInsights {
    /// The ad account: `act_<id>` (a bare numeric id gets the `act_` prefix).
    pub ad_account_id: String,
    /// Comma-separated fields: metrics (`impressions,spend,clicks`), ids and names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<String>,
    /// `ad`, `adset`, `campaign` or `account`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<Level>,
    /// A preset such as `last_7d` or `this_month` (ignored by Meta when `time_range` is set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_preset: Option<String>,
    /// An explicit date range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_range: Option<TimeRange>,
    /// Days per row, `monthly` or `all_days`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_increment: Option<TimeIncrement>,
    /// Comma-separated breakdowns (`age,gender`, `publisher_platform`...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breakdowns: Option<String>,
    /// Comma-separated action breakdowns (`action_type`...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action_breakdowns: Option<String>,
    /// Filters, as Meta documents them: `[{"field","operator","value"}]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filtering: Option<Value>,
    /// Rows per page of results.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub limit: Option<u32>,
    /// The cursor to start after.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
}

/// The insights API.
#[derive(Debug, Clone, Copy)]
pub struct InsightsApi<'a> {
    pub(crate) client: &'a MetaClient,
}

impl InsightsApi<'_> {
    /// The request for the first page of `insights.get`.
    pub fn get_request(&self, input: &GetInsights) -> Result<ApiRequest> {
        let id = input.ad_account_id.trim();
        if id.is_empty() || id == "act_" {
            return Err(Error::invalid_input(
                "invalid input for insights.get: field `ad_account_id`: must not be empty",
            ));
        }
        let node = if id.starts_with("act_") {
            id.to_string()
        } else {
            format!("act_{id}")
        };
        let time_range = input
            .time_range
            .as_ref()
            .map(|r| serde_json::json!({"since": r.since, "until": r.until}).to_string());
        let time_increment = input.time_increment.as_ref().map(|t| match t {
            TimeIncrement::Days(n) => n.to_string(),
            TimeIncrement::Named(s) => s.clone(),
        });
        let filtering = input.filtering.as_ref().map(Value::to_string);
        Ok(self
            .client
            .request(&INSIGHTS_GET, Method::GET, &[&node, "insights"])?
            .query_opt("fields", input.fields.as_deref())
            .query_opt("level", input.level.map(Level::as_str))
            .query_opt("date_preset", input.date_preset.as_deref())
            .query_opt("time_range", time_range)
            .query_opt("time_increment", time_increment)
            .query_opt("breakdowns", input.breakdowns.as_deref())
            .query_opt("action_breakdowns", input.action_breakdowns.as_deref())
            .query_opt("filtering", filtering)
            .query_opt("limit", input.limit)
            .query_opt("after", input.after.as_deref()))
    }

    /// `GET /act_{id}/insights`: one page of rows.
    pub async fn get(&self, input: &GetInsights) -> Result<Vec<Insight>> {
        let listing: Listing<Insight> =
            self.client.runtime().json(self.get_request(input)?).await?;
        Ok(listing.data)
    }

    /// Every row across every page of results.
    pub fn get_all(&self, input: &GetInsights) -> BoxStream<'static, Result<Insight>> {
        all_typed(self.client, self.get_request(input))
    }
}
