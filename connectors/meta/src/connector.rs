//! The dynamic side: [`MetaConnector`] maps operation ids to the typed client, and the
//! registry descriptor.

use std::sync::Arc;

use async_trait::async_trait;
use futures::stream::{self, BoxStream, StreamExt};
use plugboard_core::connector::find_operation;
use plugboard_core::dynamic::{parse_input, to_output, to_output_stream, unknown_operation};
use plugboard_core::{
    AuthKind, CallContext, Capabilities, Connector, ConnectorConfig, ConnectorDescriptor,
    ConnectorId, ConnectorInfo, Error, OperationDescriptor, OperationId, Result, WebhookInfo,
    WebhookVerifier,
};
use serde_json::Value;

use crate::api::me::GetMe;
use crate::client::{API_ORIGIN, CONFIG_KEYS, MetaClient, VERIFY_TOKEN_KEY};
use crate::operations::OPERATIONS;
use crate::webhook::{META_WEBHOOKS, MetaWebhookVerifier};

/// Meta's static description.
pub static INFO: ConnectorInfo = ConnectorInfo {
    id: ConnectorId::new("meta"),
    name: "Meta",
    docs_url: "https://developers.facebook.com/docs/graph-api",
    default_base_url: API_ORIGIN,
    capabilities: Capabilities {
        webhooks: Some(WebhookInfo {
            scheme: "X-Hub-Signature-256 (HMAC-SHA256 of the raw body under the app secret, hex)",
            event_id: "object:entry.id:entry.time:entry digest (one event per entry[])",
            handshake: true,
        }),
        auth: &[AuthKind::Token],
        health_operation: Some(OperationId::new("me.get")),
    },
};

const EXAMPLE_CONFIG: &str = r#"# [connectors.meta]
token = "a long-lived user, system user or Page access token"
webhook_secret = "the app secret (Meta signs webhooks with it)"
# app_id = "1234567890"              # tokens.exchange, tokens.debug
# app_secret = "the app secret"      # appsecret_proof on every call
# api_version = "v21.0"
# verify_token = "the webhook subscription's verify token"
# base_url = "https://graph.facebook.com"   # origin override (tests, proxies)

[policy]
total_timeout_secs = 30
"#;

/// What the crate registers.
pub static DESCRIPTOR: ConnectorDescriptor = ConnectorDescriptor {
    info: &INFO,
    operations: OPERATIONS,
    webhook_verifier: Some(&META_WEBHOOKS),
    example_config: EXAMPLE_CONFIG,
    config_keys: CONFIG_KEYS,
    build,
};

fn build(config: ConnectorConfig) -> Result<Arc<dyn Connector>> {
    Ok(Arc::new(MetaConnector::from_config(&config)?))
}

/// The Meta connector for one connection.
#[derive(Clone)]
pub struct MetaConnector {
    client: MetaClient,
    /// The verifier that answers subscription handshakes, when `verify_token` is configured.
    verifier: Option<Arc<dyn WebhookVerifier>>,
}

impl std::fmt::Debug for MetaConnector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MetaConnector")
            .field("client", &self.client)
            .field("handshake_verifier", &self.verifier.is_some())
            .finish()
    }
}

impl MetaConnector {
    /// Builds the connector from configuration.
    pub fn from_config(config: &ConnectorConfig) -> Result<Self> {
        let verifier =
            match config.secret(VERIFY_TOKEN_KEY.name) {
                Some(_) => Some(Arc::new(Self::webhook_verifier_with_token(config)?)
                    as Arc<dyn WebhookVerifier>),
                None => None,
            };
        Ok(Self {
            client: MetaClient::from_config(config)?,
            verifier,
        })
    }

    /// The typed client.
    pub fn client(&self) -> &MetaClient {
        &self.client
    }

    /// A webhook verifier that also answers the subscription handshake, with the configured
    /// `verify_token`.
    pub fn webhook_verifier_with_token(config: &ConnectorConfig) -> Result<MetaWebhookVerifier> {
        let token = config.require_secret(INFO.id, &VERIFY_TOKEN_KEY)?;
        MetaWebhookVerifier::with_verify_token(token.clone()).map_err(Error::from)
    }

    fn operation(name: &str) -> Result<&'static OperationDescriptor> {
        find_operation(OPERATIONS, name).ok_or_else(|| unknown_operation(&INFO, OPERATIONS, name))
    }
}

#[async_trait]
impl Connector for MetaConnector {
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
            "ad_accounts.list" => to_output(&c.ad_accounts().list(&parse_input(op, input)?).await?),
            "insights.get" => to_output(&c.insights().get(&parse_input(op, input)?).await?),
            "instagram.accounts" => {
                to_output(&c.instagram().accounts(&parse_input(op, input)?).await?)
            }
            "me.get" => to_output(&c.me().get(&parse_input(op, input)?).await?),
            "pages.list" => to_output(&c.pages().list(&parse_input(op, input)?).await?),
            "pages.publish" => to_output(&c.pages().publish(&parse_input(op, input)?).await?),
            "tokens.debug" => to_output(&c.tokens().debug(&parse_input(op, input)?).await?),
            "tokens.exchange" => to_output(&c.tokens().exchange(&parse_input(op, input)?).await?),
            _ => Err(unknown_operation(&INFO, OPERATIONS, operation)),
        }
    }

    fn call_all<'a>(
        &'a self,
        ctx: &'a CallContext,
        operation: &'a str,
        input: Value,
    ) -> BoxStream<'a, Result<Value>> {
        let op = match Self::operation(operation) {
            Ok(op) if op.paginated => op,
            _ => return stream::once(self.call(ctx, operation, input)).boxed(),
        };
        let c = &self.client;
        let streamed = (|| -> Result<BoxStream<'static, Result<Value>>> {
            Ok(match op.id.as_str() {
                "ad_accounts.list" => {
                    to_output_stream(c.ad_accounts().list_all(&parse_input(op, input)?))
                }
                "insights.get" => to_output_stream(c.insights().get_all(&parse_input(op, input)?)),
                "instagram.accounts" => {
                    to_output_stream(c.instagram().accounts_all(&parse_input(op, input)?))
                }
                "pages.list" => to_output_stream(c.pages().list_all(&parse_input(op, input)?)),
                _ => return Err(unknown_operation(&INFO, OPERATIONS, operation)),
            })
        })();
        match streamed {
            Ok(s) => s,
            Err(e) => stream::once(async move { Err(e) }).boxed(),
        }
    }

    async fn health(&self, _ctx: &CallContext) -> Result<Value> {
        to_output(&self.client.me().get(&GetMe::default()).await?)
    }

    fn channel_source(&self) -> Option<&dyn plugboard_core::unified::ChannelSource> {
        Some(self)
    }

    fn ad_account_source(&self) -> Option<&dyn plugboard_core::unified::AdAccountSource> {
        Some(self)
    }

    fn webhook_verifier(&self) -> Option<&'static dyn WebhookVerifier> {
        Some(&META_WEBHOOKS)
    }

    fn configured_webhook_verifier(&self) -> Option<Arc<dyn WebhookVerifier>> {
        self.verifier.clone()
    }
}
