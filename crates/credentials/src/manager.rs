//! Token managers: each [`TokenManager`] hands the runtime a valid token for one connection
//! ([`AuthProvider`]) and renews it safely; [`TokenManagers`] holds one manager per connection
//! plus what they share (the connection store, the refresher per connector, settings).
//!
//! How a renewal stays single:
//! 1. in a process, one renewal per connection at a time (an async mutex): the other callers
//!    wait, then read the new token from memory;
//! 2. across processes sharing a store, the store lock `refresh/{connector}/{name}`; the
//!    holder re-reads the record after taking it and skips the refresh when another process
//!    already renewed; a process finding the lock taken polls the record (with backoff) until
//!    it holds a fresh token or the lock frees;
//! 3. the write is compare-and-swap on the version read under the lock, so a stale refresher
//!    never overwrites a newer token: on conflict it re-reads and uses the newer one.
//!
//! Failures are counted on the record; `invalid_grant`-style answers, or `failure_threshold`
//! failures in a row, mark it `needs_reauth` with a cool-down (no token requests until it
//! ends) and emit a [`ReauthEvent`].

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use http::{HeaderMap, HeaderName, HeaderValue};
use plugboard_core::oauth2::is_reauth_error;
use plugboard_core::signing::constant_time_eq;
use plugboard_core::{
    AuthProvider, Clock, ConnectorId, Credentials, Error, ErrorKind, ExposeSecret, Result,
    RetryStatus, SecretString, SystemClock, TokenRefresher,
};
use serde_json::json;
use tokio::time::Instant;
use url::Url;

use crate::connection::{Connection, ConnectionKey, ConnectionKind, ConnectionStatus};
use crate::connections::ConnectionStore;
use crate::error::CredentialsError;
use crate::grants::{GITHUB_API, GithubAppRefresher, GoogleServiceAccountRefresher};

/// When and how hard tokens are renewed.
#[derive(Debug, Clone)]
pub struct RefreshSettings {
    /// Renew when the token expires within this (default 10 min).
    pub skew: Duration,
    /// Consecutive failures that mark a connection `needs_reauth` (default 3).
    pub failure_threshold: u32,
    /// How long a `needs_reauth` connection is left alone (default 1 h).
    pub reauth_cooldown: Duration,
    /// The wait after a first transient failure; doubled per failure, capped at
    /// `reauth_cooldown` (default 30 s).
    pub failure_backoff: Duration,
    /// How long the cross-process refresh lock is held at most (default 45 s).
    pub lock_ttl: Duration,
    /// How long a caller waits for another process's refresh (default 60 s).
    pub lock_wait: Duration,
    /// How often a connection without expiry is validated by the sweep (default 24 h).
    pub validate_every: Duration,
    /// A 401 within this long after a refresh is answered with the new token instead of
    /// another refresh (default 10 s).
    pub force_grace: Duration,
}

impl Default for RefreshSettings {
    fn default() -> Self {
        Self {
            skew: Duration::from_secs(600),
            failure_threshold: 3,
            reauth_cooldown: Duration::from_secs(3600),
            failure_backoff: Duration::from_secs(30),
            lock_ttl: Duration::from_secs(45),
            lock_wait: Duration::from_secs(60),
            validate_every: Duration::from_secs(24 * 3600),
            force_grace: Duration::from_secs(10),
        }
    }
}

/// The header a connector's token goes in.
#[derive(Debug, Clone)]
pub struct AuthScheme {
    header: HeaderName,
    prefix: String,
}

impl AuthScheme {
    /// `Authorization: Bearer <token>` (the default).
    pub fn bearer() -> Self {
        Self::new(http::header::AUTHORIZATION, "Bearer ")
    }

    /// `<header>: <prefix><token>`, e.g. ClickUp's `Authorization: <token>` or TikTok
    /// Business's `Access-Token: <token>`.
    pub fn new(header: HeaderName, prefix: impl Into<String>) -> Self {
        Self {
            header,
            prefix: prefix.into(),
        }
    }

    fn value(&self, token: &SecretString) -> Result<HeaderValue> {
        let mut value = HeaderValue::from_str(&format!("{}{}", self.prefix, token.expose_secret()))
            .map_err(|_| Error::config("token contains characters not allowed in a header"))?;
        value.set_sensitive(true);
        Ok(value)
    }
}

