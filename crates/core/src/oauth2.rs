//! OAuth 2.0 token-endpoint grants: the generic `refresh_token` grant ([`OAuth2Refresher`], a
//! [`TokenRefresher`]), the `authorization_code` grant with PKCE
//! ([`OAuth2Refresher::exchange_code`]) and the parsing of token responses shared by every grant.
//!
//! A token request is sent exactly once: a refresh that timed out may still have been processed
//! by the platform, and with rotating refresh tokens a second attempt would present a token that
//! is already spent. Deciding when to try again is the token manager's job.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use base64::Engine as _;
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use url::Url;

use crate::auth::{Credentials, TokenRefresher, TokenSet};
use crate::clock::{Clock, SystemClock};
use crate::error::{Error, ErrorKind, Result, RetryStatus};
use crate::ids::ConnectorId;

/// How long a token request may take before it fails as a timeout.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The longest platform error description kept in an error message.
const MAX_DESCRIPTION: usize = 200;

/// The grant type of a refresh.
pub const GRANT_REFRESH_TOKEN: &str = "refresh_token";

/// The grant type of a code exchange.
pub const GRANT_AUTHORIZATION_CODE: &str = "authorization_code";

/// The grant type of a JWT bearer assertion (Google service accounts).
pub const GRANT_JWT_BEARER: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/// How the client authenticates to the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClientAuth {
    /// `client_id` and `client_secret` as form fields of the request body.
    #[default]
    RequestBody,
    /// HTTP Basic authentication with the form-encoded client id and secret (RFC 6749 §2.3.1).
    BasicAuth,
}

/// How a token request's parameters are encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BodyFormat {
    /// `application/x-www-form-urlencoded` (RFC 6749).
    #[default]
    Form,
    /// A JSON object of strings (Atlassian's documented form).
    Json,
}

impl BodyFormat {
    fn content_type(self) -> &'static str {
        match self {
            Self::Form => "application/x-www-form-urlencoded",
            Self::Json => "application/json",
        }
    }
}

/// Inspects a parsed token response before the generic checks, for platforms that answer
/// errors with HTTP 200 (Slack `{"ok":false}`, TikTok). Returns the error to report, if any.
pub type ResponseCheck = fn(&Value) -> Option<Error>;

/// A parsed token response.
pub struct TokenResponse {
    /// The tokens, expiry and scopes.
    pub tokens: TokenSet,
    /// The `token_type` the platform named (usually `bearer`), when present.
    pub token_type: Option<String>,
    /// The remaining fields of the response (team ids, user ids, `refresh_expires_in`...),
    /// with every field whose name ends in `token` or contains `secret` removed at any depth.
    pub extra: Map<String, Value>,
}

impl fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenResponse")
            .field("tokens", &self.tokens)
            .field("token_type", &self.token_type)
            .field("extra", &self.extra)
            .finish()
    }
}

/// The generic OAuth 2.0 client of one platform's token endpoint: refreshes tokens
/// (`grant_type=refresh_token`, as a [`TokenRefresher`]) and exchanges authorization codes.
///
/// ```
/// use plugboard_core::ConnectorId;
/// use plugboard_core::oauth2::{ClientAuth, OAuth2Refresher};
/// use secrecy::SecretString;
///
/// let refresher = OAuth2Refresher::new(
///     ConnectorId::new("tiktok"),
///     "https://open.tiktokapis.com/v2/oauth/token/".parse().unwrap(),
///     "my-client-key",
///     Some(SecretString::from("my-client-secret")),
/// )
/// .client_auth(ClientAuth::RequestBody)
/// .client_id_param("client_key");
/// assert!(!format!("{refresher:?}").contains("my-client-secret"));
/// ```
pub struct OAuth2Refresher {
    connector: ConnectorId,
    token_url: Url,
    client_id: String,
    client_secret: Option<SecretString>,
    client_auth: ClientAuth,
    client_id_param: String,
    body_format: BodyFormat,
    extra_params: Vec<(String, String)>,
    response_check: Option<ResponseCheck>,
    client: reqwest::Client,
    clock: Arc<dyn Clock>,
}

impl OAuth2Refresher {
    /// A client of `token_url` for `connector`, authenticating in the request body. An empty
    /// `client_id` sends no client credentials at all (JWT bearer grants).
    pub fn new(
        connector: ConnectorId,
        token_url: Url,
        client_id: impl Into<String>,
        client_secret: Option<SecretString>,
    ) -> Self {
        Self {
            connector,
            token_url,
            client_id: client_id.into(),
            client_secret,
            client_auth: ClientAuth::RequestBody,
            client_id_param: "client_id".to_string(),
            body_format: BodyFormat::Form,
            extra_params: Vec::new(),
            response_check: None,
            client: default_client(),
            clock: Arc::new(SystemClock),
        }
    }

