//! Stored connections in the host: [`HostCredentials`] opens the sealed connection store on
//! the configured [`Store`], with one [`TokenManagers`] per process holding every linked
//! connector's refresher, the header each platform expects, a validator for tokens without
//! expiry (the connector's health call), and the `connection.needs_reauth` hook — which
//! enqueues the event into the inbox (connector `plugboard`), so the workers hand it to the
//! webhook sinks like any event, and sets the `plugboard_connection_needs_reauth` gauge.
//!
//! `call --connection NAME`, `sync` and the upstream probes build connectors for stored
//! connections with the connection's [`TokenManager`] as `ConnectorConfig::auth`.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use http::HeaderMap;
use http::header::AUTHORIZATION;
use plugboard_core::{
    AuthProvider, CallContext, Connector, ConnectorConfig, ConnectorDescriptor, ErrorKind, NoAuth,
    Registry,
};
use plugboard_credentials::{
    ConnectFlow, ConnectionKey, ConnectionStatus, ConnectionStore, ConnectionValidator,
    MetaExchange, ReauthCallback, ReauthEvent, Sealer, Sweep, TokenManager, TokenManagers,
};
use plugboard_ingress::{HealthContribution, HealthContributor, HealthStatus};
use plugboard_store::{NewEntry, Store, StoreUrl};
use serde_json::{Value, json};
use url::Url;

use crate::config::HostConfig;
use crate::connections::has_credentials;
use crate::error::CliError;
use crate::oauth_providers;

/// The connector id events about plugboard itself are enqueued under.
pub const EVENT_CONNECTOR: &str = "plugboard";

/// The gauge of connections that need a user to connect again (1) or not (0).
pub const NEEDS_REAUTH_GAUGE: &str = "plugboard_connection_needs_reauth";

/// How often `serve` renews what expires within [`SWEEP_WITHIN`].
pub const SWEEP_EVERY: Duration = Duration::from_secs(3600);

/// The horizon of the hourly sweep.
pub const SWEEP_WITHIN: Duration = Duration::from_secs(24 * 3600);

/// How often `serve` re-reads connection states for `/health` and `/metrics` (another process
/// may have changed them: `plugboard tokens refresh`, another host).
const STATUS_EVERY: Duration = Duration::from_secs(30);

/// The host's stored connections. Cheap to clone; keep one per process (the in-process
/// single flight of token renewals works through its [`TokenManagers`]).
#[derive(Clone)]
pub struct HostCredentials {
    inner: Arc<Inner>,
}

struct Inner {
    connections: ConnectionStore,
    managers: Arc<TokenManagers>,
    configs: BTreeMap<&'static str, (&'static ConnectorDescriptor, ConnectorConfig)>,
    board: Arc<StatusBoard>,
}

impl std::fmt::Debug for HostCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostCredentials")
            .field("connections", &self.inner.connections)
            .field("managers", &self.inner.managers)
            .finish_non_exhaustive()
    }
}

impl HostCredentials {
    /// Opens the connections in `store`, sealed with the master key (`PLUGBOARD_MASTER_KEY`,
    /// else `server.key_file`, created when missing).
    pub fn open(config: &HostConfig, store: Arc<dyn Store>) -> Result<Self, CliError> {
        let sealer = crate::keys::sealer(config)?;
        Ok(Self::from_parts(config, store, sealer))
    }

    /// Like [`open`](Self::open) with a sealer already loaded.
    pub fn from_parts(config: &HostConfig, store: Arc<dyn Store>, sealer: Arc<Sealer>) -> Self {
        let registry = Registry::global();
        let connections = ConnectionStore::new(store.clone(), sealer);
        let board = Arc::new(StatusBoard::default());
        let late_managers: Arc<OnceLock<Weak<TokenManagers>>> = Arc::default();
        let mut configs = BTreeMap::new();
        let mut builder = TokenManagers::builder(connections.clone()).on_needs_reauth(
            reauth_callback(store, config.ingress.claim_retention, board.clone()),
        );
        for descriptor in registry.iter() {
            let id = descriptor.id().as_str();
            let connector_config = config.connector(descriptor);
            if let Some(refresher) = refresher_of(descriptor, &connector_config) {
                builder = builder.refresher(id, refresher);
            }
            if descriptor.info.capabilities.health_operation.is_some() {
                builder = builder.validator(
                    id,
                    Arc::new(HealthValidator {
                        descriptor,
                        config: connector_config.clone(),
                        managers: late_managers.clone(),
                    }),
                );
            }
            if id == "github"
                && let Some(base) = &connector_config.base_url
            {
                builder = builder.github_api_base(base.clone());
            }
            configs.insert(id, (descriptor, connector_config));
        }
        let managers = Arc::new(builder.build());
        let _ = late_managers.set(Arc::downgrade(&managers));
        Self {
            inner: Arc::new(Inner {
                connections,
                managers,
                configs,
                board,
            }),
        }
    }

