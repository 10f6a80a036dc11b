//! Cloud Pub/Sub push with authentication: Pub/Sub sends `Authorization: Bearer <OIDC JWT>`
//! signed by Google (RS256). [`PubSubPushVerifier`] checks the signature against Google's
//! JWKS (cached by `kid` for the `Cache-Control` max-age, refetched on an unknown `kid` at most
//! once a minute) and the claims: `aud` is the configured audience, `iss` is
//! `https://accounts.google.com` or `accounts.google.com`, `email` is the configured push
//! service account with `email_verified`, and `exp` has not passed (60 s of clock skew).
//! The event id is `message.messageId`.
//!
//! The proof a [`VerifiedWebhook`] needs comes from the core's signing module
//! ([`verify_jwt_rs256`]). A push endpoint URL may also carry the connector's webhook secret as
//! `?push_token=<secret>` (Google's documented "verification token" pattern); when present it
//! must match too (constant time, [`verify_shared_token`]).
//!
//! [`WebhookVerifier::verify`](plugboard_core::WebhookVerifier::verify) is synchronous and
//! cannot fetch keys, so the connector's static verifier accepts a push only when its key is
//! already cached by an [installed](PubSubPushVerifier::install) verifier (an unknown key
//! schedules a fetch in the background and the delivery is refused; Pub/Sub redelivers).
//! Embedders with an async path call [`PubSubPushVerifier::verify`], which fetches as needed.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use http::Method;
use jsonwebtoken::DecodingKey;
use plugboard_core::connector::schema_of;
use plugboard_core::signing::{SignatureOk, verify_jwt_rs256, verify_shared_token};
use plugboard_core::webhook::body_digest_id;
use plugboard_core::{
    ApiRequest, ConnectorConfig, Error, OperationDescriptor, OperationId, Policy, RateClass,
    Runtime, VerifiedWebhook, WebhookError, WebhookRequest, WebhookSecrets,
};
use serde::Deserialize;
use serde_json::Value;
use url::Url;

use crate::config::{PUBSUB_AUDIENCE, PUBSUB_JWKS_URL, PUBSUB_SERVICE_ACCOUNT};
use crate::connector::INFO;

/// Google's JWKS of the keys that sign its OIDC tokens.
pub const GOOGLE_JWKS_URL: &str = "https://www.googleapis.com/oauth2/v3/certs";

/// The JWKS path, kept when `base_url` replaces the origin.
pub const JWKS_PATH: &str = "/oauth2/v3/certs";

/// The issuers Google's OIDC tokens name.
pub const GOOGLE_ISSUERS: [&str; 2] = ["https://accounts.google.com", "accounts.google.com"];

/// The query parameter of the push endpoint URL that carries the webhook secret.
pub const PUSH_TOKEN_PARAM: &str = "push_token";

/// The event type of a Pub/Sub push.
pub const PUBSUB_EVENT: &str = "pubsub.message";

/// Clock skew allowed on `exp` and `iat`.
pub const CLOCK_SKEW: Duration = Duration::from_secs(60);

/// The least time between two fetches of the JWKS when a token names an unknown key.
pub const MIN_REFETCH_INTERVAL: Duration = Duration::from_secs(60);

/// How long keys are kept when the JWKS answer has no `Cache-Control: max-age`.
pub const DEFAULT_KEYS_MAX_AGE: Duration = Duration::from_secs(3600);

/// How long past their max-age cached keys still verify when a refetch fails.
pub const STALE_KEYS_GRACE: Duration = Duration::from_secs(3600);

/// The internal operation the JWKS is fetched as (not in the operation table).
const JWKS_FETCH: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("pubsub.jwks"),
    summary: "Fetch Google's OIDC token signing keys",
    docs_url: "https://cloud.google.com/pubsub/docs/authenticate-push-subscriptions",
    idempotent: true,
    read_only: true,
    paginated: false,
    rate_class: RateClass("jwks"),
    cache_ttl: None,
    input_schema: schema_of::<Value>,
    output_schema: schema_of::<Value>,
};

/// What a push token must say, from the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PubSubSettings {
    /// Accepted `aud` values (the subscription's audience; by default its push URL).
    pub audiences: Vec<String>,
    /// Accepted `email` values (the push subscription's service account).
    pub service_accounts: Vec<String>,
    /// Where the signing keys are fetched from.
    pub jwks_url: Url,
}

