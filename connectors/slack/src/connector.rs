//! The dynamic side: [`SlackConnector`] maps operation ids to the typed client, and the
//! registry descriptor.

use std::sync::Arc;

use async_trait::async_trait;
use futures::stream::{self, BoxStream, StreamExt};
use plugboard_core::connector::find_operation;
use plugboard_core::dynamic::{parse_input, to_output, unknown_operation};
use plugboard_core::unified::{Channel, ChannelKind, ChannelSource};
use plugboard_core::{
    AuthKind, CallContext, Capabilities, Connector, ConnectorConfig, ConnectorDescriptor,
    ConnectorId, ConnectorInfo, OperationDescriptor, OperationId, Result, TokenRefresher,
    WebhookInfo, WebhookVerifier,
};
use serde_json::Value;

use crate::api::auth::TestAuth;
use crate::api::conversations::{CONVERSATIONS_HISTORY, CONVERSATIONS_LIST, ListConversations};
use crate::api::users::USERS_LIST;
use crate::client::{API_ORIGIN, SlackClient};
use crate::oauth;
use crate::operations::OPERATIONS;
use crate::webhook::SLACK_WEBHOOKS;

/// Slack's static description.
pub static INFO: ConnectorInfo = ConnectorInfo {
    id: ConnectorId::new("slack"),
    name: "Slack",
    docs_url: "https://docs.slack.dev/apis/web-api/",
    default_base_url: API_ORIGIN,
    capabilities: Capabilities {
        webhooks: Some(WebhookInfo {
            scheme: "X-Slack-Signature v0 (HMAC-SHA256 of v0:timestamp:body, hex), 5-minute window",
            event_id: "event_id (Events API), trigger_id (slash commands, interactivity), else a body digest",
            handshake: true,
        }),
        auth: &[AuthKind::Token, AuthKind::OAuth2],
        health_operation: Some(OperationId::new("auth.test")),
    },
};

const EXAMPLE_CONFIG: &str = r#"# [connectors.slack]
token = "xoxb-your-bot-token"
webhook_secret = "the app's signing secret"
# With token rotation on (12 h access tokens), the app's OAuth credentials:
# client_id = "1234567890.1234567890"
# client_secret = "the app's client secret"
# base_url = "https://slack.com"   # origin override (tests, proxies)

[policy]
total_timeout_secs = 15
"#;

/// What the crate registers.
pub static DESCRIPTOR: ConnectorDescriptor = ConnectorDescriptor {
    info: &INFO,
    operations: OPERATIONS,
    webhook_verifier: Some(&SLACK_WEBHOOKS),
    example_config: EXAMPLE_CONFIG,
    config_keys: oauth::CONFIG_KEYS,
    build,
};

fn build(config: ConnectorConfig) -> Result<Arc<dyn Connector>> {
    Ok(Arc::new(SlackConnector::from_config(&config)?))
}

/// The Slack connector for one connection.
#[derive(Debug, Clone)]
pub struct SlackConnector {
    client: SlackClient,
    refresher: Option<Arc<plugboard_core::OAuth2Refresher>>,
}

impl SlackConnector {
    /// Builds the connector from configuration; with `client_id` and `client_secret` it also
    /// refreshes rotating tokens.
    pub fn from_config(config: &ConnectorConfig) -> Result<Self> {
        Ok(Self {
            client: SlackClient::from_config(config)?,
            refresher: oauth::refresher(config)?.map(Arc::new),
        })
    }

    /// The typed client.
    pub fn client(&self) -> &SlackClient {
        &self.client
    }

    fn operation(name: &str) -> Result<&'static OperationDescriptor> {
        find_operation(OPERATIONS, name).ok_or_else(|| unknown_operation(&INFO, OPERATIONS, name))
    }
}

