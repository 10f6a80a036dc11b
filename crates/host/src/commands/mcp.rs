//! `plugboard mcp`: every operation of every configured connection as an MCP tool, over stdio.
//!
//! This command only builds the connectors (as `call` does: the configuration's credential is
//! the `default` connection, stored connections join under their names) with the rate-limit
//! wait capped ([`plugboard_mcp::cap_rate_limit_wait`]: a rate-limited call returns a tool
//! error carrying `retry_after` instead of waiting), and hands them to [`plugboard_mcp`], which
//! names, shapes, filters and dispatches the tools. Stdout carries the protocol only; logs go
//! to stderr.

use std::path::Path;
use std::sync::Arc;

use plugboard_core::{Connector, Registry};
use plugboard_mcp::{BuildError, ExtraTool, McpServerBuilder, ToolFilter, cap_rate_limit_wait};

use crate::cli::McpArgs;
use crate::config::HostConfig;
use crate::connections::has_credentials;
use crate::credentials::HostCredentials;
use crate::error::CliError;

/// Runs the command until the client closes stdin.
pub async fn run(args: &McpArgs, config_path: Option<&Path>) -> Result<(), CliError> {
    let registry = Registry::global();
    let filter = ToolFilter::new(args.read_only, args.tools.clone(), args.connectors.clone());
    let config = HostConfig::load(config_path, registry)?;
    let mut builder = McpServerBuilder::new("plugboard", env!("CARGO_PKG_VERSION"))
        .known_connectors(registry.iter())
        .filter(filter.clone());
    for (name, connector) in connections(registry, &config, &filter).await {
        builder = builder.connection(name, connector);
    }
    for tool in extra_tools(&config, config_path) {
        builder = builder.extra_tool(tool);
    }
    let server = builder.build().map_err(|e| match e {
        BuildError::UnknownNames(m) => CliError::usage(m),
        BuildError::Invalid(m) => CliError::failed(m),
    })?;
    if server.tools().is_empty() {
        return Err(CliError::usage(
            "no tool to serve: no connector has credentials (set PLUGBOARD_<CONNECTOR>_TOKEN or \
             connectors.<id>.token, or connect one with `plugboard connect`), or the filters \
             leave none",
        ));
    }
    tracing::info!(tools = server.tools().len(), "serving MCP over stdio");
    server
        .serve_stdio()
        .await
        .map_err(|e| CliError::failed(e.to_string()))
}

/// The host's own tools, served beside the operations: the sprint report, when Jira can be
/// called.
fn extra_tools(config: &HostConfig, config_path: Option<&Path>) -> Vec<Arc<dyn ExtraTool>> {
    let jira_ready = Registry::global()
        .require("jira")
        .is_ok_and(|d| has_credentials(&config.connector(d)));
    if jira_ready {
        vec![super::report_tool::SprintReportTool::shared(
            config_path.map(Path::to_path_buf),
        )]
    } else {
        Vec::new()
    }
}

/// The connections to serve, of the connectors `filter` keeps: each connector with a
/// credential in the configuration as `default`, and every stored connection (a stored
/// `default` only when the configuration has no credential). A connector that fails to build
/// is left out with a warning; the others are still served.
async fn connections(
    registry: &Registry,
    config: &HostConfig,
    filter: &ToolFilter,
) -> Vec<(String, Arc<dyn Connector>)> {
    let stored = match HostCredentials::open_existing(config).await {
        Ok(stored) => stored,
        Err(e) => {
            tracing::warn!("stored connections left out: {e}");
            None
        }
    };
    let mut keys = Vec::new();
    if let Some(credentials) = &stored {
        match credentials.connections().list(None).await {
            Ok(list) => keys = list.into_iter().map(|c| c.key).collect(),
            Err(e) => tracing::warn!("stored connections left out: {e}"),
        }
    }
    let mut out = Vec::new();
    for descriptor in registry.iter() {
        let id = descriptor.id().as_str();
        if !filter.keeps_connector(id) {
            continue;
        }
        let mut connector_config = config.connector(descriptor);
        cap_rate_limit_wait(&mut connector_config);
        let configured = has_credentials(&connector_config);
        if configured {
            match (descriptor.build)(connector_config.clone()) {
                Ok(connector) => out.push(("default".to_string(), connector)),
                Err(e) => tracing::warn!(connector = id, "left out: {e}"),
            }
        }
        let Some(credentials) = &stored else {
            continue;
        };
        for key in keys.iter().filter(|k| k.connector == id) {
            if configured && key.name == "default" {
                continue;
            }
            let mut stored_config = connector_config.clone();
            stored_config.auth = Some(credentials.auth(key));
            match (descriptor.build)(stored_config) {
                Ok(connector) => out.push((key.name.clone(), connector)),
                Err(e) => {
                    tracing::warn!(connector = id, connection = %key.name, "left out: {e}")
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_registered_operation_can_be_served_as_a_tool() {
        let registry = Registry::global();
        let mut total = 0;
        for descriptor in registry.iter() {
            let tools = plugboard_mcp::describe_operations(descriptor.info, descriptor.operations)
                .unwrap_or_else(|e| panic!("{}: {e}", descriptor.id()));
            assert_eq!(tools.len(), descriptor.operations.len());
            for tool in &tools {
                assert!(
                    plugboard_mcp::naming::is_valid_tool_name(&tool.name),
                    "{}",
                    tool.name
                );
                assert_eq!(tool.input_schema["type"], "object", "{}", tool.name);
                let output = tool.output_schema.as_ref().expect("an output schema");
                assert_eq!(output["type"], "object", "{}", tool.name);
            }
            total += tools.len();
        }
        assert!(total > 0, "connectors are linked");
    }
}
