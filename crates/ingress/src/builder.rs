//! [`IngressBuilder`]: assembles an [`Ingress`] and refuses, with a typed error naming the
//! key, any webhook URL that would have no secret.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use metrics_exporter_prometheus::PrometheusHandle;
use plugboard_core::{
    Clock, ConnectorId, SystemClock, WebhookEvent, WebhookSecrets, WebhookVerifier,
};
use plugboard_store::Store;
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::Notify;

use crate::config::IngressConfig;
use crate::endpoint::{Connection, Endpoint, MIN_URL_TOKEN_LEN, is_valid_connection_name, limiter};
use crate::error::BuildError;
use crate::health::HealthContributor;
use crate::ingress::{Ingress, Shared, SinkSlot};
use crate::metrics::{EndpointMetrics, Metrics};
use crate::sink::{Delivery, HandlerSink, Sink, SinkError};

struct EndpointSpec {
    id: ConnectorId,
    verifier: &'static dyn WebhookVerifier,
    secrets: Option<WebhookSecrets>,
}

struct ConnectionSpec {
    connector: ConnectorId,
    name: String,
    url_token: SecretString,
    secrets: Option<WebhookSecrets>,
}

/// Builds an [`Ingress`]; start with [`Ingress::builder`].
#[must_use]
pub struct IngressBuilder {
    store: Option<Arc<dyn Store>>,
    endpoints: Vec<EndpointSpec>,
    connections: Vec<ConnectionSpec>,
    sinks: Vec<Box<dyn Sink>>,
    config: IngressConfig,
    owner: Option<String>,
    clock: Arc<dyn Clock>,
    prometheus: Option<PrometheusHandle>,
    health: Vec<Arc<dyn HealthContributor>>,
}

impl Default for IngressBuilder {
    fn default() -> Self {
        Self {
            store: None,
            endpoints: Vec::new(),
            connections: Vec::new(),
            sinks: Vec::new(),
            config: IngressConfig::default(),
            owner: None,
            clock: Arc::new(SystemClock),
            prometheus: None,
            health: Vec::new(),
        }
    }
}

impl IngressBuilder {
    /// The store holding claims and the inbox (required).
    pub fn store(mut self, store: Arc<dyn Store>) -> Self {
        self.store = Some(store);
        self
    }

    /// Opens `/webhooks/{connector}` for an enabled connector that receives webhooks.
    /// `secrets: None` is refused by [`build`](Self::build) (naming
    /// `PLUGBOARD_<CONNECTOR>_WEBHOOK_SECRET`) unless every connection of the connector has
    /// its own secrets; then only the per-connection URLs answer.
    pub fn endpoint(
        mut self,
        connector: ConnectorId,
        verifier: &'static dyn WebhookVerifier,
        secrets: Option<WebhookSecrets>,
    ) -> Self {
        self.endpoints.push(EndpointSpec {
            id: connector,
            verifier,
            secrets,
        });
        self
    }

    /// Opens `/webhooks/{connector}/{name}?token=<url_token>` for one connection (the
    /// connector needs an [`endpoint`](Self::endpoint)). A wrong or missing token answers
    /// `404`, as an unknown connection does. `secrets: None` uses the connector's secrets.
    pub fn connection(
        mut self,
        connector: ConnectorId,
        name: impl Into<String>,
        url_token: SecretString,
        secrets: Option<WebhookSecrets>,
    ) -> Self {
        self.connections.push(ConnectionSpec {
            connector,
            name: name.into(),
            url_token,
            secrets,
        });
        self
    }

    /// Adds a sink: every entry is delivered to every sink.
    pub fn sink(mut self, sink: Box<dyn Sink>) -> Self {
        self.sinks.push(sink);
        self
    }