impl Default for AuthScheme {
    fn default() -> Self {
        Self::bearer()
    }
}

/// A connection that needs a user to connect again (`connection.needs_reauth`).
#[derive(Debug, Clone)]
pub struct ReauthEvent {
    /// The connection.
    pub connection: ConnectionKey,
    /// The error that decided it (no secrets).
    pub reason: String,
    /// Failures in a row.
    pub consecutive_failures: u32,
    /// When.
    pub at: SystemTime,
    /// When plugboard tries again on its own.
    pub next_attempt_after: Option<SystemTime>,
}

impl ReauthEvent {
    /// The event type sent to the webhook sinks.
    pub const EVENT_TYPE: &'static str = "connection.needs_reauth";

    /// The event's JSON payload.
    pub fn to_json(&self) -> serde_json::Value {
        let secs = |t: SystemTime| plugboard_store::unix_millis(t) / 1000;
        json!({
            "type": Self::EVENT_TYPE,
            "connector": self.connection.connector,
            "connection": self.connection.name,
            "reason": self.reason,
            "consecutive_failures": self.consecutive_failures,
            "at": secs(self.at),
            "next_attempt_after": self.next_attempt_after.map(secs),
        })
    }
}

/// Called when a connection turns `needs_reauth` (the host forwards it to the webhook sinks).
pub type ReauthCallback = Arc<dyn Fn(ReauthEvent) + Send + Sync>;

/// Checks a connection whose token has no expiry (usually the connector's health call).
#[async_trait]
pub trait ConnectionValidator: Send + Sync + 'static {
    /// `Ok` when the credential still works; `Unauthorized`/`TokenExpired` when it was
    /// revoked.
    async fn validate(&self, connection: &ConnectionKey) -> Result<()>;
}

/// What a renewal attempt found or did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefreshOutcome {
    /// The token was valid long enough; nothing done.
    Fresh,
    /// This call renewed it.
    Refreshed,
    /// Another task or process renewed it meanwhile; its token is used.
    RefreshedElsewhere,
    /// The credential cannot be renewed by plugboard (static token, API key).
    NotRefreshable,
    /// Renewal is held back until the cool-down ends.
    CoolingDown {
        /// When it ends.
        until: SystemTime,
    },
    /// Renewal failed (the error's text).
    Failed {
        /// What went wrong.
        error: String,
    },
}

struct Shared {
    connections: ConnectionStore,
    refreshers: HashMap<String, Arc<dyn TokenRefresher>>,
    validators: HashMap<String, Arc<dyn ConnectionValidator>>,
    schemes: HashMap<String, AuthScheme>,
    settings: RefreshSettings,
    clock: Arc<dyn Clock>,
    on_needs_reauth: Option<ReauthCallback>,
    github_api_base: Url,
    http_client: Option<reqwest::Client>,
}

/// Builds [`TokenManagers`].
pub struct TokenManagersBuilder {
    shared: Shared,
}

impl TokenManagersBuilder {
    /// The refresher for a connector's OAuth 2.0 connections (usually
    /// `Connector::token_refresher()`).
    pub fn refresher(mut self, connector: &str, refresher: Arc<dyn TokenRefresher>) -> Self {
        self.shared
            .refreshers
            .insert(connector.to_string(), refresher);
        self
    }

    /// The validator for a connector's connections without expiry.
    pub fn validator(mut self, connector: &str, validator: Arc<dyn ConnectionValidator>) -> Self {
        self.shared
            .validators
            .insert(connector.to_string(), validator);
        self
    }

    /// The header a connector's tokens go in (default `Authorization: Bearer`).
    pub fn scheme(mut self, connector: &str, scheme: AuthScheme) -> Self {
        self.shared.schemes.insert(connector.to_string(), scheme);
        self
    }

    /// Renewal settings.
    pub fn settings(mut self, settings: RefreshSettings) -> Self {
        self.shared.settings = settings;
        self
    }

