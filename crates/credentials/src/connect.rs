//! The OAuth connect flow (authorization-code grant with PKCE), without HTTP routing: the
//! host mounts `GET /oauth/{connector}/start` on [`ConnectFlow::start`] and
//! `GET /oauth/{connector}/callback` on [`ConnectFlow::callback`].
//!
//! The `state` parameter is `v1.<payload>.<mac>`: the payload (base64url JSON) names the
//! connector and connection, expires after 10 minutes, carries a random nonce and the PKCE
//! verifier sealed with the master key; the MAC is HMAC-SHA256 under a key derived from the
//! master key. Nothing is stored at start; the callback checks the MAC, the connector and
//! the expiry, refuses a state used before (a store claim on its nonce), and only then
//! exchanges the code and stores the connection.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use plugboard_core::oauth2::{
    BodyFormat, ClientAuth, OAuth2Refresher, ResponseCheck, pkce_challenge,
};
use plugboard_core::signing::{MacAlgorithm, constant_time_eq, hmac};
use plugboard_core::{Clock, ExposeSecret, SecretString, SystemClock};
use secrecy::SecretBox;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use crate::connection::{Connection, ConnectionKey, ConnectionKind};
use crate::connections::ConnectionStore;
use crate::error::CredentialsError;

/// How long a `state` is accepted by default.
pub const STATE_TTL: Duration = Duration::from_secs(600);

/// One provider's OAuth settings.
#[derive(Clone)]
pub struct ProviderConfig {
    /// The authorization endpoint the user is sent to.
    pub authorize_url: Url,
    /// The token endpoint the code is exchanged at.
    pub token_url: Url,
    /// The client id.
    pub client_id: String,
    /// The client secret (public clients have none and rely on PKCE).
    pub client_secret: Option<SecretString>,
    /// Scopes to request.
    pub scopes: Vec<String>,
    /// How scopes are joined (`" "`; Slack and TikTok use `","`).
    pub scope_separator: String,
    /// The callback URL registered with the provider.
    pub redirect_uri: Url,
    /// Whether to send a PKCE S256 challenge.
    pub pkce: bool,
    /// More authorize parameters (`access_type=offline`, `prompt=consent`, `audience`...).
    pub extra_authorize_params: Vec<(String, String)>,
    /// How the client authenticates at the token endpoint.
    pub client_auth: ClientAuth,
    /// The name of the client id parameter (`client_key` for TikTok).
    pub client_id_param: String,
    /// How the token request is encoded (JSON for Atlassian).
    pub body_format: BodyFormat,
    /// A check of the token response for errors in HTTP 200 bodies (Slack).
    pub response_check: Option<ResponseCheck>,
}

impl ProviderConfig {
    /// A provider with PKCE on, space-separated scopes and the client in the request body.
    pub fn new(
        authorize_url: Url,
        token_url: Url,
        client_id: impl Into<String>,
        client_secret: Option<SecretString>,
        redirect_uri: Url,
    ) -> Self {
        Self {
            authorize_url,
            token_url,
            client_id: client_id.into(),
            client_secret,
            scopes: Vec::new(),
            scope_separator: " ".into(),
            redirect_uri,
            pkce: true,
            extra_authorize_params: Vec::new(),
            client_auth: ClientAuth::RequestBody,
            client_id_param: "client_id".into(),
            body_format: BodyFormat::Form,
            response_check: None,
        }
    }

    /// With scopes.
    pub fn scopes<I: IntoIterator<Item = S>, S: Into<String>>(mut self, scopes: I) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// With a scope separator.
    pub fn scope_separator(mut self, separator: impl Into<String>) -> Self {
        self.scope_separator = separator.into();
        self
    }

    /// PKCE on or off.
    pub fn pkce(mut self, on: bool) -> Self {
        self.pkce = on;
        self
    }

    /// With one more authorize parameter.
    pub fn extra_authorize_param(
        mut self,
        name: impl Into<String>,
        value: impl Into<String>,
    ) -> Self {
        self.extra_authorize_params
            .push((name.into(), value.into()));
        self
    }

    /// With a client authentication style.
    pub fn client_auth(mut self, auth: ClientAuth) -> Self {
        self.client_auth = auth;
        self
    }

    /// With a client id parameter name.
    pub fn client_id_param(mut self, name: impl Into<String>) -> Self {
        self.client_id_param = name.into();
        self
    }

    /// With a token request encoding.
    pub fn body_format(mut self, format: BodyFormat) -> Self {
        self.body_format = format;
        self
    }

    /// With a token response check.
    pub fn response_check(mut self, check: ResponseCheck) -> Self {
        self.response_check = Some(check);
        self
    }
}

