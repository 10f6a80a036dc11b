//! Observation of every call: metrics (through the `metrics` facade, so the host chooses the
//! exporter) and a log line per failure.

use std::sync::Mutex;
use std::time::Duration;

use crate::error::{Error, ErrorKind};
use crate::http::{ApiResponse, CacheStatus};
use crate::ids::{ConnectorId, OperationId};

/// One (operation, outcome) pair's registered metric handles.
struct OpHandles {
    operation: OperationId,
    outcome: &'static str,
    requests: metrics::Counter,
    duration: metrics::Histogram,
}

/// Metric handles registered once per (operation, outcome) and reused: building a metric key
/// (a label vector and its hash) and looking it up in the recorder on every call costs more
/// than the rest of the observe layer. A connector has few operations, so a short list
/// searched in order is enough.
#[derive(Default)]
pub(crate) struct Handles {
    entries: Mutex<Vec<OpHandles>>,
}

impl Handles {
    /// Records one finished call.
    pub(crate) fn record(
        &self,
        connector: ConnectorId,
        operation: OperationId,
        result: &Result<ApiResponse, Error>,
        elapsed: Duration,
    ) {
        let outcome = outcome(result);
        {
            let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
            let i = match entries
                .iter()
                .position(|h| h.operation == operation && h.outcome == outcome)
            {
                Some(i) => i,
                None => {
                    entries.push(OpHandles {
                        operation,
                        outcome,
                        requests: metrics::counter!(
                            "plugboard_client_requests_total",
                            "connector" => connector.as_str(),
                            "operation" => operation.as_str(),
                            "outcome" => outcome
                        ),
                        duration: metrics::histogram!(
                            "plugboard_client_request_duration_seconds",
                            "connector" => connector.as_str(),
                            "operation" => operation.as_str()
                        ),
                    });
                    entries.len() - 1
                }
            };
            entries[i].requests.increment(1);
            entries[i].duration.record(elapsed.as_secs_f64());
        }
        if let Err(e) = result {
            match e.kind() {
                ErrorKind::NotFound | ErrorKind::InvalidInput => {
                    tracing::debug!(error = %e, "call failed")
                }
                _ => tracing::warn!(error = %e, "call failed"),
            }
        }
    }
}

fn outcome(result: &Result<ApiResponse, Error>) -> &'static str {
    match result {
        Ok(r) => match r.cache {
            CacheStatus::Miss => "ok",
            CacheStatus::Hit => "cache_hit",
            CacheStatus::Revalidated => "cache_revalidated",
            CacheStatus::Stale => "cache_stale",
        },
        Err(e) => e.kind().as_str(),
    }
}

/// Records one retry.
pub(crate) fn retry(connector: ConnectorId, operation: OperationId, error: &Error, wait: Duration) {
    metrics::counter!(
        "plugboard_client_retries_total",
        "connector" => connector.as_str(),
        "operation" => operation.as_str(),
        "reason" => error.kind().as_str()
    )
    .increment(1);
    tracing::debug!(error = %error, wait_ms = wait.as_millis() as u64, "retrying");
}
