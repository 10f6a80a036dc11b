//! Conversations: `conversations.list` and `conversations.info` (cached 30 min),
//! `conversations.history`; lists page with Slack's cursor.

use futures::stream::BoxStream;
use plugboard_core::connector::schema_of;
use plugboard_core::runtime::PageSpec;
use plugboard_core::{ApiRequest, OperationDescriptor, OperationId, Result};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{DIRECTORY_CACHE_TTL, all_raw, check_limit, cursor_pages, typed};
use crate::client::SlackClient;
use crate::models::{Conversation, ConversationInfo, ConversationsPage, HistoryPage, Message};
use crate::tiers;

/// `conversations.list`: cached 30 minutes per page.
pub const CONVERSATIONS_LIST: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("conversations.list"),
    summary: "List channels and other conversations in the workspace (conversations.list)",
    docs_url: "https://docs.slack.dev/reference/methods/conversations.list",
    idempotent: true,
    read_only: true,
    paginated: true,
    rate_class: tiers::TIER_2,
    cache_ttl: Some(DIRECTORY_CACHE_TTL),
    input_schema: schema_of::<ListConversations>,
    output_schema: schema_of::<Conversation>,
};

/// `conversations.history`: never cached (new messages arrive all the time).
pub const CONVERSATIONS_HISTORY: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("conversations.history"),
    summary: "Fetch a conversation's messages, newest first (conversations.history)",
    docs_url: "https://docs.slack.dev/reference/methods/conversations.history",
    idempotent: true,
    read_only: true,
    paginated: true,
    rate_class: tiers::TIER_3,
    cache_ttl: None,
    input_schema: schema_of::<ConversationHistory>,
    output_schema: schema_of::<Message>,
};

/// `conversations.info`: cached 30 minutes.
pub const CONVERSATIONS_INFO: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("conversations.info"),
    summary: "Get a conversation's details (conversations.info)",
    docs_url: "https://docs.slack.dev/reference/methods/conversations.info",
    idempotent: true,
    read_only: true,
    paginated: false,
    rate_class: tiers::TIER_3,
    cache_ttl: Some(DIRECTORY_CACHE_TTL),
    input_schema: schema_of::<GetConversation>,
    output_schema: schema_of::<ConversationInfo>,
};

/// How `conversations.list` pages.
pub const CONVERSATIONS_PAGES: PageSpec = cursor_pages("/channels", None);

/// How `conversations.history` pages (it also says `has_more`).
pub const HISTORY_PAGES: PageSpec = cursor_pages("/messages", Some("/has_more"));

/// Input of `conversations.list`, with Slack's argument names.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListConversations {
    /// The cursor of the page to fetch (`response_metadata.next_cursor` of the previous one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// Leave archived channels out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclude_archived: Option<bool>,
    /// Items per page, 1 to 1000 (Slack's default 100; 200 or fewer advised).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 1000))]
    pub limit: Option<u32>,
    /// The workspace, for org-wide tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_id: Option<String>,
    /// Comma-separated: `public_channel`, `private_channel`, `mpim`, `im`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub types: Option<String>,
}

/// Input of `conversations.history`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConversationHistory {
    /// The conversation id.
    pub channel: String,
    /// The cursor of the page to fetch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// Include messages exactly at `latest` or `oldest`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inclusive: Option<bool>,
    /// Only messages before this `ts`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest: Option<String>,
    /// Only messages after this `ts`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oldest: Option<String>,
    /// Messages per page, 1 to 1000 (Slack's default 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 1000))]
    pub limit: Option<u32>,
    /// Include the metadata of every message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_all_metadata: Option<bool>,
}

/// Input of `conversations.info`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetConversation {
    /// The conversation id.
    pub channel: String,
    /// Include the locale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_locale: Option<bool>,
    /// Include the member count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_num_members: Option<bool>,
}

/// The `conversations.*` methods.
#[derive(Debug, Clone, Copy)]
pub struct ConversationsApi<'a> {
    pub(crate) client: &'a SlackClient,
}

impl ConversationsApi<'_> {
    /// The request for the first page of `conversations.list`.
    pub fn list_request(&self, input: &ListConversations) -> Result<ApiRequest> {
        check_limit(&CONVERSATIONS_LIST, input.limit)?;
        Ok(self
            .client
            .get(&CONVERSATIONS_LIST, "conversations.list")?
            .query_opt("cursor", input.cursor.as_deref())
            .query_opt("exclude_archived", input.exclude_archived)
            .query_opt("limit", input.limit)
            .query_opt("team_id", input.team_id.as_deref())
            .query_opt("types", input.types.as_deref()))
    }

    /// `GET /api/conversations.list`: one page.
    pub async fn list(&self, input: &ListConversations) -> Result<ConversationsPage> {
        self.client.runtime().json(self.list_request(input)?).await
    }

    /// Every conversation across every page, in order.
    pub fn list_all(&self, input: &ListConversations) -> BoxStream<'static, Result<Conversation>> {
        typed(self.list_all_raw(input))
    }

    /// Every conversation across every page as Slack's JSON.
    pub fn list_all_raw(&self, input: &ListConversations) -> BoxStream<'static, Result<Value>> {
        all_raw(
            self.client.runtime(),
            self.list_request(input),
            CONVERSATIONS_PAGES,
        )
    }

    /// The request for the first page of `conversations.history`.
    pub fn history_request(&self, input: &ConversationHistory) -> Result<ApiRequest> {
        check_limit(&CONVERSATIONS_HISTORY, input.limit)?;
        Ok(self
            .client
            .get(&CONVERSATIONS_HISTORY, "conversations.history")?
            .query("channel", &input.channel)
            .query_opt("cursor", input.cursor.as_deref())
            .query_opt("inclusive", input.inclusive)
            .query_opt("latest", input.latest.as_deref())
            .query_opt("oldest", input.oldest.as_deref())
            .query_opt("limit", input.limit)
            .query_opt("include_all_metadata", input.include_all_metadata))
    }

    /// `GET /api/conversations.history`: one page.
    pub async fn history(&self, input: &ConversationHistory) -> Result<HistoryPage> {
        self.client
            .runtime()
            .json(self.history_request(input)?)
            .await
    }

    /// Every message across every page, newest first.
    pub fn history_all(&self, input: &ConversationHistory) -> BoxStream<'static, Result<Message>> {
        typed(self.history_all_raw(input))
    }

    /// Every message across every page as Slack's JSON.
    pub fn history_all_raw(
        &self,
        input: &ConversationHistory,
    ) -> BoxStream<'static, Result<Value>> {
        all_raw(
            self.client.runtime(),
            self.history_request(input),
            HISTORY_PAGES,
        )
    }

    /// `GET /api/conversations.info`.
    pub async fn info(&self, input: &GetConversation) -> Result<ConversationInfo> {
        let request = self
            .client
            .get(&CONVERSATIONS_INFO, "conversations.info")?
            .query("channel", &input.channel)
            .query_opt("include_locale", input.include_locale)
            .query_opt("include_num_members", input.include_num_members);
        self.client.runtime().json(request).await
    }
}