impl PubSubSettings {
    /// The settings of `config`: `None` without `pubsub_audience`; a config error when the
    /// audience is set but no service account is. The JWKS URL is `pubsub_jwks_url`, else
    /// [`JWKS_PATH`] under `base_url`, else [`GOOGLE_JWKS_URL`].
    pub fn from_config(config: &ConnectorConfig) -> plugboard_core::Result<Option<Self>> {
        let list = |name: &str| -> Vec<String> {
            config
                .setting(name)
                .unwrap_or("")
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        };
        let audiences = list(PUBSUB_AUDIENCE.name);
        if audiences.is_empty() {
            return Ok(None);
        }
        let service_accounts = list(PUBSUB_SERVICE_ACCOUNT.name);
        if service_accounts.is_empty() {
            return Err(Error::config(format!(
                "connectors.google.{} is set, so Pub/Sub push tokens are verified: set {} (or {}) to the push subscription's service account",
                PUBSUB_AUDIENCE.name,
                PUBSUB_SERVICE_ACCOUNT.name,
                PUBSUB_SERVICE_ACCOUNT.env_var(INFO.id)
            )));
        }
        let jwks_url = match config
            .setting(PUBSUB_JWKS_URL.name)
            .filter(|s| !s.is_empty())
        {
            Some(url) => Url::parse(url).map_err(|e| {
                Error::config(format!(
                    "connectors.google.{}: not a URL ({e})",
                    PUBSUB_JWKS_URL.name
                ))
            })?,
            None => match &config.base_url {
                Some(base) => {
                    let mut url = Url::parse(&base.origin().ascii_serialization())
                        .map_err(|e| Error::config(format!("JWKS URL: {e}")))?;
                    url.set_path(JWKS_PATH);
                    url
                }
                None => Url::parse(GOOGLE_JWKS_URL).expect("a valid constant URL"),
            },
        };
        Ok(Some(Self {
            audiences,
            service_accounts,
            jwks_url,
        }))
    }
}

/// A signing key lookup in the cache.
enum Lookup {
    /// The key, from a fresh (or, after a failed refetch, recently stale) cache.
    Key(Arc<DecodingKey>),
    /// The cache should be refetched first.
    Fetch,
    /// Unknown and a refetch is not allowed yet.
    Unknown,
}

#[derive(Default)]
struct KeyState {
    keys: HashMap<String, Arc<DecodingKey>>,
    expires_at: Option<SystemTime>,
    last_attempt: Option<SystemTime>,
    fetches: u64,
}

impl KeyState {
    fn lookup(&self, kid: &str, now: SystemTime, allow_fetch: bool) -> Lookup {
        let fresh = self.expires_at.is_some_and(|at| now < at);
        let throttled = self
            .last_attempt
            .is_some_and(|at| now < at + MIN_REFETCH_INTERVAL);
        let key = self.keys.get(kid);
        match key {
            Some(key) if fresh => return Lookup::Key(key.clone()),
            _ => {}
        }
        if allow_fetch && !throttled {
            return Lookup::Fetch;
        }
        let within_grace = self
            .expires_at
            .is_some_and(|at| now < at + STALE_KEYS_GRACE);
        match key {
            Some(key) if within_grace => Lookup::Key(key.clone()),
            _ => Lookup::Unknown,
        }
    }
}

/// Google's token-signing keys, fetched from a JWKS URL through the plugboard runtime and
/// cached by `kid`.
pub struct JwksCache {
    url: Url,
    runtime: Runtime,
    state: RwLock<KeyState>,
    fetching: tokio::sync::Mutex<()>,
}

impl fmt::Debug for JwksCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state.read().unwrap_or_else(|e| e.into_inner());
        f.debug_struct("JwksCache")
            .field("url", &self.url.as_str())
            .field("kids", &state.keys.keys().collect::<Vec<_>>())
            .field("expires_at", &state.expires_at)
            .finish()
    }
}

impl JwksCache {
    /// A cache of the keys at `url`.
    pub fn new(url: Url) -> plugboard_core::Result<Self> {
        let runtime = Runtime::builder(INFO.id)
            .policy(Policy::default().with_total_timeout(Duration::from_secs(10)))
            .build()?;
        Ok(Self {
            url,
            runtime,
            state: RwLock::new(KeyState::default()),
            fetching: tokio::sync::Mutex::new(()),
        })
    }

    /// The JWKS URL.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// How many times the JWKS was fetched (successfully or not).
    pub fn fetches(&self) -> u64 {
        self.read().fetches
    }