    /// How the client id and secret are sent.
    pub fn client_auth(mut self, auth: ClientAuth) -> Self {
        self.client_auth = auth;
        self
    }

    /// The form field carrying the client id in the request body (`client_key` for TikTok).
    pub fn client_id_param(mut self, name: impl Into<String>) -> Self {
        self.client_id_param = name.into();
        self
    }

    /// How the request body is encoded (form by default; JSON for Atlassian).
    pub fn body_format(mut self, format: BodyFormat) -> Self {
        self.body_format = format;
        self
    }

    /// A form field added to every token request.
    pub fn extra_param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.extra_params.push((name.into(), value.into()));
        self
    }

    /// A platform check run on the parsed response before the generic ones.
    pub fn response_check(mut self, check: ResponseCheck) -> Self {
        self.response_check = Some(check);
        self
    }

    /// The HTTP client to send with. Build it with retries and redirects off: a token request
    /// must reach the platform at most once.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.client = client;
        self
    }

    /// The clock that turns `expires_in` into an expiry instant.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The connector this client belongs to.
    pub fn connector(&self) -> ConnectorId {
        self.connector
    }

    /// The token endpoint.
    pub fn token_url(&self) -> &Url {
        &self.token_url
    }

    /// The client id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// Exchanges an authorization `code` (authorization-code grant), sending `redirect_uri`
    /// and the PKCE `code_verifier` when one was used.
    pub async fn exchange_code(
        &self,
        code: &str,
        redirect_uri: &str,
        pkce_verifier: Option<&SecretString>,
    ) -> Result<TokenResponse> {
        let mut params = vec![("code", code), ("redirect_uri", redirect_uri)];
        if let Some(verifier) = pkce_verifier {
            params.push(("code_verifier", verifier.expose_secret()));
        }
        self.grant(GRANT_AUTHORIZATION_CODE, &params).await
    }

    /// Exchanges a refresh token (refresh-token grant), returning the whole response.
    pub async fn refresh_token(&self, refresh_token: &SecretString) -> Result<TokenResponse> {
        self.grant(
            GRANT_REFRESH_TOKEN,
            &[("refresh_token", refresh_token.expose_secret())],
        )
        .await
    }

    /// Sends one token request of `grant_type` with `params`, the client credentials and the
    /// extra parameters, and parses the answer. Never retried.
    pub async fn grant(&self, grant_type: &str, params: &[(&str, &str)]) -> Result<TokenResponse> {
        let (body, basic) = self.form(grant_type, params);
        let mut request = self
            .client
            .post(self.token_url.clone())
            .header(http::header::ACCEPT, "application/json")
            .header(http::header::CONTENT_TYPE, self.body_format.content_type());
        if let Some(basic) = basic {
            let mut value = http::HeaderValue::from_str(&basic)
                .map_err(|_| Error::config("client credentials are not header-safe"))?;
            value.set_sensitive(true);
            request = request.header(http::header::AUTHORIZATION, value);
        }
        let response = request
            .body(body)
            .send()
            .await
            .map_err(|e| transport_error(&e).at(self.connector, None))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(|e| {
            Error::new(
                ErrorKind::Network,
                "reading the token response failed; the refresh may have been processed",
            )
            .with_source(e.without_url())
            .at(self.connector, None)
        })?;
        parse_token_response(
            status,
            &headers,
            &body,
            self.response_check,
            self.clock.now(),
        )
        .map_err(|e| e.at(self.connector, None))
    }

    /// The form body of a token request and, with Basic client authentication, the
    /// `Authorization` value.
    fn form(&self, grant_type: &str, params: &[(&str, &str)]) -> (String, Option<String>) {
        let mut fields: Vec<(&str, &str)> = vec![("grant_type", grant_type)];
        fields.extend_from_slice(params);
        fields.extend(
            self.extra_params
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str())),
        );
        let mut basic = None;
        if !self.client_id.is_empty() {
            match self.client_auth {
                ClientAuth::RequestBody => {
                    fields.push((&self.client_id_param, &self.client_id));
                    if let Some(secret) = &self.client_secret {
                        fields.push(("client_secret", secret.expose_secret()));
                    }
                }
                ClientAuth::BasicAuth => {
                    basic = Some(basic_credentials(
                        &self.client_id,
                        self.client_secret.as_ref(),
                    ));
                }
            }
        }
        let body = match self.body_format {
            BodyFormat::Form => {
                let mut form = url::form_urlencoded::Serializer::new(String::new());
                for (name, value) in &fields {
                    form.append_pair(name, value);
                }
                form.finish()
            }
            BodyFormat::Json => {
                let map: Map<String, Value> = fields
                    .iter()
                    .map(|(n, v)| (n.to_string(), Value::String(v.to_string())))
                    .collect();
                Value::Object(map).to_string()
            }
        };
        (body, basic)
    }
}

