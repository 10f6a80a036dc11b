//! Prometheus metrics of the ingress, rendered by `GET /metrics`.
//!
//! | name | type | labels |
//! |---|---|---|
//! | `plugboard_webhooks_received_total` | counter | `connector` |
//! | `plugboard_webhooks_verified_total` | counter | `connector` |
//! | `plugboard_webhooks_rejected_total` | counter | `connector`, `reason` |
//! | `plugboard_webhooks_duplicates_total` | counter | `connector` |
//! | `plugboard_deliveries_total` | counter | `sink`, `outcome` (`ok`, `transient`, `permanent`) |
//! | `plugboard_deliveries_retried_total` | counter | `connector` |
//! | `plugboard_deliveries_dead_lettered_total` | counter | `connector` |
//! | `plugboard_webhook_ack_seconds` | histogram | `connector` |
//! | `plugboard_inbox_depth` | gauge | `connector` (ready + leased) |
//! | `plugboard_dlq_size` | gauge | `connector` |
//! | `plugboard_inbox_oldest_pending_seconds` | gauge | `connector` |
//!
//! A process installs one global recorder. When the host installed it (with
//! [`prometheus_builder`], so the ack histogram has buckets), it hands the ingress the handle
//! (`IngressBuilder::prometheus`) and the ingress records into the global recorder; otherwise
//! the ingress keeps a recorder of its own, so several instances (tests, embedding) never
//! share figures.

use std::sync::Arc;

use metrics::{Counter, Gauge, Histogram, Key, KeyName, Label, Level, Metadata, Recorder};
use metrics_exporter_prometheus::{
    Matcher, PrometheusBuilder, PrometheusHandle, PrometheusRecorder,
};

/// `plugboard_webhooks_received_total{connector}`: deliveries that reached a known endpoint.
pub const RECEIVED: &str = "plugboard_webhooks_received_total";
/// `plugboard_webhooks_verified_total{connector}`: deliveries whose signature verified.
pub const VERIFIED: &str = "plugboard_webhooks_verified_total";
/// `plugboard_webhooks_rejected_total{connector,reason}`: answered 4xx/5xx, nothing stored.
pub const REJECTED: &str = "plugboard_webhooks_rejected_total";
/// `plugboard_webhooks_duplicates_total{connector}`: events already claimed.
pub const DUPLICATES: &str = "plugboard_webhooks_duplicates_total";
/// `plugboard_deliveries_total{sink,outcome}`: delivery attempts per sink.
pub const DELIVERIES: &str = "plugboard_deliveries_total";
/// `plugboard_deliveries_retried_total{connector}`: entries scheduled for another attempt.
pub const RETRIED: &str = "plugboard_deliveries_retried_total";
/// `plugboard_deliveries_dead_lettered_total{connector}`: entries moved to the DLQ.
pub const DEAD_LETTERED: &str = "plugboard_deliveries_dead_lettered_total";
/// `plugboard_webhook_ack_seconds{connector}`: time from request to acknowledgement.
pub const ACK_SECONDS: &str = "plugboard_webhook_ack_seconds";
/// `plugboard_inbox_depth{connector}`: entries ready or leased.
pub const INBOX_DEPTH: &str = "plugboard_inbox_depth";
/// `plugboard_dlq_size{connector}`: entries in the dead-letter queue.
pub const DLQ_SIZE: &str = "plugboard_dlq_size";
/// `plugboard_inbox_oldest_pending_seconds{connector}`: age of the oldest entry ready or
/// leased (0 when none).
pub const OLDEST_PENDING: &str = "plugboard_inbox_oldest_pending_seconds";

/// Buckets of the ack histogram, in seconds.
pub const ACK_BUCKETS: &[f64] = &[
    0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

static METADATA: Metadata<'static> =
    Metadata::new(module_path!(), Level::INFO, Some(module_path!()));

/// A Prometheus builder with the ingress's histogram buckets; a host that installs the global
/// recorder should start from it.
pub fn prometheus_builder() -> PrometheusBuilder {
    PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Full(ACK_SECONDS.to_string()), ACK_BUCKETS)
        .unwrap_or_else(|_| PrometheusBuilder::new())
}

enum Target {
    Global,
    Local(Arc<PrometheusRecorder>),
}

/// Where the ingress records metrics, and how `/metrics` renders them.
pub(crate) struct Metrics {
    target: Target,
    handle: PrometheusHandle,
}

