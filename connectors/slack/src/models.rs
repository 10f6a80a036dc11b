//! Slack's Web API answers as typed models. Each keeps every field Slack sent (`extra`), so
//! the dynamic table returns the platform's JSON unchanged.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// `response_metadata`: the next page's cursor (empty on the last page) and warnings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ResponseMetadata {
    /// The cursor of the next page; empty or absent on the last one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
    /// Every other field Slack sent (`messages`, `warnings`...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Message {
    /// `message`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The message's timestamp: its id within the channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ts: Option<String>,
    /// The author's user id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// The posting bot's id, for bot messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bot_id: Option<String>,
    /// The text (mrkdwn).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The parent's `ts` when the message is in a thread.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread_ts: Option<String>,
    /// Every other field Slack sent (`blocks`, `attachments`, `reactions`...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The answer of `chat.postMessage`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PostedMessage {
    /// `true`.
    #[serde(default)]
    pub ok: bool,
    /// The channel id the message went to.
    pub channel: String,
    /// The new message's timestamp.
    pub ts: String,
    /// The message as posted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<Message>,
    /// Every other field Slack sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The answer of `chat.update`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct UpdatedMessage {
    /// `true`.
    #[serde(default)]
    pub ok: bool,
    /// The channel id.
    pub channel: String,
    /// The updated message's timestamp.
    pub ts: String,
    /// The new text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The message as updated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<Message>,
    /// Every other field Slack sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The answer of `chat.delete`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DeletedMessage {
    /// `true`.
    #[serde(default)]
    pub ok: bool,
    /// The channel id.
    pub channel: String,
    /// The deleted message's timestamp.
    pub ts: String,
    /// Every other field Slack sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The answer of `chat.postEphemeral`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EphemeralMessage {
    /// `true`.
    #[serde(default)]
    pub ok: bool,
    /// The ephemeral message's timestamp.
    pub message_ts: String,
    /// Every other field Slack sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A conversation: public or private channel, direct message or group DM.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Conversation {
    /// The id (`C…`, `G…`, `D…`).
    pub id: String,
    /// The name, for channels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Whether it is a channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_channel: Option<bool>,
    /// Whether it is private.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_private: Option<bool>,
    /// Whether it is archived.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_archived: Option<bool>,
    /// Whether the caller is a member.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_member: Option<bool>,
    /// Every other field Slack sent (`topic`, `purpose`, `num_members`...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The answer of `conversations.info`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ConversationInfo {
    /// `true`.
    #[serde(default)]
    pub ok: bool,
    /// The conversation.
    pub channel: Conversation,
    /// Every other field Slack sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One page of `conversations.list`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ConversationsPage {
    /// `true`.
    #[serde(default)]
    pub ok: bool,
    /// The conversations.
    #[serde(default)]
    pub channels: Vec<Conversation>,
    /// The next cursor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_metadata: Option<ResponseMetadata>,
    /// Every other field Slack sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One page of `conversations.history`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct HistoryPage {
    /// `true`.
    #[serde(default)]
    pub ok: bool,
    /// The messages, newest first.
    #[serde(default)]
    pub messages: Vec<Message>,
    /// Whether older messages remain.
    #[serde(default)]
    pub has_more: bool,
    /// The next cursor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_metadata: Option<ResponseMetadata>,
    /// Every other field Slack sent (`pin_count`...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A user's profile (the fields most integrations read; the rest in `extra`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct UserProfile {
    /// The display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// The full name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub real_name: Option<String>,
    /// The email address (with the `users:read.email` scope).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Every other field Slack sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct User {
    /// The id (`U…` or `W…`).
    pub id: String,
    /// The workspace id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_id: Option<String>,
    /// The username.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The full name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub real_name: Option<String>,
    /// Whether the account is deactivated.
    #[serde(default)]
    pub deleted: bool,
    /// Whether the user is a bot.
    #[serde(default)]
    pub is_bot: bool,
    /// The profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<UserProfile>,
    /// Every other field Slack sent (`tz`, `is_admin`, `updated`...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The answer of `users.info`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct UserInfo {
    /// `true`.
    #[serde(default)]
    pub ok: bool,
    /// The user.
    pub user: User,
    /// Every other field Slack sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One page of `users.list`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct UsersPage {
    /// `true`.
    #[serde(default)]
    pub ok: bool,
    /// The users.
    #[serde(default)]
    pub members: Vec<User>,
    /// The next cursor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_metadata: Option<ResponseMetadata>,
    /// Every other field Slack sent (`cache_ts`...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The answer of `auth.test`: who the token belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AuthTest {
    /// `true`.
    #[serde(default)]
    pub ok: bool,
    /// The workspace URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The workspace name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    /// The user name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// The workspace id.
    pub team_id: String,
    /// The user id (the bot user for bot tokens).
    pub user_id: String,
    /// The bot id, for bot tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bot_id: Option<String>,
    /// Every other field Slack sent (`enterprise_id`, `is_enterprise_install`...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The answer of `files.getUploadURLExternal`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct UploadUrl {
    /// `true`.
    #[serde(default)]
    pub ok: bool,
    /// Where to POST the file's bytes.
    pub upload_url: String,
    /// The new file's id.
    pub file_id: String,
    /// Every other field Slack sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A file in the answer of `files.completeUploadExternal`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct UploadedFile {
    /// The file id (`F…`).
    pub id: String,
    /// The title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Every other field Slack sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The answer of `files.completeUploadExternal`, the result of `files.upload`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CompletedUpload {
    /// `true`.
    #[serde(default)]
    pub ok: bool,
    /// The uploaded files.
    #[serde(default)]
    pub files: Vec<UploadedFile>,
    /// Every other field Slack sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A view (modal or App Home).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct View {
    /// The view id (`V…`).
    pub id: String,
    /// `modal` or `home`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The app's callback id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_id: Option<String>,
    /// The hash to pass to `views.update` to avoid races.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
    /// The app's private metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_metadata: Option<String>,
    /// Every other field Slack sent (`blocks`, `state`, `title`...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The answer of `views.open`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ViewResponse {
    /// `true`.
    #[serde(default)]
    pub ok: bool,
    /// The opened view.
    pub view: View,
    /// Every other field Slack sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
