//! Credentials: how the runtime authenticates a request ([`AuthProvider`]) and how expiring
//! tokens are renewed ([`TokenRefresher`]).

use std::fmt;
use std::time::SystemTime;

use async_trait::async_trait;
use http::{HeaderMap, HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};

use crate::error::{Error, Result};

/// Adds credentials to outgoing requests.
#[async_trait]
pub trait AuthProvider: Send + Sync + 'static {
    /// A stable, non-secret key for the credential (rate buckets and caches are keyed by it).
    fn credential_key(&self) -> &str;

    /// Adds the credential's headers.
    async fn apply(&self, headers: &mut HeaderMap) -> Result<()>;

    /// Called once per call when the platform answered 401: a provider that can renew its
    /// credential (a token manager) forces a refresh and returns `true`, and the runtime
    /// repeats the request once with the new credential. Static credentials return `false`.
    async fn refresh_after_unauthorized(&self) -> Result<bool> {
        Ok(false)
    }
}

/// No credentials (public endpoints, tests).
#[derive(Debug, Clone, Default)]
pub struct NoAuth;

#[async_trait]
impl AuthProvider for NoAuth {
    fn credential_key(&self) -> &str {
        "anonymous"
    }

    async fn apply(&self, _headers: &mut HeaderMap) -> Result<()> {
        Ok(())
    }
}

/// A static token sent in one header, e.g. `Authorization: Bearer <token>`.
pub struct StaticToken {
    header: HeaderName,
    value: HeaderValue,
    key: String,
}

impl StaticToken {
    /// `Authorization: Bearer <token>`, keyed as `connection`.
    pub fn bearer(token: &SecretString, connection: &str) -> Result<Self> {
        Self::new(http::header::AUTHORIZATION, "Bearer ", token, connection)
    }

    /// `<header>: <prefix><token>`, keyed as `connection`.
    pub fn new(
        header: HeaderName,
        prefix: &str,
        token: &SecretString,
        connection: &str,
    ) -> Result<Self> {
        let mut value = HeaderValue::from_str(&format!("{prefix}{}", token.expose_secret()))
            .map_err(|_| Error::config("token contains characters not allowed in a header"))?;
        value.set_sensitive(true);
        Ok(Self {
            header,
            value,
            key: connection.to_string(),
        })
    }
}

impl fmt::Debug for StaticToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StaticToken")
            .field("header", &self.header)
            .field("value", &crate::config::REDACTED)
            .field("key", &self.key)
            .finish()
    }
}

#[async_trait]
impl AuthProvider for StaticToken {
    fn credential_key(&self) -> &str {
        &self.key
    }

    async fn apply(&self, headers: &mut HeaderMap) -> Result<()> {
        headers.insert(self.header.clone(), self.value.clone());
        Ok(())
    }
}

/// A fresh set of tokens from a refresh.
pub struct TokenSet {
    /// The access token.
    pub access_token: SecretString,
    /// The refresh token, when the platform returned one (rotating platforms always do).
    pub refresh_token: Option<SecretString>,
    /// When the access token expires, when known.
    pub expires_at: Option<SystemTime>,
    /// Granted scopes.
    pub scopes: Vec<String>,
}

impl fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSet")
            .field("access_token", &crate::config::REDACTED)
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| crate::config::REDACTED),
            )
            .field("expires_at", &self.expires_at)
            .field("scopes", &self.scopes)
            .finish()
    }
}

/// The credentials a refresher starts from.
pub struct Credentials {
    /// The connection's name.
    pub connection: String,
    /// The current access token.
    pub access_token: Option<SecretString>,
    /// The current refresh token.
    pub refresh_token: Option<SecretString>,
    /// When the current access token expires.
    pub expires_at: Option<SystemTime>,
    /// Non-secret per-connection parameters a refresher needs (`installation_id`, `cloud_id`,
    /// `scopes`...).
    pub params: std::collections::BTreeMap<String, String>,
}

impl Credentials {
    /// Credentials for `connection` with nothing set yet.
    pub fn new(connection: impl Into<String>) -> Self {
        Self {
            connection: connection.into(),
            access_token: None,
            refresh_token: None,
            expires_at: None,
            params: Default::default(),
        }
    }

    /// With an access token.
    pub fn with_access_token(mut self, token: SecretString) -> Self {
        self.access_token = Some(token);
        self
    }

    /// With a refresh token.
    pub fn with_refresh_token(mut self, token: SecretString) -> Self {
        self.refresh_token = Some(token);
        self
    }

    /// With a parameter.
    pub fn with_param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.params.insert(name.into(), value.into());
        self
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("connection", &self.connection)
            .field(
                "access_token",
                &self.access_token.as_ref().map(|_| crate::config::REDACTED),
            )
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| crate::config::REDACTED),
            )
            .field("expires_at", &self.expires_at)
            .field("params", &self.params)
            .finish()
    }
}

/// Renews an expiring credential. The core token manager decides when, and makes sure only
/// one refresh per connection runs at a time.
#[async_trait]
pub trait TokenRefresher: Send + Sync + 'static {
    /// Exchanges `current` for a fresh token set.
    async fn refresh(&self, current: &Credentials) -> Result<TokenSet>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn static_token_sets_a_sensitive_header_and_hides_it() {
        let t = StaticToken::bearer(&SecretString::from("ghp_topsecret"), "default").unwrap();
        let mut h = HeaderMap::new();
        t.apply(&mut h).await.unwrap();
        let v = h.get("authorization").unwrap();
        assert_eq!(v.to_str().unwrap(), "Bearer ghp_topsecret");
        assert!(v.is_sensitive());
        assert!(!format!("{t:?}").contains("topsecret"));
        assert_eq!(t.credential_key(), "default");
    }
}
