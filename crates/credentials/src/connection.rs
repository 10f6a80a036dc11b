//! The connection model: a named credential set per (connector, account), what kind of
//! credential it holds, and the bookkeeping that keeps it alive (refresh counts, failures,
//! `needs_reauth`, cool-down).
//!
//! Secrets are [`SecretString`] and never reach `Debug`. The serialised form ([`Connection::to_plaintext`])
//! exists only between the sealer and this module.

use std::collections::BTreeMap;
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use plugboard_core::{ExposeSecret, SecretString, TokenSet};
use serde::{Deserialize, Serialize};

use crate::error::{CredentialsError, CredentialsResult};

const REDACTED: &str = "[REDACTED]";

/// Names a connection: the connector and the account's name, stored as `"{connector}/{name}"`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ConnectionKey {
    /// The connector id (`github`).
    pub connector: String,
    /// The connection's name (`default`, `acme-org`).
    pub name: String,
}

impl ConnectionKey {
    /// A key; both parts must be non-empty and free of `/` and control characters.
    pub fn new(connector: impl Into<String>, name: impl Into<String>) -> CredentialsResult<Self> {
        let key = Self {
            connector: connector.into(),
            name: name.into(),
        };
        for part in [&key.connector, &key.name] {
            if part.is_empty()
                || part.len() > 128
                || part.chars().any(|c| c == '/' || c.is_control() || c == ' ')
            {
                return Err(CredentialsError::Invalid(format!(
                    "connection key part {part:?} must be 1-128 characters without '/' or spaces"
                )));
            }
        }
        Ok(key)
    }

    /// Parses `"{connector}/{name}"`.
    pub fn parse(key: &str) -> CredentialsResult<Self> {
        let (connector, name) = key.split_once('/').ok_or_else(|| {
            CredentialsError::Invalid(format!("connection key {key:?} is not connector/name"))
        })?;
        Self::new(connector, name)
    }

    /// The store key, `"{connector}/{name}"`.
    pub fn storage_key(&self) -> String {
        format!("{}/{}", self.connector, self.name)
    }
}

impl fmt::Display for ConnectionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.connector, self.name)
    }
}

/// Whether a connection can be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ConnectionStatus {
    /// In use; refreshed as needed.
    #[default]
    Active,
    /// The grant is dead (revoked, expired refresh token, repeated failures): a user must
    /// connect again. Refreshes are only retried after the cool-down.
    NeedsReauth,
}

impl ConnectionStatus {
    /// `active` or `needs_reauth`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::NeedsReauth => "needs_reauth",
        }
    }
}

impl fmt::Display for ConnectionStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The credential a connection holds.
#[derive(Clone)]
#[non_exhaustive]
pub enum ConnectionKind {
    /// A token that does not expire (personal access token, bot token without rotation).
    StaticToken {
        /// The token.
        token: SecretString,
    },
    /// An API key, with non-secret companions (an account e-mail, a region...).
    ApiKey {
        /// The key.
        key: SecretString,
        /// Non-secret companion values.
        extra: BTreeMap<String, String>,
    },
    /// OAuth 2.0 tokens.
    OAuth2 {
        /// The access token.
        access_token: SecretString,
        /// The refresh token, when the platform issued one.
        refresh_token: Option<SecretString>,
        /// When the access token expires, when known.
        expires_at: Option<SystemTime>,
        /// Granted scopes.
        scopes: Vec<String>,
        /// The token type the platform named (`bearer`).
        token_type: Option<String>,
    },
    /// A GitHub App installation: installation tokens are minted from the app's key.
    GithubApp {
        /// The app id (or client id), the JWT's `iss`.
        app_id: String,
        /// The app's RSA private key, PEM.
        private_key_pem: SecretString,
        /// The installation to mint tokens for.
        installation_id: String,
        /// The cached installation token.
        token: Option<SecretString>,
        /// When the cached token expires.
        expires_at: Option<SystemTime>,
    },
    /// A Google service account: access tokens from a signed JWT assertion.
    GoogleServiceAccount {
        /// The account's e-mail, the JWT's `iss`.
        client_email: String,
        /// The account's RSA private key, PEM.
        private_key_pem: SecretString,
        /// The token endpoint (`https://oauth2.googleapis.com/token`), the JWT's `aud`.
        token_uri: String,
        /// The scopes requested.
        scopes: Vec<String>,
        /// The user to impersonate (domain-wide delegation).
        subject: Option<String>,
        /// The cached access token.
        token: Option<SecretString>,
        /// When the cached token expires.
        expires_at: Option<SystemTime>,
    },
}

