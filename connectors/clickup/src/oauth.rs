//! OAuth for ClickUp apps: the authorize URL and the authorization-code exchange.
//!
//! ClickUp's OAuth access tokens do not expire and come without a refresh token (personal
//! `pk_` tokens never expire either), so the connector has no `TokenRefresher`: a token stays
//! valid until the user revokes the app, which surfaces as `Unauthorized`.

use plugboard_core::oauth2::{GRANT_AUTHORIZATION_CODE, OAuth2Refresher};
use plugboard_core::{
    ConfigKey, ConnectorConfig, Error, ErrorKind, Result, SecretString, TokenSet,
};
use serde_json::Value;
use url::Url;

use crate::client::API_ORIGIN;
use crate::connector::INFO;

/// The OAuth app's client id.
pub const CLIENT_ID: ConfigKey = ConfigKey {
    name: "client_id",
    secret: false,
    doc: "the ClickUp OAuth app's client id (to connect with OAuth)",
};

/// The OAuth app's client secret.
pub const CLIENT_SECRET: ConfigKey = ConfigKey {
    name: "client_secret",
    secret: true,
    doc: "the ClickUp OAuth app's client secret",
};

/// The configuration keys the connector declares.
pub static OAUTH_KEYS: &[ConfigKey] = &[CLIENT_ID, CLIENT_SECRET];

/// Where a user authorizes an app (a browser page, not the API origin).
pub const AUTHORIZE_URL: &str = "https://app.clickup.com/api";

/// The token endpoint's path under the API origin.
pub const TOKEN_PATH: &str = "/api/v2/oauth/token";

/// A ClickUp OAuth app: builds the authorize URL and exchanges the code it returns.
#[derive(Debug)]
pub struct ClickupOAuth {
    client_id: String,
    token: OAuth2Refresher,
}

impl ClickupOAuth {
    /// The app from configuration: `client_id`, `client_secret`, and the token endpoint under
    /// the configured origin (`base_url`, else `https://api.clickup.com`).
    pub fn from_config(config: &ConnectorConfig) -> Result<Self> {
        let client_id = config.require_setting(INFO.id, &CLIENT_ID)?;
        let secret = config.require_secret(INFO.id, &CLIENT_SECRET)?.clone();
        let origin = match &config.base_url {
            Some(url) => url.clone(),
            None => Url::parse(API_ORIGIN)
                .map_err(|e| Error::config(format!("invalid API origin: {e}")))?,
        };
        let token_url = origin
            .join(TOKEN_PATH)
            .map_err(|e| Error::config(format!("invalid token URL: {e}")))?;
        Ok(Self::new(client_id, secret, token_url))
    }

    /// The app with explicit credentials and token endpoint.
    pub fn new(client_id: impl Into<String>, client_secret: SecretString, token_url: Url) -> Self {
        let client_id = client_id.into();
        let token =
            OAuth2Refresher::new(INFO.id, token_url, client_id.clone(), Some(client_secret))
                .response_check(clickup_token_error);
        Self { client_id, token }
    }

    /// The page to send the user to: `https://app.clickup.com/api?client_id=…&redirect_uri=…&state=…`.
    /// ClickUp redirects back to `redirect_uri` with `code` and `state`.
    pub fn authorize_url(&self, redirect_uri: &str, state: &str) -> Url {
        let mut url = Url::parse(AUTHORIZE_URL).expect("the authorize URL is valid");
        url.query_pairs_mut()
            .append_pair("client_id", &self.client_id)
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("state", state);
        url
    }

    /// The token endpoint.
    pub fn token_url(&self) -> &Url {
        self.token.token_url()
    }

    /// Exchanges the authorization `code` for an access token (`POST /api/v2/oauth/token`
    /// with `client_id`, `client_secret` and `code` form-encoded in the body, never in the
    /// URL). Sent once, never retried. The token set has no refresh token and no expiry.
    pub async fn exchange_code(&self, code: &str) -> Result<TokenSet> {
        if code.trim().is_empty() {
            return Err(Error::invalid_input("the authorization code is empty"));
        }
        let response = self
            .token
            .grant(GRANT_AUTHORIZATION_CODE, &[("code", code)])
            .await?;
        Ok(response.tokens)
    }
}

/// ClickUp answers a refused exchange with `{"err": "...", "ECODE": "OAUTH_..."}`.
fn clickup_token_error(body: &Value) -> Option<Error> {
    let message = body.get("err").and_then(Value::as_str)?;
    let mut error = Error::new(
        ErrorKind::Unauthorized,
        format!("ClickUp refused the authorization code: {message}"),
    )
    .permanent();
    if let Some(code) = body.get("ECODE").and_then(Value::as_str) {
        error = error.with_context("ecode", code);
    }
    Some(error)
}