impl fmt::Debug for ProviderConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProviderConfig")
            .field("authorize_url", &self.authorize_url.as_str())
            .field("token_url", &self.token_url.as_str())
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "[REDACTED]"),
            )
            .field("scopes", &self.scopes)
            .field("redirect_uri", &self.redirect_uri.as_str())
            .field("pkce", &self.pkce)
            .field("extra_authorize_params", &self.extra_authorize_params)
            .field("client_auth", &self.client_auth)
            .field("client_id_param", &self.client_id_param)
            .field("body_format", &self.body_format)
            .finish_non_exhaustive()
    }
}

/// Where to send the user.
#[derive(Debug, Clone)]
pub struct AuthorizeRedirect {
    /// The provider's authorize URL with every parameter.
    pub url: Url,
    /// The `state` in it.
    pub state: String,
}

/// The query of a callback request.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CallbackQuery {
    /// The authorization code.
    pub code: Option<String>,
    /// The state sent at start.
    pub state: Option<String>,
    /// The provider's error code (`access_denied`).
    pub error: Option<String>,
    /// The provider's explanation.
    pub error_description: Option<String>,
}

impl CallbackQuery {
    /// Parses a raw query string.
    pub fn parse(query: &str) -> Self {
        let mut q = Self::default();
        for (name, value) in url::form_urlencoded::parse(query.trim_start_matches('?').as_bytes()) {
            let value = Some(value.into_owned());
            match name.as_ref() {
                "code" => q.code = value,
                "state" => q.state = value,
                "error" => q.error = value,
                "error_description" => q.error_description = value,
                _ => {}
            }
        }
        q
    }
}

/// Why a connect attempt was refused. Nothing is stored for any of them.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConnectError {
    /// No provider is configured for the connector.
    #[error("OAuth is not configured for connector {0}")]
    UnknownConnector(String),
    /// The connection name is not usable.
    #[error("invalid connection: {0}")]
    InvalidConnection(String),
    /// The callback carried no state.
    #[error("the callback has no state parameter")]
    MissingState,
    /// The state was not issued by this plugboard (bad MAC, malformed, other connector).
    #[error("the state parameter is not one this server issued")]
    ForgedState,
    /// The state is older than its time to live.
    #[error("the authorization took too long (state expired); start again")]
    ExpiredState,
    /// The state was already used.
    #[error("this authorization was already completed; start again")]
    ReusedState,
    /// The provider refused (the user denied access...).
    #[error("the provider refused: {error}{}", description.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())]
    Provider {
        /// The provider's error code.
        error: String,
        /// Its explanation.
        description: Option<String>,
    },
    /// The callback carried no code.
    #[error("the callback has no code parameter")]
    MissingCode,
    /// The code exchange failed.
    #[error("exchanging the code failed: {0}")]
    Exchange(#[source] plugboard_core::Error),
    /// Storing the connection failed.
    #[error("storing the connection failed: {0}")]
    Store(#[from] CredentialsError),
}

impl ConnectError {
    /// The HTTP status the callback page should answer with.
    pub fn http_status(&self) -> u16 {
        match self {
            Self::UnknownConnector(_) => 404,
            Self::Exchange(_) => 502,
            Self::Store(_) => 500,
            _ => 400,
        }
    }

    /// A stable short code for pages and logs.
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnknownConnector(_) => "unknown_connector",
            Self::InvalidConnection(_) => "invalid_connection",
            Self::MissingState => "missing_state",
            Self::ForgedState => "invalid_state",
            Self::ExpiredState => "expired_state",
            Self::ReusedState => "reused_state",
            Self::Provider { .. } => "provider_error",
            Self::MissingCode => "missing_code",
            Self::Exchange(_) => "exchange_failed",
            Self::Store(_) => "store_failed",
        }
    }
}

#[derive(Serialize, Deserialize)]
struct StatePayload {
    /// Connector.
    c: String,
    /// Connection name.
    n: String,
    /// Expiry, Unix seconds.
    e: u64,
    /// Nonce, hex.
    r: String,
    /// The PKCE verifier sealed with the master key, base64url.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    v: Option<String>,
}

/// The connect flow for every configured provider.
pub struct ConnectFlow {
    providers: HashMap<String, ProviderConfig>,
    connections: ConnectionStore,
    state_key: SecretBox<[u8; 32]>,
    state_ttl: Duration,
    clock: Arc<dyn Clock>,
    http_client: Option<reqwest::Client>,
}

impl fmt::Debug for ConnectFlow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectFlow")
            .field("providers", &self.providers)
            .field("state_ttl", &self.state_ttl)
            .finish_non_exhaustive()
    }
}