impl ConnectionKind {
    /// `static_token`, `api_key`, `oauth2`, `github_app` or `google_service_account`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::StaticToken { .. } => "static_token",
            Self::ApiKey { .. } => "api_key",
            Self::OAuth2 { .. } => "oauth2",
            Self::GithubApp { .. } => "github_app",
            Self::GoogleServiceAccount { .. } => "google_service_account",
        }
    }

    /// OAuth 2.0 tokens from a token set (connect flow, import).
    pub fn oauth2(tokens: TokenSet, token_type: Option<String>) -> Self {
        Self::OAuth2 {
            access_token: tokens.access_token,
            refresh_token: tokens.refresh_token,
            expires_at: tokens.expires_at,
            scopes: tokens.scopes,
            token_type,
        }
    }

    /// A service account from Google's JSON key file (`client_email`, `private_key`,
    /// `token_uri`).
    pub fn google_service_account_from_json(
        key_file: &str,
        scopes: Vec<String>,
        subject: Option<String>,
    ) -> CredentialsResult<Self> {
        #[derive(Deserialize)]
        struct KeyFile {
            client_email: String,
            private_key: String,
            #[serde(default)]
            token_uri: Option<String>,
        }
        let file: KeyFile = serde_json::from_str(key_file).map_err(|e| {
            CredentialsError::Invalid(format!(
                "service account key file: missing or malformed field (line {}, column {})",
                e.line(),
                e.column()
            ))
        })?;
        Ok(Self::GoogleServiceAccount {
            client_email: file.client_email,
            private_key_pem: SecretString::from(file.private_key),
            token_uri: file
                .token_uri
                .unwrap_or_else(|| "https://oauth2.googleapis.com/token".to_string()),
            scopes,
            subject,
            token: None,
            expires_at: None,
        })
    }

    /// The secret sent with requests: the token, key or cached access token.
    pub fn access_token(&self) -> Option<&SecretString> {
        match self {
            Self::StaticToken { token } => Some(token),
            Self::ApiKey { key, .. } => Some(key),
            Self::OAuth2 { access_token, .. } => Some(access_token),
            Self::GithubApp { token, .. } | Self::GoogleServiceAccount { token, .. } => {
                token.as_ref()
            }
        }
    }

    /// The refresh token, for OAuth 2.0 connections that have one.
    pub fn refresh_token(&self) -> Option<&SecretString> {
        match self {
            Self::OAuth2 { refresh_token, .. } => refresh_token.as_ref(),
            _ => None,
        }
    }

    /// When the access token expires (`None`: it does not, or it is unknown).
    pub fn expires_at(&self) -> Option<SystemTime> {
        match self {
            Self::OAuth2 { expires_at, .. }
            | Self::GithubApp { expires_at, .. }
            | Self::GoogleServiceAccount { expires_at, .. } => *expires_at,
            _ => None,
        }
    }

    /// Granted or requested scopes.
    pub fn scopes(&self) -> &[String] {
        match self {
            Self::OAuth2 { scopes, .. } | Self::GoogleServiceAccount { scopes, .. } => scopes,
            _ => &[],
        }
    }

    /// Whether plugboard can renew this credential by itself.
    pub fn is_refreshable(&self) -> bool {
        match self {
            Self::OAuth2 { refresh_token, .. } => refresh_token.is_some(),
            Self::GithubApp { .. } | Self::GoogleServiceAccount { .. } => true,
            Self::StaticToken { .. } | Self::ApiKey { .. } => false,
        }
    }

    /// Takes in a refresh's result: new access token and expiry; the refresh token and the
    /// scopes only when the response carried them (a platform that does not rotate omits the
    /// refresh token, and the old one stays valid).
    pub fn apply_tokens(&mut self, new: TokenSet) {
        match self {
            Self::OAuth2 {
                access_token,
                refresh_token,
                expires_at,
                scopes,
                ..
            } => {
                *access_token = new.access_token;
                if let Some(rotated) = new.refresh_token {
                    *refresh_token = Some(rotated);
                }
                *expires_at = new.expires_at;
                if !new.scopes.is_empty() {
                    *scopes = new.scopes;
                }
            }
            Self::GithubApp {
                token, expires_at, ..
            }
            | Self::GoogleServiceAccount {
                token, expires_at, ..
            } => {
                *token = Some(new.access_token);
                *expires_at = new.expires_at;
            }
            Self::StaticToken { token } => *token = new.access_token,
            Self::ApiKey { key, .. } => *key = new.access_token,
        }
    }
}