    /// The ids of the cached keys.
    pub fn kids(&self) -> Vec<String> {
        let mut kids: Vec<String> = self.read().keys.keys().cloned().collect();
        kids.sort();
        kids
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, KeyState> {
        self.state.read().unwrap_or_else(|e| e.into_inner())
    }

    /// The key `kid` if it is cached (fresh, or stale within the grace period); never fetches.
    pub fn cached(&self, kid: &str, now: SystemTime) -> Option<Arc<DecodingKey>> {
        match self.read().lookup(kid, now, false) {
            Lookup::Key(key) => Some(key),
            Lookup::Fetch | Lookup::Unknown => None,
        }
    }

    /// Whether a lookup of `kid` at `now` would fetch (the key is unknown or the cache is
    /// stale, and the last attempt was at least a minute ago).
    pub fn wants_fetch(&self, kid: &str, now: SystemTime) -> bool {
        matches!(self.read().lookup(kid, now, true), Lookup::Fetch)
    }

    /// The key `kid`: from the cache when fresh, else after fetching the JWKS (one fetch at a
    /// time; an unknown `kid` refetches at most once a minute).
    pub async fn key(&self, kid: &str, now: SystemTime) -> Result<Arc<DecodingKey>, WebhookError> {
        if let Lookup::Key(key) = self.read().lookup(kid, now, true) {
            return Ok(key);
        }
        let _single = self.fetching.lock().await;
        match self.read().lookup(kid, now, true) {
            Lookup::Key(key) => return Ok(key),
            Lookup::Unknown => return Err(unknown_key()),
            Lookup::Fetch => {}
        }
        let fetched = self.fetch(now).await;
        match self.read().lookup(kid, now, false) {
            Lookup::Key(key) => Ok(key),
            _ => Err(fetched.err().unwrap_or_else(unknown_key)),
        }
    }

    /// Fetches the JWKS now if a lookup of `kid` would, waiting for a fetch under way.
    pub async fn refresh_for(&self, kid: &str, now: SystemTime) {
        let _ = self.key(kid, now).await;
    }

    async fn fetch(&self, now: SystemTime) -> Result<(), WebhookError> {
        let result = self.download().await;
        let mut state = self.state.write().unwrap_or_else(|e| e.into_inner());
        state.last_attempt = Some(now);
        state.fetches += 1;
        let (keys, max_age) = result?;
        state.keys = keys;
        state.expires_at = Some(now + max_age);
        Ok(())
    }

    async fn download(
        &self,
    ) -> Result<(HashMap<String, Arc<DecodingKey>>, Duration), WebhookError> {
        let unavailable = |e: Error| {
            WebhookError::Malformed(format!("Google's signing keys are unavailable: {e}"))
        };
        let request =
            ApiRequest::new(&JWKS_FETCH, Method::GET, self.url.as_str()).map_err(unavailable)?;
        let response = self.runtime.execute(request).await.map_err(unavailable)?;
        let max_age = response
            .header("cache-control")
            .and_then(max_age)
            .unwrap_or(DEFAULT_KEYS_MAX_AGE);
        let body: Value = response.value().map_err(unavailable)?;
        Ok((parse_jwks(&body), max_age))
    }
}

fn unknown_key() -> WebhookError {
    WebhookError::Malformed("the token's signing key (kid) is not among Google's keys".into())
}

/// The `max-age` of a `Cache-Control` value.
fn max_age(value: &str) -> Option<Duration> {
    value.split(',').find_map(|part| {
        let (name, secs) = part.trim().split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("max-age")
            .then(|| secs.trim().trim_matches('"').parse().ok())
            .flatten()
            .map(Duration::from_secs)
    })
}

/// The RSA signing keys of a JWKS document, by `kid`. Keys of other types, uses or algorithms
/// are skipped, so an `oct` or EC key can never verify an RS256 token.
fn parse_jwks(body: &Value) -> HashMap<String, Arc<DecodingKey>> {
    let text = |jwk: &Value, name: &str| jwk.get(name).and_then(Value::as_str).map(str::to_string);
    body.get("keys")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|jwk| {
            let kid = text(jwk, "kid")?;
            let rsa = text(jwk, "kty").as_deref() == Some("RSA");
            let alg_ok = text(jwk, "alg").is_none_or(|a| a == "RS256");
            let use_ok = text(jwk, "use").is_none_or(|u| u == "sig");
            if !(rsa && alg_ok && use_ok) {
                return None;
            }
            let key = DecodingKey::from_rsa_components(&text(jwk, "n")?, &text(jwk, "e")?).ok()?;
            Some((kid, Arc::new(key)))
        })
        .collect()
}

