//! Unified views across platforms: capability traits a connector may implement so an
//! application can sync channels ([`ChannelSource`]) and ad accounts ([`AdAccountSource`])
//! from every platform with one loop, as common models that keep the raw record.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::connector::CallContext;
use crate::error::Result;

/// What kind of channel a [`Channel`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    /// A Slack conversation (public or private channel).
    SlackChannel,
    /// A Facebook page.
    FacebookPage,
    /// An Instagram business account linked to a page.
    InstagramAccount,
    /// A YouTube channel.
    YoutubeChannel,
    /// A TikTok account.
    TiktokAccount,
}

/// A place an application publishes to or reads from, on any platform.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Channel {
    /// The platform's id for it.
    pub id: String,
    /// The connector id (`slack`, `meta`, `google`, `tiktok`).
    pub platform: String,
    /// Its kind.
    pub kind: ChannelKind,
    /// Its display name.
    pub name: String,
    /// The connection it was read through (filled in by whoever runs the sync).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection: Option<String>,
    /// The platform's record, unchanged.
    pub raw: Value,
}

/// An advertising account, on any platform.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AdAccount {
    /// The platform's id for it (Meta `act_<id>`, Google Ads customer id, TikTok advertiser id).
    pub id: String,
    /// The connector id (`meta`, `google`, `tiktok`).
    pub platform: String,
    /// Its display name, when the platform returns one.
    pub name: String,
    /// ISO 4217 currency, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// The platform's status, normalised to lowercase (`active`, `disabled`...), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// The connection it was read through (filled in by whoever runs the sync).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection: Option<String>,
    /// The platform's record, unchanged.
    pub raw: Value,
}

/// A connector that can list the channels of a connection (every page).
#[async_trait]
pub trait ChannelSource: Send + Sync {
    /// Every channel the connection can see.
    async fn channels(&self, ctx: &CallContext) -> Result<Vec<Channel>>;
}

/// A connector that can list the ad accounts of a connection (every page).
#[async_trait]
pub trait AdAccountSource: Send + Sync {
    /// Every ad account the connection can see.
    async fn ad_accounts(&self, ctx: &CallContext) -> Result<Vec<AdAccount>>;
}