impl fmt::Debug for ConnectionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct(self.name());
        match self {
            Self::StaticToken { .. } => d.field("token", &REDACTED),
            Self::ApiKey { extra, .. } => d.field("key", &REDACTED).field("extra", extra),
            Self::OAuth2 {
                refresh_token,
                expires_at,
                scopes,
                token_type,
                ..
            } => d
                .field("access_token", &REDACTED)
                .field("refresh_token", &refresh_token.as_ref().map(|_| REDACTED))
                .field("expires_at", expires_at)
                .field("scopes", scopes)
                .field("token_type", token_type),
            Self::GithubApp {
                app_id,
                installation_id,
                token,
                expires_at,
                ..
            } => d
                .field("app_id", app_id)
                .field("private_key_pem", &REDACTED)
                .field("installation_id", installation_id)
                .field("token", &token.as_ref().map(|_| REDACTED))
                .field("expires_at", expires_at),
            Self::GoogleServiceAccount {
                client_email,
                token_uri,
                scopes,
                subject,
                token,
                expires_at,
                ..
            } => d
                .field("client_email", client_email)
                .field("private_key_pem", &REDACTED)
                .field("token_uri", token_uri)
                .field("scopes", scopes)
                .field("subject", subject)
                .field("token", &token.as_ref().map(|_| REDACTED))
                .field("expires_at", expires_at),
        };
        d.finish()
    }
}

/// A stored connection: its credential plus the bookkeeping of its life.
#[derive(Clone)]
pub struct Connection {
    /// Which connection.
    pub key: ConnectionKey,
    /// The credential.
    pub kind: ConnectionKind,
    /// Non-secret per-connection parameters a refresher or connector needs (`cloud_id`,
    /// `team_id`, `open_id`...).
    pub params: BTreeMap<String, String>,
    /// When it was first stored.
    pub created_at: SystemTime,
    /// When its token was last renewed.
    pub last_refresh_at: Option<SystemTime>,
    /// When a connection without expiry was last validated.
    pub last_validated_at: Option<SystemTime>,
    /// How many renewals succeeded.
    pub refresh_count: u64,
    /// Failed renewals or validations since the last success.
    pub consecutive_failures: u32,
    /// Usable, or waiting for a user to connect again.
    pub status: ConnectionStatus,
    /// No renewal is attempted before this time (cool-down after failures).
    pub next_attempt_after: Option<SystemTime>,
    /// The last renewal or validation error (no secrets).
    pub last_error: Option<String>,
    /// The store version this was read at (0: not stored yet). Writes are compare-and-swap
    /// on it.
    pub version: u64,
}

impl Connection {
    /// A new, active, unstored connection created at `now`.
    pub fn new(key: ConnectionKey, kind: ConnectionKind, now: SystemTime) -> Self {
        Self {
            key,
            kind,
            params: BTreeMap::new(),
            created_at: now,
            last_refresh_at: None,
            last_validated_at: None,
            refresh_count: 0,
            consecutive_failures: 0,
            status: ConnectionStatus::Active,
            next_attempt_after: None,
            last_error: None,
            version: 0,
        }
    }