    /// The clock expiry is judged by.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.shared.clock = clock;
        self
    }

    /// Called when a connection turns `needs_reauth`.
    pub fn on_needs_reauth(mut self, callback: ReauthCallback) -> Self {
        self.shared.on_needs_reauth = Some(callback);
        self
    }

    /// GitHub's API base for GitHub App connections (Enterprise, or a mock).
    pub fn github_api_base(mut self, base: Url) -> Self {
        self.shared.github_api_base = base;
        self
    }

    /// The HTTP client the built-in grants (GitHub App, service account) use.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.shared.http_client = Some(client);
        self
    }

    /// Builds.
    pub fn build(self) -> TokenManagers {
        TokenManagers {
            shared: Arc::new(self.shared),
            managers: Mutex::new(HashMap::new()),
        }
    }
}

/// One [`TokenManager`] per connection, sharing the store, refreshers and settings. Keep one
/// per process: the in-process single flight works through it.
pub struct TokenManagers {
    shared: Arc<Shared>,
    managers: Mutex<HashMap<ConnectionKey, Arc<TokenManager>>>,
}

impl fmt::Debug for TokenManagers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut refreshers: Vec<_> = self.shared.refreshers.keys().collect();
        refreshers.sort();
        f.debug_struct("TokenManagers")
            .field("connections", &self.shared.connections)
            .field("refreshers", &refreshers)
            .field("settings", &self.shared.settings)
            .finish_non_exhaustive()
    }
}

impl TokenManagers {
    /// A builder over `connections`.
    pub fn builder(connections: ConnectionStore) -> TokenManagersBuilder {
        TokenManagersBuilder {
            shared: Shared {
                connections,
                refreshers: HashMap::new(),
                validators: HashMap::new(),
                schemes: HashMap::new(),
                settings: RefreshSettings::default(),
                clock: Arc::new(SystemClock),
                on_needs_reauth: None,
                github_api_base: Url::parse(GITHUB_API).expect("valid URL"),
                http_client: None,
            },
        }
    }

    /// The manager of `key` (the same instance on every call).
    pub fn manager(&self, key: &ConnectionKey) -> Arc<TokenManager> {
        let mut managers = self.managers.lock().unwrap_or_else(|e| e.into_inner());
        managers
            .entry(key.clone())
            .or_insert_with(|| Arc::new(TokenManager::new(self.shared.clone(), key.clone())))
            .clone()
    }

    /// The connection store.
    pub fn connections(&self) -> &ConnectionStore {
        &self.shared.connections
    }

    /// The settings.
    pub fn settings(&self) -> &RefreshSettings {
        &self.shared.settings
    }

    /// The clock.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.shared.clock
    }

    /// Whether a validator is registered for `connector`.
    pub fn has_validator(&self, connector: &str) -> bool {
        self.shared.validators.contains_key(connector)
    }
}

/// The token in use, kept in memory between store reads.
struct Cached {
    token: SecretString,
    header: HeaderValue,
    expires_at: Option<SystemTime>,
    /// No renewal attempt before this (cool-down recorded on the connection).
    hold_until: Option<SystemTime>,
}

/// Hands out a valid token for one connection and renews it when due. See the module docs.
pub struct TokenManager {
    shared: Arc<Shared>,
    key: ConnectionKey,
    key_str: String,
    lock_name: String,
    owner: String,
    flight: tokio::sync::Mutex<()>,
    cache: Mutex<Option<Cached>>,
    refreshed_here: Mutex<Option<Instant>>,
}

impl fmt::Debug for TokenManager {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenManager")
            .field("connection", &self.key_str)
            .field("owner", &self.owner)
            .finish_non_exhaustive()
    }
}

/// The result of a renewal: the connection as it now stands, what happened, and the error
/// when it failed.
struct Renewal {
    connection: Connection,
    outcome: RefreshOutcome,
    error: Option<Error>,
}

impl Renewal {
    fn ok(connection: Connection, outcome: RefreshOutcome) -> Self {
        Self {
            connection,
            outcome,
            error: None,
        }
    }
}

impl TokenManager {
    fn new(shared: Arc<Shared>, key: ConnectionKey) -> Self {
        let key_str = key.storage_key();
        let mut random = [0u8; 8];
        // A clash only matters between processes; the pid keeps them apart even then.
        let _ = getrandom::fill(&mut random);
        Self {
            lock_name: format!("refresh/{key_str}"),
            owner: format!("pid{}-{}", std::process::id(), hex::encode(random)),
            shared,
            key,
            key_str,
            flight: tokio::sync::Mutex::new(()),
            cache: Mutex::new(None),
            refreshed_here: Mutex::new(None),
        }
    }

