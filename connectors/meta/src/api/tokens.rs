//! Tokens: `tokens.exchange` (a short-lived user token for a long-lived one, `GET
//! /oauth/access_token?grant_type=fb_exchange_token`) and `tokens.debug` (`GET /debug_token`).
//! Meta has no refresh token: a long-lived token is re-exchanged before it expires.

use http::Method;
use plugboard_core::connector::schema_of;
use plugboard_core::{
    Error, ExposeSecret, OperationDescriptor, OperationId, RateClass, Result, SecretString,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::client::MetaClient;
use crate::models::{ExchangedToken, TokenInfo};

/// `tokens.exchange`.
pub const TOKENS_EXCHANGE: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("tokens.exchange"),
    summary: "Exchange a short-lived user token for a long-lived one (about 60 days)",
    docs_url: "https://developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived/",
    idempotent: true,
    read_only: false,
    paginated: false,
    rate_class: RateClass("graph"),
    cache_ttl: None,
    input_schema: schema_of::<ExchangeToken>,
    output_schema: schema_of::<ExchangedToken>,
};

/// `tokens.debug`.
pub const TOKENS_DEBUG: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("tokens.debug"),
    summary: "Inspect a token: validity, expiry, scopes, app and user",
    docs_url: "https://developers.facebook.com/docs/graph-api/reference/debug_token/",
    idempotent: true,
    read_only: true,
    paginated: false,
    rate_class: RateClass("graph"),
    cache_ttl: None,
    input_schema: schema_of::<DebugToken>,
    output_schema: schema_of::<TokenInfo>,
};

/// Input of `tokens.exchange`.
#[derive(Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExchangeToken {
    /// The short-lived user access token to exchange.
    pub fb_exchange_token: String,
}

impl std::fmt::Debug for ExchangeToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExchangeToken")
            .field("fb_exchange_token", &"[REDACTED]")
            .finish()
    }
}

/// Input of `tokens.debug`.
#[derive(Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DebugToken {
    /// The token to inspect (default: the connection's token).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_token: Option<String>,
}

impl std::fmt::Debug for DebugToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DebugToken")
            .field(
                "input_token",
                &self.input_token.as_ref().map(|_| "[REDACTED]"),
            )
            .finish()
    }
}

/// The tokens API.
#[derive(Debug, Clone, Copy)]
pub struct TokensApi<'a> {
    pub(crate) client: &'a MetaClient,
}

impl TokensApi<'_> {
    /// `GET /oauth/access_token?grant_type=fb_exchange_token&client_id&client_secret&fb_exchange_token`
    /// (needs `app_id` and `app_secret`). The call authenticates as the app.
    pub async fn exchange(&self, input: &ExchangeToken) -> Result<ExchangedToken> {
        let short = input.fb_exchange_token.trim();
        if short.is_empty() {
            return Err(Error::invalid_input(
                "invalid input for tokens.exchange: field `fb_exchange_token`: must not be empty",
            ));
        }
        let (app_id, app_secret) = self.client.app_credentials()?;
        let app_token = self
            .client
            .app_token()
            .ok_or_else(|| Error::internal("app credentials vanished"))?;
        let request = self
            .client
            .request_as(
                &TOKENS_EXCHANGE,
                Method::GET,
                &["oauth", "access_token"],
                &app_token,
            )?
            .query("grant_type", "fb_exchange_token")
            .query("client_id", app_id)
            .query("client_secret", app_secret.expose_secret())
            .query("fb_exchange_token", short);
        self.client
            .runtime()
            .json(request)
            .await
            .map_err(|e| e.redact(&[app_secret.expose_secret(), short]))
    }

    /// `GET /debug_token?input_token=...`, authenticated with the app token
    /// (`{app-id}|{app-secret}`) when the app is configured, else with the connection's token
    /// (an app developer's token may debug tokens of its app). Returns the answer's `data`.
    pub async fn debug(&self, input: &DebugToken) -> Result<TokenInfo> {
        let subject = match &input.input_token {
            Some(t) if !t.trim().is_empty() => SecretString::from(t.trim().to_string()),
            _ => self.client.token().cloned().ok_or_else(|| {
                Error::config(
                    "tokens.debug needs `input_token` or a connection token (PLUGBOARD_META_TOKEN)",
                )
            })?,
        };
        let path = ["debug_token"];
        let request = match self.client.app_token() {
            Some(app) => self
                .client
                .request_as(&TOKENS_DEBUG, Method::GET, &path, &app)?,
            None => self.client.request(&TOKENS_DEBUG, Method::GET, &path)?,
        }
        .query("input_token", subject.expose_secret());
        #[derive(Deserialize)]
        struct Answer {
            data: TokenInfo,
        }
        let mut hidden = vec![subject.expose_secret()];
        let app_token = self.client.app_token();
        if let Some(app) = &app_token {
            hidden.push(app.expose_secret());
        }
        self.client
            .runtime()
            .json::<Answer>(request)
            .await
            .map(|a| a.data)
            .map_err(|e| e.redact(&hidden))
    }
}
