//! Videos: `videos.list` (`POST /v2/video/list/?fields=...`, the cursor in the JSON body).

use futures::stream::BoxStream;
use http::Method;
use plugboard_core::connector::schema_of;
use plugboard_core::runtime::{PageSpec, Pagination};
use plugboard_core::{ApiRequest, Error, OperationDescriptor, OperationId, RateClass, Result};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::all_typed;
use crate::client::{OPEN_API_CLASS, TiktokClient};
use crate::models::Video;

/// `videos.list`: a POST that reads, so idempotent.
pub const VIDEOS_LIST: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("videos.list"),
    summary: "List the user's public videos, newest first",
    docs_url: "https://developers.tiktok.com/doc/tiktok-api-v2-video-list",
    idempotent: true,
    read_only: true,
    paginated: true,
    rate_class: RateClass(OPEN_API_CLASS),
    cache_ttl: None,
    input_schema: schema_of::<ListVideos>,
    output_schema: schema_of::<Video>,
};

/// How `/v2/video/list/` pages: `cursor` sent back in the JSON body from `data.cursor` while
/// `data.has_more` is true; videos in `data.videos`.
pub const VIDEO_PAGES: PageSpec = PageSpec::new(
    Pagination::Cursor {
        param: "cursor",
        next: "/data/cursor",
        has_more: Some("/data/has_more"),
        in_body: true,
    },
    "/data/videos",
);

/// The video fields asked for unless told otherwise.
pub const DEFAULT_VIDEO_FIELDS: &str =
    "id,title,video_description,duration,cover_image_url,share_url,embed_link,create_time";

/// Input of `videos.list`, with TikTok's parameter names.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListVideos {
    /// Comma-separated video fields (query parameter).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<String>,
    /// Videos per page, 1 to 20 (TikTok's default 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 20))]
    pub max_count: Option<u32>,
    /// Where to start: the `cursor` of a previous answer (a UTC time in milliseconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<i64>,
}

/// The videos API.
#[derive(Debug, Clone, Copy)]
pub struct VideosApi<'a> {
    pub(crate) client: &'a TiktokClient,
}

impl VideosApi<'_> {
    /// The request for the first page of `videos.list`.
    pub fn list_request(&self, input: &ListVideos) -> Result<ApiRequest> {
        if let Some(n) = input.max_count.filter(|n| !(1..=20).contains(n)) {
            return Err(Error::invalid_input(format!(
                "invalid input for videos.list: field `max_count`: must be 1 to 20, got {n}"
            )));
        }
        #[derive(Serialize)]
        struct Body {
            #[serde(skip_serializing_if = "Option::is_none")]
            max_count: Option<u32>,
            #[serde(skip_serializing_if = "Option::is_none")]
            cursor: Option<i64>,
        }
        self.client
            .open_request(&VIDEOS_LIST, Method::POST, &["video", "list"])?
            .query(
                "fields",
                input.fields.as_deref().unwrap_or(DEFAULT_VIDEO_FIELDS),
            )
            .json(&Body {
                max_count: input.max_count,
                cursor: input.cursor,
            })
    }

    /// `POST /v2/video/list/`: one page of videos.
    pub async fn list(&self, input: &ListVideos) -> Result<Vec<Video>> {
        #[derive(Deserialize)]
        struct Answer {
            data: Data,
        }
        #[derive(Deserialize)]
        struct Data {
            #[serde(default)]
            videos: Vec<Video>,
        }
        let answer: Answer = self
            .client
            .runtime()
            .json(self.list_request(input)?)
            .await?;
        Ok(answer.data.videos)
    }

    /// Every video across every page.
    pub fn list_all(&self, input: &ListVideos) -> BoxStream<'static, Result<Video>> {
        all_typed(self.client.runtime(), self.list_request(input), VIDEO_PAGES)
    }
}