    /// With a parameter.
    pub fn with_param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.params.insert(name.into(), value.into());
        self
    }

    /// Whether the access token must be renewed at `now` to stay valid for `min_validity`
    /// (`expires_at - min_validity <= now`). A credential without a token (GitHub App or
    /// service account before its first mint) always needs one; one without expiry never.
    pub fn needs_refresh(&self, now: SystemTime, min_validity: Duration) -> bool {
        if self.kind.access_token().is_none() {
            return true;
        }
        match self.kind.expires_at() {
            Some(at) => at <= now + min_validity,
            None => false,
        }
    }

    /// Whether the access token is still valid at `now` (not past its expiry).
    pub fn token_still_valid(&self, now: SystemTime) -> bool {
        self.kind.access_token().is_some() && self.kind.expires_at().is_none_or(|at| at > now)
    }

    /// Whether renewal is held back at `now` by a cool-down.
    pub fn cooling_down(&self, now: SystemTime) -> bool {
        self.next_attempt_after.is_some_and(|t| t > now)
    }

    /// Serialises the connection (secrets included) for sealing. Only the connection store
    /// calls this; the bytes never leave it unencrypted.
    pub(crate) fn to_plaintext(&self) -> CredentialsResult<Vec<u8>> {
        serde_json::to_vec(&Stored::from(self)).map_err(|e| CredentialsError::Corrupt {
            key: self.key.storage_key(),
            message: e.to_string(),
        })
    }

    /// The inverse of [`Connection::to_plaintext`], at store `version`.
    pub(crate) fn from_plaintext(key: &str, bytes: &[u8], version: u64) -> CredentialsResult<Self> {
        let stored: Stored =
            serde_json::from_slice(bytes).map_err(|e| CredentialsError::Corrupt {
                key: key.to_string(),
                // serde_json's message names the field and position, never the values.
                message: format!("line {} column {}", e.line(), e.column()),
            })?;
        stored.into_connection(version)
    }
}

impl fmt::Debug for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connection")
            .field("key", &self.key)
            .field("kind", &self.kind)
            .field("params", &self.params)
            .field("created_at", &self.created_at)
            .field("last_refresh_at", &self.last_refresh_at)
            .field("last_validated_at", &self.last_validated_at)
            .field("refresh_count", &self.refresh_count)
            .field("consecutive_failures", &self.consecutive_failures)
            .field("status", &self.status)
            .field("next_attempt_after", &self.next_attempt_after)
            .field("last_error", &self.last_error)
            .field("version", &self.version)
            .finish()
    }
}

// --- the serialised form (plaintext, sealed before it reaches the store) ---

