//! The dynamic side: [`GithubConnector`] maps operation ids to the typed client, and the
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

use crate::api::issues::ISSUES_LIST;
use crate::client::{API_ORIGIN, GithubClient};
use crate::operations::OPERATIONS;
use crate::webhook::GITHUB_WEBHOOKS;

/// GitHub's static description.
pub static INFO: ConnectorInfo = ConnectorInfo {
    id: ConnectorId::new("github"),
    name: "GitHub",
    docs_url: "https://docs.github.com/rest",
    default_base_url: API_ORIGIN,
    capabilities: Capabilities {
        webhooks: Some(WebhookInfo {
            scheme: "X-Hub-Signature-256 (HMAC-SHA256, hex)",
            event_id: "X-GitHub-Delivery",
            handshake: false,
        }),
        auth: &[AuthKind::Token],
        health_operation: Some(OperationId::new("rate_limit.get")),
    },
};

const EXAMPLE_CONFIG: &str = r#"# [connectors.github]
token = "ghp_your_personal_access_token"
webhook_secret = "the secret set on the webhook"
# base_url = "https://github.example.com"   # origin override (tests, proxies)

[policy]
total_timeout_secs = 30
"#;

/// What the crate registers.
pub static DESCRIPTOR: ConnectorDescriptor = ConnectorDescriptor {
    info: &INFO,
    operations: OPERATIONS,
    webhook_verifier: Some(&GITHUB_WEBHOOKS),
    example_config: EXAMPLE_CONFIG,
    config_keys: &[],
    build,
};

fn build(config: ConnectorConfig) -> Result<Arc<dyn Connector>> {
    Ok(Arc::new(GithubConnector::from_config(&config)?))
}

/// The GitHub connector for one connection.
#[derive(Debug, Clone)]
pub struct GithubConnector {
    client: GithubClient,
}

impl GithubConnector {
    /// Builds the connector from configuration.
    pub fn from_config(config: &ConnectorConfig) -> Result<Self> {
        Ok(Self {
            client: GithubClient::from_config(config)?,
        })
    }

    /// The typed client.
    pub fn client(&self) -> &GithubClient {
        &self.client
    }

    fn operation(name: &str) -> Result<&'static OperationDescriptor> {
        find_operation(OPERATIONS, name).ok_or_else(|| unknown_operation(&INFO, OPERATIONS, name))
    }
}

#[async_trait]
impl Connector for GithubConnector {
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
            "repos.get" => to_output(&c.repos().get(&parse_input(op, input)?).await?),
            "issues.list" => to_output(&c.issues().list(&parse_input(op, input)?).await?),
            "issues.get" => to_output(&c.issues().get(&parse_input(op, input)?).await?),
            "issues.create" => to_output(&c.issues().create(&parse_input(op, input)?).await?),
            "rate_limit.get" => {
                let _: crate::api::rate_limit::GetRateLimit = parse_input(op, input)?;
                to_output(&c.rate_limit().get().await?)
            }
            _ => Err(unknown_operation(&INFO, OPERATIONS, operation)),
        }
    }

    fn call_all<'a>(
        &'a self,
        ctx: &'a CallContext,
        operation: &'a str,
        input: Value,
    ) -> BoxStream<'a, Result<Value>> {
        if operation != ISSUES_LIST.id.as_str() {
            return stream::once(self.call(ctx, operation, input)).boxed();
        }
        match parse_input(&ISSUES_LIST, input) {
            Ok(input) => self.client.issues().list_all_raw(&input),
            Err(e) => stream::once(async move { Err(e) }).boxed(),
        }
    }

    async fn health(&self, _ctx: &CallContext) -> Result<Value> {
        to_output(&self.client.rate_limit().get().await?)
    }

    fn webhook_verifier(&self) -> Option<&'static dyn WebhookVerifier> {
        Some(&GITHUB_WEBHOOKS)
    }
}
