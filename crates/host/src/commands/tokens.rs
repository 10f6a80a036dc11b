//! `plugboard tokens list|refresh`: the stored connections, read and renewed in the configured
//! store directly, so they work whether `serve` is running or not (renewals take the same
//! store lock `serve` does, so the two never spend a rotating refresh token twice).

use std::path::Path;
use std::time::SystemTime;

use plugboard_core::Registry;
use plugboard_credentials::{ConnectionKey, ConnectionSummary, RefreshOutcome, SweepResult};
use serde_json::{Value, json};

use crate::cli::{TokensListArgs, TokensRefreshArgs};
use crate::config::HostConfig;
use crate::credentials::HostCredentials;
use crate::error::CliError;
use crate::output;

/// Opens the configured store's connections; `None` when there can be none yet (no master
/// key, no store file), so listing creates neither.
async fn open(config_path: Option<&Path>) -> Result<Option<HostCredentials>, CliError> {
    let config = HostConfig::load(config_path, Registry::global())?;
    HostCredentials::open_existing(&config).await
}

/// `tokens list`: one JSON object per stored connection, by connector and name.
pub async fn list(args: &TokensListArgs, config_path: Option<&Path>) -> Result<(), CliError> {
    if let Some(id) = &args.connector {
        Registry::global()
            .require(id)
            .map_err(|e| CliError::usage(e.message()))?;
    }
    let Some(credentials) = open(config_path).await? else {
        return Ok(());
    };
    let summaries = credentials
        .sweep()
        .list_status()
        .await
        .map_err(|e| CliError::failed(format!("reading stored connections: {e}")))?;
    let mut out = std::io::stdout().lock();
    for summary in summaries
        .iter()
        .filter(|s| args.connector.as_deref().is_none_or(|c| c == s.connector))
    {
        output::write_line(&mut out, &summary_line(summary))?;
    }
    Ok(())
}

/// The line printed for a connection: its name (not the `connector/name` key), times in
/// Unix seconds.
fn summary_line(summary: &ConnectionSummary) -> Value {
    let mut value = serde_json::to_value(summary).unwrap_or_else(|_| json!({}));
    if let Some(name) = ConnectionKey::parse(&summary.connection)
        .ok()
        .map(|k| k.name)
    {
        value["connection"] = Value::String(name);
    }
    value
}

/// `tokens refresh`: renews what expires within `--expiring-within`, validates what never
/// expires (once a day), and prints one outcome per connection. Exit 1 when one failed.
pub async fn refresh(args: &TokensRefreshArgs, config_path: Option<&Path>) -> Result<(), CliError> {
    let Some(credentials) = open(config_path).await? else {
        return Ok(());
    };
    let results = credentials
        .sweep()
        .refresh_expiring(args.expiring_within)
        .await
        .map_err(|e| CliError::failed(format!("reading stored connections: {e}")))?;
    let mut failed = Vec::new();
    let mut out = std::io::stdout().lock();
    for result in &results {
        if matches!(result.outcome, RefreshOutcome::Failed { .. }) {
            failed.push(result.connection.to_string());
        }
        output::write_line(&mut out, &outcome_line(result))?;
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(CliError::failed(format!(
            "renewal failed for {}",
            failed.join(", ")
        )))
    }
}

/// The line printed for one renewal.
fn outcome_line(result: &SweepResult) -> Value {
    let secs = |t: SystemTime| plugboard_store::unix_millis(t) / 1000;
    let mut line = json!({
        "connection": result.connection.name,
        "connector": result.connection.connector,
    });
    let (outcome, extra) = match &result.outcome {
        RefreshOutcome::Fresh => ("fresh", None),
        RefreshOutcome::Refreshed => ("refreshed", None),
        RefreshOutcome::RefreshedElsewhere => ("refreshed_elsewhere", None),
        RefreshOutcome::NotRefreshable => ("not_refreshable", None),
        RefreshOutcome::CoolingDown { until } => {
            ("cooling_down", Some(("until", json!(secs(*until)))))
        }
        RefreshOutcome::Failed { error } => ("failed", Some(("error", json!(error)))),
    };
    line["outcome"] = json!(outcome);
    if let Some((key, value)) = extra {
        line[key] = value;
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn outcomes_print_as_snake_case_with_their_detail() {
        let key = ConnectionKey::new("slack", "acme").unwrap();
        let line = outcome_line(&SweepResult {
            connection: key.clone(),
            outcome: RefreshOutcome::CoolingDown {
                until: SystemTime::UNIX_EPOCH + Duration::from_secs(60),
            },
        });
        assert_eq!(
            line,
            json!({"connection": "acme", "connector": "slack", "outcome": "cooling_down", "until": 60})
        );
        let line = outcome_line(&SweepResult {
            connection: key,
            outcome: RefreshOutcome::Failed {
                error: "refused".into(),
            },
        });
        assert_eq!(line["outcome"], "failed");
        assert_eq!(line["error"], "refused");
    }
}
