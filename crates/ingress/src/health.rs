//! `GET /health`: per-connector figures from the store, extras from the host's
//! [`HealthContributor`]s, and one overall status.
//!
//! Rules (the worst one wins):
//! - `critical` (answered with `503`): the store cannot be read, or a contributor reports
//!   `critical` for a connector;
//! - `degraded`: a connector has entries in the dead-letter queue, its oldest pending entry
//!   is older than `pending_degraded_after` (5 min by default), a contributor reports
//!   `degraded`, or a contributor did not answer within `health_timeout`;
//! - `ok` otherwise.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use async_trait::async_trait;
use plugboard_store::unix_millis;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::ingress::Shared;
use crate::metrics::{DLQ_SIZE, INBOX_DEPTH, OLDEST_PENDING};

/// A health status; ordered from best to worst.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HealthStatus {
    /// Working.
    #[default]
    Ok,
    /// Working, but something needs attention.
    Degraded,
    /// Not working.
    Critical,
}

/// What a [`HealthContributor`] adds to one connector's entry.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HealthContribution {
    /// Its verdict for the connector.
    pub status: HealthStatus,
    /// Extra fields merged into the connector's JSON object (e.g. `breaker`, `upstream`,
    /// `needs_reauth`). Fields the ingress reports itself are not overwritten.
    pub fields: Map<String, Value>,
}

impl HealthContribution {
    /// An `ok` contribution without fields.
    pub fn ok() -> Self {
        Self::default()
    }

    /// Adds a field.
    pub fn with(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.fields.insert(key.into(), value.into());
        self
    }

    /// Sets the status.
    pub fn status(mut self, status: HealthStatus) -> Self {
        self.status = status;
        self
    }
}

/// Per-connector health supplied by the host: circuit breaker state, the last upstream
/// probe, connections needing re-authorisation... Called on every `/health` request, each
/// call bounded by `health_timeout`, so keep it cheap (report cached probe results).
#[async_trait]
pub trait HealthContributor: Send + Sync + 'static {
    /// Connectors to report on besides those with a webhook endpoint or inbox entries
    /// (e.g. API-only connectors with a circuit breaker).
    fn connectors(&self) -> Vec<String> {
        Vec::new()
    }

    /// This contributor's view of `connector`.
    async fn contribute(&self, connector: &str) -> HealthContribution;
}

/// The store's part of the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoreHealth {
    /// `memory`, `sqlite` or `redis`.
    pub backend: String,
    /// Whether it answered.
    pub reachable: bool,
    /// Why not, when it did not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// One connector's part of the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectorHealth {
    /// Its verdict.
    pub status: HealthStatus,
    /// Whether every webhook URL of it has a secret (`false`: it has no endpoint here).
    pub webhook_secret_configured: bool,
    /// Entries ready or leased (`null` when the store is unreachable).
    pub inbox_depth: Option<u64>,
    /// Entries in the dead-letter queue.
    pub dlq: Option<u64>,
    /// Age of the oldest ready or leased entry, in seconds.
    pub oldest_pending_age_secs: Option<u64>,
    /// Fields from health contributors.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The `/health` document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HealthReport {
    /// The overall verdict: the worst of the store's and every connector's.
    pub status: HealthStatus,
    /// The store.
    pub store: StoreHealth,
    /// Each connector, by id.
    pub connectors: BTreeMap<String, ConnectorHealth>,
}

const OWN_FIELDS: &[&str] = &[
    "status",
    "webhook_secret_configured",
    "inbox_depth",
    "dlq",
    "oldest_pending_age_secs",
];