impl ConnectFlow {
    /// A flow storing into `connections`; states are signed with a key derived from its
    /// master key.
    pub fn new(connections: ConnectionStore) -> Self {
        Self {
            state_key: connections
                .sealer()
                .current_key()
                .derive("plugboard/oauth-state/v1"),
            connections,
            providers: HashMap::new(),
            state_ttl: STATE_TTL,
            clock: Arc::new(SystemClock),
            http_client: None,
        }
    }

    /// Configures a provider for `connector`.
    pub fn provider(mut self, connector: &str, config: ProviderConfig) -> Self {
        self.providers.insert(connector.to_string(), config);
        self
    }

    /// How long a state is accepted (default 10 min).
    pub fn state_ttl(mut self, ttl: Duration) -> Self {
        self.state_ttl = ttl;
        self
    }

    /// The clock.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The HTTP client for code exchanges.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// The connectors with a provider, sorted.
    pub fn connectors(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = self.providers.keys().map(String::as_str).collect();
        ids.sort_unstable();
        ids
    }

    /// The provider URL to send the user to, with a fresh signed state (and PKCE challenge).
    pub fn start(
        &self,
        connector: &str,
        connection_name: &str,
    ) -> Result<AuthorizeRedirect, ConnectError> {
        let provider = self.provider_of(connector)?;
        let key = ConnectionKey::new(connector, connection_name)
            .map_err(|e| ConnectError::InvalidConnection(e.to_string()))?;
        let nonce = hex::encode(random::<16>()?);
        let verifier = provider
            .pkce
            .then(|| random::<32>().map(|b| SecretString::from(URL_SAFE_NO_PAD.encode(b))))
            .transpose()?;
        let sealed_verifier = match &verifier {
            Some(v) => Some(
                URL_SAFE_NO_PAD.encode(
                    self.connections
                        .sealer()
                        .seal(&verifier_aad(&nonce), v.expose_secret().as_bytes())?,
                ),
            ),
            None => None,
        };
        let payload = StatePayload {
            c: key.connector.clone(),
            n: key.name.clone(),
            e: unix(self.clock.now()) + self.state_ttl.as_secs(),
            r: nonce,
            v: sealed_verifier,
        };
        let state = self.sign(&payload);
        let mut url = provider.authorize_url.clone();
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("response_type", "code")
                .append_pair(&provider.client_id_param, &provider.client_id)
                .append_pair("redirect_uri", provider.redirect_uri.as_str());
            if !provider.scopes.is_empty() {
                q.append_pair("scope", &provider.scopes.join(&provider.scope_separator));
            }
            q.append_pair("state", &state);
            if let Some(verifier) = &verifier {
                q.append_pair("code_challenge", &pkce_challenge(verifier))
                    .append_pair("code_challenge_method", "S256");
            }
            for (name, value) in &provider.extra_authorize_params {
                q.append_pair(name, value);
            }
        }
        Ok(AuthorizeRedirect { url, state })
    }

    /// Completes a connect: checks the state, exchanges the code (with the PKCE verifier)
    /// and stores the connection, replacing an earlier grant of the same name.
    pub async fn callback(
        &self,
        connector: &str,
        query: &CallbackQuery,
    ) -> Result<Connection, ConnectError> {
        let provider = self.provider_of(connector)?;
        let state = query.state.as_deref().ok_or(ConnectError::MissingState)?;
        let payload = self.verify(state)?;
        if payload.c != connector {
            return Err(ConnectError::ForgedState);
        }
        let now = self.clock.now();
        if unix(now) >= payload.e {
            return Err(ConnectError::ExpiredState);
        }
        if let Some(error) = &query.error {
            return Err(ConnectError::Provider {
                error: printable(error),
                description: query.error_description.as_deref().map(printable),
            });
        }
        let code = query
            .code
            .as_deref()
            .filter(|c| !c.is_empty())
            .ok_or(ConnectError::MissingCode)?;
        let verifier = match &payload.v {
            Some(sealed) => {
                let bytes = URL_SAFE_NO_PAD
                    .decode(sealed)
                    .map_err(|_| ConnectError::ForgedState)?;
                let plain = self
                    .connections
                    .sealer()
                    .open(&verifier_aad(&payload.r), &bytes)
                    .map_err(|_| ConnectError::ForgedState)?;
                Some(SecretString::from(
                    String::from_utf8(plain).map_err(|_| ConnectError::ForgedState)?,
                ))
            }
            None => None,
        };
        let fresh = self
            .connections
            .store()
            .claim(&format!("oauth-state/{}", payload.r), self.state_ttl, now)
            .await
            .map_err(|e| ConnectError::Store(e.into()))?;
        if !fresh {
            return Err(ConnectError::ReusedState);
        }
        let key = ConnectionKey::new(payload.c, payload.n)
            .map_err(|e| ConnectError::InvalidConnection(e.to_string()))?;
        let mut endpoint = OAuth2Refresher::new(
            crate::manager::intern_connector(connector),
            provider.token_url.clone(),
            provider.client_id.clone(),
            provider.client_secret.clone(),
        )
        .client_auth(provider.client_auth)
        .client_id_param(provider.client_id_param.clone())
        .body_format(provider.body_format)
        .clock(self.clock.clone());
        if let Some(check) = provider.response_check {
            endpoint = endpoint.response_check(check);
        }
        if let Some(client) = &self.http_client {
            endpoint = endpoint.http_client(client.clone());
        }
        let response = endpoint
            .exchange_code(code, provider.redirect_uri.as_str(), verifier.as_ref())
            .await
            .map_err(ConnectError::Exchange)?;
        let mut connection = Connection::new(
            key,
            ConnectionKind::oauth2(response.tokens, response.token_type),
            now,
        );
        flatten_params(&response.extra, "", 0, &mut connection.params);
        self.connections.replace(&mut connection, now).await?;
        tracing::info!(connection = %connection.key, "connected");
        Ok(connection)
    }

    fn provider_of(&self, connector: &str) -> Result<&ProviderConfig, ConnectError> {
        self.providers
            .get(connector)
            .ok_or_else(|| ConnectError::UnknownConnector(connector.to_string()))
    }

    fn sign(&self, payload: &StatePayload) -> String {
        let body = URL_SAFE_NO_PAD.encode(serde_json::to_vec(payload).expect("plain struct"));
        let mac = hmac(
            MacAlgorithm::Sha256,
            self.state_key.expose_secret(),
            &[b"v1.", body.as_bytes()],
        );
        format!("v1.{body}.{}", URL_SAFE_NO_PAD.encode(mac))
    }

    fn verify(&self, state: &str) -> Result<StatePayload, ConnectError> {
        let rest = state.strip_prefix("v1.").ok_or(ConnectError::ForgedState)?;
        let (body, mac) = rest.split_once('.').ok_or(ConnectError::ForgedState)?;
        let given = URL_SAFE_NO_PAD
            .decode(mac)
            .map_err(|_| ConnectError::ForgedState)?;
        let expected = hmac(
            MacAlgorithm::Sha256,
            self.state_key.expose_secret(),
            &[b"v1.", body.as_bytes()],
        );
        if !constant_time_eq(&given, &expected) {
            return Err(ConnectError::ForgedState);
        }
        let json = URL_SAFE_NO_PAD
            .decode(body)
            .map_err(|_| ConnectError::ForgedState)?;
        serde_json::from_slice(&json).map_err(|_| ConnectError::ForgedState)
    }
}

