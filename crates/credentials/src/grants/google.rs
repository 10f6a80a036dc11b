//! [`GoogleServiceAccountRefresher`]: access tokens for a Google service account, from a JWT
//! assertion signed with the account's key (RS256; `iss` = account e-mail, `scope`,
//! `aud` = token URI, `iat`, `exp` one hour later, `sub` for domain-wide delegation) sent as
//! `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer`.

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use jsonwebtoken::EncodingKey;
use plugboard_core::oauth2::{GRANT_JWT_BEARER, OAuth2Refresher};
use plugboard_core::{
    Clock, ConnectorId, Credentials, Result, SecretString, SystemClock, TokenRefresher, TokenSet,
};
use serde::{Deserialize, Serialize};
use url::Url;

use super::jwt::{rsa_key, sign_rs256, unix_seconds};

/// The assertion's lifetime (Google's maximum).
const ASSERTION_LIFETIME: u64 = 3600;

/// Mints service-account access tokens.
pub struct GoogleServiceAccountRefresher {
    client_email: String,
    key: EncodingKey,
    token_uri: Url,
    scopes: Vec<String>,
    subject: Option<String>,
    endpoint: OAuth2Refresher,
    clock: Arc<dyn Clock>,
}

#[derive(Debug, Serialize, Deserialize)]
struct AssertionClaims {
    iss: String,
    scope: String,
    aud: String,
    iat: u64,
    exp: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    sub: Option<String>,
}

impl GoogleServiceAccountRefresher {
    /// A refresher for the account `client_email` with its RSA key, the token URI (the JWT's
    /// audience and where it is sent) and the scopes to request.
    pub fn new(
        connector: ConnectorId,
        client_email: impl Into<String>,
        private_key_pem: &SecretString,
        token_uri: Url,
        scopes: Vec<String>,
    ) -> Result<Self> {
        Ok(Self {
            client_email: client_email.into(),
            key: rsa_key(private_key_pem, "service account private key")?,
            endpoint: OAuth2Refresher::new(connector, token_uri.clone(), "", None),
            token_uri,
            scopes,
            subject: None,
            clock: Arc::new(SystemClock),
        })
    }

    /// Acts as `user` (domain-wide delegation).
    pub fn subject(mut self, user: Option<String>) -> Self {
        self.subject = user;
        self
    }

    /// The HTTP client (retries off).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.endpoint = self.endpoint.http_client(client);
        self
    }

    /// The clock for the assertion's times and the token's expiry.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.endpoint = self.endpoint.clock(clock.clone());
        self.clock = clock;
        self
    }

    /// The signed assertion as of now.
    pub fn assertion(&self) -> Result<String> {
        let now = unix_seconds(self.clock.now());
        sign_rs256(
            &AssertionClaims {
                iss: self.client_email.clone(),
                scope: self.scopes.join(" "),
                aud: self.token_uri.to_string(),
                iat: now,
                exp: now + ASSERTION_LIFETIME,
                sub: self.subject.clone(),
            },
            &self.key,
        )
    }
}

impl fmt::Debug for GoogleServiceAccountRefresher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GoogleServiceAccountRefresher")
            .field("client_email", &self.client_email)
            .field("key", &"[REDACTED]")
            .field("token_uri", &self.token_uri.as_str())
            .field("scopes", &self.scopes)
            .field("subject", &self.subject)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl TokenRefresher for GoogleServiceAccountRefresher {
    async fn refresh(&self, _current: &Credentials) -> Result<TokenSet> {
        let assertion = self.assertion()?;
        let mut response = self
            .endpoint
            .grant(GRANT_JWT_BEARER, &[("assertion", &assertion)])
            .await?;
        if response.tokens.scopes.is_empty() {
            response.tokens.scopes = self.scopes.clone();
        }
        Ok(response.tokens)
    }
}
