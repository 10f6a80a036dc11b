//! [`Ingress`]: the router, the delivery workers and their lifecycle ([`Ingress::start`],
//! [`Workers::shutdown`], [`Ingress::serve`]).

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::Router;
use metrics::Counter;
use plugboard_core::Clock;
use plugboard_store::Store;
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;

use crate::builder::IngressBuilder;
use crate::config::IngressConfig;
use crate::endpoint::Endpoint;
use crate::error::IngressError;
use crate::health::{self, HealthContributor, HealthReport};
use crate::metrics::{DELIVERIES, Metrics};
use crate::sink::Sink;

/// A sink with its outcome counters.
pub(crate) struct SinkSlot {
    pub(crate) sink: Arc<dyn Sink>,
    pub(crate) ok: Counter,
    pub(crate) transient: Counter,
    pub(crate) permanent: Counter,
}

impl SinkSlot {
    pub(crate) fn new(sink: Arc<dyn Sink>, metrics: &Metrics) -> Self {
        let name = sink.name().to_string();
        let c = |outcome| metrics.counter(DELIVERIES, &[("sink", &name), ("outcome", outcome)]);
        Self {
            ok: c("ok"),
            transient: c("transient"),
            permanent: c("permanent"),
            sink,
        }
    }
}

/// Everything the router and the workers share.
pub(crate) struct Shared {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) config: IngressConfig,
    pub(crate) owner: String,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) endpoints: BTreeMap<String, Endpoint>,
    pub(crate) sinks: Vec<SinkSlot>,
    pub(crate) metrics: Metrics,
    pub(crate) health: Vec<Arc<dyn HealthContributor>>,
    /// Wakes an idle worker (an entry was appended, a retry fell due, a batch was full).
    pub(crate) wake: Notify,
    pub(crate) started: AtomicBool,
}

/// The webhook ingress: an axum router that verifies, de-duplicates and durably enqueues
/// deliveries, and workers that deliver the inbox to sinks. Cheap to clone.
#[derive(Clone)]
pub struct Ingress {
    shared: Arc<Shared>,
}

impl fmt::Debug for Ingress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ingress")
            .field("owner", &self.shared.owner)
            .field("store", &self.shared.store.backend())
            .field("endpoints", &self.shared.endpoints)
            .field(
                "sinks",
                &self
                    .shared
                    .sinks
                    .iter()
                    .map(|s| s.sink.name())
                    .collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

impl Ingress {
    /// A builder.
    pub fn builder() -> IngressBuilder {
        IngressBuilder::default()
    }

    pub(crate) fn from_shared(shared: Arc<Shared>) -> Self {
        Self { shared }
    }

    /// The routes: `POST`/`GET /webhooks/{connector}`, `/webhooks/{connector}/{connection}`,
    /// `GET /health`, `GET /metrics`. Merge it into an application's router or serve it
    /// with [`serve`](Self::serve).
    pub fn router(&self) -> Router {
        crate::routes::router(self.shared.clone())
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.shared.store
    }

    /// The settings.
    pub fn config(&self) -> &IngressConfig {
        &self.shared.config
    }

    /// The owner id of this instance's leases.
    pub fn owner(&self) -> &str {
        &self.shared.owner
    }

    /// The health report `/health` serves.
    pub async fn health(&self) -> HealthReport {
        health::report(&self.shared).await
    }

    /// The Prometheus text `/metrics` serves.
    pub async fn render_metrics(&self) -> String {
        health::refresh_gauges(&self.shared).await;
        self.shared.metrics.render()
    }

    /// Wakes the workers, e.g. after replaying dead entries in this process.
    pub fn wake_workers(&self) {
        self.shared.wake.notify_one();
    }

    /// Starts the background work: first takes back the leases this owner held before a
    /// crash (`release_owner`), then spawns `workers` delivery tasks (none when there is no
    /// sink: entries wait in the inbox) and the housekeeping task (purge every
    /// `purge_every`, metrics upkeep). Stop them with [`Workers::shutdown`].
    pub async fn start(&self) -> Result<Workers, IngressError> {
        if self.shared.started.swap(true, Ordering::SeqCst) {
            return Err(IngressError::AlreadyStarted);
        }
        let recovered = match self
            .shared
            .store
            .release_owner(&self.shared.owner, self.shared.clock.now())
            .await
        {
            Ok(n) => n,
            Err(e) => {
                self.shared.started.store(false, Ordering::SeqCst);
                return Err(e.into());
            }
        };
        if recovered > 0 {
            tracing::info!(
                owner = %self.shared.owner,
                recovered,
                "took back entries leased before a restart"
            );
        }
        let (stop, stopped) = watch::channel(false);
        let mut tasks = Vec::new();
        let workers = if self.shared.sinks.is_empty() {
            if self.shared.config.workers > 0 {
                tracing::warn!("no sink is configured: entries wait in the inbox");
            }
            0
        } else {
            self.shared.config.workers
        };
        for index in 0..workers {
            tasks.push(tokio::spawn(crate::worker::run(
                self.shared.clone(),
                index,
                stopped.clone(),
            )));
        }
        tasks.push(tokio::spawn(crate::worker::housekeeping(
            self.shared.clone(),
            stopped,
        )));
        tracing::info!(owner = %self.shared.owner, workers, sinks = self.shared.sinks.len(), "ingress started");
        Ok(Workers {
            stop,
            tasks,
            shared: self.shared.clone(),
        })
    }

    /// Serves the router on `listener` with the workers running until `shutdown` resolves;
    /// then stops accepting, lets requests in flight finish, stops the workers after their
    /// current delivery (releasing leases not started) and flushes the store.
    pub async fn serve<F>(
        &self,
        listener: tokio::net::TcpListener,
        shutdown: F,
    ) -> Result<(), IngressError>
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let workers = self.start().await?;
        let served = axum::serve(listener, self.router())
            .with_graceful_shutdown(shutdown)
            .await;
        tracing::info!("server stopped; stopping workers");
        let stopped = workers.shutdown().await;
        served?;
        stopped
    }
}

/// The running background tasks of an [`Ingress`]. Dropping it without
/// [`shutdown`](Self::shutdown) still tells the tasks to stop, but does not wait for them.
pub struct Workers {
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
    shared: Arc<Shared>,
}

impl fmt::Debug for Workers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Workers")
            .field("tasks", &self.tasks.len())
            .finish_non_exhaustive()
    }
}

impl Workers {
    /// Stops the workers after their current delivery (leases not started are released),
    /// waits for them, and flushes the store.
    pub async fn shutdown(mut self) -> Result<(), IngressError> {
        let _ = self.stop.send(true);
        for task in std::mem::take(&mut self.tasks) {
            if let Err(e) = task.await
                && e.is_panic()
            {
                tracing::error!("an ingress task panicked: {e}");
            }
        }
        self.shared.store.flush().await?;
        self.shared.started.store(false, Ordering::SeqCst);
        tracing::info!("ingress workers stopped; store flushed");
        Ok(())
    }
}

impl Drop for Workers {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}
