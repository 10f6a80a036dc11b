//! Replies through a `response_url` (slash commands, interactive messages): `response_url.reply`
//! POSTs a message as JSON to the URL Slack sent, without a token. Only Slack's hooks hosts
//! over HTTPS are accepted (or the configured origin override, for tests and proxies).

use plugboard_core::connector::schema_of;
use plugboard_core::{OperationDescriptor, OperationId, Result};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::client::{SlackClient, json_body};
use crate::tiers;

/// `response_url.reply`: not idempotent (a repeat posts twice, and a `response_url` takes at
/// most five replies within 30 minutes).
pub const RESPONSE_URL_REPLY: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("response_url.reply"),
    summary: "Reply to a slash command or interaction through its response_url",
    docs_url: "https://docs.slack.dev/interactivity/handling-user-interaction#message_responses",
    idempotent: false,
    read_only: false,
    paginated: false,
    rate_class: tiers::HOOKS,
    cache_ttl: None,
    input_schema: schema_of::<Reply>,
    output_schema: schema_of::<ReplyAnswer>,
};

/// Slack's answer to a reply: `{"ok": true}` (a plain-text "ok" reads the same).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ReplyAnswer {
    /// `true`.
    #[serde(default)]
    pub ok: bool,
    /// Every other field Slack sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Who sees a reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResponseType {
    /// Only the user who invoked the command (Slack's default).
    Ephemeral,
    /// Everyone in the channel.
    InChannel,
}

/// Input of `response_url.reply`: the URL and the message, with Slack's field names.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Reply {
    /// The `response_url` of the slash command or interaction payload.
    pub response_url: String,
    /// The text (mrkdwn).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Block Kit blocks (a JSON array).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blocks: Option<Value>,
    /// Legacy attachments (a JSON array).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachments: Option<Value>,
    /// `ephemeral` or `in_channel`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_type: Option<ResponseType>,
    /// Replace the message the interaction came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replace_original: Option<bool>,
    /// Delete the message the interaction came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delete_original: Option<bool>,
    /// The parent message's `ts`, to reply in a thread.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread_ts: Option<String>,
    /// Whether `text` is mrkdwn.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mrkdwn: Option<bool>,
}

/// Whether `host` is one of Slack's response-URL hosts.
fn hooks_host(host: &str) -> bool {
    matches!(host, "hooks.slack.com" | "hooks.slack-gov.com")
}

/// Replies through `response_url`s.
#[derive(Debug, Clone, Copy)]
pub struct ResponseUrlApi<'a> {
    pub(crate) client: &'a SlackClient,
}

impl ResponseUrlApi<'_> {
    /// `POST <response_url>` with the message as JSON. Returns Slack's JSON answer, or
    /// `{"ok": true}` when Slack answers with plain text.
    pub async fn reply(&self, input: &Reply) -> Result<ReplyAnswer> {
        let mut message = serde_json::to_value(input)
            .map_err(|e| plugboard_core::Error::internal(e.to_string()))?;
        if let Some(fields) = message.as_object_mut() {
            fields.remove("response_url");
        }
        let request = self.client.hook_request(
            &RESPONSE_URL_REPLY,
            &input.response_url,
            hooks_host,
            json_body(&message)?,
        )?;
        let response = self.client.hooks_runtime().execute(request).await?;
        Ok(
            serde_json::from_slice::<ReplyAnswer>(&response.body).unwrap_or(ReplyAnswer {
                ok: true,
                extra: Map::new(),
            }),
        )
    }
}
