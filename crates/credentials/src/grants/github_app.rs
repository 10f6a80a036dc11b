//! [`GithubAppRefresher`]: GitHub App installation tokens. The app signs a short JWT with its
//! private key (RS256, `iat` 60 s in the past against clock drift, `exp` under GitHub's 10 min
//! limit, `iss` = app id) and trades it at `POST /app/installations/{id}/access_tokens` for an
//! installation token that lives one hour.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use http::StatusCode;
use jsonwebtoken::EncodingKey;
use plugboard_core::http::{ResponseView, default_classify};
use plugboard_core::{
    Clock, Credentials, Error, ErrorKind, Result, SecretString, SystemClock, TokenRefresher,
    TokenSet,
};
use serde::{Deserialize, Serialize};
use url::Url;

use super::jwt::{parse_rfc3339, rsa_key, sign_rs256, transport_error, unix_seconds};

/// GitHub's REST API.
pub const GITHUB_API: &str = "https://api.github.com/";

/// How far back the JWT's `iat` is set, against clock drift.
const IAT_BACKDATE: u64 = 60;
/// The JWT's lifetime from now (GitHub refuses `exp` more than 10 minutes ahead).
const JWT_LIFETIME: u64 = 9 * 60;

/// Mints GitHub App installation tokens.
pub struct GithubAppRefresher {
    app_id: String,
    key: EncodingKey,
    api_base: Url,
    installation_id: Option<String>,
    client: reqwest::Client,
    clock: Arc<dyn Clock>,
}

#[derive(Debug, Serialize, Deserialize)]
struct AppClaims {
    iat: u64,
    exp: u64,
    iss: String,
}

#[derive(Deserialize)]
struct InstallationToken {
    token: String,
    expires_at: String,
}

impl GithubAppRefresher {
    /// A refresher for app `app_id` (numeric id or client id) with its RSA private key in PEM.
    pub fn new(app_id: impl Into<String>, private_key_pem: &SecretString) -> Result<Self> {
        Ok(Self {
            app_id: app_id.into(),
            key: rsa_key(private_key_pem, "GitHub App private key")?,
            api_base: Url::parse(GITHUB_API).expect("valid URL"),
            installation_id: None,
            client: plugboard_core::oauth2::default_client(),
            clock: Arc::new(SystemClock),
        })
    }

    /// The API base URL (GitHub Enterprise, or a mock in tests).
    pub fn api_base(mut self, base: Url) -> Self {
        self.api_base = base;
        self
    }

    /// The installation used when the credentials carry no `installation_id` parameter.
    pub fn installation_id(mut self, id: impl Into<String>) -> Self {
        self.installation_id = Some(id.into());
        self
    }

    /// The HTTP client (retries off: a token request is sent once).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.client = client;
        self
    }

    /// The clock the JWT's times come from.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The app JWT as of now: `iat` = now − 60 s, `exp` = now + 9 min, `iss` = app id.
    pub fn app_jwt(&self) -> Result<String> {
        let now = unix_seconds(self.clock.now());
        sign_rs256(
            &AppClaims {
                iat: now.saturating_sub(IAT_BACKDATE),
                exp: now + JWT_LIFETIME,
                iss: self.app_id.clone(),
            },
            &self.key,
        )
    }

    /// Mints an installation token for `installation_id`.
    pub async fn installation_token(&self, installation_id: &str) -> Result<TokenSet> {
        if installation_id.is_empty() || !installation_id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::config(format!(
                "GitHub App installation id {installation_id:?} is not a number"
            )));
        }
        let mut url = self.api_base.clone();
        url.path_segments_mut()
            .map_err(|_| Error::config("GitHub API base URL cannot have a path"))?
            .pop_if_empty()
            .extend(["app", "installations", installation_id, "access_tokens"]);
        let mut auth = http::HeaderValue::from_str(&format!("Bearer {}", self.app_jwt()?))
            .map_err(|_| Error::internal("JWT is not header-safe"))?;
        auth.set_sensitive(true);
        let response = self
            .client
            .post(url)
            .header(http::header::ACCEPT, "application/vnd.github+json")
            .header("x-github-api-version", "2022-11-28")
            .header(http::header::AUTHORIZATION, auth)
            .send()
            .await
            .map_err(|e| transport_error(&e, "GitHub installation token"))?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .bytes()
            .await
            .map_err(|e| transport_error(&e, "GitHub installation token"))?;
        let now = self.clock.now();
        if let Some(error) = default_classify(&ResponseView {
            status,
            headers: &headers,
            body: &body,
            now,
        }) {
            return Err(installation_error(error, status, installation_id));
        }
        let parsed: InstallationToken = serde_json::from_slice(&body).map_err(|_| {
            Error::new(
                ErrorKind::Upstream,
                "GitHub installation token response lacks token or expires_at",
            )
            .permanent()
        })?;
        // GitHub states the expiry; an unreadable one is taken as the documented hour.
        let expires_at =
            parse_rfc3339(&parsed.expires_at).unwrap_or_else(|| now + Duration::from_secs(3600));
        Ok(TokenSet {
            access_token: SecretString::from(parsed.token),
            refresh_token: None,
            expires_at: Some(expires_at),
            scopes: Vec::new(),
        })
    }
}

/// A refused installation token: a rejected JWT (wrong app id or key) or a missing
/// installation (the app was uninstalled) means only a new setup helps.
fn installation_error(error: Error, status: StatusCode, installation_id: &str) -> Error {
    let error = match error.kind() {
        ErrorKind::NotFound => Error::new(
            ErrorKind::Unauthorized,
            format!("GitHub App installation {installation_id} not found (uninstalled?)"),
        )
        .with_status(status.as_u16()),
        _ => error,
    };
    let error = error.with_context("installation_id", installation_id.to_string());
    if error.kind() == ErrorKind::Unauthorized {
        error.permanent()
    } else {
        error
    }
}

impl fmt::Debug for GithubAppRefresher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GithubAppRefresher")
            .field("app_id", &self.app_id)
            .field("key", &"[REDACTED]")
            .field("api_base", &self.api_base.as_str())
            .field("installation_id", &self.installation_id)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl TokenRefresher for GithubAppRefresher {
    async fn refresh(&self, current: &Credentials) -> Result<TokenSet> {
        let id = current
            .params
            .get("installation_id")
            .or(self.installation_id.as_ref())
            .ok_or_else(|| Error::config("GitHub App connection has no installation_id"))?;
        self.installation_token(id).await
    }
}
