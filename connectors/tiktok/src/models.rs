//! TikTok's objects as typed models. Each keeps every field TikTok sent (`extra`), so the
//! dynamic table returns the platform's JSON, and `raw()` hands the record back as JSON.

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

/// The TikTok user of the token (`data.user` of `/v2/user/info/`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct User {
    /// The user's id for this app.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_id: Option<String>,
    /// The user's id across the developer's apps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub union_id: Option<String>,
    /// The profile picture.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar_url: Option<String>,
    /// The display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// The handle (with the `user.info.profile` scope).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Every other field TikTok sent (`follower_count`, `is_verified`...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl User {
    /// The user as TikTok sent it.
    pub fn raw(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// A video of the user (`data.videos[]` of `/v2/video/list/`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Video {
    /// The video id.
    #[serde(deserialize_with = "id_string")]
    pub id: String,
    /// The title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// When it was posted, Unix seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_time: Option<i64>,
    /// The cover image (expires after a few hours).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cover_image_url: Option<String>,
    /// The share link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share_url: Option<String>,
    /// Every other field TikTok sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An advertiser (ad account) the Business token is authorised for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Advertiser {
    /// The advertiser id.
    #[serde(deserialize_with = "id_string")]
    pub advertiser_id: String,
    /// The advertiser's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advertiser_name: Option<String>,
    /// Every other field TikTok sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Advertiser {
    /// The advertiser as TikTok sent it.
    pub fn raw(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// A campaign (`data.list[]` of `/campaign/get/`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Campaign {
    /// The campaign id.
    #[serde(deserialize_with = "id_string")]
    pub campaign_id: String,
    /// The name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub campaign_name: Option<String>,
    /// The advertiser it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advertiser_id: Option<String>,
    /// `TRAFFIC`, `REACH`, `APP_PROMOTION`...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub objective_type: Option<String>,
    /// `ENABLE` or `DISABLE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation_status: Option<String>,
    /// Every other field TikTok sent (`budget`, `budget_mode`, `create_time`...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One row of a synchronous report (`data.list[]` of `/report/integrated/get/`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ReportRow {
    /// The row's dimension values (`campaign_id`, `stat_time_day`...).
    #[serde(default)]
    pub dimensions: Map<String, Value>,
    /// The metrics (`spend`, `impressions`... as TikTok's strings).
    #[serde(default)]
    pub metrics: Map<String, Value>,
    /// Every other field TikTok sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// TikTok sends ids as strings; accept numbers too.
fn id_string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match Value::deserialize(d)? {
        Value::String(s) => Ok(s),
        Value::Number(n) => Ok(n.to_string()),
        other => Err(serde::de::Error::custom(format!(
            "expected an id, got {other}"
        ))),
    }
}
