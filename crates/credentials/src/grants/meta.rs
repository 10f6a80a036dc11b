//! [`MetaExchange`]: Meta's long-lived user token exchange,
//! `GET /oauth/access_token?grant_type=fb_exchange_token&client_id&client_secret&fb_exchange_token`,
//! which answers a token valid for about 60 days. Meta has no refresh token: the current
//! access token is what is exchanged, so it must be renewed while still valid.

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use plugboard_core::oauth2::parse_token_response;
use plugboard_core::{
    Clock, Credentials, Error, ErrorKind, ExposeSecret, Result, SecretString, SystemClock,
    TokenRefresher, TokenSet,
};
use serde_json::Value;
use url::Url;

use super::jwt::transport_error;

/// Exchanges a Meta user token for a long-lived one.
pub struct MetaExchange {
    graph_base: Url,
    app_id: String,
    app_secret: SecretString,
    client: reqwest::Client,
    clock: Arc<dyn Clock>,
}

impl MetaExchange {
    /// An exchange against `graph_base` (`https://graph.facebook.com/v23.0`) for the app.
    pub fn new(graph_base: Url, app_id: impl Into<String>, app_secret: SecretString) -> Self {
        Self {
            graph_base,
            app_id: app_id.into(),
            app_secret,
            client: plugboard_core::oauth2::default_client(),
            clock: Arc::new(SystemClock),
        }
    }

    /// The HTTP client (retries off).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.client = client;
        self
    }

    /// The clock that turns `expires_in` into an expiry.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Exchanges `token` for a long-lived one.
    pub async fn exchange(&self, token: &SecretString) -> Result<TokenSet> {
        let mut url = self.graph_base.clone();
        url.path_segments_mut()
            .map_err(|_| Error::config("Graph API base URL cannot have a path"))?
            .pop_if_empty()
            .extend(["oauth", "access_token"]);
        url.query_pairs_mut()
            .append_pair("grant_type", "fb_exchange_token")
            .append_pair("client_id", &self.app_id)
            .append_pair("client_secret", self.app_secret.expose_secret())
            .append_pair("fb_exchange_token", token.expose_secret());
        // The URL carries secrets: errors below never include it.
        let response = self
            .client
            .get(url)
            .header(http::header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(|e| transport_error(&e, "Meta token exchange"))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response
            .bytes()
            .await
            .map_err(|e| transport_error(&e, "Meta token exchange"))?;
        Ok(
            parse_token_response(status, &headers, &body, Some(graph_error), self.clock.now())?
                .tokens,
        )
    }
}

/// Meta's `{"error":{"code":190,...}}`: 190 is an invalid or expired token (re-authorize),
/// 4/17/32/613 rate limits; anything else is refused as is.
fn graph_error(body: &Value) -> Option<Error> {
    let error = body.get("error")?.as_object()?;
    let code = error.get("code").and_then(Value::as_i64).unwrap_or(0);
    let message: String = error
        .get("message")
        .and_then(Value::as_str)
        .unwrap_or("")
        .chars()
        .take(200)
        .collect();
    let kind = match code {
        190 | 102 => ErrorKind::TokenExpired,
        4 | 17 | 32 | 613 => ErrorKind::RateLimited { retry_after: None },
        1 | 2 => ErrorKind::Upstream,
        _ => ErrorKind::Unauthorized,
    };
    let error = Error::new(kind, format!("Meta refused the token exchange: {message}"))
        .with_context("oauth_error", code.to_string());
    Some(
        if matches!(kind, ErrorKind::TokenExpired | ErrorKind::Unauthorized) {
            error.permanent()
        } else {
            error
        },
    )
}

impl fmt::Debug for MetaExchange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MetaExchange")
            .field("graph_base", &self.graph_base.as_str())
            .field("app_id", &self.app_id)
            .field("app_secret", &"[REDACTED]")
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl TokenRefresher for MetaExchange {
    async fn refresh(&self, current: &Credentials) -> Result<TokenSet> {
        let token = current.access_token.as_ref().ok_or_else(|| {
            Error::new(
                ErrorKind::TokenExpired,
                "the connection has no Meta token to exchange; reconnect it",
            )
            .permanent()
        })?;
        self.exchange(token).await
    }
}