/// The claims of a push token that are checked.
#[derive(Debug, Deserialize)]
struct PushClaims {
    #[serde(default)]
    aud: Option<Value>,
    #[serde(default)]
    iss: Option<String>,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    email_verified: Option<Value>,
    #[serde(default)]
    exp: Option<i64>,
    #[serde(default)]
    iat: Option<i64>,
}

/// The bearer token of a push, or the rejection.
fn bearer_token<'a>(request: &'a WebhookRequest<'_>) -> Result<&'a str, WebhookError> {
    let value = request.require_header("authorization")?;
    let (scheme, token) = value
        .split_once(' ')
        .ok_or_else(|| WebhookError::Malformed("Authorization is not `Bearer <token>`".into()))?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(WebhookError::Malformed(
            "Authorization is not `Bearer <token>`".into(),
        ));
    }
    Ok(token.trim())
}

/// The `kid` of an RS256 token; any other `alg` (`none`, `HS256`...) is refused before a key
/// is looked up.
fn token_kid(token: &str) -> Result<String, WebhookError> {
    let header = token
        .split('.')
        .next()
        .and_then(|h| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(h)
                .ok()
        })
        .and_then(|h| serde_json::from_slice::<Value>(&h).ok())
        .ok_or_else(|| WebhookError::Malformed("the bearer token is not a JWT".into()))?;
    let alg = header.get("alg").and_then(Value::as_str).unwrap_or("");
    if alg != "RS256" {
        let shown: String = alg
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(16)
            .collect();
        return Err(WebhookError::UnsupportedAlgorithm(shown));
    }
    header
        .get("kid")
        .and_then(Value::as_str)
        .filter(|k| !k.is_empty())
        .map(str::to_string)
        .ok_or_else(|| WebhookError::Malformed("the token names no signing key (kid)".into()))
}

fn unix(now: SystemTime) -> i64 {
    now.duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// The connector's webhook secret from the push endpoint URL (`?push_token=`), checked in
/// constant time when the push endpoint carries it (optional: the OIDC token is verified in
/// any case; a wrong `push_token` is refused).
pub fn push_token_proof(
    request: &WebhookRequest<'_>,
    secrets: &WebhookSecrets,
) -> Result<Option<SignatureOk>, WebhookError> {
    match request.query_param(PUSH_TOKEN_PARAM) {
        Some(token) => verify_shared_token(secrets, &token).map(Some),
        None => Ok(None),
    }
}

struct Inner {
    settings: PubSubSettings,
    keys: Arc<JwksCache>,
    secrets: Option<WebhookSecrets>,
}

/// Verifies Pub/Sub push deliveries: the push token (see the module docs), the OIDC token's
/// RS256 signature against Google's JWKS, and its claims. Cheap to clone.
#[derive(Clone)]
pub struct PubSubPushVerifier {
    inner: Arc<Inner>,
}

impl fmt::Debug for PubSubPushVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PubSubPushVerifier")
            .field("settings", &self.inner.settings)
            .field("keys", &self.inner.keys)
            .field("secrets", &self.inner.secrets)
            .finish()
    }
}

/// Verifiers known to the connector's static (synchronous) webhook verifier.
static INSTALLED: RwLock<Vec<PubSubPushVerifier>> = RwLock::new(Vec::new());

impl PubSubPushVerifier {
    /// A verifier for `settings` that checks the push token against `secrets` in
    /// [`verify`](Self::verify).
    pub fn new(
        settings: PubSubSettings,
        secrets: Option<WebhookSecrets>,
    ) -> plugboard_core::Result<Self> {
        let keys = Arc::new(JwksCache::new(settings.jwks_url.clone())?);
        Ok(Self {
            inner: Arc::new(Inner {
                settings,
                keys,
                secrets,
            }),
        })
    }

    /// The verifier `config` asks for: `None` without `pubsub_audience`.
    pub fn from_config(config: &ConnectorConfig) -> plugboard_core::Result<Option<Self>> {
        let Some(settings) = PubSubSettings::from_config(config)? else {
            return Ok(None);
        };
        let secrets = WebhookSecrets::new(config.webhook_secrets.clone()).ok();
        Self::new(settings, secrets).map(Some)
    }

    /// What tokens must say.
    pub fn settings(&self) -> &PubSubSettings {
        &self.inner.settings
    }