    /// The connections of an existing key and store, without creating either: `None` when
    /// there is no master key (variable or file), the store is `memory://`, or the SQLite
    /// file does not exist — there can be no stored connection then.
    pub async fn open_existing(config: &HostConfig) -> Result<Option<Self>, CliError> {
        let key_available = std::env::var(plugboard_credentials::MASTER_KEY_VAR)
            .is_ok_and(|v| !v.trim().is_empty())
            || config.server.key_file.is_file();
        if !key_available {
            return Ok(None);
        }
        match StoreUrl::parse(&config.store.url) {
            Ok(StoreUrl::Memory) => return Ok(None),
            Ok(StoreUrl::Sqlite(path)) if !path.is_file() => return Ok(None),
            Ok(_) => {}
            Err(e) => return Err(CliError::usage(format!("store.url: {e}"))),
        }
        let store = plugboard_store::open(&config.store.url)
            .await
            .map_err(|e| CliError::usage(format!("store.url: {e}")))?;
        Self::open(config, store).map(Some)
    }

    /// The sealed connection store.
    pub fn connections(&self) -> &ConnectionStore {
        &self.inner.connections
    }

    /// A sweep over every stored connection.
    pub fn sweep(&self) -> Sweep {
        Sweep::new(self.inner.managers.clone())
    }

    /// The credential of `key` as its platform expects it, renewed when due.
    pub fn auth(&self, key: &ConnectionKey) -> Arc<dyn AuthProvider> {
        connection_auth(self.inner.managers.manager(key))
    }

    /// The connector `descriptor` built for the stored connection `name`.
    pub fn build(
        &self,
        descriptor: &ConnectorDescriptor,
        name: &str,
    ) -> plugboard_core::Result<Arc<dyn Connector>> {
        let key = ConnectionKey::new(descriptor.id().as_str(), name)
            .map_err(|e| plugboard_core::Error::config(e.to_string()))?;
        let mut config = self
            .inner
            .configs
            .get(descriptor.id().as_str())
            .map(|(_, c)| c.clone())
            .unwrap_or_default();
        config.auth = Some(self.auth(&key));
        (descriptor.build)(config)
    }

    /// The connect flow, with a provider for every connector whose OAuth client id and secret
    /// are configured; callbacks come back to `{redirect_base}/oauth/{connector}/callback`.
    pub fn connect_flow(&self, redirect_base: &Url) -> ConnectFlow {
        let mut flow = ConnectFlow::new(self.inner.connections.clone());
        for (id, (descriptor, config)) in &self.inner.configs {
            let Some(app) = oauth_providers::app(id) else {
                continue;
            };
            match app.provider(descriptor, config, redirect_base) {
                Ok(provider) => flow = flow.provider(id, provider),
                Err(why) => tracing::debug!("{}", why.explain(id)),
            }
        }
        flow
    }

    /// A freshly connected (or reconnected) connection: drop any token kept in memory for
    /// it and show it as active.
    pub fn connected(&self, key: &ConnectionKey) {
        self.inner.managers.manager(key).forget();
        self.inner
            .board
            .mark(key, ConnectionStatus::Active, None, true);
    }

