//! The YouTube Data API v3: `youtube.channels.list` (`pageToken` → `nextPageToken` pages).

use std::time::Duration;

use futures::stream::BoxStream;
use http::Method;
use plugboard_core::connector::schema_of;
use plugboard_core::runtime::{PageSpec, Pagination};
use plugboard_core::{ApiRequest, Error, OperationDescriptor, OperationId, RateClass, Result};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{all_raw, all_typed};
use crate::client::{API_ORIGIN, GoogleClient, YOUTUBE_CLASS};
use crate::models::{ChannelListResponse, YoutubeChannel};

/// `youtube.channels.list`: 1 quota unit per page; cached 30 minutes (channels change rarely
/// and every page costs quota).
pub const YOUTUBE_CHANNELS_LIST: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("youtube.channels.list"),
    summary: "List YouTube channels: the user's own (mine=true, the default), by id, handle or username",
    docs_url: "https://developers.google.com/youtube/v3/docs/channels/list",
    idempotent: true,
    read_only: true,
    paginated: true,
    rate_class: RateClass(YOUTUBE_CLASS),
    cache_ttl: Some(Duration::from_secs(30 * 60)),
    input_schema: schema_of::<ListChannels>,
    output_schema: schema_of::<YoutubeChannel>,
};

/// How `channels.list` pages: `nextPageToken` in the body, sent back as `pageToken`.
pub const CHANNELS_PAGES: PageSpec = PageSpec::new(
    Pagination::PageToken {
        param: "pageToken",
        next: "/nextPageToken",
        is_last: None,
    },
    "/items",
);

/// The parts asked for when the input names none.
pub const DEFAULT_CHANNEL_PARTS: &str = "snippet,contentDetails,statistics";

/// Input of `youtube.channels.list`, in YouTube's parameter names. Give at most one filter
/// (`mine`, `id`, `forHandle`, `forUsername`, `managedByMe`); with none, `mine=true`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ListChannels {
    /// Comma-separated resource parts (`snippet,contentDetails,statistics` by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part: Option<String>,
    /// The authenticated user's channels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mine: Option<bool>,
    /// Comma-separated channel ids.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// A handle, with or without `@`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub for_handle: Option<String>,
    /// A legacy YouTube username.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub for_username: Option<String>,
    /// Channels managed by the content owner (`onBehalfOfContentOwner` required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed_by_me: Option<bool>,
    /// Page size, 0 to 50 (YouTube's default 5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_results: Option<u32>,
    /// The page to fetch (a previous answer's `nextPageToken`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_token: Option<String>,
    /// Language of localized snippet fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hl: Option<String>,
    /// The content owner a partner acts for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_behalf_of_content_owner: Option<String>,
}

/// The YouTube API.
#[derive(Debug, Clone, Copy)]
pub struct YoutubeApi<'a> {
    pub(crate) client: &'a GoogleClient,
}

impl YoutubeApi<'_> {
    /// The first page's request of `channels.list`.
    pub fn channels_list_request(&self, input: &ListChannels) -> Result<ApiRequest> {
        let op = &YOUTUBE_CHANNELS_LIST;
        if let Some(n) = input.max_results.filter(|n| *n > 50) {
            return Err(Error::invalid_input(format!(
                "invalid input for {}: field `maxResults`: must be 0 to 50, got {n}",
                op.id
            ))
            .with_context("field", "maxResults"));
        }
        let filters = [
            ("mine", input.mine == Some(true)),
            ("id", input.id.is_some()),
            ("forHandle", input.for_handle.is_some()),
            ("forUsername", input.for_username.is_some()),
            ("managedByMe", input.managed_by_me == Some(true)),
        ];
        let given: Vec<&str> = filters.iter().filter(|f| f.1).map(|f| f.0).collect();
        if given.len() > 1 {
            return Err(Error::invalid_input(format!(
                "invalid input for {}: give one filter, not {}",
                op.id,
                given.join(" and ")
            )));
        }
        let mine = if given.is_empty() {
            Some(true)
        } else {
            input.mine.filter(|m| *m)
        };
        let part = input
            .part
            .as_deref()
            .filter(|p| !p.trim().is_empty())
            .unwrap_or(DEFAULT_CHANNEL_PARTS);
        Ok(self
            .client
            .request(op, Method::GET, API_ORIGIN)?
            .segments(["youtube", "v3", "channels"])
            .query("part", part)
            .query_opt("mine", mine)
            .query_opt("id", input.id.as_deref())
            .query_opt("forHandle", input.for_handle.as_deref())
            .query_opt("forUsername", input.for_username.as_deref())
            .query_opt("managedByMe", input.managed_by_me.filter(|m| *m))
            .query_opt("maxResults", input.max_results)
            .query_opt("pageToken", input.page_token.as_deref())
            .query_opt("hl", input.hl.as_deref())
            .query_opt(
                "onBehalfOfContentOwner",
                input.on_behalf_of_content_owner.as_deref(),
            ))
    }

    /// `GET https://www.googleapis.com/youtube/v3/channels`: one page, with its
    /// `nextPageToken`.
    pub async fn channels_list(&self, input: &ListChannels) -> Result<ChannelListResponse> {
        self.client
            .runtime()
            .json(self.channels_list_request(input)?)
            .await
    }

    /// Every channel across every page, in order.
    pub fn channels_list_all(
        &self,
        input: &ListChannels,
    ) -> BoxStream<'static, Result<YoutubeChannel>> {
        all_typed(
            self.client,
            self.channels_list_request(input),
            CHANNELS_PAGES,
        )
    }

    /// Every channel across every page, as YouTube's JSON.
    pub fn channels_list_all_raw(&self, input: &ListChannels) -> BoxStream<'static, Result<Value>> {
        all_raw(
            self.client,
            self.channels_list_request(input),
            CHANNELS_PAGES,
        )
    }
}
