//! [`Sweep`]: the scheduled pass over every connection — renew the tokens that expire soon,
//! validate the ones that never expire, and report each connection's state
//! (`plugboard tokens list|refresh`, `/health`, `/metrics`).

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde::Serialize;

use crate::connection::{ConnectionKey, ConnectionStatus};
use crate::error::CredentialsResult;
use crate::manager::{RefreshOutcome, TokenManagers};

/// One connection's state, for `plugboard tokens list`.
#[derive(Debug, Clone, Serialize)]
pub struct ConnectionSummary {
    /// The connection.
    pub connection: String,
    /// Its connector.
    pub connector: String,
    /// `static_token`, `api_key`, `oauth2`, `github_app` or `google_service_account`.
    pub kind: &'static str,
    /// When its token expires (Unix seconds; `None`: no expiry).
    pub expires_at: Option<i64>,
    /// When it was last renewed (Unix seconds).
    pub last_refresh_at: Option<i64>,
    /// When it was last validated (Unix seconds).
    pub last_validated_at: Option<i64>,
    /// Successful renewals.
    pub refresh_count: u64,
    /// Failures since the last success.
    pub consecutive_failures: u32,
    /// `active` or `needs_reauth`.
    pub status: ConnectionStatus,
    /// No renewal before this (Unix seconds).
    pub next_attempt_after: Option<i64>,
    /// The last error.
    pub last_error: Option<String>,
}

/// What the sweep did for one connection.
#[derive(Debug, Clone)]
pub struct SweepResult {
    /// The connection.
    pub connection: ConnectionKey,
    /// What happened.
    pub outcome: RefreshOutcome,
}

/// Runs over every connection of a [`TokenManagers`].
#[derive(Debug, Clone)]
pub struct Sweep {
    managers: Arc<TokenManagers>,
}

impl Sweep {
    /// A sweep over `managers`' connections.
    pub fn new(managers: Arc<TokenManagers>) -> Self {
        Self { managers }
    }

    /// Every connection's state, by key. Also sets the `plugboard_connections` gauges.
    pub async fn list_status(&self) -> CredentialsResult<Vec<ConnectionSummary>> {
        let secs = |t: SystemTime| plugboard_store::unix_millis(t) / 1000;
        let connections = self.managers.connections().list(None).await?;
        let summaries: Vec<ConnectionSummary> = connections
            .iter()
            .map(|c| ConnectionSummary {
                connection: c.key.storage_key(),
                connector: c.key.connector.clone(),
                kind: c.kind.name(),
                expires_at: c.kind.expires_at().map(secs),
                last_refresh_at: c.last_refresh_at.map(secs),
                last_validated_at: c.last_validated_at.map(secs),
                refresh_count: c.refresh_count,
                consecutive_failures: c.consecutive_failures,
                status: c.status,
                next_attempt_after: c.next_attempt_after.map(secs),
                last_error: c.last_error.clone(),
            })
            .collect();
        let reauth = summaries
            .iter()
            .filter(|s| s.status == ConnectionStatus::NeedsReauth)
            .count();
        metrics::gauge!("plugboard_connections", "status" => "needs_reauth").set(reauth as f64);
        metrics::gauge!("plugboard_connections", "status" => "active")
            .set((summaries.len() - reauth) as f64);
        Ok(summaries)
    }

    /// Renews every renewable connection whose token expires within `within`, and validates
    /// connections without expiry whose last validation is older than the validation period.
    /// Cool-downs and `needs_reauth` are respected (reported, not retried early).
    pub async fn refresh_expiring(&self, within: Duration) -> CredentialsResult<Vec<SweepResult>> {
        let mut results = Vec::new();
        for connection in self.managers.connections().list(None).await? {
            let manager = self.managers.manager(&connection.key);
            let outcome = if connection.kind.expires_at().is_none()
                && connection.kind.access_token().is_some()
            {
                match manager.validate(false).await {
                    Ok(Some(outcome)) => outcome,
                    Ok(None) => RefreshOutcome::NotRefreshable,
                    Err(e) => RefreshOutcome::Failed {
                        error: e.to_string(),
                    },
                }
            } else {
                match manager.ensure_valid_for(within).await {
                    Ok(outcome) => outcome,
                    Err(e) => RefreshOutcome::Failed {
                        error: e.to_string(),
                    },
                }
            };
            results.push(SweepResult {
                connection: connection.key,
                outcome,
            });
        }
        // Refresh the gauges with the new states.
        self.list_status().await?;
        Ok(results)
    }

    /// Runs [`Sweep::refresh_expiring`] every `every` until the task is dropped or aborted
    /// (the host runs it hourly with `within` = a day).
    pub fn spawn(self, every: Duration, within: Duration) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let mut ticker = tokio::time::interval(every);
            ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticker.tick().await;
                match self.refresh_expiring(within).await {
                    Ok(results) => {
                        let failed = results
                            .iter()
                            .filter(|r| matches!(r.outcome, RefreshOutcome::Failed { .. }))
                            .count();
                        tracing::info!(connections = results.len(), failed, "token sweep done");
                    }
                    Err(e) => tracing::error!(error = %e, "token sweep failed"),
                }
            }
        })
    }
}
