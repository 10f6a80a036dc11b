//! `plugboard serve`: a minimal, honest webhook ingress.
//!
//! - `GET /health`: `{"status":"ok","connectors":[{"id","webhooks_supported","webhooks_configured"}]}`;
//! - `POST /webhooks/{connector}` (and `GET` for handshakes): body limit (413) → handshake →
//!   signature verification over the raw bytes (401) → de-duplication by event id → one JSON
//!   line appended to the events file, flushed and fsynced → `200`.
//!
//! Every response carries `X-Request-Id`. Ctrl-C or SIGTERM stops accepting connections and
//! lets requests in flight finish. Durable queues, sinks and retries come later.

mod events;
mod request_id;
mod webhooks;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::get;
use http::StatusCode;
use plugboard_core::{ConnectorId, Registry, WebhookSecrets, WebhookVerifier};
use serde_json::json;

use crate::cli::ServeArgs;
use crate::config::HostConfig;
use crate::error::CliError;

pub use events::EventLog;

/// What the server knows about one registered connector.
pub struct Endpoint {
    /// The connector.
    pub id: ConnectorId,
    /// Its verifier, when the platform sends webhooks.
    pub verifier: Option<&'static dyn WebhookVerifier>,
    /// The configured secrets; `None` leaves the endpoint closed (404).
    pub secrets: Option<WebhookSecrets>,
}

/// Shared server state.
pub struct AppState {
    /// Every registered connector by id.
    pub endpoints: BTreeMap<&'static str, Endpoint>,
    /// Where verified deliveries go.
    pub events: EventLog,
    /// The body limit, for error messages.
    pub body_limit: usize,
}

/// Runs the server until Ctrl-C or SIGTERM.
pub async fn run(args: &ServeArgs, config_path: Option<&Path>) -> Result<(), CliError> {
    let registry = Registry::global();
    let config = HostConfig::load(config_path, registry)?;
    let listen = args.listen.unwrap_or(config.server.listen);

    let mut endpoints = BTreeMap::new();
    for d in registry.iter() {
        let id = d.id();
        let secrets = WebhookSecrets::new(config.connector(d).webhook_secrets).ok();
        match (d.webhook_verifier, &secrets) {
            (Some(_), Some(_)) => {
                tracing::info!(connector = %id, "webhooks enabled at /webhooks/{id}")
            }
            (Some(_), None) => tracing::info!(
                connector = %id,
                "webhooks disabled: set PLUGBOARD_{}_WEBHOOK_SECRET or connectors.{id}.webhook_secret",
                id.env_prefix()
            ),
            (None, _) => {}
        }
        endpoints.insert(
            id.as_str(),
            Endpoint {
                id,
                verifier: d.webhook_verifier,
                secrets,
            },
        );
    }

    let events_path = config.server.events_file.clone();
    let events = tokio::task::spawn_blocking(move || EventLog::open(&events_path))
        .await
        .map_err(|e| CliError::failed(format!("opening the events file: {e}")))?
        .map_err(|e| {
            CliError::usage(format!(
                "cannot open events file {}: {e}",
                config.server.events_file.display()
            ))
        })?;
    tracing::info!(path = %config.server.events_file.display(), known = events.len(), "events file");

    let state = Arc::new(AppState {
        endpoints,
        events,
        body_limit: config.server.body_limit_bytes,
    });
    let app = router(state);

    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| CliError::usage(format!("cannot listen on {listen}: {e}")))?;
    let local = listener
        .local_addr()
        .map_err(|e| CliError::failed(format!("listening socket: {e}")))?;
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "plugboard listening on http://{local}")?;
        out.flush()?;
    }
    tracing::info!(%local, "listening");

    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|e| CliError::failed(format!("server: {e}")))?;
    tracing::info!("stopped");
    Ok(())
}

/// The routes and layers.
pub fn router(state: Arc<AppState>) -> Router {
    let limit = state.body_limit;
    Router::new()
        .route("/health", get(health))
        .route(
            "/webhooks/{connector}",
            get(webhooks::receive).post(webhooks::receive),
        )
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(limit))
        .layer(axum::middleware::from_fn(request_id::layer))
        .with_state(state)
}

async fn health(State(state): State<Arc<AppState>>) -> Json<serde_json::Value> {
    let connectors: Vec<_> = state
        .endpoints
        .values()
        .map(|e| {
            json!({
                "id": e.id.as_str(),
                "webhooks_supported": e.verifier.is_some(),
                "webhooks_configured": e.verifier.is_some() && e.secrets.is_some(),
            })
        })
        .collect();
    Json(json!({ "status": "ok", "connectors": connectors }))
}

async fn not_found() -> Response {
    error_response(StatusCode::NOT_FOUND, "no such route", json!({}))
}

/// A JSON error answer: `{"error": message, ...extra}`.
pub fn error_response(status: StatusCode, message: &str, extra: serde_json::Value) -> Response {
    let mut body = json!({ "error": message });
    if let (Some(body), serde_json::Value::Object(extra)) = (body.as_object_mut(), extra) {
        body.extend(extra);
    }
    (status, Json(body)).into_response()
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
