//! `POST /webhooks/{connector}`: size limit → handshake → verify → de-duplicate → append → 200.

use std::sync::Arc;
use std::time::SystemTime;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Json, Response};
use http::{HeaderMap, Method, StatusCode, Uri, header};
use plugboard_core::WebhookRequest;
use serde_json::json;

use super::{AppState, error_response};

/// Receives one delivery (or answers a handshake).
pub async fn receive(
    State(state): State<Arc<AppState>>,
    Path(connector): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let Some(endpoint) = state.endpoints.get(connector.as_str()) else {
        let known: Vec<&str> = state
            .endpoints
            .values()
            .filter(|e| e.verifier.is_some())
            .map(|e| e.id.as_str())
            .collect();
        return error_response(
            StatusCode::NOT_FOUND,
            &format!("unknown connector {connector:?}"),
            json!({ "connectors_with_webhooks": known }),
        );
    };
    let id = endpoint.id;
    let Some(verifier) = endpoint.verifier else {
        return error_response(
            StatusCode::NOT_FOUND,
            &format!("{id} does not receive webhooks"),
            json!({}),
        );
    };
    let Some(secrets) = &endpoint.secrets else {
        return error_response(
            StatusCode::NOT_FOUND,
            &format!(
                "webhooks for {id} are not configured: set PLUGBOARD_{}_WEBHOOK_SECRET or connectors.{id}.webhook_secret",
                id.env_prefix()
            ),
            json!({}),
        );
    };
    let body = match body {
        Ok(body) => body,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            tracing::warn!(connector = %id, limit = state.body_limit, "delivery too large");
            return error_response(
                StatusCode::PAYLOAD_TOO_LARGE,
                &format!("body larger than {} bytes", state.body_limit),
                json!({ "reason": "too_large" }),
            );
        }
        Err(rejection) => {
            return error_response(rejection.status(), &rejection.body_text(), json!({}));
        }
    };

    let request = WebhookRequest {
        method: &method,
        headers: &headers,
        query: uri.query(),
        body: &body,
    };
    let now = SystemTime::now();

    if let Some(answer) = verifier.handshake(&request, secrets, now) {
        return match answer {
            Ok(handshake) => {
                tracing::info!(connector = %id, "handshake answered");
                let status = StatusCode::from_u16(handshake.status).unwrap_or(StatusCode::OK);
                (
                    status,
                    [(header::CONTENT_TYPE, handshake.content_type)],
                    handshake.body,
                )
                    .into_response()
            }
            Err(e) => {
                tracing::warn!(connector = %id, reason = e.reason(), "handshake rejected: {e}");
                error_response(
                    StatusCode::UNAUTHORIZED,
                    &e.to_string(),
                    json!({ "reason": e.reason() }),
                )
            }
        };
    }
    if method != Method::POST {
        return error_response(
            StatusCode::METHOD_NOT_ALLOWED,
            "deliveries are POSTed; GET is only for handshakes",
            json!({}),
        );
    }

    let verified = match verifier.verify(&request, secrets, now) {
        Ok(v) => v,
        Err(e) => {
            tracing::warn!(connector = %id, reason = e.reason(), "delivery rejected: {e}");
            return error_response(
                StatusCode::UNAUTHORIZED,
                &e.to_string(),
                json!({ "reason": e.reason() }),
            );
        }
    };

    let event_id = verified.event_id().to_string();
    let event_type = verified.event_type().to_string();
    let appended = {
        let state = state.clone();
        tokio::task::spawn_blocking(move || state.events.append(id.as_str(), &verified)).await
    };
    match appended {
        Ok(Ok(fresh)) => {
            tracing::info!(connector = %id, %event_id, %event_type, duplicate = !fresh, "delivery accepted");
            Json(json!({
                "status": if fresh { "accepted" } else { "duplicate" },
                "event_id": event_id,
                "event_type": event_type,
            }))
            .into_response()
        }
        Ok(Err(e)) => {
            tracing::error!(connector = %id, %event_id, "cannot append to the events file: {e}");
            error_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the delivery could not be stored; retry later",
                json!({}),
            )
        }
        Err(e) => {
            tracing::error!(connector = %id, %event_id, "event append task failed: {e}");
            error_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the delivery could not be stored; retry later",
                json!({}),
            )
        }
    }
}