/// Builds the report (and refreshes the queue gauges on the way).
pub(crate) async fn report(shared: &Shared) -> HealthReport {
    let now = shared.clock.now();
    let stats = shared.store.stats(now).await;
    let mut status = HealthStatus::Ok;
    let store = match &stats {
        Ok(_) => StoreHealth {
            backend: shared.store.backend().to_string(),
            reachable: true,
            error: None,
        },
        Err(e) => {
            status = HealthStatus::Critical;
            tracing::error!("health: the store is unreachable: {e}");
            StoreHealth {
                backend: shared.store.backend().to_string(),
                reachable: false,
                error: Some(e.to_string()),
            }
        }
    };

    let mut ids: BTreeSet<String> = shared.endpoints.keys().cloned().collect();
    if let Ok(stats) = &stats {
        ids.extend(stats.connectors.keys().cloned());
    }
    for c in &shared.health {
        ids.extend(c.connectors());
    }

    let now_ms = unix_millis(now);
    let mut connectors = BTreeMap::new();
    let contributions = futures::future::join_all(ids.iter().map(|id| async move {
        let mut merged = HealthContribution::default();
        for contributor in &shared.health {
            match tokio::time::timeout(shared.config.health_timeout, contributor.contribute(id))
                .await
            {
                Ok(c) => {
                    merged.status = merged.status.max(c.status);
                    for (k, v) in c.fields {
                        if !OWN_FIELDS.contains(&k.as_str()) {
                            merged.fields.insert(k, v);
                        }
                    }
                }
                Err(_) => {
                    merged.status = merged.status.max(HealthStatus::Degraded);
                    merged
                        .fields
                        .insert("health_check_timed_out".into(), Value::Bool(true));
                }
            }
        }
        merged
    }))
    .await;

    for (id, contribution) in ids.into_iter().zip(contributions) {
        let figures = stats.as_ref().ok().map(|s| s.connector(&id));
        let mut verdict = contribution.status;
        let (depth, dlq, age) = match &figures {
            Some(f) => {
                let age = f
                    .oldest_pending_ms
                    .map(|t| (now_ms.saturating_sub(t).max(0) / 1000) as u64);
                if f.dead > 0 {
                    verdict = verdict.max(HealthStatus::Degraded);
                }
                if age
                    .is_some_and(|a| Duration::from_secs(a) > shared.config.pending_degraded_after)
                {
                    verdict = verdict.max(HealthStatus::Degraded);
                }
                let depth = f.ready + f.leased;
                let label = [("connector", id.as_str())];
                shared.metrics.gauge(INBOX_DEPTH, &label).set(depth as f64);
                shared.metrics.gauge(DLQ_SIZE, &label).set(f.dead as f64);
                shared
                    .metrics
                    .gauge(OLDEST_PENDING, &label)
                    .set(age.unwrap_or(0) as f64);
                (Some(depth), Some(f.dead), age)
            }
            None => (None, None, None),
        };
        status = status.max(verdict);
        connectors.insert(
            id.clone(),
            ConnectorHealth {
                status: verdict,
                webhook_secret_configured: shared
                    .endpoints
                    .get(&id)
                    .is_some_and(|e| e.webhook_secret_configured()),
                inbox_depth: depth,
                dlq,
                oldest_pending_age_secs: age,
                extra: contribution.fields,
            },
        );
    }
    HealthReport {
        status,
        store,
        connectors,
    }
}

/// Refreshes the queue gauges from the store (before rendering `/metrics`).
pub(crate) async fn refresh_gauges(shared: &Shared) {
    match shared.store.stats(shared.clock.now()).await {
        Ok(stats) => {
            let mut ids: BTreeSet<&str> = shared.endpoints.keys().map(String::as_str).collect();
            ids.extend(stats.connectors.keys().map(String::as_str));
            for id in ids {
                let f = stats.connector(id);
                let label = [("connector", id)];
                shared
                    .metrics
                    .gauge(INBOX_DEPTH, &label)
                    .set((f.ready + f.leased) as f64);
                shared.metrics.gauge(DLQ_SIZE, &label).set(f.dead as f64);
                let now_ms = plugboard_store::unix_millis(shared.clock.now());
                let age_secs = f
                    .oldest_pending_ms
                    .map_or(0, |t| (now_ms - t).max(0) / 1000);
                shared
                    .metrics
                    .gauge(OLDEST_PENDING, &label)
                    .set(age_secs as f64);
            }
        }
        Err(e) => tracing::warn!("metrics: cannot read queue figures: {e}"),
    }
}