#[derive(Serialize, Deserialize)]
struct Stored {
    v: u32,
    connector: String,
    name: String,
    kind: StoredKind,
    #[serde(default)]
    params: BTreeMap<String, String>,
    created_at: i64,
    #[serde(default)]
    last_refresh_at: Option<i64>,
    #[serde(default)]
    last_validated_at: Option<i64>,
    #[serde(default)]
    refresh_count: u64,
    #[serde(default)]
    consecutive_failures: u32,
    #[serde(default)]
    status: ConnectionStatus,
    #[serde(default)]
    next_attempt_after: Option<i64>,
    #[serde(default)]
    last_error: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum StoredKind {
    StaticToken {
        token: String,
    },
    ApiKey {
        key: String,
        #[serde(default)]
        extra: BTreeMap<String, String>,
    },
    #[serde(rename = "oauth2")]
    OAuth2 {
        access_token: String,
        refresh_token: Option<String>,
        expires_at: Option<i64>,
        #[serde(default)]
        scopes: Vec<String>,
        token_type: Option<String>,
    },
    GithubApp {
        app_id: String,
        private_key_pem: String,
        installation_id: String,
        token: Option<String>,
        expires_at: Option<i64>,
    },
    GoogleServiceAccount {
        client_email: String,
        private_key_pem: String,
        token_uri: String,
        #[serde(default)]
        scopes: Vec<String>,
        subject: Option<String>,
        token: Option<String>,
        expires_at: Option<i64>,
    },
}

fn ms(t: SystemTime) -> i64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

fn time(ms: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(ms.max(0) as u64)
}

fn reveal(s: &SecretString) -> String {
    s.expose_secret().to_string()
}

impl From<&Connection> for Stored {
    fn from(c: &Connection) -> Self {
        let kind = match &c.kind {
            ConnectionKind::StaticToken { token } => StoredKind::StaticToken {
                token: reveal(token),
            },
            ConnectionKind::ApiKey { key, extra } => StoredKind::ApiKey {
                key: reveal(key),
                extra: extra.clone(),
            },
            ConnectionKind::OAuth2 {
                access_token,
                refresh_token,
                expires_at,
                scopes,
                token_type,
            } => StoredKind::OAuth2 {
                access_token: reveal(access_token),
                refresh_token: refresh_token.as_ref().map(reveal),
                expires_at: expires_at.map(ms),
                scopes: scopes.clone(),
                token_type: token_type.clone(),
            },
            ConnectionKind::GithubApp {
                app_id,
                private_key_pem,
                installation_id,
                token,
                expires_at,
            } => StoredKind::GithubApp {
                app_id: app_id.clone(),
                private_key_pem: reveal(private_key_pem),
                installation_id: installation_id.clone(),
                token: token.as_ref().map(reveal),
                expires_at: expires_at.map(ms),
            },
            ConnectionKind::GoogleServiceAccount {
                client_email,
                private_key_pem,
                token_uri,
                scopes,
                subject,
                token,
                expires_at,
            } => StoredKind::GoogleServiceAccount {
                client_email: client_email.clone(),
                private_key_pem: reveal(private_key_pem),
                token_uri: token_uri.clone(),
                scopes: scopes.clone(),
                subject: subject.clone(),
                token: token.as_ref().map(reveal),
                expires_at: expires_at.map(ms),
            },
        };
        Stored {
            v: 1,
            connector: c.key.connector.clone(),
            name: c.key.name.clone(),
            kind,
            params: c.params.clone(),
            created_at: ms(c.created_at),
            last_refresh_at: c.last_refresh_at.map(ms),
            last_validated_at: c.last_validated_at.map(ms),
            refresh_count: c.refresh_count,
            consecutive_failures: c.consecutive_failures,
            status: c.status,
            next_attempt_after: c.next_attempt_after.map(ms),
            last_error: c.last_error.clone(),
        }
    }
}

impl Stored {
    fn into_connection(self, version: u64) -> CredentialsResult<Connection> {
        let secret = SecretString::from;
        let kind = match self.kind {
            StoredKind::StaticToken { token } => ConnectionKind::StaticToken {
                token: secret(token),
            },
            StoredKind::ApiKey { key, extra } => ConnectionKind::ApiKey {
                key: secret(key),
                extra,
            },
            StoredKind::OAuth2 {
                access_token,
                refresh_token,
                expires_at,
                scopes,
                token_type,
            } => ConnectionKind::OAuth2 {
                access_token: secret(access_token),
                refresh_token: refresh_token.map(secret),
                expires_at: expires_at.map(time),
                scopes,
                token_type,
            },
            StoredKind::GithubApp {
                app_id,
                private_key_pem,
                installation_id,
                token,
                expires_at,
            } => ConnectionKind::GithubApp {
                app_id,
                private_key_pem: secret(private_key_pem),
                installation_id,
                token: token.map(secret),
                expires_at: expires_at.map(time),
            },
            StoredKind::GoogleServiceAccount {
                client_email,
                private_key_pem,
                token_uri,
                scopes,
                subject,
                token,
                expires_at,
            } => ConnectionKind::GoogleServiceAccount {
                client_email,
                private_key_pem: secret(private_key_pem),
                token_uri,
                scopes,
                subject,
                token: token.map(secret),
                expires_at: expires_at.map(time),
            },
        };
        Ok(Connection {
            key: ConnectionKey::new(self.connector, self.name)?,
            kind,
            params: self.params,
            created_at: time(self.created_at),
            last_refresh_at: self.last_refresh_at.map(time),
            last_validated_at: self.last_validated_at.map(time),
            refresh_count: self.refresh_count,
            consecutive_failures: self.consecutive_failures,
            status: self.status,
            next_attempt_after: self.next_attempt_after.map(time),
            last_error: self.last_error,
            version,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oauth(now: SystemTime) -> Connection {
        Connection::new(
            ConnectionKey::new("slack", "acme").unwrap(),
            ConnectionKind::OAuth2 {
                access_token: SecretString::from("xoxe.xoxb-access"),
                refresh_token: Some(SecretString::from("xoxe-1-refresh")),
                expires_at: Some(now + Duration::from_secs(43_200)),
                scopes: vec!["chat:write".into()],
                token_type: Some("bot".into()),
            },
            now,
        )
        .with_param("team_id", "T1")
    }

    #[test]
    fn keys_parse_and_refuse_slashes() {
        let key = ConnectionKey::parse("github/acme-org").unwrap();
        assert_eq!(key.connector, "github");
        assert_eq!(key.storage_key(), "github/acme-org");
        assert!(ConnectionKey::parse("github").is_err());
        assert!(ConnectionKey::new("github", "a/b").is_err());
        assert!(ConnectionKey::new("", "a").is_err());
    }

    #[test]
    fn plaintext_round_trips_and_debug_hides_secrets() {
        let now = UNIX_EPOCH + Duration::from_secs(1_750_000_000);
        let c = oauth(now);
        let bytes = c.to_plaintext().unwrap();
        let back = Connection::from_plaintext("slack/acme", &bytes, 3).unwrap();
        assert_eq!(back.version, 3);
        assert_eq!(
            back.kind.access_token().unwrap().expose_secret(),
            "xoxe.xoxb-access"
        );
        assert_eq!(
            back.kind.refresh_token().unwrap().expose_secret(),
            "xoxe-1-refresh"
        );
        assert_eq!(back.kind.expires_at(), c.kind.expires_at());
        assert_eq!(back.params["team_id"], "T1");
        let shown = format!("{back:?}");
        assert!(!shown.contains("xoxe"), "{shown}");
    }

    #[test]
    fn refresh_keeps_the_old_refresh_token_and_scopes_when_omitted() {
        let now = UNIX_EPOCH + Duration::from_secs(1_750_000_000);
        let mut c = oauth(now);
        c.kind.apply_tokens(TokenSet {
            access_token: SecretString::from("new-access"),
            refresh_token: None,
            expires_at: Some(now + Duration::from_secs(3600)),
            scopes: vec![],
        });
        assert_eq!(
            c.kind.refresh_token().unwrap().expose_secret(),
            "xoxe-1-refresh"
        );
        assert_eq!(c.kind.scopes(), ["chat:write"]);
        assert_eq!(c.kind.access_token().unwrap().expose_secret(), "new-access");
    }

    #[test]
    fn refresh_is_due_within_the_skew() {
        let now = UNIX_EPOCH + Duration::from_secs(1_750_000_000);
        let c = oauth(now);
        let skew = Duration::from_secs(600);
        assert!(!c.needs_refresh(now, skew));
        assert!(c.needs_refresh(now + Duration::from_secs(43_200 - 600), skew));
        assert!(c.token_still_valid(now + Duration::from_secs(43_199)));
        assert!(!c.token_still_valid(now + Duration::from_secs(43_200)));
    }

    #[test]
    fn service_account_key_files_are_read() {
        let kind = ConnectionKind::google_service_account_from_json(
            r#"{"type":"service_account","client_email":"sa@p.iam.gserviceaccount.com",
                "private_key":"-----BEGIN PRIVATE KEY-----\nX\n-----END PRIVATE KEY-----\n",
                "token_uri":"https://oauth2.googleapis.com/token"}"#,
            vec!["https://www.googleapis.com/auth/pubsub".into()],
            None,
        )
        .unwrap();
        assert_eq!(kind.name(), "google_service_account");
        assert!(kind.is_refreshable());
        assert!(!format!("{kind:?}").contains("BEGIN"));
        assert!(ConnectionKind::google_service_account_from_json("{}", vec![], None).is_err());
    }
}