fn verifier_aad(nonce: &str) -> String {
    format!("oauth-state/{nonce}")
}

fn random<const N: usize>() -> Result<[u8; N], ConnectError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes)
        .map_err(|_| ConnectError::Store(CredentialsError::Invalid("no randomness".into())))?;
    Ok(bytes)
}

fn unix(t: SystemTime) -> u64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn printable(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).take(200).collect()
}

/// The provider's non-secret extra fields as connection parameters: scalars at the top and
/// one level down (`team.id` → `team_id`).
fn flatten_params(
    map: &serde_json::Map<String, Value>,
    prefix: &str,
    depth: usize,
    out: &mut std::collections::BTreeMap<String, String>,
) {
    for (name, value) in map {
        let key = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}_{name}")
        };
        match value {
            Value::String(s) => {
                out.insert(key, s.clone());
            }
            Value::Number(n) => {
                out.insert(key, n.to_string());
            }
            Value::Bool(b) => {
                out.insert(key, b.to_string());
            }
            Value::Object(inner) if depth == 0 => flatten_params(inner, &key, 1, out),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callback_queries_parse() {
        let q = CallbackQuery::parse(
            "?code=abc&state=v1.x.y&error=access_denied&error_description=no%20way",
        );
        assert_eq!(q.code.as_deref(), Some("abc"));
        assert_eq!(q.state.as_deref(), Some("v1.x.y"));
        assert_eq!(q.error.as_deref(), Some("access_denied"));
        assert_eq!(q.error_description.as_deref(), Some("no way"));
    }

    #[test]
    fn extra_fields_flatten_one_level() {
        let extra =
            serde_json::json!({"team": {"id": "T1", "deep": {"x": 1}}, "open_id": "o", "n": 3});
        let mut out = Default::default();
        flatten_params(extra.as_object().unwrap(), "", 0, &mut out);
        assert_eq!(out["team_id"], "T1");
        assert_eq!(out["open_id"], "o");
        assert_eq!(out["n"], "3");
        assert!(!out.contains_key("team_deep_x"));
    }
}
