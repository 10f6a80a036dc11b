//! The OAuth connect routes of `serve`:
//!
//! - `GET /oauth/{connector}/start?connection=NAME[&scope=...]`: `302` to the provider with a
//!   signed, expiring `state` (and a PKCE challenge where the provider takes one);
//! - `GET /oauth/{connector}/callback`: checks the state, exchanges the code, stores the
//!   connection and answers a small page. Refusals — unknown, forged, expired or reused
//!   state, a provider `error=`, a missing code — answer a page naming the problem with its
//!   status, and store nothing.
//!
//! Every answer carries `X-Request-Id`, `Cache-Control: no-store` and
//! `Referrer-Policy: no-referrer` (the callback URL holds a code).

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use plugboard_credentials::{CallbackQuery, ConnectError, ConnectFlow};

use crate::credentials::HostCredentials;
use crate::oauth_providers;

/// What the handlers share.
struct OAuthState {
    flow: ConnectFlow,
    credentials: HostCredentials,
}

/// The routes, to merge into the ingress router.
pub fn router(flow: ConnectFlow, credentials: HostCredentials) -> Router {
    Router::new()
        .route("/oauth/{connector}/start", get(start))
        .route("/oauth/{connector}/callback", get(callback))
        .layer(axum::middleware::from_fn(request_id))
        .with_state(Arc::new(OAuthState { flow, credentials }))
}

async fn start(
    State(state): State<Arc<OAuthState>>,
    Path(connector): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let mut connection = "default".to_string();
    let mut scope = None;
    for (name, value) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        match name.as_ref() {
            "connection" => connection = value.into_owned(),
            "scope" => scope = Some(value.into_owned()),
            _ => {}
        }
    }
    if !plugboard_ingress::endpoint::is_valid_connection_name(&connection) {
        return page(
            StatusCode::BAD_REQUEST,
            "invalid_connection",
            "Cannot connect",
            "The connection name must be 1 to 64 of lowercase letters, digits, - and _.",
        );
    }
    match state.flow.start(&connector, &connection) {
        Ok(redirect) => {
            let url = match (scope, oauth_providers::app(&connector)) {
                (Some(scope), Some(app)) => {
                    oauth_providers::with_scope(&redirect.url, &app.join_scopes(&[scope]))
                }
                _ => redirect.url,
            };
            tracing::info!(%connector, %connection, "OAuth connect started");
            let mut response = StatusCode::FOUND.into_response();
            match HeaderValue::from_str(url.as_str()) {
                Ok(location) => {
                    response.headers_mut().insert(header::LOCATION, location);
                    no_store(response)
                }
                Err(_) => page(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "bad_authorize_url",
                    "Cannot connect",
                    "The provider's authorize URL could not be built.",
                ),
            }
        }
        Err(e) => refused(&connector, &e),
    }
}

async fn callback(
    State(state): State<Arc<OAuthState>>,
    Path(connector): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let query = CallbackQuery::parse(query.as_deref().unwrap_or_default());
    match state.flow.callback(&connector, &query).await {
        Ok(connection) => {
            state.credentials.connected(&connection.key);
            page(
                StatusCode::OK,
                "connected",
                "Connected",
                &format!(
                    "The {} connection \u{201c}{}\u{201d} is stored. You can close this window.",
                    connection.key.connector, connection.key.name
                ),
            )
        }
        Err(e) => refused(&connector, &e),
    }
}

/// The page for a refused start or callback.
fn refused(connector: &str, error: &ConnectError) -> Response {
    let status = StatusCode::from_u16(error.http_status()).unwrap_or(StatusCode::BAD_REQUEST);
    if status.is_server_error() {
        tracing::warn!(%connector, reason = error.code(), "OAuth connect failed: {error}");
    } else {
        tracing::info!(%connector, reason = error.code(), "OAuth connect refused: {error}");
    }
    let message = match error {
        ConnectError::Store(_) => "The connection could not be stored; see the server log.".into(),
        other => other.to_string(),
    };
    page(status, error.code(), "Connection refused", &message)
}

/// A small HTML page; `code` is the stable reason (`invalid_state`, `expired_state`...).
fn page(status: StatusCode, code: &str, title: &str, message: &str) -> Response {
    let body = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title></head>\n\
         <body><h1>{title}</h1>\n<p>{message}</p>\n<p><code id=\"reason\">{code}</code></p></body></html>\n",
        title = escape(title),
        message = escape(message),
        code = escape(code),
    );
    let mut response = (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response();
    response.headers_mut().insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    no_store(response)
}

fn no_store(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `X-Request-Id` as on the ingress routes: a sane incoming one is echoed, else a fresh one.
async fn request_id(request: Request, next: Next) -> Response {
    let id = request
        .headers()
        .get(plugboard_ingress::routes::REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            (1..=128).contains(&v.len())
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
        })
        .map(str::to_owned)
        .unwrap_or_else(|| format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..)));
    let span = tracing::info_span!("http", request_id = %id, path = %request.uri().path());
    let mut response = tracing::Instrument::instrument(next.run(request), span).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response
            .headers_mut()
            .insert(plugboard_ingress::routes::REQUEST_ID, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_escape_what_they_show() {
        assert_eq!(escape("<script>&\"'"), "&lt;script&gt;&amp;&quot;&#39;");
    }
}