    /// The connection this manager serves.
    pub fn key(&self) -> &ConnectionKey {
        &self.key
    }

    /// A token valid for at least the skew, renewed first when needed.
    pub async fn access_token(&self) -> Result<SecretString> {
        if let Some(token) = self.cached_token(self.now()) {
            return Ok(token);
        }
        let _flight = self.flight.lock().await;
        let now = self.now();
        if let Some(token) = self.cached_token(now) {
            return Ok(token);
        }
        let connection = self.load().await?;
        let renewal = self
            .renew(connection, self.shared.settings.skew, None)
            .await?;
        self.usable_token(renewal)
    }

    /// Makes sure the token stays valid for `within` (the sweep's `--expiring-within`),
    /// renewing it if not, and says what happened. A failure is reported in the outcome.
    pub async fn ensure_valid_for(&self, within: Duration) -> Result<RefreshOutcome> {
        let _flight = self.flight.lock().await;
        let connection = self.load().await?;
        let renewal = self.renew(connection, within, None).await?;
        if renewal.error.is_none() {
            self.remember(&renewal.connection)?;
        }
        Ok(renewal.outcome)
    }

    /// Renews now, whatever the expiry (a 401, or `plugboard tokens refresh --force`).
    pub async fn force_refresh(&self) -> Result<RefreshOutcome> {
        let rejected = self.current_cached();
        let _flight = self.flight.lock().await;
        let connection = self.load().await?;
        let rejected = rejected.or_else(|| connection.kind.access_token().cloned());
        let renewal = self
            .renew(connection, self.shared.settings.skew, Some(rejected))
            .await?;
        if let Some(error) = renewal.error {
            return Err(error);
        }
        self.remember(&renewal.connection)?;
        Ok(renewal.outcome)
    }

    /// Validates a connection without expiry with the connector's validator (when one is
    /// registered and the last validation is older than `validate_every`, or `force`).
    /// Success clears failures and `needs_reauth`; a rejected credential marks it
    /// `needs_reauth`.
    pub async fn validate(&self, force: bool) -> Result<Option<RefreshOutcome>> {
        let Some(validator) = self.shared.validators.get(&self.key.connector).cloned() else {
            return Ok(None);
        };
        let connection = self.load().await?;
        let now = self.now();
        let last = connection
            .last_validated_at
            .unwrap_or(connection.created_at);
        if !force && last + self.shared.settings.validate_every > now {
            return Ok(None);
        }
        if connection.status == ConnectionStatus::NeedsReauth && connection.cooling_down(now) {
            return Ok(Some(RefreshOutcome::CoolingDown {
                until: connection.next_attempt_after.unwrap_or(now),
            }));
        }
        // Not under the flight lock: the validator calls the platform through this manager.
        let result = validator.validate(&self.key).await;
        let mut connection = self.load().await?;
        let now = self.now();
        match result {
            Ok(()) => {
                connection.last_validated_at = Some(now);
                connection.consecutive_failures = 0;
                connection.status = ConnectionStatus::Active;
                connection.next_attempt_after = None;
                connection.last_error = None;
                self.write_quietly(&mut connection, now).await;
                Ok(Some(RefreshOutcome::Fresh))
            }
            Err(error) => {
                let text = error.to_string();
                self.record_failure(&mut connection, &error, now).await;
                self.forget();
                Ok(Some(RefreshOutcome::Failed { error: text }))
            }
        }
    }

    /// Drops the token kept in memory; the next call reads the store.
    pub fn forget(&self) {
        *self.cache.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }

    fn now(&self) -> SystemTime {
        self.shared.clock.now()
    }

    fn scheme(&self) -> AuthScheme {
        self.shared
            .schemes
            .get(&self.key.connector)
            .cloned()
            .unwrap_or_default()
    }

    /// The cached token when it is valid beyond the skew, or still valid while renewal is on
    /// hold.
    fn cached_token(&self, now: SystemTime) -> Option<SecretString> {
        self.cached(now, |c| c.token.clone())
    }

    fn cached_header(&self, now: SystemTime) -> Option<HeaderValue> {
        self.cached(now, |c| c.header.clone())
    }

