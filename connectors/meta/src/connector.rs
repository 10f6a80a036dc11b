//! The dynamic side: [`MetaConnector`] maps operation ids to the typed client, and the
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
use crate::client::{API_ORIGIN, MetaClient};
use crate::operations::OPERATIONS;

/// Meta's static description.
pub static INFO: ConnectorInfo = ConnectorInfo {
    id: ConnectorId::new("meta"),
    name: "Meta",
    docs_url: "https://api.meta.example",
    default_base_url: API_ORIGIN,
    capabilities: Capabilities {
        webhooks: None,
        auth: &[AuthKind::Token],
        health_operation: Some(OperationId::new("health.get")),
    },
};

const EXAMPLE_CONFIG: &str = r#"# [connectors.meta]
token = "your Meta API token"
# base_url = "https://api.meta.example"   # origin override (tests, proxies)

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
    Ok(Arc::new(MetaConnector::from_config(&config)?))
}

/// The Meta connector for one connection.
#[derive(Debug, Clone)]
pub struct MetaConnector {
    client: MetaClient,
}

impl MetaConnector {
    /// Builds the connector from configuration.
    pub fn from_config(config: &ConnectorConfig) -> Result<Self> {
        Ok(Self {
            client: MetaClient::from_config(config)?,
        })
    }

    /// The typed client.
    pub fn client(&self) -> &MetaClient {
        &self.client
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