    /// Re-reads every connection's state for `/health` and the `needs_reauth` gauge.
    pub async fn refresh_status(&self) {
        match self.inner.connections.list(None).await {
            Ok(list) => {
                let mut states: BTreeMap<String, BTreeMap<String, ConnectionState>> =
                    BTreeMap::new();
                for c in &list {
                    set_gauge(&c.key, c.status == ConnectionStatus::NeedsReauth);
                    states.entry(c.key.connector.clone()).or_default().insert(
                        c.key.name.clone(),
                        ConnectionState {
                            status: c.status,
                            expires_at: c.kind.expires_at(),
                            last_error: c.last_error.clone(),
                        },
                    );
                }
                *self.inner.board.lock() = states;
            }
            Err(e) => tracing::warn!("cannot read stored connections: {e}"),
        }
    }

    /// The `/health` contribution: each connector's stored connections, `degraded` while one
    /// needs to be connected again.
    pub fn health_contributor(&self) -> Arc<dyn HealthContributor> {
        Arc::new(ConnectionHealth {
            board: self.inner.board.clone(),
        })
    }

    /// Starts the hourly sweep and the periodic state refresh (`serve`).
    pub fn start_background(&self) -> Background {
        let sweep = self.sweep().spawn(SWEEP_EVERY, SWEEP_WITHIN);
        let this = self.clone();
        let status = tokio::spawn(async move {
            let mut tick = tokio::time::interval(STATUS_EVERY);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                this.refresh_status().await;
            }
        });
        Background {
            tasks: vec![sweep, status],
        }
    }

    /// Makes the stored connections `keys` part of [`crate::connections::configured`] in this
    /// process (`serve`'s probes, `sync`). The first call wins.
    pub fn install(&self, keys: Vec<ConnectionKey>) {
        let _ = INSTALLED.set(Installed {
            credentials: self.clone(),
            keys,
        });
    }

    /// The auth of the stored connection `call` uses, if any: `--connection NAME` (or, when
    /// the configuration has no credential of its own, `default`) names a stored connection.
    /// Without one the configured token stays the `default` connection.
    pub async fn for_call(
        config: &HostConfig,
        descriptor: &ConnectorDescriptor,
        connection: Option<&str>,
    ) -> Result<Option<Arc<dyn AuthProvider>>, CliError> {
        if connection.is_none() && has_credentials(&config.connector(descriptor)) {
            return Ok(None);
        }
        let name = connection.unwrap_or("default");
        let Some(credentials) = Self::open_existing(config).await? else {
            return Ok(None);
        };
        let key = ConnectionKey::new(descriptor.id().as_str(), name)
            .map_err(|e| CliError::usage(format!("--connection: {e}")))?;
        match credentials.connections().get(&key).await {
            Ok(Some(_)) => Ok(Some(credentials.auth(&key))),
            Ok(None) => {
                if connection.is_some() {
                    tracing::warn!(
                        "no stored connection {key}; using the configured credentials, if any"
                    );
                }
                Ok(None)
            }
            Err(e) => Err(CliError::failed(format!("stored connection {key}: {e}"))),
        }
    }
}

/// The background tasks of [`HostCredentials::start_background`].
pub struct Background {
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Background {
    /// Stops them.
    pub fn stop(self) {
        for task in self.tasks {
            task.abort();
        }
    }
}

/// The stored connections installed in this process.
pub struct Installed {
    /// Their credentials.
    pub credentials: HostCredentials,
    keys: Vec<ConnectionKey>,
}

impl Installed {
    /// The names of `connector`'s stored connections.
    pub fn names(&self, connector: &str) -> Vec<String> {
        self.keys
            .iter()
            .filter(|k| k.connector == connector)
            .map(|k| k.name.clone())
            .collect()
    }
}

static INSTALLED: OnceLock<Installed> = OnceLock::new();

/// The stored connections installed by [`HostCredentials::install`], if any.
pub fn installed() -> Option<&'static Installed> {
    INSTALLED.get()
}

/// Installs the stored connections of the configured store, if there are any (`sync`).
/// Problems are logged: the configured tokens still work without them.
pub async fn preload(config_path: Option<&Path>) {
    let Ok(config) = HostConfig::load(config_path, Registry::global()) else {
        return; // the command reports configuration errors itself
    };
    match HostCredentials::open_existing(&config).await {
        Ok(Some(credentials)) => match credentials.connections().list(None).await {
            Ok(list) => credentials.install(list.into_iter().map(|c| c.key).collect()),
            Err(e) => tracing::warn!("stored connections left out: {e}"),
        },
        Ok(None) => {}
        Err(e) => tracing::warn!("stored connections left out: {e}"),
    }
}