    /// The signing-key cache.
    pub fn keys(&self) -> &JwksCache {
        &self.inner.keys
    }

    /// Makes this verifier known to the connector's static webhook verifier (replacing one
    /// with the same settings), so `POST /webhooks/google` accepts pushes it verifies.
    pub fn install(&self) {
        let mut installed = INSTALLED.write().unwrap_or_else(|e| e.into_inner());
        installed.retain(|v| v.inner.settings != self.inner.settings);
        installed.push(self.clone());
    }

    /// Removes this verifier's settings from the static webhook verifier.
    pub fn uninstall(&self) {
        INSTALLED
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|v| v.inner.settings != self.inner.settings);
    }

    /// The verifiers [installed](Self::install) in this process.
    pub fn installed() -> Vec<PubSubPushVerifier> {
        INSTALLED.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Fetches the signing keys ahead of the first push.
    pub async fn warm_up(&self, now: SystemTime) -> Result<(), WebhookError> {
        self.inner.keys.fetch(now).await
    }

    /// Verifies a push with the configured webhook secrets, fetching keys as needed.
    pub async fn verify(
        &self,
        request: &WebhookRequest<'_>,
        now: SystemTime,
    ) -> Result<VerifiedWebhook, WebhookError> {
        let secrets = self.inner.secrets.as_ref().ok_or(WebhookError::NoSecret)?;
        self.verify_with(request, secrets, now).await
    }

    /// Verifies a push against `secrets`, fetching keys as needed.
    pub async fn verify_with(
        &self,
        request: &WebhookRequest<'_>,
        secrets: &WebhookSecrets,
        now: SystemTime,
    ) -> Result<VerifiedWebhook, WebhookError> {
        let shared = push_token_proof(request, secrets)?;
        let token = bearer_token(request)?;
        let kid = token_kid(token)?;
        let key = self.inner.keys.key(&kid, now).await?;
        let (signed, email) = self.check(token, &key, now)?;
        Ok(verified(shared.unwrap_or(signed), request, email, now))
    }

    /// Verifies a push with keys already cached; never waits. An unknown key schedules a
    /// fetch on the current Tokio runtime (when there is one) and rejects the push.
    pub fn verify_cached(
        &self,
        request: &WebhookRequest<'_>,
        secrets: &WebhookSecrets,
        now: SystemTime,
    ) -> Result<VerifiedWebhook, WebhookError> {
        let shared = push_token_proof(request, secrets)?;
        let token = bearer_token(request)?;
        let kid = token_kid(token)?;
        let keys = &self.inner.keys;
        let key = keys.cached(&kid, now);
        if (key.is_none() || keys.wants_fetch(&kid, now))
            && let Ok(handle) = tokio::runtime::Handle::try_current()
        {
            let keys = Arc::clone(keys);
            let kid = kid.clone();
            handle.spawn(async move { keys.refresh_for(&kid, now).await });
        }
        let key = key.ok_or_else(|| {
            WebhookError::Malformed(
                "the token's signing key is not cached yet; fetching Google's keys (Pub/Sub will redeliver)"
                    .into(),
            )
        })?;
        let (signed, email) = self.check(token, &key, now)?;
        Ok(verified(shared.unwrap_or(signed), request, email, now))
    }

    /// Checks the token's signature with `key` and its claims at `now`; returns the service
    /// account email.
    fn check(
        &self,
        token: &str,
        key: &DecodingKey,
        now: SystemTime,
    ) -> Result<(SignatureOk, String), WebhookError> {
        let (proof, claims) = verify_jwt_rs256(token, key)?;
        let claims: PushClaims = serde_json::from_value(claims)
            .map_err(|e| WebhookError::Malformed(format!("the push token's claims: {e}")))?;
        let now_secs = unix(now);
        let skew = CLOCK_SKEW.as_secs() as i64;
        let exp = claims
            .exp
            .ok_or_else(|| WebhookError::Malformed("the push token has no `exp`".into()))?;
        if now_secs > exp + skew {
            return Err(WebhookError::Stale {
                skew_secs: now_secs - exp,
                tolerance_secs: CLOCK_SKEW.as_secs(),
            });
        }
        if let Some(iat) = claims.iat
            && iat > now_secs + skew
        {
            return Err(WebhookError::Stale {
                skew_secs: now_secs - iat,
                tolerance_secs: CLOCK_SKEW.as_secs(),
            });
        }
        if !claims
            .iss
            .as_deref()
            .is_some_and(|iss| GOOGLE_ISSUERS.contains(&iss))
        {
            return Err(WebhookError::Malformed(
                "the push token's `iss` is not Google".into(),
            ));
        }
        let settings = &self.inner.settings;
        let audiences: Vec<&str> = match &claims.aud {
            Some(Value::String(a)) => vec![a.as_str()],
            Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if !audiences
            .iter()
            .any(|a| settings.audiences.iter().any(|want| want == a))
        {
            return Err(WebhookError::Malformed(
                "the push token's `aud` is not the configured audience".into(),
            ));
        }
        let email = claims.email.unwrap_or_default();
        if !settings
            .service_accounts
            .iter()
            .any(|want| want.eq_ignore_ascii_case(&email))
        {
            return Err(WebhookError::Malformed(
                "the push token's `email` is not the configured service account".into(),
            ));
        }
        let verified_email = matches!(&claims.email_verified, Some(Value::Bool(true)))
            || matches!(&claims.email_verified, Some(Value::String(s)) if s == "true");
        if !verified_email {
            return Err(WebhookError::Malformed(
                "the push token's `email_verified` is not true".into(),
            ));
        }
        Ok((proof, email))
    }
}

/// The verified delivery of a push: event id `message.messageId` (else a body digest).
fn verified(
    proof: SignatureOk,
    request: &WebhookRequest<'_>,
    email: String,
    now: SystemTime,
) -> VerifiedWebhook {
    let body: Option<Value> = serde_json::from_slice(request.body).ok();
    let text = |pointer: &str| {
        body.as_ref()
            .and_then(|b| b.pointer(pointer))
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let event_id = text("/message/messageId")
        .or_else(|| text("/message/message_id"))
        .unwrap_or_else(|| body_digest_id(request.body));
    let mut verified =
        VerifiedWebhook::new(proof, event_id, PUBSUB_EVENT, request.body.clone(), now)
            .with_attribute("service_account", email);
    if let Some(subscription) = text("/subscription") {
        verified = verified.with_attribute("subscription", subscription);
    }
    verified
}

/// Verifies a push with the installed verifiers (keys from cache only); the synchronous path
/// of the connector's static verifier.
pub(crate) fn verify_installed(
    request: &WebhookRequest<'_>,
    secrets: &WebhookSecrets,
    now: SystemTime,
) -> Result<VerifiedWebhook, WebhookError> {
    let installed = PubSubPushVerifier::installed();
    let mut first_error = None;
    for verifier in &installed {
        match verifier.verify_cached(request, secrets, now) {
            Ok(verified) => return Ok(verified),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    Err(first_error.unwrap_or_else(|| {
        WebhookError::Malformed(
            "a Pub/Sub push, but no push audience is configured (set pubsub_audience and pubsub_service_account)"
                .into(),
        )
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_age_is_read_from_cache_control() {
        assert_eq!(
            max_age("public, max-age=19553, must-revalidate, no-transform"),
            Some(Duration::from_secs(19553))
        );
        assert_eq!(max_age("no-cache"), None);
    }

    #[test]
    fn only_rsa_signing_keys_are_kept() {
        let jwks = serde_json::json!({"keys": [
            {"kty": "oct", "kid": "hmac", "k": "c2VjcmV0"},
            {"kty": "RSA", "kid": "enc", "use": "enc", "n": "sXch", "e": "AQAB"},
            {"kty": "RSA", "kid": "ok", "alg": "RS256", "use": "sig", "n": "sXch", "e": "AQAB"}
        ]});
        let keys = parse_jwks(&jwks);
        assert_eq!(keys.keys().collect::<Vec<_>>(), ["ok"]);
    }

    #[test]
    fn algorithms_other_than_rs256_are_refused_before_any_key_lookup() {
        let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        let none = format!("{}.{}.", b64(r#"{"alg":"none","typ":"JWT"}"#), b64("{}"));
        assert_eq!(
            token_kid(&none),
            Err(WebhookError::UnsupportedAlgorithm("none".into()))
        );
        let hs = format!("{}.{}.sig", b64(r#"{"alg":"HS256","kid":"k"}"#), b64("{}"));
        assert!(matches!(
            token_kid(&hs),
            Err(WebhookError::UnsupportedAlgorithm(_))
        ));
        let ok = format!("{}.{}.sig", b64(r#"{"alg":"RS256","kid":"k1"}"#), b64("{}"));
        assert_eq!(token_kid(&ok).unwrap(), "k1");
        assert!(token_kid("not-a-jwt").is_err());
    }
}
