//! `plugboard serve`: the webhook ingress (`plugboard_ingress`) on the configured store, with
//! the host's own parts around it — which connectors receive webhooks, the Prometheus
//! recorder, upstream health probes, and signal handling.
//!
//! Routes: `POST|GET /webhooks/{connector}[/{connection}]`, `GET /health`, `GET /metrics`,
//! `GET /oauth/{connector}/start|callback` (the OAuth connect flow, see [`oauth`]). Stored
//! connections are renewed by the hourly sweep and reported in `/health` and `/metrics`.
//! Every response carries `X-Request-Id`. SIGTERM or Ctrl-C stops accepting, lets requests
//! in flight finish, stops the workers after their current delivery (their other leases go
//! back to the queue) and flushes the store: nothing acknowledged is lost.

mod oauth;
mod probes;

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use std::collections::BTreeSet;

use plugboard_core::{Registry, WebhookSecrets, WebhookVerifier};
use plugboard_credentials::ConnectionStore;
use plugboard_ingress::Ingress;

use crate::cli::ServeArgs;
use crate::config::HostConfig;
use crate::credentials::HostCredentials;
use crate::error::CliError;

/// Runs the server until Ctrl-C or SIGTERM.
pub async fn run(args: &ServeArgs, config_path: Option<&Path>) -> Result<(), CliError> {
    let registry = Registry::global();
    let config = HostConfig::load(config_path, registry)?;
    let listen = args.listen.unwrap_or(config.server.listen);

    // One process-wide recorder, installed before any runtime records a metric.
    let prometheus = plugboard_ingress::prometheus_builder()
        .install_recorder()
        .map_err(|e| CliError::failed(format!("cannot install the metrics recorder: {e}")))?;

    let store = plugboard_store::open(&config.store.url)
        .await
        .map_err(|e| CliError::usage(format!("store.url: {e}")))?;
    tracing::info!(backend = store.backend(), "store opened");

    let sealer = crate::keys::sealer(&config)?;
    let connections = ConnectionStore::new(store.clone(), sealer.clone());
    let stored = match connections.list(None).await {
        Ok(list) => list,
        Err(e) => {
            tracing::error!("cannot read stored connections: {e}");
            Vec::new()
        }
    };

    let credentials = HostCredentials::from_parts(&config, store.clone(), sealer.clone());
    credentials.install(stored.iter().map(|c| c.key.clone()).collect());
    credentials.refresh_status().await;

    let owner = config.server.instance();
    let mut builder = Ingress::builder()
        .store(store)
        .config(config.ingress.clone())
        .owner(owner.clone())
        .prometheus(prometheus);
    let mut enabled = Vec::new();
    for descriptor in registry.iter() {
        let Some(verifier) = descriptor.webhook_verifier else {
            continue;
        };
        if !config.receives_webhooks(descriptor) {
            continue;
        }
        let id = descriptor.id();
        let connector_config = config.connector(descriptor);
        let secrets = WebhookSecrets::new(connector_config.webhook_secrets.clone()).ok();
        // A verifier built from the configuration (Meta's handshake verify token) wins over
        // the static one; it lives as long as the process.
        let verifier = match (descriptor.build)(connector_config)
            .ok()
            .and_then(|c| c.configured_webhook_verifier())
        {
            Some(configured) => {
                let leaked: &'static Arc<dyn WebhookVerifier> = Box::leak(Box::new(configured));
                leaked.as_ref()
            }
            None => verifier,
        };
        builder = builder.endpoint(id, verifier, secrets);
        let mut names: BTreeSet<String> = config
            .server
            .connections
            .get(id.as_str())
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .collect();
        names.extend(
            stored
                .iter()
                .filter(|c| c.key.connector == id.as_str())
                .map(|c| c.key.name.clone())
                .filter(|n| plugboard_ingress::endpoint::is_valid_connection_name(n)),
        );
        for name in names {
            let token = crate::keys::webhook_url_token(&sealer, id.as_str(), &name);
            builder = builder.connection(id, name, token, None);
        }
        enabled.push(id);
    }
    let probes = probes::Probes::start(registry, &config);
    builder = builder.health_contributor(probes.clone());
    builder = builder.health_contributor(credentials.health_contributor());
    let ingress = builder.build().map_err(|e| match e.key() {
        Some(key) => CliError::usage(format!(
            "{e} (set {key}, or leave the connector out of server.webhooks)"
        )),
        None => CliError::usage(e.to_string()),
    })?;
    for id in &enabled {
        tracing::info!(connector = %id, "webhooks enabled at /webhooks/{id}");
    }
    if enabled.is_empty() {
        tracing::info!(
            "no connector receives webhooks: configure one (e.g. PLUGBOARD_GITHUB_WEBHOOK_SECRET)"
        );
    }

    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| CliError::usage(format!("cannot listen on {listen}: {e}")))?;
    let local = listener
        .local_addr()
        .map_err(|e| CliError::failed(format!("listening socket: {e}")))?;

    let flow = credentials.connect_flow(&super::connect::redirect_base(&config, Some(local))?);
    for id in flow.connectors() {
        tracing::info!(connector = %id, "OAuth connect at /oauth/{id}/start");
    }

    let workers = ingress
        .start()
        .await
        .map_err(|e| CliError::failed(format!("starting the ingress: {e}")))?;
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "plugboard listening on http://{local}")?;
        out.flush()?;
    }
    tracing::info!(%local, instance = %owner, "listening");

    let background = credentials.start_background();
    let app = ingress
        .router()
        .merge(oauth::router(flow, credentials.clone()));
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await;
    probes.stop();
    background.stop();
    tracing::info!("server stopped; stopping workers");
    let stopped = workers.shutdown().await;
    served.map_err(|e| CliError::failed(format!("server: {e}")))?;
    stopped.map_err(|e| CliError::failed(format!("stopping the ingress: {e}")))?;
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!("cannot listen for Ctrl-C: {e}");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!("cannot listen for SIGTERM: {e}");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("shutting down: finishing requests in flight");
}