impl fmt::Debug for OAuth2Refresher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth2Refresher")
            .field("connector", &self.connector)
            .field("token_url", &self.token_url.as_str())
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| crate::config::REDACTED),
            )
            .field("client_auth", &self.client_auth)
            .field("client_id_param", &self.client_id_param)
            .field("body_format", &self.body_format)
            .field("extra_params", &self.extra_params)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl TokenRefresher for OAuth2Refresher {
    async fn refresh(&self, current: &Credentials) -> Result<TokenSet> {
        let Some(refresh_token) = &current.refresh_token else {
            return Err(Error::new(
                ErrorKind::TokenExpired,
                "the connection has no refresh token; reconnect it",
            )
            .permanent()
            .at(self.connector, None));
        };
        Ok(self.refresh_token(refresh_token).await?.tokens)
    }
}

/// The HTTP client used unless one is given: no retries, no redirects, a 30 s timeout.
pub fn default_client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(REQUEST_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .retry(reqwest::retry::never())
        .user_agent(concat!("plugboard/", env!("CARGO_PKG_VERSION")))
        .build()
        .unwrap_or_default()
}

/// The S256 PKCE code challenge of `verifier`: `BASE64URL(SHA256(verifier))` without padding.
pub fn pkce_challenge(verifier: &SecretString) -> String {
    let digest = Sha256::digest(verifier.expose_secret().as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest)
}

/// Maps an OAuth error code from a token endpoint (RFC 6749 §5.2 plus platform variants such
/// as Slack's) to an [`Error`] with context `oauth_error`:
/// a revoked or expired grant → [`ErrorKind::TokenExpired`], a rejected client →
/// [`ErrorKind::Unauthorized`], a malformed request → [`ErrorKind::InvalidInput`] (all
/// permanent); rate limits and server trouble are transient.
pub fn oauth_error(code: &str, description: Option<&str>, status: Option<u16>) -> Error {
    let kind = match code {
        "invalid_grant"
        | "invalid_refresh_token"
        | "refresh_token_expired"
        | "refresh_token_revoked"
        | "token_revoked"
        | "token_expired"
        | "expired_token"
        | "invalid_token"
        | "access_token_invalid" => ErrorKind::TokenExpired,
        "invalid_client"
        | "unauthorized_client"
        | "invalid_client_id"
        | "bad_client_secret"
        | "invalid_client_secret"
        | "access_denied"
        | "not_authed"
        | "invalid_auth"
        | "account_inactive"
        | "app_uninstalled" => ErrorKind::Unauthorized,
        "invalid_request"
        | "invalid_scope"
        | "unsupported_grant_type"
        | "invalid_code"
        | "code_already_used"
        | "invalid_code_verifier"
        | "bad_redirect_uri"
        | "invalid_grant_type" => ErrorKind::InvalidInput,
        "ratelimited" | "rate_limited" | "rate_limit_exceeded" | "slow_down" => {
            ErrorKind::RateLimited { retry_after: None }
        }
        "temporarily_unavailable" | "server_error" | "internal_error" | "service_unavailable" => {
            ErrorKind::Upstream
        }
        _ => ErrorKind::Upstream,
    };
    let retry = match kind {
        ErrorKind::RateLimited { .. } => RetryStatus::Transient { after: None },
        ErrorKind::Upstream if is_server_code(code) || status.is_some_and(|s| s >= 500) => {
            RetryStatus::Transient { after: None }
        }
        _ => RetryStatus::Never,
    };
    let mut message = format!("token endpoint refused the grant: {}", clean(code));
    if let Some(description) = description.map(clean).filter(|d| !d.is_empty()) {
        message.push_str(" (");
        message.push_str(&description);
        message.push(')');
    }
    let mut error = Error::new(kind, message)
        .with_retry(retry)
        .with_context("oauth_error", clean(code));
    if let Some(status) = status {
        error = error.with_status(status);
    }
    error
}