    fn cached<T>(&self, now: SystemTime, f: impl FnOnce(&Cached) -> T) -> Option<T> {
        let cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        let c = cache.as_ref()?;
        let fresh = c
            .expires_at
            .is_none_or(|at| at > now + self.shared.settings.skew);
        let on_hold =
            c.hold_until.is_some_and(|t| t > now) && c.expires_at.is_none_or(|at| at > now);
        (fresh || on_hold).then(|| f(c))
    }

    fn current_cached(&self) -> Option<SecretString> {
        self.cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .map(|c| c.token.clone())
    }

    fn remember(&self, connection: &Connection) -> Result<()> {
        let Some(token) = connection.kind.access_token() else {
            return Ok(());
        };
        let cached = Cached {
            header: self.scheme().value(token)?,
            token: token.clone(),
            expires_at: connection.kind.expires_at(),
            hold_until: connection.next_attempt_after,
        };
        *self.cache.lock().unwrap_or_else(|e| e.into_inner()) = Some(cached);
        Ok(())
    }

    /// The token to use after a renewal: the new one, or the old one while it is still
    /// valid when renewal failed.
    fn usable_token(&self, renewal: Renewal) -> Result<SecretString> {
        let now = self.now();
        if let Some(error) = renewal.error {
            if renewal.connection.token_still_valid(now) {
                tracing::warn!(
                    connection = %self.key_str,
                    error = %error,
                    "token renewal failed; using the current token until it expires"
                );
                self.remember(&renewal.connection)?;
            } else {
                self.forget();
                return Err(error);
            }
        } else {
            self.remember(&renewal.connection)?;
        }
        renewal
            .connection
            .kind
            .access_token()
            .cloned()
            .ok_or_else(|| Error::internal("renewed connection has no token").not_sent())
    }

