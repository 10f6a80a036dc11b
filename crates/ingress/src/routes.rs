//! The HTTP side: routes, the webhook request path, `X-Request-Id`, JSON errors, `/health`
//! and `/metrics`.
//!
//! Request path of `POST /webhooks/{connector}[/{connection}]`: unknown connector, connection
//! or token → `404` · inbound rate limit → `429` + `Retry-After` · body limit → `413` ·
//! handshake (answered as the verifier says) · signature over the raw bytes → `401` with the
//! reason · split into events · `enqueue` each (claim + append, atomic) → `200`, duplicates
//! included; a store failure → `503` (the platform retries; what was appended stays claimed).

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, Path, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{any, get};
use http::{HeaderValue, Method, StatusCode, header};
use plugboard_core::WebhookRequest;
use plugboard_store::{Enqueued, NewEntry, unix_millis};
use serde_json::json;
use tracing::Instrument;

use crate::health::{self, HealthStatus};
use crate::ingress::Shared;
use crate::metrics::REJECTED;

/// The request id header.
pub const REQUEST_ID: &str = "x-request-id";

/// The routes and layers.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let limit = shared.config.body_limit_bytes;
    Router::new()
        .route("/webhooks/{connector}", any(receive_connector))
        .route(
            "/webhooks/{connector}/{connection}",
            any(receive_connection),
        )
        .route("/health", get(health_route))
        .route("/metrics", get(metrics_route))
        .fallback(fallback)
        .layer(DefaultBodyLimit::max(limit))
        .layer(axum::middleware::from_fn(request_id))
        .with_state(shared)
}

/// `{"error": reason, "message": message}` with `status`.
pub fn error_response(status: StatusCode, reason: &str, message: &str) -> Response {
    (status, Json(json!({ "error": reason, "message": message }))).into_response()
}

async fn fallback() -> Response {
    error_response(StatusCode::NOT_FOUND, "not_found", "no such route")
}

async fn receive_connector(
    State(shared): State<Arc<Shared>>,
    Path(connector): Path<String>,
    request: Request,
) -> Response {
    receive(&shared, &connector, None, request).await
}

async fn receive_connection(
    State(shared): State<Arc<Shared>>,
    Path((connector, connection)): Path<(String, String)>,
    request: Request,
) -> Response {
    receive(&shared, &connector, Some(connection), request).await
}

fn reject(
    shared: &Shared,
    connector: &str,
    status: StatusCode,
    reason: &str,
    message: &str,
) -> Response {
    shared
        .metrics
        .counter(REJECTED, &[("connector", connector), ("reason", reason)])
        .increment(1);
    tracing::warn!(
        connector,
        reason,
        status = status.as_u16(),
        "rejected: {message}"
    );
    error_response(status, reason, message)
}

const NOT_FOUND_MESSAGE: &str = "no webhook endpoint at this URL";