/// Whether `error` says the grant itself is dead (revoked, expired, client rejected), so only
/// a new authorization can help.
pub fn is_reauth_error(error: &Error) -> bool {
    matches!(
        error.kind(),
        ErrorKind::TokenExpired | ErrorKind::Unauthorized
    ) && error.retry() == RetryStatus::Never
}

fn is_server_code(code: &str) -> bool {
    matches!(
        code,
        "temporarily_unavailable" | "server_error" | "internal_error" | "service_unavailable"
    )
}

/// Parses a token endpoint's answer (JSON, or form-encoded as some endpoints send without
/// `Accept: application/json`). `check` runs first on the parsed body; then an `error` field
/// (string, or an object with a `code`) becomes [`oauth_error`]; then the HTTP status; then
/// `access_token` must be present. `now` turns `expires_in` into `expires_at`.
pub fn parse_token_response(
    status: u16,
    headers: &http::HeaderMap,
    body: &[u8],
    check: Option<ResponseCheck>,
    now: SystemTime,
) -> Result<TokenResponse> {
    let parsed = parse_body(headers, body);
    if let (Some(value), Some(check)) = (&parsed, check)
        && let Some(error) = check(value)
    {
        return Err(error);
    }
    if let Some(Value::Object(map)) = &parsed
        && let Some(code) = error_code(map)
    {
        let description = map
            .get("error_description")
            .or_else(|| map.get("message"))
            .or_else(|| map.get("error").and_then(|e| e.get("message")))
            .and_then(Value::as_str);
        let mut error = oauth_error(&code, description, Some(status));
        if let ErrorKind::RateLimited { .. } = error.kind() {
            let wait = retry_after(headers, now);
            error = Error::rate_limited(wait, error.message().to_string())
                .with_status(status)
                .with_context("oauth_error", code);
        }
        return Err(error);
    }
    if status == 429 {
        return Err(
            Error::rate_limited(retry_after(headers, now), "token endpoint rate limit")
                .with_status(status),
        );
    }
    if status == 401 || status == 403 {
        return Err(Error::new(
            ErrorKind::Unauthorized,
            "token endpoint rejected the client credentials",
        )
        .with_status(status));
    }
    if status >= 500 {
        return Err(Error::new(ErrorKind::Upstream, "token endpoint failed").with_status(status));
    }
    if !(200..300).contains(&status) {
        return Err(
            Error::new(ErrorKind::Upstream, "token endpoint refused the request")
                .with_status(status)
                .permanent(),
        );
    }
    let Some(Value::Object(mut map)) = parsed else {
        return Err(
            Error::new(ErrorKind::Upstream, "token response is not a JSON object")
                .with_status(status)
                .permanent(),
        );
    };
    let Some(access_token) = take_string(&mut map, "access_token") else {
        return Err(
            Error::new(ErrorKind::Upstream, "token response has no access_token")
                .with_status(status)
                .permanent(),
        );
    };
    let refresh_token = take_string(&mut map, "refresh_token").filter(|t| !t.is_empty());
    let expires_at = map
        .remove("expires_in")
        .as_ref()
        .and_then(seconds)
        .filter(|s| *s > 0)
        .map(|s| now + Duration::from_secs(s));
    let scopes = map.remove("scope").map(|s| scopes(&s)).unwrap_or_default();
    let token_type = take_string(&mut map, "token_type");
    strip_secrets(&mut map);
    Ok(TokenResponse {
        tokens: TokenSet {
            access_token: SecretString::from(access_token),
            refresh_token: refresh_token.map(SecretString::from),
            expires_at,
            scopes,
        },
        token_type,
        extra: map,
    })
}

fn parse_body(headers: &http::HeaderMap, body: &[u8]) -> Option<Value> {
    if let Ok(value) = serde_json::from_slice::<Value>(body) {
        return Some(value);
    }
    let form_typed = headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("x-www-form-urlencoded"));
    let text = std::str::from_utf8(body).ok()?;
    let looks_like_form = text.starts_with("access_token=")
        || text.starts_with("error=")
        || text.contains("&access_token=")
        || text.contains("&error=");
    if !(form_typed || looks_like_form) {
        return None;
    }
    let map: Map<String, Value> = url::form_urlencoded::parse(text.trim().as_bytes())
        .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
        .collect();
    Some(Value::Object(map))
}

fn error_code(map: &Map<String, Value>) -> Option<String> {
    match map.get("error")? {
        Value::String(code) if !code.is_empty() => Some(code.clone()),
        Value::Object(inner) => inner
            .get("code")
            .and_then(Value::as_str)
            .filter(|c| !c.is_empty() && *c != "ok")
            .map(str::to_string),
        _ => None,
    }
}

