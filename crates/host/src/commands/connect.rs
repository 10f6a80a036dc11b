//! `plugboard connect <connector> [--connection NAME] [--scope S]...`: prints the provider's
//! authorize URL with a signed, expiring `state` (and a PKCE challenge where the provider
//! takes one) as `{"url": ..., "connection": ...}`. Open it in a browser; the provider sends
//! the user back to `serve` at `/oauth/<connector>/callback`, which stores the connection.
//! Nothing is stored here: the state carries everything the callback needs, sealed with the
//! master key that `serve` shares.

use std::path::Path;
use std::sync::Arc;

use plugboard_core::Registry;
use plugboard_store::MemoryStore;
use serde_json::json;
use url::Url;

use crate::cli::ConnectArgs;
use crate::config::HostConfig;
use crate::credentials::HostCredentials;
use crate::error::CliError;
use crate::{oauth_providers, output};

/// Runs the command.
pub async fn run(args: &ConnectArgs, config_path: Option<&Path>) -> Result<(), CliError> {
    let registry = Registry::global();
    let descriptor = registry
        .require(&args.connector)
        .map_err(|e| CliError::usage(e.message()))?;
    let id = descriptor.id();
    if !plugboard_ingress::endpoint::is_valid_connection_name(&args.connection) {
        return Err(CliError::usage(format!(
            "--connection: `{}` is not a valid connection name (1 to 64 of lowercase letters, \
             digits, `-` and `_`)",
            args.connection
        )));
    }
    let config = HostConfig::load(config_path, registry)?;
    let app = oauth_providers::app(id.as_str()).ok_or_else(|| {
        CliError::usage(oauth_providers::Unavailable::NoOAuth.explain(id.as_str()))
    })?;
    let base = redirect_base(&config, None)?;
    // Checked here for a message naming the keys; the flow below builds the same provider.
    app.provider(descriptor, &config.connector(descriptor), &base)
        .map_err(|why| CliError::usage(why.explain(id.as_str())))?;
    // The start of a flow touches no store: the state is signed and sealed with the key.
    let credentials = HostCredentials::open(&config, Arc::new(MemoryStore::new()))?;
    let flow = credentials.connect_flow(&base);
    let redirect = flow
        .start(id.as_str(), &args.connection)
        .map_err(|e| CliError::usage(e.to_string()))?;
    let url = if args.scopes.is_empty() {
        redirect.url
    } else {
        oauth_providers::with_scope(&redirect.url, &app.join_scopes(&args.scopes))
    };
    output::print_value(&json!({
        "url": url.as_str(),
        "connector": id.as_str(),
        "connection": args.connection,
    }))
}

/// Where the provider sends users back: `server.public_url`, else `http://<listen>` (the
/// address `serve` actually bound, when known).
pub fn redirect_base(
    config: &HostConfig,
    bound: Option<std::net::SocketAddr>,
) -> Result<Url, CliError> {
    if let Some(url) = &config.server.public_url {
        return Ok(url.clone());
    }
    let listen = bound.unwrap_or(config.server.listen);
    Url::parse(&format!("http://{listen}"))
        .map_err(|e| CliError::usage(format!("server.listen {listen}: {e}")))
}