async fn receive(
    shared: &Shared,
    connector: &str,
    connection: Option<String>,
    request: Request,
) -> Response {
    let started = Instant::now();
    let Some(endpoint) = shared.endpoints.get(connector) else {
        // The label is fixed: attacker-chosen paths must not create metric series.
        return reject(
            shared,
            "unknown",
            StatusCode::NOT_FOUND,
            "not_found",
            NOT_FOUND_MESSAGE,
        );
    };
    let id = endpoint.id.as_str();
    let secrets = match &connection {
        None => endpoint.secrets.as_ref(),
        Some(name) => {
            let token = request
                .uri()
                .query()
                .and_then(|q| url_query_param(q, "token"));
            match endpoint.connections.get(name) {
                Some(c) if token.as_deref().is_some_and(|t| c.token_matches(t)) => {
                    c.secrets.as_ref().or(endpoint.secrets.as_ref())
                }
                // Unknown connection and wrong token look the same.
                _ => None,
            }
        }
    };
    let Some(secrets) = secrets else {
        return reject(
            shared,
            id,
            StatusCode::NOT_FOUND,
            "not_found",
            NOT_FOUND_MESSAGE,
        );
    };
    endpoint.metrics.received.increment(1);

    if let Err(wait) = endpoint.admit() {
        let secs = wait.as_secs_f64().ceil().max(1.0) as u64;
        let mut response = reject(
            shared,
            id,
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            &format!("too many deliveries for {id}; retry in {secs}s"),
        );
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        return response;
    }

    let (mut parts, body) = request.into_parts();
    let headers = std::mem::take(&mut parts.headers);
    let method = parts.method.clone();
    let query = parts.uri.query().map(str::to_owned);
    let body = match Bytes::from_request(Request::from_parts(parts, body), &()).await {
        Ok(body) => body,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return reject(
                shared,
                id,
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                &format!(
                    "the body is larger than the limit of {} bytes",
                    shared.config.body_limit_bytes
                ),
            );
        }
        Err(rejection) => {
            return reject(
                shared,
                id,
                StatusCode::BAD_REQUEST,
                "bad_request",
                &rejection.body_text(),
            );
        }
    };

    let webhook = WebhookRequest {
        method: &method,
        headers: &headers,
        query: query.as_deref(),
        body: &body,
    };
    let now = shared.clock.now();
    if let Some(answer) = endpoint.verifier.handshake(&webhook, secrets, now) {
        return match answer {
            Ok(handshake) => {
                tracing::info!(connector = id, "handshake answered");
                let status = StatusCode::from_u16(handshake.status).unwrap_or(StatusCode::OK);
                (
                    status,
                    [(header::CONTENT_TYPE, handshake.content_type)],
                    handshake.body,
                )
                    .into_response()
            }
            Err(e) => reject(
                shared,
                id,
                StatusCode::UNAUTHORIZED,
                e.reason(),
                &e.to_string(),
            ),
        };
    }
    if method != Method::POST {
        return reject(
            shared,
            id,
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "deliveries are POSTed; GET answers handshakes only",
        );
    }
    let verified = match endpoint.verifier.verify(&webhook, secrets, now) {
        Ok(v) => v,
        Err(e) => {
            return reject(
                shared,
                id,
                StatusCode::UNAUTHORIZED,
                e.reason(),
                &e.to_string(),
            );
        }
    };
    endpoint.metrics.verified.increment(1);

    let mut appended = 0usize;
    let mut duplicates = 0usize;
    let mut first: Option<(String, String)> = None;
    for event in endpoint.verifier.split(verified) {
        let entry = NewEntry {
            connector: id.to_string(),
            connection: connection.clone(),
            event_id: event.event_id().to_string(),
            event_type: event.event_type().to_string(),
            received_at_ms: unix_millis(event.received_at()),
            attributes: event.attributes().clone(),
            body: event.body().clone(),
        };
        if first.is_none() {
            first = Some((entry.event_id.clone(), entry.event_type.clone()));
        }
        let event_id = entry.event_id.clone();
        match shared
            .store
            .enqueue(entry, shared.config.claim_retention, now)
            .await
        {
            Ok(Enqueued::Appended(entry_id)) => {
                appended += 1;
                tracing::debug!(connector = id, %event_id, entry = %entry_id, "enqueued");
            }
            Ok(Enqueued::Duplicate) => {
                duplicates += 1;
                endpoint.metrics.duplicates.increment(1);
                tracing::debug!(connector = id, %event_id, "duplicate");
            }
            Err(e) => {
                if appended > 0 {
                    shared.wake.notify_one();
                }
                tracing::error!(connector = id, %event_id, "cannot enqueue: {e}");
                return reject(
                    shared,
                    id,
                    StatusCode::SERVICE_UNAVAILABLE,
                    "store_unavailable",
                    "the delivery could not be stored; retry later",
                );
            }
        }
    }
    if appended > 0 {
        shared.wake.notify_one();
    }
    endpoint.metrics.ack.record(started.elapsed().as_secs_f64());
    let (event_id, event_type) = first.unwrap_or_default();
    let status = if appended == 0 && duplicates > 0 {
        "duplicate"
    } else {
        "accepted"
    };
    tracing::debug!(connector = id, %event_id, %event_type, appended, duplicates, "delivery acknowledged");
    Json(json!({
        "status": status,
        "event_id": event_id,
        "event_type": event_type,
        "appended": appended,
        "duplicates": duplicates,
    }))
    .into_response()
}

fn url_query_param(query: &str, name: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (k == name).then(|| v.to_string())
    })
}

async fn health_route(State(shared): State<Arc<Shared>>) -> Response {
    let report = health::report(&shared).await;
    let status = if report.status == HealthStatus::Critical {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::OK
    };
    (status, Json(report)).into_response()
}

async fn metrics_route(State(shared): State<Arc<Shared>>) -> Response {
    health::refresh_gauges(&shared).await;
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        shared.metrics.render(),
    )
        .into_response()
}

/// `X-Request-Id` on every response (a sane incoming one is echoed, else a fresh one), and
/// the span each request is logged in.
async fn request_id(request: Request, next: Next) -> Response {
    let id = request
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| is_sane_request_id(v))
        .map(str::to_owned)
        .unwrap_or_else(fresh_request_id);
    let span = tracing::info_span!(
        "http",
        request_id = %id,
        method = %request.method(),
        path = %request.uri().path(),
    );
    let mut response = next.run(request).instrument(span).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    response
}

/// 1 to 128 of `A-Za-z0-9-_.:`.
fn is_sane_request_id(id: &str) -> bool {
    (1..=128).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
}

fn fresh_request_id() -> String {
    format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids() {
        assert!(is_sane_request_id("abc-123_x.y:z"));
        assert!(!is_sane_request_id(""));
        assert!(!is_sane_request_id("a b"));
        assert!(!is_sane_request_id(&"a".repeat(129)));
        assert_eq!(fresh_request_id().len(), 32);
    }

    #[test]
    fn query_params() {
        assert_eq!(
            url_query_param("a=1&token=xyz", "token").as_deref(),
            Some("xyz")
        );
        assert_eq!(url_query_param("token", "token").as_deref(), Some(""));
        assert_eq!(url_query_param("tokens=1", "token"), None);
    }
}
