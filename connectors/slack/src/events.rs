//! Typed Slack events: what an in-process handler receives. [`SlackEvent::parse`] takes the
//! event type the verifier reported and the raw body, and never fails on a type it does not
//! know (`Unknown` keeps the JSON). The deprecated verification `token` Slack still sends is
//! dropped: requests are authenticated by their signature.

use plugboard_core::{VerifiedWebhook, WebhookEvent};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use crate::webhook::{form_fields, is_json};

/// One request from Slack.
#[derive(Debug, Clone, PartialEq)]
pub enum SlackEvent {
    /// The Events API handshake (answered by the verifier's `handshake`).
    UrlVerification(UrlVerification),
    /// An Events API event.
    EventCallback(Box<EventCallback>),
    /// A slash command.
    SlashCommand(Box<SlashCommand>),
    /// A click or selection in a Block Kit element.
    BlockActions(Box<BlockActions>),
    /// A modal submitted.
    ViewSubmission(Box<ViewSubmission>),
    /// A modal closed (when the view asked for `notify_on_close`).
    ViewClosed(Box<ViewClosed>),
    /// A global shortcut.
    Shortcut(Box<Shortcut>),
    /// A message shortcut.
    MessageAction(Box<MessageAction>),
    /// Anything else: the event type as the verifier reported it and the JSON (for form bodies
    /// without a `payload`, an object of the fields).
    Unknown {
        /// The event type, e.g. `app_rate_limited` or `interactive:block_suggestion`.
        event: String,
        /// The body as JSON.
        raw: Value,
    },
}

impl SlackEvent {
    /// Parses a verified delivery.
    pub fn from_verified(delivery: &VerifiedWebhook) -> Result<Self, serde_json::Error> {
        Self::parse(delivery.event_type(), delivery.body())
    }
}

impl WebhookEvent for SlackEvent {
    const CONNECTOR: &'static str = "slack";

    fn parse(event_type: &str, body: &[u8]) -> Result<Self, serde_json::Error> {
        if is_json(body) {
            let envelope = without_token(serde_json::from_slice(body)?);
            return match envelope.get("type").and_then(Value::as_str) {
                Some("url_verification") => {
                    serde_json::from_value(envelope).map(Self::UrlVerification)
                }
                Some("event_callback") => {
                    serde_json::from_value(envelope).map(|e| Self::EventCallback(Box::new(e)))
                }
                _ => Ok(unknown(event_type, envelope)),
            };
        }
        let fields = without_token(form_fields(body));
        if let Some(payload) = fields.get("payload").and_then(Value::as_str) {
            let payload = without_token(serde_json::from_str(payload)?);
            let kind = payload.get("type").and_then(Value::as_str).unwrap_or("");
            return match kind {
                "block_actions" => {
                    serde_json::from_value(payload).map(|e| Self::BlockActions(Box::new(e)))
                }
                "view_submission" => {
                    serde_json::from_value(payload).map(|e| Self::ViewSubmission(Box::new(e)))
                }
                "view_closed" => {
                    serde_json::from_value(payload).map(|e| Self::ViewClosed(Box::new(e)))
                }
                "shortcut" => serde_json::from_value(payload).map(|e| Self::Shortcut(Box::new(e))),
                "message_action" => {
                    serde_json::from_value(payload).map(|e| Self::MessageAction(Box::new(e)))
                }
                _ => Ok(unknown(event_type, payload)),
            };
        }
        if fields.get("command").is_some() {
            return serde_json::from_value(fields).map(|c| Self::SlashCommand(Box::new(c)));
        }
        Ok(unknown(event_type, fields))
    }
}

fn unknown(event_type: &str, raw: Value) -> SlackEvent {
    SlackEvent::Unknown {
        event: event_type.to_string(),
        raw,
    }
}

fn without_token(mut value: Value) -> Value {
    if let Some(fields) = value.as_object_mut() {
        fields.remove("token");
    }
    value
}

/// The Events API handshake.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct UrlVerification {
    /// The value to echo.
    pub challenge: String,
    /// Every other field Slack sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The Events API envelope.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct EventCallback {
    /// The workspace.
    pub team_id: String,
    /// The app.
    pub api_app_id: String,
    /// The event's id, stable across Slack's retries.
    pub event_id: String,
    /// When the event happened (Unix seconds).
    pub event_time: i64,
    /// The event.
    pub event: InnerEvent,
    /// The installations the event is visible to.
    #[serde(default)]
    pub authorizations: Vec<Value>,
    /// Every other field Slack sent (`event_context`, `is_ext_shared_channel`...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The event inside an [`EventCallback`].
