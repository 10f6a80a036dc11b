//! Upstream health: every configured connection's connector health operation, called every
//! `server.probe_interval_secs`, plus the circuit breakers open in this process — reported per
//! connector in `/health` (a failing probe or an open breaker makes the connector `degraded`)
//! and as the `plugboard_upstream_healthy{connector, connection}` gauge.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use plugboard_core::{CallContext, Registry};
use plugboard_ingress::{HealthContribution, HealthContributor, HealthStatus};
use serde_json::{Value, json};
use tokio::task::JoinHandle;

use crate::config::HostConfig;
use crate::connections::{self, Connection};

/// How long one probe may take.
const PROBE_TIMEOUT: Duration = Duration::from_secs(10);

/// The last probe of one connection.
#[derive(Debug, Clone)]
struct ProbeResult {
    connection: String,
    ok: bool,
    checked_at: SystemTime,
    error: Option<String>,
}

/// The probes and their latest results.
pub struct Probes {
    connectors: Vec<String>,
    results: Mutex<BTreeMap<String, Vec<ProbeResult>>>,
    task: Mutex<Option<JoinHandle<()>>>,
}

impl Probes {
    /// Builds every configured connection and starts probing them (unless the interval is 0).
    /// A connection that cannot be built is logged and left out.
    pub fn start(registry: &Registry, config: &HostConfig) -> Arc<Self> {
        let connections = match connections::configured(registry, config, None) {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!("upstream probes disabled: {e}");
                Vec::new()
            }
        };
        let probes = Arc::new(Self {
            connectors: connections
                .iter()
                .map(|c| c.descriptor.id().to_string())
                .collect(),
            results: Mutex::new(BTreeMap::new()),
            task: Mutex::new(None),
        });
        let every = config.server.probe_interval_secs;
        if every > 0 && !connections.is_empty() {
            let runner = probes.clone();
            let task = tokio::spawn(async move {
                let mut tick = tokio::time::interval(Duration::from_secs(every));
                tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                loop {
                    tick.tick().await;
                    for connection in &connections {
                        runner.probe(connection).await;
                    }
                }
            });
            *probes.task.lock().unwrap_or_else(|e| e.into_inner()) = Some(task);
        }
        probes
    }

    /// Stops probing.
    pub fn stop(&self) {
        if let Some(task) = self.task.lock().unwrap_or_else(|e| e.into_inner()).take() {
            task.abort();
        }
    }

    async fn probe(&self, connection: &Connection) {
        let ctx = CallContext {
            connection: Some(connection.name.clone()),
        };
        let id = connection.descriptor.id().to_string();
        let outcome = tokio::time::timeout(PROBE_TIMEOUT, connection.connector.health(&ctx)).await;
        let (ok, error) = match outcome {
            Ok(Ok(_)) => (true, None),
            Ok(Err(e)) => (false, Some(e.to_string())),
            Err(_) => (false, Some(format!("no answer within {PROBE_TIMEOUT:?}"))),
        };
        if let Some(error) = &error {
            tracing::warn!(connector = %id, connection = %connection.name, %error, "upstream probe failed");
        }
        metrics::gauge!(
            "plugboard_upstream_healthy",
            "connector" => id.clone(),
            "connection" => connection.name.clone()
        )
        .set(if ok { 1.0 } else { 0.0 });
        let result = ProbeResult {
            connection: connection.name.clone(),
            ok,
            checked_at: SystemTime::now(),
            error,
        };
        let mut results = self.results.lock().unwrap_or_else(|e| e.into_inner());
        let list = results.entry(id).or_default();
        list.retain(|r| r.connection != result.connection);
        list.push(result);
    }
}

#[async_trait]
impl HealthContributor for Probes {
    fn connectors(&self) -> Vec<String> {
        let mut ids = self.connectors.clone();
        ids.extend(
            plugboard_core::runtime::open_breakers()
                .into_iter()
                .map(|(c, _)| c.to_string()),
        );
        ids.sort();
        ids.dedup();
        ids
    }

    async fn contribute(&self, connector: &str) -> HealthContribution {
        let mut status = HealthStatus::Ok;
        let mut contribution = HealthContribution::ok();
        let open: Vec<Value> = plugboard_core::runtime::open_breakers()
            .into_iter()
            .filter(|(c, _)| *c == connector)
            .map(|(_, host)| json!({ "host": host, "state": "open" }))
            .collect();
        if !open.is_empty() {
            status = HealthStatus::Degraded;
        }
        contribution = contribution.with(
            "breaker",
            if open.is_empty() {
                json!("closed")
            } else {
                Value::Array(open)
            },
        );
        let results = self
            .results
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(connector)
            .cloned()
            .unwrap_or_default();
        if !results.is_empty() {
            if results.iter().any(|r| !r.ok) {
                status = HealthStatus::Degraded;
            }
            let upstream: Vec<Value> = results
                .iter()
                .map(|r| {
                    json!({
                        "connection": r.connection,
                        "ok": r.ok,
                        "checked_at": httpdate::fmt_http_date(r.checked_at),
                        "error": r.error,
                    })
                })
                .collect();
            contribution = contribution.with("upstream", Value::Array(upstream));
        }
        contribution.status(status)
    }
}
