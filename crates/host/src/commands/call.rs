//! `plugboard call <connector> <operation>`: one call (`--input`), every page (`--all`), or a
//! JSON-lines batch (`--batch`, see [`super::batch`]). `--connection NAME` calls through the
//! stored connection of that name when there is one.

use std::path::Path;
use std::sync::Arc;

use futures::StreamExt;
use plugboard_core::connector::find_operation;
use plugboard_core::{CallContext, Connector, ConnectorDescriptor, OperationDescriptor, Registry};
use serde_json::Value;

use crate::cli::CallArgs;
use crate::config::HostConfig;
use crate::credentials::HostCredentials;
use crate::error::CliError;
use crate::output;

/// Runs the command.
pub async fn run(args: &CallArgs, config_path: Option<&Path>) -> Result<(), CliError> {
    let registry = Registry::global();
    let (descriptor, operation) = resolve(registry, &args.connector, &args.operation)?;
    let ctx = CallContext {
        connection: args.connection.clone(),
    };
    if let Some(file) = &args.batch {
        let connector = build(
            registry,
            descriptor,
            config_path,
            args.connection.as_deref(),
        )
        .await?;
        let concurrency = usize::from(args.concurrency);
        return super::batch::run(connector, &ctx, operation, file, concurrency).await;
    }
    // Parse the input before building anything, so a typo costs nothing.
    let input = match &args.input {
        Some(text) => parse_input_arg(text)?,
        None => Value::Object(Default::default()),
    };
    let connector = build(
        registry,
        descriptor,
        config_path,
        args.connection.as_deref(),
    )
    .await?;
    if args.all {
        call_all(connector, &ctx, operation, input).await
    } else {
        let value = connector.call(&ctx, operation.id.as_str(), input).await?;
        output::print_value(&value)
    }
}

/// Loads the configuration and builds the connector; a stored connection named by
/// `connection` (see [`HostCredentials::for_call`]) supplies its credentials.
async fn build(
    registry: &Registry,
    descriptor: &ConnectorDescriptor,
    config_path: Option<&Path>,
    connection: Option<&str>,
) -> Result<Arc<dyn Connector>, CliError> {
    let config = HostConfig::load(config_path, registry)?;
    let mut connector_config = config.connector(descriptor);
    if let Some(auth) = HostCredentials::for_call(&config, descriptor, connection).await? {
        connector_config.auth = Some(auth);
    }
    Ok((descriptor.build)(connector_config)?)
}

/// The connector and operation named on the command line, or a usage error listing the ones
/// that exist. Checked from the static descriptors, before any connector is built.
pub fn resolve(
    registry: &Registry,
    connector: &str,
    operation: &str,
) -> Result<(&'static ConnectorDescriptor, &'static OperationDescriptor), CliError> {
    let descriptor = registry
        .require(connector)
        .map_err(|e| CliError::usage(e.message()))?;
    let op = find_operation(descriptor.operations, operation).ok_or_else(|| {
        let e = plugboard_core::dynamic::unknown_operation(
            descriptor.info,
            descriptor.operations,
            operation,
        );
        CliError::usage(e.message())
    })?;
    Ok((descriptor, op))
}

/// `--input`: a JSON value.
fn parse_input_arg(text: &str) -> Result<Value, CliError> {
    serde_json::from_str(text).map_err(|e| CliError::usage(format!("--input is not JSON: {e}")))
}

/// `--all`: streams every item across pages, one compact line each, as they arrive.
async fn call_all(
    connector: Arc<dyn Connector>,
    ctx: &CallContext,
    operation: &OperationDescriptor,
    input: Value,
) -> Result<(), CliError> {
    let mut items = connector.call_all(ctx, operation.id.as_str(), input);
    while let Some(item) = items.next().await {
        let item = item?;
        let mut out = std::io::stdout().lock();
        output::write_line(&mut out, &item)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_names_are_usage_errors_listing_what_exists() {
        let registry = Registry::global();
        let e = resolve(registry, "nosuch", "x.y").unwrap_err();
        assert!(e.message().contains("known connectors: "), "{e}");
        assert_eq!(e.exit_code(), std::process::ExitCode::from(2));
        if let Some(d) = registry.iter().next() {
            let e = resolve(registry, d.id().as_str(), "nosuch.op").unwrap_err();
            assert!(e.message().contains("known operations: "), "{e}");
            if let Some(op) = d.operations.first() {
                assert!(e.message().contains(op.id.as_str()), "{e}");
                assert!(resolve(registry, d.id().as_str(), op.id.as_str()).is_ok());
            }
        }
        assert!(parse_input_arg("{\"owner\":").is_err());
        assert_eq!(parse_input_arg("{}").unwrap(), serde_json::json!({}));
    }
}