#[derive(Debug, Clone, PartialEq)]
pub enum InnerEvent {
    /// `message` (any subtype).
    Message(MessageEvent),
    /// `app_mention`.
    AppMention(AppMention),
    /// `reaction_added`.
    ReactionAdded(ReactionEvent),
    /// `reaction_removed`.
    ReactionRemoved(ReactionEvent),
    /// `member_joined_channel`.
    MemberJoinedChannel(MemberJoinedChannel),
    /// `app_home_opened`.
    AppHomeOpened(AppHomeOpened),
    /// Any other event type, as JSON.
    Unknown {
        /// The event's `type`.
        event: String,
        /// The event's JSON.
        raw: Value,
    },
}

impl InnerEvent {
    /// The event's `type`.
    pub fn kind(&self) -> &str {
        match self {
            Self::Message(_) => "message",
            Self::AppMention(_) => "app_mention",
            Self::ReactionAdded(_) => "reaction_added",
            Self::ReactionRemoved(_) => "reaction_removed",
            Self::MemberJoinedChannel(_) => "member_joined_channel",
            Self::AppHomeOpened(_) => "app_home_opened",
            Self::Unknown { event, .. } => event,
        }
    }
}

impl<'de> Deserialize<'de> for InnerEvent {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = Value::deserialize(deserializer)?;
        let kind = raw
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let parsed = match kind.as_str() {
            "message" => serde_json::from_value(raw).map(Self::Message),
            "app_mention" => serde_json::from_value(raw).map(Self::AppMention),
            "reaction_added" => serde_json::from_value(raw).map(Self::ReactionAdded),
            "reaction_removed" => serde_json::from_value(raw).map(Self::ReactionRemoved),
            "member_joined_channel" => serde_json::from_value(raw).map(Self::MemberJoinedChannel),
            "app_home_opened" => serde_json::from_value(raw).map(Self::AppHomeOpened),
            _ => return Ok(Self::Unknown { event: kind, raw }),
        };
        parsed.map_err(D::Error::custom)
    }
}