    async fn load(&self) -> Result<Connection> {
        self.shared
            .connections
            .get(&self.key)
            .await
            .map_err(Error::from)?
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::Unauthorized,
                    format!(
                        "no connection {}; connect it first (plugboard connect {})",
                        self.key_str, self.key.connector
                    ),
                )
                .permanent()
                .not_sent()
            })
    }

    /// Whether `connection` must be renewed: expiring within `min_validity`, or (forced) still
    /// holding the rejected token.
    fn must_renew(
        &self,
        connection: &Connection,
        min_validity: Duration,
        rejected: Option<&Option<SecretString>>,
    ) -> bool {
        let now = self.now();
        match rejected {
            None => connection.needs_refresh(now, min_validity),
            Some(rejected) => {
                let current = connection.kind.access_token();
                let same = match (current, rejected) {
                    (Some(a), Some(b)) => {
                        constant_time_eq(a.expose_secret().as_bytes(), b.expose_secret().as_bytes())
                    }
                    (None, _) => true,
                    (Some(_), None) => false,
                };
                // A token renewed moments ago (here or elsewhere) is not renewed again.
                let just_renewed = connection.last_refresh_at.is_some_and(|at| {
                    now.duration_since(at)
                        .is_ok_and(|d| d < self.shared.settings.force_grace)
                });
                same && !just_renewed || connection.needs_refresh(now, Duration::ZERO)
            }
        }
    }

    /// Renews `connection` when due, in the cross-process protocol. Holds the flight lock.
    async fn renew(
        &self,
        connection: Connection,
        min_validity: Duration,
        rejected: Option<Option<SecretString>>,
    ) -> Result<Renewal> {
        let rejected = rejected.as_ref();
        if !self.must_renew(&connection, min_validity, rejected) {
            return Ok(Renewal::ok(connection, RefreshOutcome::Fresh));
        }
        if !self.refreshable(&connection) {
            return self.unrenewable(connection, rejected.is_some()).await;
        }
        if let Some(held) = self.on_hold(&connection) {
            return Ok(held);
        }
        let deadline = Instant::now() + self.shared.settings.lock_wait;
        let mut wait = Duration::from_millis(20);
        loop {
            let store = self.shared.connections.store();
            let now = self.now();
            let locked = store
                .try_lock(
                    &self.lock_name,
                    &self.owner,
                    self.shared.settings.lock_ttl,
                    now,
                )
                .await
                .map_err(|e| Error::from(CredentialsError::from(e)))?;
            if locked {
                let result = self.renew_locked(min_validity, rejected).await;
                if let Err(e) = store.unlock(&self.lock_name, &self.owner).await {
                    tracing::warn!(connection = %self.key_str, error = %e, "could not release the refresh lock; it expires by itself");
                }
                return result;
            }
            // Another process is renewing: wait for its result.
            if Instant::now() + wait > deadline {
                return Err(Error::new(
                    ErrorKind::Timeout,
                    format!(
                        "waited {:?} for another process to renew {}",
                        self.shared.settings.lock_wait, self.key_str
                    ),
                )
                .not_sent());
            }
            tokio::time::sleep(wait).await;
            wait = (wait * 2).min(Duration::from_millis(500));
            let connection = self.load().await?;
            if !self.must_renew(&connection, min_validity, rejected) {
                return Ok(Renewal::ok(connection, RefreshOutcome::RefreshedElsewhere));
            }
            if let Some(held) = self.on_hold(&connection) {
                return Ok(held);
            }
        }
    }

    /// Renewal under the store lock: re-read, skip if someone else renewed, else refresh and
    /// write with compare-and-swap.
    async fn renew_locked(
        &self,
        min_validity: Duration,
        rejected: Option<&Option<SecretString>>,
    ) -> Result<Renewal> {
        let mut connection = self.load().await?;
        if !self.must_renew(&connection, min_validity, rejected) {
            return Ok(Renewal::ok(connection, RefreshOutcome::RefreshedElsewhere));
        }
        if let Some(held) = self.on_hold(&connection) {
            return Ok(held);
        }
        let refresher = self.refresher_for(&connection)?;
        let credentials = credentials_of(&connection);
        let result = refresher.refresh(&credentials).await;
        let now = self.now();
        match result {
            Ok(tokens) => {
                connection.kind.apply_tokens(tokens);
                connection.last_refresh_at = Some(now);
                connection.refresh_count += 1;
                connection.consecutive_failures = 0;
                connection.status = ConnectionStatus::Active;
                connection.next_attempt_after = None;
                connection.last_error = None;
                self.count("refreshed");
                match self.shared.connections.put(&mut connection, now).await {
                    Ok(_) => {
                        *self
                            .refreshed_here
                            .lock()
                            .unwrap_or_else(|e| e.into_inner()) = Some(Instant::now());
                        tracing::info!(connection = %self.key_str, refresh_count = connection.refresh_count, "token renewed");
                        Ok(Renewal::ok(connection, RefreshOutcome::Refreshed))
                    }
                    Err(CredentialsError::Conflict { .. }) => {
                        // Someone wrote meanwhile (our lock expired): theirs wins.
                        tracing::warn!(connection = %self.key_str, "the connection changed while renewing; using the stored token");
                        let theirs = self.load().await?;
                        Ok(Renewal::ok(theirs, RefreshOutcome::RefreshedElsewhere))
                    }
                    Err(e) => {
                        // The new token works but could not be stored: keep it for this
                        // process, and say loudly that the stored grant may be spent.
                        tracing::error!(connection = %self.key_str, error = %e, "renewed token could not be stored; a rotated refresh token may be lost");
                        Ok(Renewal::ok(connection, RefreshOutcome::Refreshed))
                    }
                }
            }
            Err(error) => {
                self.record_failure(&mut connection, &error, now).await;
                let text = error.to_string();
                Ok(Renewal {
                    connection,
                    outcome: RefreshOutcome::Failed { error: text },
                    error: Some(error),
                })
            }
        }
    }

    /// A connection in its cool-down: the current token while valid, else an error.
    fn on_hold(&self, connection: &Connection) -> Option<Renewal> {
        let now = self.now();
        if !connection.cooling_down(now) {
            return None;
        }
        let until = connection.next_attempt_after.unwrap_or(now);
        let error = (!connection.token_still_valid(now)).then(|| hold_error(connection, now));
        Some(Renewal {
            connection: connection.clone(),
            outcome: RefreshOutcome::CoolingDown { until },
            error,
        })
    }

    /// A due credential plugboard cannot renew (no refresh token): usable until it expires,
    /// then `needs_reauth`.
    async fn unrenewable(&self, mut connection: Connection, forced: bool) -> Result<Renewal> {
        let now = self.now();
        if forced || connection.token_still_valid(now) {
            return Ok(Renewal::ok(connection, RefreshOutcome::NotRefreshable));
        }
        let error = Error::new(
            ErrorKind::TokenExpired,
            format!(
                "the token of {} expired and cannot be renewed (no refresh token); reconnect it",
                self.key_str
            ),
        )
        .permanent()
        .not_sent();
        if connection.status != ConnectionStatus::NeedsReauth {
            self.record_failure(&mut connection, &error, now).await;
        }
        Ok(Renewal {
            connection,
            outcome: RefreshOutcome::NotRefreshable,
            error: Some(error),
        })
    }

    /// Counts a failure on the record; marks `needs_reauth` (and emits the event) on a dead
    /// grant or too many failures; sets the cool-down.
    async fn record_failure(&self, connection: &mut Connection, error: &Error, now: SystemTime) {
        let settings = &self.shared.settings;
        connection.consecutive_failures = connection.consecutive_failures.saturating_add(1);
        connection.last_error = Some(error.to_string());
        let reauth =
            is_reauth_error(error) || connection.consecutive_failures >= settings.failure_threshold;
        let turned = reauth && connection.status != ConnectionStatus::NeedsReauth;
        if reauth {
            connection.status = ConnectionStatus::NeedsReauth;
            connection.next_attempt_after = Some(now + settings.reauth_cooldown);
        } else {
            let doubling = 2u32.saturating_pow(connection.consecutive_failures.saturating_sub(1));
            let backoff = settings
                .failure_backoff
                .saturating_mul(doubling)
                .max(error.retry_after().unwrap_or_default())
                .min(settings.reauth_cooldown);
            connection.next_attempt_after = Some(now + backoff);
        }
        self.count(if reauth { "needs_reauth" } else { "failed" });
        tracing::warn!(
            connection = %self.key_str,
            failures = connection.consecutive_failures,
            status = %connection.status,
            error = %error,
            "token renewal failed"
        );
        let written = self.write_quietly(connection, now).await;
        if turned && written {
            metrics::counter!("plugboard_connections_needs_reauth_total", "connector" => self.key.connector.clone()).increment(1);
            if let Some(callback) = &self.shared.on_needs_reauth {
                callback(ReauthEvent {
                    connection: self.key.clone(),
                    reason: error.to_string(),
                    consecutive_failures: connection.consecutive_failures,
                    at: now,
                    next_attempt_after: connection.next_attempt_after,
                });
            }
        }
    }

    /// Writes bookkeeping; a lost race means another writer knows better, so it is dropped.
    async fn write_quietly(&self, connection: &mut Connection, now: SystemTime) -> bool {
        match self.shared.connections.put(connection, now).await {
            Ok(_) => true,
            Err(e) => {
                tracing::debug!(connection = %self.key_str, error = %e, "connection bookkeeping not written");
                false
            }
        }
    }

    /// Whether plugboard can renew `connection`: it has a refresh token or a built-in grant,
    /// or its connector registered a refresher that needs none (Meta's exchange).
    fn refreshable(&self, connection: &Connection) -> bool {
        connection.kind.is_refreshable()
            || (matches!(connection.kind, ConnectionKind::OAuth2 { .. })
                && self.shared.refreshers.contains_key(&self.key.connector))
    }

    fn refresher_for(&self, connection: &Connection) -> Result<Arc<dyn TokenRefresher>> {
        let shared = &self.shared;
        match &connection.kind {
            ConnectionKind::GithubApp {
                app_id,
                private_key_pem,
                installation_id,
                ..
            } => {
                let mut r = GithubAppRefresher::new(app_id.clone(), private_key_pem)?
                    .api_base(shared.github_api_base.clone())
                    .installation_id(installation_id.clone())
                    .clock(shared.clock.clone());
                if let Some(client) = &shared.http_client {
                    r = r.http_client(client.clone());
                }
                Ok(Arc::new(r))
            }
            ConnectionKind::GoogleServiceAccount {
                client_email,
                private_key_pem,
                token_uri,
                scopes,
                subject,
                ..
            } => {
                let token_uri = Url::parse(token_uri)
                    .map_err(|_| Error::config("service account token_uri is not a URL"))?;
                let mut r = GoogleServiceAccountRefresher::new(
                    intern_connector(&self.key.connector),
                    client_email.clone(),
                    private_key_pem,
                    token_uri,
                    scopes.clone(),
                )?
                .subject(subject.clone())
                .clock(shared.clock.clone());
                if let Some(client) = &shared.http_client {
                    r = r.http_client(client.clone());
                }
                Ok(Arc::new(r))
            }
            _ => shared
                .refreshers
                .get(&self.key.connector)
                .cloned()
                .ok_or_else(|| {
                    Error::config(format!(
                        "no token refresher registered for connector {}",
                        self.key.connector
                    ))
                    .not_sent()
                }),
        }
    }

    fn count(&self, outcome: &'static str) {
        metrics::counter!(
            "plugboard_token_refresh_total",
            "connector" => self.key.connector.clone(),
            "outcome" => outcome
        )
        .increment(1);
    }
}