/// A connector's refresher: its own (`Connector::token_refresher`, built as for a stored
/// connection so no token is required), else Meta's long-lived token exchange when the app id
/// and secret are configured.
fn refresher_of(
    descriptor: &ConnectorDescriptor,
    config: &ConnectorConfig,
) -> Option<Arc<dyn plugboard_core::TokenRefresher>> {
    let mut as_stored = config.clone();
    as_stored.auth = Some(Arc::new(NoAuth));
    match (descriptor.build)(as_stored) {
        Ok(connector) => {
            if let Some(refresher) = connector.token_refresher() {
                return Some(refresher);
            }
        }
        Err(e) => tracing::debug!(connector = %descriptor.id(), "no refresher: {e}"),
    }
    if descriptor.id().as_str() != "meta" {
        return None;
    }
    let app_id = config
        .setting(plugboard_meta::APP_ID_KEY.name)
        .filter(|v| !v.trim().is_empty())?;
    let secret = config.secret(plugboard_meta::APP_SECRET_KEY.name)?;
    let mut graph = Url::parse(plugboard_meta::API_ORIGIN).ok()?;
    if let Some(base) = &config.base_url {
        oauth_providers::replace_origin(&mut graph, base).ok()?;
    }
    graph.set_path(&format!("/{}", oauth_providers::meta_version(config)));
    Some(Arc::new(MetaExchange::new(graph, app_id, secret.clone())))
}

/// How a connection's token goes on a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AuthStyle {
    /// The manager's scheme (`Authorization: Bearer`).
    Bearer,
    /// ClickUp: a personal `pk_` token as is, an OAuth token as `Bearer`.
    Clickup,
    /// Meta: a request that names its own token (a Page token, the app token) keeps it.
    KeepRequestToken,
}

impl AuthStyle {
    fn of(connector: &str) -> Self {
        match connector {
            "clickup" => Self::Clickup,
            "meta" => Self::KeepRequestToken,
            _ => Self::Bearer,
        }
    }
}

/// A connection's [`TokenManager`] with its platform's header.
struct ConnectionAuth {
    manager: Arc<TokenManager>,
    style: AuthStyle,
}

fn connection_auth(manager: Arc<TokenManager>) -> Arc<dyn AuthProvider> {
    let style = AuthStyle::of(&manager.key().connector);
    Arc::new(ConnectionAuth { manager, style })
}

#[async_trait]
impl AuthProvider for ConnectionAuth {
    fn credential_key(&self) -> &str {
        self.manager.credential_key()
    }

    async fn apply(&self, headers: &mut HeaderMap) -> plugboard_core::Result<()> {
        match self.style {
            AuthStyle::Bearer => self.manager.apply(headers).await,
            AuthStyle::KeepRequestToken if headers.contains_key(AUTHORIZATION) => Ok(()),
            AuthStyle::KeepRequestToken => self.manager.apply(headers).await,
            AuthStyle::Clickup => {
                let token = self.manager.access_token().await?;
                plugboard_clickup::token_auth(&token, self.manager.credential_key())?
                    .apply(headers)
                    .await
            }
        }
    }

    async fn refresh_after_unauthorized(&self) -> plugboard_core::Result<bool> {
        self.manager.refresh_after_unauthorized().await
    }
}

/// Validates a connection without expiry with its connector's health call. Only a rejected
/// credential fails it; a network or platform outage says nothing about the credential and is
/// logged instead of counted against it.
struct HealthValidator {
    descriptor: &'static ConnectorDescriptor,
    config: ConnectorConfig,
    managers: Arc<OnceLock<Weak<TokenManagers>>>,
}

