//! Observation of every call: metrics (through the `metrics` facade, so the host chooses the
//! exporter) and a log line per failure.

use std::time::Duration;

use crate::error::{Error, ErrorKind};
use crate::http::{ApiResponse, CacheStatus};
use crate::ids::{ConnectorId, OperationId};

/// Records one finished call.
pub(crate) fn record(
    connector: ConnectorId,
    operation: OperationId,
    result: &Result<ApiResponse, Error>,
    elapsed: Duration,
) {
    let outcome = match result {
        Ok(r) => match r.cache {
            CacheStatus::Miss => "ok",
            CacheStatus::Hit => "cache_hit",
            CacheStatus::Revalidated => "cache_revalidated",
            CacheStatus::Stale => "cache_stale",
        },
        Err(e) => e.kind().as_str(),
    };
    metrics::counter!(
        "plugboard_client_requests_total",
        "connector" => connector.as_str(),
        "operation" => operation.as_str(),
        "outcome" => outcome
    )
    .increment(1);
    metrics::histogram!(
        "plugboard_client_request_duration_seconds",
        "connector" => connector.as_str(),
        "operation" => operation.as_str()
    )
    .record(elapsed.as_secs_f64());
    if let Err(e) = result {
        match e.kind() {
            ErrorKind::NotFound | ErrorKind::InvalidInput => {
                tracing::debug!(error = %e, "call failed")
            }
            _ => tracing::warn!(error = %e, "call failed"),
        }
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