/// A `message` event.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MessageEvent {
    /// The subtype (`bot_message`, `message_changed`...), absent for plain messages.
    #[serde(default)]
    pub subtype: Option<String>,
    /// The channel.
    #[serde(default)]
    pub channel: Option<String>,
    /// `channel`, `group`, `im` or `mpim`.
    #[serde(default)]
    pub channel_type: Option<String>,
    /// The author.
    #[serde(default)]
    pub user: Option<String>,
    /// The posting bot, for bot messages.
    #[serde(default)]
    pub bot_id: Option<String>,
    /// The text.
    #[serde(default)]
    pub text: Option<String>,
    /// The message's timestamp.
    #[serde(default)]
    pub ts: Option<String>,
    /// The parent's timestamp, for thread replies.
    #[serde(default)]
    pub thread_ts: Option<String>,
    /// When the event happened.
    #[serde(default)]
    pub event_ts: Option<String>,
    /// Every other field Slack sent (`blocks`, `files`, `message`, `previous_message`...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An `app_mention` event.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct AppMention {
    /// Who mentioned the app.
    pub user: String,
    /// The text, mention included.
    pub text: String,
    /// The message's timestamp.
    pub ts: String,
    /// The channel.
    pub channel: String,
    /// The parent's timestamp, for thread replies.
    #[serde(default)]
    pub thread_ts: Option<String>,
    /// When the event happened.
    #[serde(default)]
    pub event_ts: Option<String>,
    /// Every other field Slack sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A `reaction_added` or `reaction_removed` event.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ReactionEvent {
    /// Who reacted.
    pub user: String,
    /// The emoji name, without colons.
    pub reaction: String,
    /// What was reacted to (`{"type": "message", "channel", "ts"}`, or a file).
    pub item: Value,
    /// The author of the item.
    #[serde(default)]
    pub item_user: Option<String>,
    /// When the event happened.
    #[serde(default)]
    pub event_ts: Option<String>,
    /// Every other field Slack sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A `member_joined_channel` event.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MemberJoinedChannel {
    /// Who joined.
    pub user: String,
    /// The channel.
    pub channel: String,
    /// `C` (public) or `G` (private).
    #[serde(default)]
    pub channel_type: Option<String>,
    /// The workspace.
    #[serde(default)]
    pub team: Option<String>,
    /// Who invited them, when someone did.
    #[serde(default)]
    pub inviter: Option<String>,
    /// Every other field Slack sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An `app_home_opened` event.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct AppHomeOpened {
    /// Who opened the App Home.
    pub user: String,
    /// The app's DM channel with the user.
    #[serde(default)]
    pub channel: Option<String>,
    /// `home` or `messages`.
    #[serde(default)]
    pub tab: Option<String>,
    /// Every other field Slack sent (`view`...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A slash command (form fields).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SlashCommand {
    /// The command, e.g. `/deploy`.
    pub command: String,
    /// What follows the command.
    #[serde(default)]
    pub text: String,
    /// The workspace.
    pub team_id: String,
    /// The channel it was used in.
    pub channel_id: String,
    /// Who used it.
    pub user_id: String,
    /// Where to send up to five replies within 30 minutes (`response_url.reply`).
    pub response_url: String,
    /// Opens a modal within 3 s (`views.open`).
    #[serde(default)]
    pub trigger_id: Option<String>,
    /// The app.
    #[serde(default)]
    pub api_app_id: Option<String>,
    /// Every other field Slack sent (`team_domain`, `channel_name`, `user_name`...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A workspace reference in interaction payloads.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct TeamRef {
    /// The workspace id.
    pub id: String,
    /// Every other field Slack sent (`domain`...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A user reference in interaction payloads.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct UserRef {
    /// The user id.
    pub id: String,
    /// Every other field Slack sent (`username`, `name`, `team_id`).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A channel reference in interaction payloads.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ChannelRef {
    /// The channel id.
    pub id: String,
    /// Every other field Slack sent (`name`).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One action of a `block_actions` payload.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct BlockAction {
    /// The element's `action_id`.
    pub action_id: String,
    /// The block's `block_id`.
    #[serde(default)]
    pub block_id: Option<String>,
    /// The element type (`button`, `static_select`...).
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// A button's value.
    #[serde(default)]
    pub value: Option<String>,
    /// When the action happened.
    #[serde(default)]
    pub action_ts: Option<String>,
    /// Every other field Slack sent (`selected_option`, `text`...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A `block_actions` payload.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct BlockActions {
    /// The user who acted.
    pub user: UserRef,
    /// The actions (usually one).
    #[serde(default)]
    pub actions: Vec<BlockAction>,
    /// The workspace.
    #[serde(default)]
    pub team: Option<TeamRef>,
    /// The app.
    #[serde(default)]
    pub api_app_id: Option<String>,
    /// Opens a modal within 3 s.
    #[serde(default)]
    pub trigger_id: Option<String>,
    /// Where to reply (for actions in messages).
    #[serde(default)]
    pub response_url: Option<String>,
    /// The channel (for actions in messages).
    #[serde(default)]
    pub channel: Option<ChannelRef>,
    /// The message the action was in.
    #[serde(default)]
    pub message: Option<Value>,
    /// The view the action was in.
    #[serde(default)]
    pub view: Option<Value>,
    /// Every other field Slack sent (`container`, `state`...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The view in `view_submission` and `view_closed` payloads.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ViewPayload {
    /// The view id.
    pub id: String,
    /// The app's callback id.
    #[serde(default)]
    pub callback_id: Option<String>,
    /// The app's private metadata.
    #[serde(default)]
    pub private_metadata: Option<String>,
    /// The values the user entered (`state.values`).
    #[serde(default)]
    pub state: Option<Value>,
    /// The view's hash.
    #[serde(default)]
    pub hash: Option<String>,
    /// Every other field Slack sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A `view_submission` payload.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ViewSubmission {
    /// Who submitted.
    pub user: UserRef,
    /// The submitted view.
    pub view: ViewPayload,
    /// The workspace.
    #[serde(default)]
    pub team: Option<TeamRef>,
    /// The app.
    #[serde(default)]
    pub api_app_id: Option<String>,
    /// Opens another modal within 3 s.
    #[serde(default)]
    pub trigger_id: Option<String>,
    /// Where to reply, when the modal asked for a conversation.
    #[serde(default)]
    pub response_urls: Vec<Value>,
    /// Every other field Slack sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A `view_closed` payload.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ViewClosed {
    /// Who closed it.
    pub user: UserRef,
    /// The closed view.
    pub view: ViewPayload,
    /// The workspace.
    #[serde(default)]
    pub team: Option<TeamRef>,
    /// Whether the whole view stack was cleared.
    #[serde(default)]
    pub is_cleared: Option<bool>,
    /// Every other field Slack sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A global `shortcut` payload.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Shortcut {
    /// The shortcut's callback id.
    pub callback_id: String,
    /// Opens a modal within 3 s.
    pub trigger_id: String,
    /// Who used it.
    pub user: UserRef,
    /// The workspace.
    #[serde(default)]
    pub team: Option<TeamRef>,
    /// When it was used.
    #[serde(default)]
    pub action_ts: Option<String>,
    /// Every other field Slack sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A `message_action` payload (a message shortcut).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MessageAction {
    /// The shortcut's callback id.
    pub callback_id: String,
    /// Opens a modal within 3 s.
    pub trigger_id: String,
    /// Who used it.
    pub user: UserRef,
    /// The channel of the message.
    #[serde(default)]
    pub channel: Option<ChannelRef>,
    /// The message.
    #[serde(default)]
    pub message: Option<Value>,
    /// Where to reply.
    #[serde(default)]
    pub response_url: Option<String>,
    /// The workspace.
    #[serde(default)]
    pub team: Option<TeamRef>,
    /// When it was used.
    #[serde(default)]
    pub action_ts: Option<String>,
    /// Every other field Slack sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
