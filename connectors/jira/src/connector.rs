//! The dynamic side: [`JiraConnector`] maps operation ids to the typed client, and the
//! registry descriptor.

use std::sync::Arc;

use async_trait::async_trait;
use plugboard_core::connector::find_operation;
use plugboard_core::dynamic::{parse_input, to_output, unknown_operation};
use plugboard_core::{
    AuthKind, CallContext, Capabilities, Connector, ConnectorConfig, ConnectorDescriptor,
    ConnectorId, ConnectorInfo, OperationDescriptor, OperationId, Result,
};
use serde_json::Value;

use crate::api::health::GetHealth;
use crate::client::{API_ORIGIN, JiraClient};
use crate::operations::OPERATIONS;

/// Jira's static description.
pub static INFO: ConnectorInfo = ConnectorInfo {
    id: ConnectorId::new("jira"),
    name: "Jira",
    docs_url: "https://api.jira.example",
    default_base_url: API_ORIGIN,
    capabilities: Capabilities {
        webhooks: None,
        auth: &[AuthKind::Token],
        health_operation: Some(OperationId::new("health.get")),
    },
};

const EXAMPLE_CONFIG: &str = r#"# [connectors.jira]
token = "your Jira API token"
# base_url = "https://api.jira.example"   # origin override (tests, proxies)

[policy]
total_timeout_secs = 30
"#;

/// What the crate registers.
pub static DESCRIPTOR: ConnectorDescriptor = ConnectorDescriptor {
    info: &INFO,
    operations: OPERATIONS,
    webhook_verifier: None,
    example_config: EXAMPLE_CONFIG,
    config_keys: &[],
    build,
};

fn build(config: ConnectorConfig) -> Result<Arc<dyn Connector>> {
    Ok(Arc::new(JiraConnector::from_config(&config)?))
}

/// The Jira connector for one connection.
#[derive(Debug, Clone)]
pub struct JiraConnector {
    client: JiraClient,
}

impl JiraConnector {
    /// Builds the connector from configuration.
    pub fn from_config(config: &ConnectorConfig) -> Result<Self> {
        Ok(Self {
            client: JiraClient::from_config(config)?,
        })
    }

    /// The typed client.
    pub fn client(&self) -> &JiraClient {
        &self.client
    }

    fn operation(name: &str) -> Result<&'static OperationDescriptor> {
        find_operation(OPERATIONS, name).ok_or_else(|| unknown_operation(&INFO, OPERATIONS, name))
    }
}

#[async_trait]
impl Connector for JiraConnector {
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
            "health.get" => {
                let _: GetHealth = parse_input(op, input)?;
                to_output(&c.health().get().await?)
            }
            _ => Err(unknown_operation(&INFO, OPERATIONS, operation)),
        }
    }

    async fn health(&self, _ctx: &CallContext) -> Result<Value> {
        to_output(&self.client.health().get().await?)
    }
}