/// The error for a due token whose renewal is on hold.
fn hold_error(connection: &Connection, now: SystemTime) -> Error {
    let until = connection.next_attempt_after.unwrap_or(now);
    let wait = until.duration_since(now).unwrap_or_default();
    let key = connection.key.storage_key();
    match connection.status {
        ConnectionStatus::NeedsReauth => Error::new(
            ErrorKind::TokenExpired,
            format!(
                "connection {key} needs to be connected again ({})",
                connection
                    .last_error
                    .as_deref()
                    .unwrap_or("renewal refused")
            ),
        )
        .permanent()
        .with_context("connection_status", "needs_reauth")
        .not_sent(),
        ConnectionStatus::Active => Error::new(
            ErrorKind::TokenExpired,
            format!(
                "token renewal of {key} failed recently; next attempt in {}s",
                wait.as_secs()
            ),
        )
        .with_retry(RetryStatus::Transient { after: Some(wait) })
        .not_sent(),
    }
}

/// What a refresher starts from.
fn credentials_of(connection: &Connection) -> Credentials {
    let mut credentials = Credentials::new(connection.key.name.clone());
    credentials.access_token = connection.kind.access_token().cloned();
    credentials.refresh_token = connection.kind.refresh_token().cloned();
    credentials.expires_at = connection.kind.expires_at();
    credentials.params = connection.params.clone();
    match &connection.kind {
        ConnectionKind::GithubApp {
            app_id,
            installation_id,
            ..
        } => {
            credentials
                .params
                .insert("installation_id".into(), installation_id.clone());
            credentials.params.insert("app_id".into(), app_id.clone());
        }
        kind if !kind.scopes().is_empty() => {
            credentials
                .params
                .entry("scopes".into())
                .or_insert_with(|| kind.scopes().join(" "));
        }
        _ => {}
    }
    credentials
}

