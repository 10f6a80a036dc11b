//! Typed webhook events: [`GoogleEvent`], parsed from a verified delivery's event type (as the
//! connector's verifier reports it) and raw body. Unrecognised types parse into
//! [`GoogleEvent::Unknown`], so a new kind of notification never fails.
//!
//! Channel notifications carry their facts in headers, which the verifier keeps as the
//! delivery's attributes (`channel_id`, `resource_id`, `resource_uri`, `resource_state`,
//! `message_number`, `changed`); the typed event has the API, the state and the body (Drive
//! `changes` notifications may have one).

use base64::Engine as _;
use plugboard_core::WebhookEvent;
use schemars::JsonSchema;
use serde::de::Error as _;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::feed::FeedEntry;
use crate::webhook::pubsub::PUBSUB_EVENT;

/// A Google webhook event.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum GoogleEvent {
    /// `youtube.video`: a video was uploaded, or its title or description changed.
    YoutubeVideo(Box<YoutubeVideo>),
    /// `youtube.video_deleted`: a video was deleted.
    YoutubeVideoDeleted(Box<YoutubeVideoDeleted>),
    /// `calendar.*`, `drive.*`, `channel.*`: a watched resource changed.
    Channel(Box<ChannelNotification>),
    /// `pubsub.message`: a Cloud Pub/Sub push.
    PubSub(Box<PubSubPush>),
    /// Any other event type; the body as JSON when it is JSON, else as a string.
    Unknown {
        /// The event type.
        event: String,
        /// The body.
        raw: Value,
    },
}

/// A YouTube upload or update notification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct YoutubeVideo {
    /// The video id.
    pub video_id: String,
    /// The channel id.
    pub channel_id: Option<String>,
    /// The video's title.
    pub title: Option<String>,
    /// The watch URL.
    pub link: Option<String>,
    /// The channel's name.
    pub author: Option<String>,
    /// When the video was published (RFC 3339).
    pub published: Option<String>,
    /// When the entry was updated (RFC 3339).
    pub updated: Option<String>,
    /// The Atom document as received.
    pub xml: String,
}

/// A YouTube deletion notification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct YoutubeVideoDeleted {
    /// The video id.
    pub video_id: String,
    /// When it was deleted.
    pub when: Option<String>,
    /// The channel's URL.
    pub channel_uri: Option<String>,
    /// The Atom document as received.
    pub xml: String,
}

/// A Calendar or Drive channel notification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ChannelNotification {
    /// `calendar`, `drive`, or `channel` when the resource URI names neither.
    pub api: String,
    /// `X-Goog-Resource-State`: `sync`, `exists`, `not_exists`, `add`, `update`, `trash`...
    pub resource_state: String,
    /// The body, when the notification has one (Drive `changes`).
    pub body: Option<Value>,
}

/// A Cloud Pub/Sub push: the wrapped message and its subscription.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PubSubPush {
    /// The message.
    pub message: PubSubMessage,
    /// `projects/<project>/subscriptions/<subscription>`.
    #[serde(default)]
    pub subscription: Option<String>,
    /// How many times delivery was attempted (with dead-lettering on).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_attempt: Option<u32>,
    /// Every other field.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A Pub/Sub message as pushed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PubSubMessage {
    /// The payload, base64.
    #[serde(default)]
    pub data: Option<String>,
    /// Attributes set by the publisher.
    #[serde(default)]
    pub attributes: Map<String, Value>,
    /// The message id (the event id). Pub/Sub also sends it as `message_id`, kept in `extra`.
    pub message_id: String,
    /// When it was published (RFC 3339); also sent as `publish_time`, kept in `extra`.
    #[serde(default)]
    pub publish_time: Option<String>,
    /// The ordering key, when ordering is on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ordering_key: Option<String>,
    /// Every other field.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl PubSubMessage {
    /// The decoded payload (`None` without `data`, an error when it is not base64).
    pub fn decoded_data(&self) -> Option<Result<Vec<u8>, base64::DecodeError>> {
        self.data
            .as_deref()
            .map(|d| base64::engine::general_purpose::STANDARD.decode(d))
    }

    /// The payload parsed as JSON (as Gmail, Cloud Storage and most publishers send).
    pub fn data_json(&self) -> Option<Result<Value, serde_json::Error>> {
        let bytes = match self.decoded_data()? {
            Ok(bytes) => bytes,
            Err(e) => return Some(Err(serde_json::Error::custom(e))),
        };
        Some(serde_json::from_slice(&bytes))
    }
}

impl GoogleEvent {
    /// The event type this event arrived as.
    pub fn event_type(&self) -> String {
        match self {
            Self::YoutubeVideo(_) => "youtube.video".into(),
            Self::YoutubeVideoDeleted(_) => "youtube.video_deleted".into(),
            Self::Channel(c) => format!("{}.{}", c.api, c.resource_state),
            Self::PubSub(_) => PUBSUB_EVENT.into(),
            Self::Unknown { event, .. } => event.clone(),
        }
    }
}

fn raw_value(body: &[u8]) -> Value {
    serde_json::from_slice(body)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(body).into_owned()))
}

impl WebhookEvent for GoogleEvent {
    const CONNECTOR: &'static str = "google";

    fn parse(event_type: &str, body: &[u8]) -> Result<Self, serde_json::Error> {
        let xml = || {
            std::str::from_utf8(body)
                .map_err(|_| serde_json::Error::custom("the Atom body is not UTF-8"))
        };
        match event_type {
            "youtube.video" | "youtube.video_deleted" => {
                let text = xml()?;
                match FeedEntry::parse(text) {
                    Some(FeedEntry::Video {
                        video_id,
                        channel_id,
                        title,
                        link,
                        author,
                        published,
                        updated,
                    }) => Ok(Self::YoutubeVideo(Box::new(YoutubeVideo {
                        video_id,
                        channel_id,
                        title,
                        link,
                        author,
                        published,
                        updated,
                        xml: text.to_string(),
                    }))),
                    Some(FeedEntry::Deleted {
                        video_id,
                        when,
                        channel_uri,
                    }) => Ok(Self::YoutubeVideoDeleted(Box::new(YoutubeVideoDeleted {
                        video_id,
                        when,
                        channel_uri,
                        xml: text.to_string(),
                    }))),
                    None => Err(serde_json::Error::custom(
                        "the Atom feed has no entry with a yt:videoId",
                    )),
                }
            }
            PUBSUB_EVENT => Ok(Self::PubSub(Box::new(serde_json::from_slice(body)?))),
            other => match other.split_once('.') {
                Some((api @ ("calendar" | "drive" | "channel"), state)) if !state.is_empty() => {
                    let body = (!body.iter().all(u8::is_ascii_whitespace)).then(|| raw_value(body));
                    Ok(Self::Channel(Box::new(ChannelNotification {
                        api: api.to_string(),
                        resource_state: state.to_string(),
                        body,
                    })))
                }
                _ => Ok(Self::Unknown {
                    event: other.to_string(),
                    raw: raw_value(body),
                }),
            },
        }
    }
}
