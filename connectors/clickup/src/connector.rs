//! The dynamic side: [`ClickupConnector`] maps operation ids to the typed client, and the
//! registry descriptor.

use std::sync::Arc;

use async_trait::async_trait;
use futures::stream::{self, BoxStream, StreamExt};
use plugboard_core::connector::find_operation;
use plugboard_core::dynamic::{parse_input, to_output, unknown_operation};
use plugboard_core::{
    AuthKind, CallContext, Capabilities, Connector, ConnectorConfig, ConnectorDescriptor,
    ConnectorId, ConnectorInfo, OperationDescriptor, OperationId, Result, WebhookInfo,
    WebhookVerifier,
};
use serde_json::Value;

use crate::api::comments::COMMENTS_LIST;
use crate::api::tasks::TASKS_LIST;
use crate::api::teams::ListTeams;
use crate::client::{API_ORIGIN, ClickupClient};
use crate::oauth::OAUTH_KEYS;
use crate::operations::OPERATIONS;
use crate::webhook::CLICKUP_WEBHOOKS;

/// ClickUp's static description.
pub static INFO: ConnectorInfo = ConnectorInfo {
    id: ConnectorId::new("clickup"),
    name: "ClickUp",
    docs_url: "https://developer.clickup.com/reference",
    default_base_url: API_ORIGIN,
    capabilities: Capabilities {
        webhooks: Some(WebhookInfo {
            scheme: "X-Signature (HMAC-SHA256 of the raw body, hex)",
            event_id: "webhook_id:event:history item ids, else a digest of the body",
            handshake: false,
        }),
        auth: &[AuthKind::Token, AuthKind::OAuth2],
        health_operation: Some(OperationId::new("teams.list")),
    },
};

const EXAMPLE_CONFIG: &str = r#"# [connectors.clickup]
token = "pk_your_personal_token"           # or an OAuth access token (sent as Bearer)
webhook_secret = "the secret webhooks.create returned"
# base_url = "https://api.clickup.com"      # origin override (tests, proxies)
# client_id = "..."                        # OAuth app, for `plugboard connect clickup`
# client_secret = "..."

[policy]
total_timeout_secs = 30
# requests_per_minute = 1000               # Business Plus (Enterprise: 10000)
"#;

/// What the crate registers.
pub static DESCRIPTOR: ConnectorDescriptor = ConnectorDescriptor {
    info: &INFO,
    operations: OPERATIONS,
    webhook_verifier: Some(&CLICKUP_WEBHOOKS),
    example_config: EXAMPLE_CONFIG,
    config_keys: OAUTH_KEYS,
    build,
};

fn build(config: ConnectorConfig) -> Result<Arc<dyn Connector>> {
    Ok(Arc::new(ClickupConnector::from_config(&config)?))
}

/// The ClickUp connector for one connection.
#[derive(Debug, Clone)]
pub struct ClickupConnector {
    client: ClickupClient,
}

impl ClickupConnector {
    /// Builds the connector from configuration.
    pub fn from_config(config: &ConnectorConfig) -> Result<Self> {
        Ok(Self::with_client(ClickupClient::from_config(config)?))
    }

    /// The connector over an existing client.
    pub fn with_client(client: ClickupClient) -> Self {
        Self { client }
    }

    /// The typed client.
    pub fn client(&self) -> &ClickupClient {
        &self.client
    }

    fn operation(name: &str) -> Result<&'static OperationDescriptor> {
        find_operation(OPERATIONS, name).ok_or_else(|| unknown_operation(&INFO, OPERATIONS, name))
    }
}

#[async_trait]
impl Connector for ClickupConnector {
    fn info(&self) -> &'static ConnectorInfo {
        &INFO
    }

    fn operations(&self) -> &'static [OperationDescriptor] {
        OPERATIONS
    }

    async fn call(&self, _ctx: &CallContext, operation: &str, input: Value) -> Result<Value> {
        let op = Self::operation(operation)?;
        let c = &self.client;
        match op.id.as_str() {
            "comments.create" => to_output(&c.comments().create(&parse_input(op, input)?).await?),
            "comments.list" => to_output(&c.comments().list(&parse_input(op, input)?).await?),
            "folders.list" => to_output(&c.folders().list(&parse_input(op, input)?).await?),
            "lists.get" => to_output(&c.lists().get(&parse_input(op, input)?).await?),
            "lists.list" => to_output(&c.lists().list(&parse_input(op, input)?).await?),
            "members.list" => to_output(&c.members().list(&parse_input(op, input)?).await?),
            "spaces.list" => to_output(&c.spaces().list(&parse_input(op, input)?).await?),
            "tasks.create" => to_output(&c.tasks().create(&parse_input(op, input)?).await?),
            "tasks.delete" => c.tasks().delete(&parse_input(op, input)?).await,
            "tasks.get" => to_output(&c.tasks().get(&parse_input(op, input)?).await?),
            "tasks.list" => to_output(&c.tasks().list(&parse_input(op, input)?).await?.tasks),
            "tasks.update" => to_output(&c.tasks().update(&parse_input(op, input)?).await?),
            "teams.list" => {
                let _: ListTeams = parse_input(op, input)?;
                to_output(&c.teams().list().await?)
            }
            "time_entries.create" => {
                to_output(&c.time_entries().create(&parse_input(op, input)?).await?)
            }
            "time_entries.delete" => c.time_entries().delete(&parse_input(op, input)?).await,
            "time_entries.list" => {
                to_output(&c.time_entries().list(&parse_input(op, input)?).await?)
            }
            "time_entries.update" => c.time_entries().update(&parse_input(op, input)?).await,
            "webhooks.create" => to_output(&c.webhooks().create(&parse_input(op, input)?).await?),
            "webhooks.delete" => c.webhooks().delete(&parse_input(op, input)?).await,
            "webhooks.list" => to_output(&c.webhooks().list(&parse_input(op, input)?).await?),
            _ => Err(unknown_operation(&INFO, OPERATIONS, operation)),
        }
    }

    fn call_all<'a>(
        &'a self,
        ctx: &'a CallContext,
        operation: &'a str,
        input: Value,
    ) -> BoxStream<'a, Result<Value>> {
        if operation == TASKS_LIST.id.as_str() {
            return match parse_input(&TASKS_LIST, input) {
                Ok(input) => self.client.tasks().list_all_raw(&input),
                Err(e) => stream::once(async move { Err(e) }).boxed(),
            };
        }
        if operation == COMMENTS_LIST.id.as_str() {
            return match parse_input(&COMMENTS_LIST, input) {
                Ok(input) => self.client.comments().list_all_raw(&input),
                Err(e) => stream::once(async move { Err(e) }).boxed(),
            };
        }
        stream::once(self.call(ctx, operation, input)).boxed()
    }

    async fn health(&self, _ctx: &CallContext) -> Result<Value> {
        to_output(&self.client.teams().list().await?)
    }

    fn webhook_verifier(&self) -> Option<&'static dyn WebhookVerifier> {
        Some(&CLICKUP_WEBHOOKS)
    }
}