#[async_trait]
impl Connector for SlackConnector {
    fn info(&self) -> &'static ConnectorInfo {
        &INFO
    }

    fn operations(&self) -> &'static [OperationDescriptor] {
        OPERATIONS
    }

    /// Runs one operation; list operations return the first page's items.
    async fn call(&self, _ctx: &CallContext, operation: &str, input: Value) -> Result<Value> {
        let op = Self::operation(operation)?;
        let c = &self.client;
        match op.id.as_str() {
            "auth.test" => {
                let _: TestAuth = parse_input(op, input)?;
                to_output(&c.auth().test().await?)
            }
            "chat.delete" => to_output(&c.chat().delete(&parse_input(op, input)?).await?),
            "chat.post_ephemeral" => {
                to_output(&c.chat().post_ephemeral(&parse_input(op, input)?).await?)
            }
            "chat.post_message" => {
                to_output(&c.chat().post_message(&parse_input(op, input)?).await?)
            }
            "chat.update" => to_output(&c.chat().update(&parse_input(op, input)?).await?),
            "conversations.history" => {
                let page = c.conversations().history(&parse_input(op, input)?).await?;
                to_output(&page.messages)
            }
            "conversations.info" => {
                to_output(&c.conversations().info(&parse_input(op, input)?).await?)
            }
            "conversations.list" => {
                let page = c.conversations().list(&parse_input(op, input)?).await?;
                to_output(&page.channels)
            }
            "files.upload" => to_output(&c.files().upload(&parse_input(op, input)?).await?),
            "response_url.reply" => {
                to_output(&c.response_url().reply(&parse_input(op, input)?).await?)
            }
            "users.info" => to_output(&c.users().info(&parse_input(op, input)?).await?),
            "users.list" => {
                let page = c.users().list(&parse_input(op, input)?).await?;
                to_output(&page.members)
            }
            "views.open" => to_output(&c.views().open(&parse_input(op, input)?).await?),
            _ => Err(unknown_operation(&INFO, OPERATIONS, operation)),
        }
    }

    fn call_all<'a>(
        &'a self,
        ctx: &'a CallContext,
        operation: &'a str,
        input: Value,
    ) -> BoxStream<'a, Result<Value>> {
        let c = &self.client;
        let failed = |e| stream::once(async move { Err(e) }).boxed();
        match operation {
            "conversations.list" => match parse_input(&CONVERSATIONS_LIST, input) {
                Ok(input) => c.conversations().list_all_raw(&input),
                Err(e) => failed(e),
            },
            "conversations.history" => match parse_input(&CONVERSATIONS_HISTORY, input) {
                Ok(input) => c.conversations().history_all_raw(&input),
                Err(e) => failed(e),
            },
            "users.list" => match parse_input(&USERS_LIST, input) {
                Ok(input) => c.users().list_all_raw(&input),
                Err(e) => failed(e),
            },
            _ => stream::once(self.call(ctx, operation, input)).boxed(),
        }
    }

    async fn health(&self, _ctx: &CallContext) -> Result<Value> {
        to_output(&self.client.auth().test().await?)
    }

    fn webhook_verifier(&self) -> Option<&'static dyn WebhookVerifier> {
        Some(&SLACK_WEBHOOKS)
    }

    fn channel_source(&self) -> Option<&dyn ChannelSource> {
        Some(self)
    }

    fn token_refresher(&self) -> Option<Arc<dyn TokenRefresher>> {
        self.refresher.clone().map(|r| r as Arc<dyn TokenRefresher>)
    }
}

#[async_trait]
impl ChannelSource for SlackConnector {
    /// Every public and private channel the token can see, archived ones left out.
    async fn channels(&self, _ctx: &CallContext) -> Result<Vec<Channel>> {
        use futures::TryStreamExt;
        let input = ListConversations {
            types: Some("public_channel,private_channel".into()),
            exclude_archived: Some(true),
            limit: Some(200),
            ..Default::default()
        };
        self.client
            .conversations()
            .list_all_raw(&input)
            .map_ok(|raw| {
                let id = raw["id"].as_str().unwrap_or_default().to_string();
                let name = raw["name"]
                    .as_str()
                    .map_or_else(|| id.clone(), str::to_owned);
                Channel {
                    id,
                    platform: INFO.id.as_str().to_string(),
                    kind: ChannelKind::SlackChannel,
                    name,
                    connection: None,
                    raw,
                }
            })
            .try_collect()
            .await
    }
}
