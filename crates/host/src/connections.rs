//! The connections the host can call through: one per connector that has credentials in the
//! configuration (its `default` connection), plus the stored connections installed in this
//! process ([`crate::credentials::installed`]: `serve`, `sync`), built into connectors ready
//! for calls. A stored `default` is used only when the configuration has no credential.

use std::sync::Arc;

use plugboard_core::{Connector, ConnectorConfig, ConnectorDescriptor, Registry};

use crate::config::HostConfig;
use crate::error::CliError;

/// A connector built for one named connection.
pub struct Connection {
    /// The connector's descriptor.
    pub descriptor: &'static ConnectorDescriptor,
    /// The connection's name.
    pub name: String,
    /// The connector, built with the connection's credentials.
    pub connector: Arc<dyn Connector>,
}

/// Whether a connector's configuration carries credentials of its own.
pub fn has_credentials(config: &ConnectorConfig) -> bool {
    config.token.is_some() || config.auth.is_some()
}

/// Every configured connection, in registry order, optionally only of `only` (a connector
/// id, checked against the registry: an unknown id is a usage error).
pub fn configured(
    registry: &Registry,
    config: &HostConfig,
    only: Option<&str>,
) -> Result<Vec<Connection>, CliError> {
    if let Some(id) = only {
        registry
            .require(id)
            .map_err(|e| CliError::usage(e.message()))?;
    }
    let mut out = Vec::new();
    for descriptor in registry.iter() {
        if only.is_some_and(|id| id != descriptor.id().as_str()) {
            continue;
        }
        let connector_config = config.connector(descriptor);
        let configured = has_credentials(&connector_config);
        if configured {
            out.push(Connection {
                descriptor,
                name: "default".to_string(),
                connector: (descriptor.build)(connector_config)?,
            });
        }
        let Some(stored) = crate::credentials::installed() else {
            continue;
        };
        for name in stored.names(descriptor.id().as_str()) {
            if configured && name == "default" {
                continue;
            }
            match stored.credentials.build(descriptor, &name) {
                Ok(connector) => out.push(Connection {
                    descriptor,
                    name,
                    connector,
                }),
                Err(e) => {
                    tracing::warn!(connector = %descriptor.id(), connection = %name, "stored connection left out: {e}")
                }
            }
        }
    }
    Ok(out)
}