#[async_trait]
impl ConnectionValidator for HealthValidator {
    async fn validate(&self, connection: &ConnectionKey) -> plugboard_core::Result<()> {
        let managers = self
            .managers
            .get()
            .and_then(Weak::upgrade)
            .ok_or_else(|| plugboard_core::Error::internal("token managers are gone"))?;
        let mut config = self.config.clone();
        config.auth = Some(connection_auth(managers.manager(connection)));
        let connector = (self.descriptor.build)(config)?;
        let ctx = CallContext {
            connection: Some(connection.name.clone()),
        };
        match connector.health(&ctx).await {
            Ok(_) => Ok(()),
            Err(e)
                if matches!(
                    e.kind(),
                    ErrorKind::Unauthorized | ErrorKind::Forbidden | ErrorKind::TokenExpired
                ) =>
            {
                Err(e)
            }
            Err(e) => {
                tracing::warn!(%connection, error = %e, "connection validation inconclusive");
                Ok(())
            }
        }
    }
}

/// Called when a connection turns `needs_reauth`: sets the gauge, updates `/health`, and
/// enqueues `connection.needs_reauth` durably before the renewal that decided it returns (on
/// a multi-threaded runtime; otherwise in a task).
fn reauth_callback(
    store: Arc<dyn Store>,
    claim_ttl: Duration,
    board: Arc<StatusBoard>,
) -> ReauthCallback {
    Arc::new(move |event: ReauthEvent| {
        set_gauge(&event.connection, true);
        board.mark(
            &event.connection,
            ConnectionStatus::NeedsReauth,
            Some(event.reason.clone()),
            false,
        );
        let entry = reauth_entry(&event);
        let store = store.clone();
        let key = event.connection.clone();
        let enqueue = async move {
            match store.enqueue(entry, claim_ttl, SystemTime::now()).await {
                Ok(_) => {
                    tracing::warn!(connection = %key, "connection needs to be connected again; connection.needs_reauth queued for the sinks")
                }
                Err(e) => {
                    tracing::error!(connection = %key, error = %e, "could not queue connection.needs_reauth")
                }
            }
        };
        match tokio::runtime::Handle::try_current() {
            Ok(handle) if handle.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
                tokio::task::block_in_place(|| handle.block_on(enqueue));
            }
            Ok(handle) => {
                handle.spawn(enqueue);
            }
            Err(_) => tracing::error!(
                connection = %event.connection,
                "no runtime to queue connection.needs_reauth"
            ),
        }
    })
}

/// The inbox entry of a `connection.needs_reauth` event.
pub fn reauth_entry(event: &ReauthEvent) -> NewEntry {
    let at = plugboard_store::unix_millis(event.at);
    let key = &event.connection;
    NewEntry {
        connector: EVENT_CONNECTOR.to_string(),
        connection: None,
        event_id: format!("needs_reauth:{}:{at}", key.storage_key()),
        event_type: ReauthEvent::EVENT_TYPE.to_string(),
        received_at_ms: at,
        attributes: BTreeMap::from([
            ("connector".to_string(), key.connector.clone()),
            ("connection".to_string(), key.name.clone()),
        ]),
        body: serde_json::to_vec(&event.to_json())
            .unwrap_or_default()
            .into(),
    }
}

fn set_gauge(key: &ConnectionKey, needs_reauth: bool) {
    metrics::gauge!(
        NEEDS_REAUTH_GAUGE,
        "connector" => key.connector.clone(),
        "connection" => key.name.clone()
    )
    .set(if needs_reauth { 1.0 } else { 0.0 });
}

/// One connection's state as `/health` shows it.
#[derive(Debug, Clone)]
struct ConnectionState {
    status: ConnectionStatus,
    expires_at: Option<SystemTime>,
    last_error: Option<String>,
}

/// The connection states last read, by connector and name.
#[derive(Default)]
struct StatusBoard {
    states: Mutex<BTreeMap<String, BTreeMap<String, ConnectionState>>>,
}

impl StatusBoard {
    fn lock(
        &self,
    ) -> std::sync::MutexGuard<'_, BTreeMap<String, BTreeMap<String, ConnectionState>>> {
        self.states.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn mark(
        &self,
        key: &ConnectionKey,
        status: ConnectionStatus,
        error: Option<String>,
        reset_expiry: bool,
    ) {
        set_gauge(key, status == ConnectionStatus::NeedsReauth);
        let mut states = self.lock();
        let state = states
            .entry(key.connector.clone())
            .or_default()
            .entry(key.name.clone())
            .or_insert(ConnectionState {
                status,
                expires_at: None,
                last_error: None,
            });
        state.status = status;
        state.last_error = error;
        if reset_expiry {
            state.expires_at = None;
        }
    }
}

