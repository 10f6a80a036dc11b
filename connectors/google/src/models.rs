//! Google's resources as typed models. Each keeps every field Google sent (`extra`), so the
//! dynamic table returns the platform's JSON unchanged; field names are Google's (camelCase
//! for the YouTube and Ads REST APIs, snake_case for OpenID Connect claims).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The OpenID Connect userinfo of the authenticated user (`userinfo.get`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct UserInfo {
    /// The user's stable Google account id.
    pub sub: String,
    /// Full name (scope `profile`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Given name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    /// Family name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_name: Option<String>,
    /// Profile picture URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub picture: Option<String>,
    /// Email address (scope `email`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Whether Google verified the email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_verified: Option<bool>,
    /// The Google Workspace domain, for Workspace accounts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hd: Option<String>,
    /// Every other claim Google sent (`locale`...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A YouTube channel resource.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct YoutubeChannel {
    /// `youtube#channel`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The resource's ETag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    /// The channel id (`UC...`).
    pub id: String,
    /// Title, description, custom URL, thumbnails (part `snippet`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snippet: Option<ChannelSnippet>,
    /// Related playlists such as the uploads playlist (part `contentDetails`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_details: Option<Value>,
    /// View, subscriber and video counts (part `statistics`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statistics: Option<ChannelStatistics>,
    /// Every other part Google sent (`status`, `brandingSettings`...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A channel's `snippet`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChannelSnippet {
    /// The channel's title.
    pub title: String,
    /// Its description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Its handle or custom URL (`@name`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_url: Option<String>,
    /// When it was created (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_at: Option<String>,
    /// Its country (ISO 3166-1 alpha-2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Every other field (`thumbnails`, `localized`...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A channel's `statistics`. YouTube sends the counts as decimal strings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChannelStatistics {
    /// Total views.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub view_count: Option<String>,
    /// Subscribers (rounded by YouTube).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscriber_count: Option<String>,
    /// Whether the subscriber count is hidden.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hidden_subscriber_count: Option<bool>,
    /// Public videos.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video_count: Option<String>,
    /// Every other field.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One page of `channels.list`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChannelListResponse {
    /// `youtube#channelListResponse`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The page's ETag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    /// The token of the next page; absent on the last one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
    /// The token of the previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prev_page_token: Option<String>,
    /// `totalResults` and `resultsPerPage`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_info: Option<Value>,
    /// The channels on this page (absent when none match).
    #[serde(default)]
    pub items: Vec<YoutubeChannel>,
    /// Every other field.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The answer of `customers:listAccessibleCustomers`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccessibleCustomers {
    /// Resource names of the customers the user can access directly (`customers/1234567890`).
    #[serde(default)]
    pub resource_names: Vec<String>,
    /// Every other field.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl AccessibleCustomers {
    /// The customer ids (`1234567890`) of [`resource_names`](Self::resource_names).
    pub fn customer_ids(&self) -> Vec<String> {
        self.resource_names
            .iter()
            .map(|name| name.strip_prefix("customers/").unwrap_or(name).to_string())
            .collect()
    }
}

/// One row of a Google Ads query: the resources, segments and metrics the GAQL `SELECT`
/// named, keyed as Google returns them (`campaign`, `metrics`...). Kept as JSON: the shape
/// is the query's.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct GoogleAdsRow {
    /// The row's fields.
    #[serde(flatten)]
    pub fields: Map<String, Value>,
}

/// One page of `googleAds:search`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SearchGoogleAdsResponse {
    /// The rows on this page (absent when the query matches nothing).
    #[serde(default)]
    pub results: Vec<GoogleAdsRow>,
    /// The token of the next page, sent back as the body's `pageToken`; absent on the last
    /// one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
    /// The fields the query returned, comma-separated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field_mask: Option<String>,
    /// Every other field (`totalResultsCount`, `summaryRow`, `queryResourceConsumption`...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
