//! Messages: `chat.post_message`, `chat.update`, `chat.delete`, `chat.post_ephemeral`.

use plugboard_core::connector::schema_of;
use plugboard_core::{Error, OperationDescriptor, OperationId, Result};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::client::SlackClient;
use crate::models::{DeletedMessage, EphemeralMessage, PostedMessage, UpdatedMessage};
use crate::tiers;

/// `chat.post_message`: not idempotent (a repeat posts twice), so never retried once sent.
pub const CHAT_POST_MESSAGE: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("chat.post_message"),
    summary: "Post a message to a channel (chat.postMessage)",
    docs_url: "https://docs.slack.dev/reference/methods/chat.postMessage",
    idempotent: false,
    read_only: false,
    paginated: false,
    rate_class: tiers::POST_MESSAGE,
    cache_ttl: None,
    input_schema: schema_of::<PostMessage>,
    output_schema: schema_of::<PostedMessage>,
};

/// `chat.update`: setting a message's content again leaves the same message, so it is
/// idempotent.
pub const CHAT_UPDATE: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("chat.update"),
    summary: "Update a message (chat.update)",
    docs_url: "https://docs.slack.dev/reference/methods/chat.update",
    idempotent: true,
    read_only: false,
    paginated: false,
    rate_class: tiers::TIER_3,
    cache_ttl: None,
    input_schema: schema_of::<UpdateMessage>,
    output_schema: schema_of::<UpdatedMessage>,
};

/// `chat.delete`: idempotent in effect (a repeat finds the message gone:
/// `message_not_found`).
pub const CHAT_DELETE: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("chat.delete"),
    summary: "Delete a message (chat.delete)",
    docs_url: "https://docs.slack.dev/reference/methods/chat.delete",
    idempotent: true,
    read_only: false,
    paginated: false,
    rate_class: tiers::TIER_3,
    cache_ttl: None,
    input_schema: schema_of::<DeleteMessage>,
    output_schema: schema_of::<DeletedMessage>,
};

/// `chat.post_ephemeral`: not idempotent.
pub const CHAT_POST_EPHEMERAL: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("chat.post_ephemeral"),
    summary: "Post a message only one user in a channel sees (chat.postEphemeral)",
    docs_url: "https://docs.slack.dev/reference/methods/chat.postEphemeral",
    idempotent: false,
    read_only: false,
    paginated: false,
    rate_class: tiers::TIER_4,
    cache_ttl: None,
    input_schema: schema_of::<PostEphemeral>,
    output_schema: schema_of::<EphemeralMessage>,
};

/// Input of `chat.post_message`, with Slack's argument names. One of `text`, `blocks` and
/// `attachments` is required.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PostMessage {
    /// The channel id (or name) to post to.
    pub channel: String,
    /// The text (mrkdwn); the notification fallback when `blocks` are given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Block Kit blocks (a JSON array).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blocks: Option<Value>,
    /// Legacy attachments (a JSON array).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachments: Option<Value>,
    /// The parent message's `ts`, to reply in a thread.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread_ts: Option<String>,
    /// With `thread_ts`: also show the reply in the channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_broadcast: Option<bool>,
    /// Whether `text` is mrkdwn (Slack's default `true`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mrkdwn: Option<bool>,
    /// `full` or `none`: how Slack parses `text`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parse: Option<String>,
    /// Link channel names and user groups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link_names: Option<bool>,
    /// Unfurl links to text-based content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unfurl_links: Option<bool>,
    /// Unfurl links to media.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unfurl_media: Option<bool>,
    /// Message metadata (`{"event_type": ..., "event_payload": {...}}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
    /// The bot's name for this message (needs `chat:write.customize`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// An emoji as the icon (needs `chat:write.customize`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon_emoji: Option<String>,
    /// An image URL as the icon (needs `chat:write.customize`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon_url: Option<String>,
}

/// Input of `chat.update`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMessage {
    /// The channel id of the message.
    pub channel: String,
    /// The message's `ts`.
    pub ts: String,
    /// The new text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The new blocks (a JSON array).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blocks: Option<Value>,
    /// The new attachments (a JSON array).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachments: Option<Value>,
    /// Files to share in the message, by id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_ids: Option<Vec<String>>,
    /// Link channel names and user groups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link_names: Option<bool>,
    /// `full` or `none`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parse: Option<String>,
    /// Also show an updated thread reply in the channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_broadcast: Option<bool>,
    /// New message metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
}

/// Input of `chat.delete`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeleteMessage {
    /// The channel id of the message.
    pub channel: String,
    /// The message's `ts`.
    pub ts: String,
}

/// Input of `chat.post_ephemeral`. One of `text`, `blocks` and `attachments` is required.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PostEphemeral {
    /// The channel id.
    pub channel: String,
    /// The user who sees the message (a member of the channel).
    pub user: String,
    /// The text (mrkdwn).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Block Kit blocks (a JSON array).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blocks: Option<Value>,
    /// Legacy attachments (a JSON array).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachments: Option<Value>,
    /// The parent message's `ts`, to show the message in a thread.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread_ts: Option<String>,
    /// Link channel names and user groups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link_names: Option<bool>,
    /// `full` or `none`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parse: Option<String>,
    /// The bot's name for this message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// An emoji as the icon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon_emoji: Option<String>,
    /// An image URL as the icon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon_url: Option<String>,
}

/// The `chat.*` methods.
#[derive(Debug, Clone, Copy)]
pub struct ChatApi<'a> {
    pub(crate) client: &'a SlackClient,
}

impl ChatApi<'_> {
    /// `POST /api/chat.postMessage`.
    pub async fn post_message(&self, input: &PostMessage) -> Result<PostedMessage> {
        require_content(
            &CHAT_POST_MESSAGE,
            input.text.as_deref(),
            &input.blocks,
            &input.attachments,
        )?;
        let request = self
            .client
            .post_json(&CHAT_POST_MESSAGE, "chat.postMessage", input)?;
        self.client.runtime().json(request).await
    }

    /// `POST /api/chat.update`.
    pub async fn update(&self, input: &UpdateMessage) -> Result<UpdatedMessage> {
        let request = self.client.post_json(&CHAT_UPDATE, "chat.update", input)?;
        self.client.runtime().json(request).await
    }

    /// `POST /api/chat.delete`.
    pub async fn delete(&self, input: &DeleteMessage) -> Result<DeletedMessage> {
        let request = self.client.post_json(&CHAT_DELETE, "chat.delete", input)?;
        self.client.runtime().json(request).await
    }

    /// `POST /api/chat.postEphemeral`.
    pub async fn post_ephemeral(&self, input: &PostEphemeral) -> Result<EphemeralMessage> {
        require_content(
            &CHAT_POST_EPHEMERAL,
            input.text.as_deref(),
            &input.blocks,
            &input.attachments,
        )?;
        let request = self
            .client
            .post_json(&CHAT_POST_EPHEMERAL, "chat.postEphemeral", input)?;
        self.client.runtime().json(request).await
    }
}

/// Slack needs one of `text`, `blocks` or `attachments`; say so before sending anything.
fn require_content(
    op: &OperationDescriptor,
    text: Option<&str>,
    blocks: &Option<Value>,
    attachments: &Option<Value>,
) -> Result<()> {
    if text.is_some_and(|t| !t.is_empty()) || blocks.is_some() || attachments.is_some() {
        return Ok(());
    }
    Err(Error::invalid_input(format!(
        "invalid input for {}: one of `text`, `blocks` or `attachments` is required",
        op.id
    )))
}