struct ConnectionHealth {
    board: Arc<StatusBoard>,
}

#[async_trait]
impl HealthContributor for ConnectionHealth {
    fn connectors(&self) -> Vec<String> {
        self.board.lock().keys().cloned().collect()
    }

    async fn contribute(&self, connector: &str) -> HealthContribution {
        let states = self
            .board
            .lock()
            .get(connector)
            .cloned()
            .unwrap_or_default();
        if states.is_empty() {
            return HealthContribution::ok();
        }
        let secs = |t: SystemTime| plugboard_store::unix_millis(t) / 1000;
        let mut reauth = Vec::new();
        let mut list = serde_json::Map::new();
        for (name, state) in &states {
            if state.status == ConnectionStatus::NeedsReauth {
                reauth.push(Value::String(name.clone()));
            }
            list.insert(
                name.clone(),
                json!({
                    "status": state.status.as_str(),
                    "expires_at": state.expires_at.map(secs),
                    "last_error": state.last_error,
                }),
            );
        }
        let status = if reauth.is_empty() {
            HealthStatus::Ok
        } else {
            HealthStatus::Degraded
        };
        HealthContribution::ok()
            .with("connections", Value::Object(list))
            .with("needs_reauth", Value::Array(reauth))
            .status(status)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plugboard_credentials::MasterKey;
    use plugboard_store::MemoryStore;

    fn credentials(config_text: &str) -> HostCredentials {
        let config = HostConfig::parse(config_text, Registry::global(), |_| None).unwrap();
        let sealer = Arc::new(Sealer::new(MasterKey::generate().unwrap()));
        HostCredentials::from_parts(&config, Arc::new(MemoryStore::new()), sealer)
    }

    #[test]
    fn reauth_events_are_inbox_entries_of_plugboard() {
        let event = ReauthEvent {
            connection: ConnectionKey::new("slack", "acme").unwrap(),
            reason: "invalid_refresh_token".into(),
            consecutive_failures: 1,
            at: SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000),
            next_attempt_after: None,
        };
        let entry = reauth_entry(&event);
        assert_eq!(entry.connector, "plugboard");
        assert_eq!(entry.event_type, "connection.needs_reauth");
        assert_eq!(entry.event_id, "needs_reauth:slack/acme:1700000000000");
        let body: Value = serde_json::from_slice(&entry.body).unwrap();
        assert_eq!(body["connector"], "slack");
        assert_eq!(body["connection"], "acme");
        assert_eq!(body["reason"], "invalid_refresh_token");
    }

    #[test]
    fn the_flow_has_a_provider_only_where_a_client_is_configured() {
        let c = credentials(
            "[connectors.slack]\nclient_id = \"c1\"\nclient_secret = \"s1\"\n\
             [connectors.tiktok]\nclient_key = \"k\"\n",
        );
        let flow = c.connect_flow(&Url::parse("http://127.0.0.1:8080").unwrap());
        assert_eq!(flow.connectors(), vec!["slack"]);
    }

    #[test]
    fn styles_follow_the_platforms() {
        assert_eq!(AuthStyle::of("clickup"), AuthStyle::Clickup);
        assert_eq!(AuthStyle::of("meta"), AuthStyle::KeepRequestToken);
        assert_eq!(AuthStyle::of("slack"), AuthStyle::Bearer);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn health_turns_degraded_while_a_connection_needs_reauth() {
        let c = credentials("");
        let key = ConnectionKey::new("slack", "acme").unwrap();
        let health = c.health_contributor();
        assert!(health.connectors().is_empty());
        c.inner.board.mark(
            &key,
            ConnectionStatus::NeedsReauth,
            Some("dead".into()),
            false,
        );
        assert_eq!(health.connectors(), vec!["slack"]);
        let h = health.contribute("slack").await;
        assert_eq!(h.status, HealthStatus::Degraded);
        assert_eq!(h.fields["needs_reauth"], json!(["acme"]));
        c.connected(&key);
        assert_eq!(health.contribute("slack").await.status, HealthStatus::Ok);
    }
}