fn take_string(map: &mut Map<String, Value>, key: &str) -> Option<String> {
    match map.remove(key)? {
        Value::String(s) => Some(s),
        _ => None,
    }
}

fn seconds(value: &Value) -> Option<u64> {
    match value {
        Value::Number(n) => n
            .as_u64()
            .or_else(|| n.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn scopes(value: &Value) -> Vec<String> {
    match value {
        Value::String(s) => s
            .split([' ', ','])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        Value::Array(items) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    }
}

/// Removes fields that may hold credentials (`*token`, `*secret*`) at any depth.
fn strip_secrets(map: &mut Map<String, Value>) {
    map.retain(|key, _| {
        let key = key.to_ascii_lowercase();
        !(key.ends_with("token") || key.contains("secret"))
    });
    for value in map.values_mut() {
        strip_value(value);
    }
}

fn strip_value(value: &mut Value) {
    match value {
        Value::Object(map) => strip_secrets(map),
        Value::Array(items) => items.iter_mut().for_each(strip_value),
        _ => {}
    }
}

fn retry_after(headers: &http::HeaderMap, now: SystemTime) -> Option<Duration> {
    headers
        .get(http::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| crate::http::parse_retry_after(v, now))
}

/// Keeps a platform-provided string printable and short.
fn clean(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control())
        .take(MAX_DESCRIPTION)
        .collect()
}

fn basic_credentials(client_id: &str, secret: Option<&SecretString>) -> String {
    let encode = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let pair = format!(
        "{}:{}",
        encode(client_id),
        secret
            .map(|s| encode(s.expose_secret()))
            .unwrap_or_default()
    );
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(pair)
    )
}

fn transport_error(error: &reqwest::Error) -> Error {
    let kind = if error.is_timeout() {
        ErrorKind::Timeout
    } else {
        ErrorKind::Network
    };
    let mut out = Error::new(
        kind,
        if error.is_connect() {
            "could not connect to the token endpoint"
        } else {
            "token request failed; it may have been processed"
        },
    );
    if error.is_connect() {
        out = out.not_sent();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(status: u16, body: &str) -> Result<TokenResponse> {
        parse_token_response(
            status,
            &http::HeaderMap::new(),
            body.as_bytes(),
            None,
            SystemTime::UNIX_EPOCH,
        )
    }

    #[test]
    fn scopes_split_on_spaces_and_commas_and_secrets_leave_extra() {
        let r = parse(
            200,
            r#"{"access_token":"a","expires_in":"7200","scope":"user.info.basic,video.list read",
                "open_id":"o1","authed_user":{"id":"U1","access_token":"xoxp-secret"}}"#,
        )
        .unwrap();
        assert_eq!(r.tokens.scopes, ["user.info.basic", "video.list", "read"]);
        assert_eq!(
            r.tokens.expires_at,
            Some(SystemTime::UNIX_EPOCH + Duration::from_secs(7200))
        );
        assert_eq!(r.extra["open_id"], "o1");
        assert_eq!(r.extra["authed_user"]["id"], "U1");
        assert!(!format!("{r:?}").contains("xoxp-secret"));
    }

    #[test]
    fn form_encoded_answers_are_understood() {
        let r = parse(
            200,
            "access_token=ghu_x&expires_in=28800&refresh_token=ghr_y&token_type=bearer",
        )
        .unwrap();
        assert_eq!(r.tokens.access_token.expose_secret(), "ghu_x");
        assert_eq!(r.token_type.as_deref(), Some("bearer"));
        let e = parse(200, "error=bad_refresh_token&error_description=gone").unwrap_err();
        assert_eq!(e.context_value("oauth_error"), Some("bad_refresh_token"));
    }

    #[test]
    fn error_kinds_follow_the_code_and_status() {
        let e = parse(400, r#"{"error":"invalid_grant"}"#).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::TokenExpired);
        assert!(is_reauth_error(&e));
        let e = parse(503, r#"{"error":"temporarily_unavailable"}"#).unwrap_err();
        assert!(e.is_transient());
        let e = parse(502, "<html>bad gateway</html>").unwrap_err();
        assert!(e.is_transient());
        let e = parse(
            200,
            r#"{"error":{"code":"access_token_invalid","message":"x"}}"#,
        )
        .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::TokenExpired);
        let e = parse(200, r#"{"token_type":"bearer"}"#).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Upstream);
        assert!(!e.is_transient());
    }

    #[test]
    fn pkce_challenge_matches_rfc7636_example() {
        let verifier = SecretString::from("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        assert_eq!(
            pkce_challenge(&verifier),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }
}