    /// Adds an in-process typed handler for `E::CONNECTOR`'s events (a [`HandlerSink`]).
    /// An event that does not parse into `E` is dead-lettered; the handler's error decides
    /// between a retry ([`SinkError::Transient`]) and the DLQ ([`SinkError::Permanent`]).
    pub fn on<E, F, Fut>(self, handler: F) -> Self
    where
        E: WebhookEvent,
        F: Fn(E, Delivery) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), SinkError>> + Send + 'static,
    {
        self.sink(Box::new(HandlerSink::<E>::new(handler)))
    }

    /// The settings (defaults otherwise). Its `sinks` are built and added to those given
    /// with [`sink`](Self::sink).
    pub fn config(mut self, config: IngressConfig) -> Self {
        self.config = config;
        self
    }

    /// This instance's id, the owner of its leases. Keep it stable across restarts of the
    /// same host (e.g. the host name): at start-up the ingress takes back the leases its
    /// previous run held. Default: `ingress-<pid>-<random>`.
    pub fn owner(mut self, owner: impl Into<String>) -> Self {
        self.owner = Some(owner.into());
        self
    }

    /// The clock for verification windows and store times (tests).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Records metrics into the process's global recorder, installed by the host, and
    /// renders `/metrics` with this handle (build the recorder from
    /// [`prometheus_builder`](crate::metrics::prometheus_builder) for the histogram
    /// buckets). Without it the ingress keeps a recorder of its own.
    pub fn prometheus(mut self, handle: PrometheusHandle) -> Self {
        self.prometheus = Some(handle);
        self
    }

    /// Adds a source of per-connector health extras.
    pub fn health_contributor(mut self, contributor: Arc<dyn HealthContributor>) -> Self {
        self.health.push(contributor);
        self
    }

    /// Checks everything and builds the ingress (nothing runs until
    /// [`Ingress::start`] or [`Ingress::serve`]).
    pub fn build(self) -> Result<Ingress, BuildError> {
        let store = self.store.ok_or(BuildError::MissingStore)?;
        self.config.validate()?;

        let metrics = match self.prometheus {
            Some(handle) => Metrics::global(handle),
            None => Metrics::local(),
        };

        let mut endpoints: BTreeMap<String, Endpoint> = BTreeMap::new();
        for spec in self.endpoints {
            let id = spec.id.as_str().to_string();
            if endpoints.contains_key(&id) {
                return Err(BuildError::DuplicateEndpoint { connector: id });
            }
            endpoints.insert(
                id.clone(),
                Endpoint {
                    id: spec.id,
                    verifier: spec.verifier,
                    secrets: spec.secrets,
                    connections: BTreeMap::new(),
                    limiter: limiter(self.config.inbound_limit(&id)),
                    metrics: EndpointMetrics::new(&metrics, &id),
                },
            );
        }
        for spec in self.connections {
            let connector = spec.connector.as_str().to_string();
            let Some(endpoint) = endpoints.get_mut(&connector) else {
                return Err(BuildError::UnknownConnector {
                    connector,
                    connection: spec.name,
                });
            };
            if !is_valid_connection_name(&spec.name) {
                return Err(BuildError::InvalidConnectionName {
                    connector,
                    name: spec.name,
                });
            }
            let token = spec.url_token.expose_secret();
            if token.len() < MIN_URL_TOKEN_LEN
                || !token
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            {
                return Err(BuildError::WeakUrlToken {
                    connector,
                    connection: spec.name,
                    min: MIN_URL_TOKEN_LEN,
                });
            }
            if endpoint.connections.contains_key(&spec.name) {
                return Err(BuildError::DuplicateConnection {
                    connector,
                    connection: spec.name,
                });
            }
            endpoint
                .connections
                .insert(spec.name, Connection::new(&spec.url_token, spec.secrets));
        }
        for (id, endpoint) in &endpoints {
            if endpoint.secrets.is_some() {
                continue;
            }
            let key = format!("PLUGBOARD_{}_WEBHOOK_SECRET", endpoint.id.env_prefix());
            // Without connector-wide secrets, only connections with their own can answer.
            let open = endpoint
                .connections
                .iter()
                .find(|(_, c)| c.secrets.is_none());
            if endpoint.connections.is_empty() || open.is_some() {
                return Err(BuildError::MissingSecret {
                    connector: id.clone(),
                    connection: open.map(|(name, _)| name.clone()),
                    key,
                });
            }
        }

        let mut sinks: Vec<SinkSlot> = Vec::new();
        for (i, config) in self.config.sinks.iter().enumerate() {
            sinks.push(SinkSlot::new(Arc::from(config.build(i)?), &metrics));
        }
        for sink in self.sinks {
            sinks.push(SinkSlot::new(Arc::from(sink), &metrics));
        }

        let owner = self
            .owner
            .unwrap_or_else(|| format!("ingress-{}-{:08x}", std::process::id(), fastrand::u32(..)));
        Ok(Ingress::from_shared(Arc::new(Shared {
            store,
            config: self.config,
            owner,
            clock: self.clock,
            endpoints,
            sinks,
            metrics,
            health: self.health,
            wake: Notify::new(),
            started: AtomicBool::new(false),
        })))
    }
}