/// A `ConnectorId` for a connector name read from storage. Ids are few and live as long as
/// the process, so each distinct one is leaked once.
pub(crate) fn intern_connector(connector: &str) -> ConnectorId {
    static IDS: OnceLock<Mutex<HashMap<String, &'static str>>> = OnceLock::new();
    let mut ids = IDS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let id: &'static str = ids
        .entry(connector.to_string())
        .or_insert_with(|| Box::leak(connector.to_string().into_boxed_str()));
    ConnectorId::new(id)
}

#[async_trait]
impl AuthProvider for TokenManager {
    fn credential_key(&self) -> &str {
        &self.key_str
    }

    async fn apply(&self, headers: &mut HeaderMap) -> Result<()> {
        let scheme = self.scheme();
        let value = match self.cached_header(self.now()) {
            Some(value) => value,
            None => scheme.value(&self.access_token().await?)?,
        };
        headers.insert(scheme.header, value);
        Ok(())
    }

    async fn refresh_after_unauthorized(&self) -> Result<bool> {
        let recently = self
            .refreshed_here
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_some_and(|at| at.elapsed() < self.shared.settings.force_grace);
        if recently {
            // Renewed moments ago: the caller's request probably carried the old token.
            return Ok(true);
        }
        match self.force_refresh().await? {
            RefreshOutcome::Refreshed | RefreshOutcome::RefreshedElsewhere => Ok(true),
            RefreshOutcome::Fresh => Ok(true),
            _ => Ok(false),
        }
    }
}