impl Metrics {
    /// Records into the global recorder the host installed; renders with its handle.
    pub(crate) fn global(handle: PrometheusHandle) -> Self {
        let m = Self {
            target: Target::Global,
            handle,
        };
        m.describe();
        m
    }

    /// Records into a recorder of its own.
    pub(crate) fn local() -> Self {
        let recorder = prometheus_builder().build_recorder();
        let handle = recorder.handle();
        let m = Self {
            target: Target::Local(Arc::new(recorder)),
            handle,
        };
        m.describe();
        m
    }

    fn with<T>(&self, f: impl FnOnce(&dyn Recorder) -> T) -> T {
        match &self.target {
            Target::Global => metrics::with_recorder(f),
            Target::Local(r) => f(r.as_ref()),
        }
    }

    fn describe(&self) {
        let counters = [
            (RECEIVED, "Webhook deliveries that reached a known endpoint"),
            (VERIFIED, "Webhook deliveries whose signature verified"),
            (
                REJECTED,
                "Webhook deliveries rejected (nothing stored), by reason",
            ),
            (
                DUPLICATES,
                "Webhook events already received within the retention",
            ),
            (
                DELIVERIES,
                "Delivery attempts to sinks, by sink and outcome",
            ),
            (
                RETRIED,
                "Inbox entries scheduled for another delivery attempt",
            ),
            (
                DEAD_LETTERED,
                "Inbox entries moved to the dead-letter queue",
            ),
        ];
        self.with(|r| {
            for (name, help) in counters {
                r.describe_counter(KeyName::from(name), None, help.into());
            }
            r.describe_histogram(
                KeyName::from(ACK_SECONDS),
                Some(metrics::Unit::Seconds),
                "Time from receiving a webhook to acknowledging it".into(),
            );
            r.describe_gauge(
                KeyName::from(INBOX_DEPTH),
                None,
                "Inbox entries ready or leased".into(),
            );
            r.describe_gauge(
                KeyName::from(DLQ_SIZE),
                None,
                "Inbox entries in the dead-letter queue".into(),
            );
            r.describe_gauge(
                KeyName::from(OLDEST_PENDING),
                Some(metrics::Unit::Seconds),
                "Age of the oldest inbox entry not yet delivered".into(),
            );
        });
    }

    fn key(name: &'static str, labels: &[(&'static str, &str)]) -> Key {
        let labels: Vec<Label> = labels
            .iter()
            .map(|(k, v)| Label::new(*k, v.to_string()))
            .collect();
        Key::from_parts(name, labels)
    }

    /// A counter handle.
    pub(crate) fn counter(&self, name: &'static str, labels: &[(&'static str, &str)]) -> Counter {
        let key = Self::key(name, labels);
        self.with(|r| r.register_counter(&key, &METADATA))
    }

    /// A gauge handle.
    pub(crate) fn gauge(&self, name: &'static str, labels: &[(&'static str, &str)]) -> Gauge {
        let key = Self::key(name, labels);
        self.with(|r| r.register_gauge(&key, &METADATA))
    }

    /// A histogram handle.
    pub(crate) fn histogram(
        &self,
        name: &'static str,
        labels: &[(&'static str, &str)],
    ) -> Histogram {
        let key = Self::key(name, labels);
        self.with(|r| r.register_histogram(&key, &METADATA))
    }

    /// The Prometheus text.
    pub(crate) fn render(&self) -> String {
        self.handle.render()
    }

    /// Drains histogram samples (called periodically so memory stays bounded between scrapes).
    pub(crate) fn upkeep(&self) {
        self.handle.run_upkeep();
    }
}

/// The per-endpoint handles of the request path, registered once.
pub(crate) struct EndpointMetrics {
    pub(crate) received: Counter,
    pub(crate) verified: Counter,
    pub(crate) duplicates: Counter,
    pub(crate) ack: Histogram,
}

impl EndpointMetrics {
    pub(crate) fn new(metrics: &Metrics, connector: &str) -> Self {
        let l = [("connector", connector)];
        Self {
            received: metrics.counter(RECEIVED, &l),
            verified: metrics.counter(VERIFIED, &l),
            duplicates: metrics.counter(DUPLICATES, &l),
            ack: metrics.histogram(ACK_SECONDS, &l),
        }
    }
}
