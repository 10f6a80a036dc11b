//! `plugboard sync channels|ad-accounts [--connector C]`: the unified views of every
//! configured connection, one normalised JSON record per line, with a progress bar on a
//! terminal.

use std::path::Path;

use indicatif::{ProgressBar, ProgressStyle};
use plugboard_core::{CallContext, Registry};
use serde_json::Value;

use crate::cli::{SyncArgs, SyncKind};
use crate::config::HostConfig;
use crate::connections::{self, Connection};
use crate::error::CliError;
use crate::output;

/// Runs the command. Connections whose connector has no such view are skipped; a failing
/// connection is reported on stderr and makes the command fail after the others finish.
pub async fn run(args: &SyncArgs, config_path: Option<&Path>) -> Result<(), CliError> {
    let registry = Registry::global();
    let config = HostConfig::load(config_path, registry)?;
    let all = connections::configured(registry, &config, args.connector.as_deref())?;
    let sources: Vec<Connection> = all
        .into_iter()
        .filter(|c| match args.kind {
            SyncKind::Channels => c.connector.channel_source().is_some(),
            SyncKind::AdAccounts => c.connector.ad_account_source().is_some(),
        })
        .collect();
    if sources.is_empty() {
        return Err(CliError::failed(format!(
            "no configured connection offers {}: configure a token for one of {}",
            args.kind.noun(),
            supporting(registry, args.kind).join(", ")
        )));
    }
    let progress = progress_bar(sources.len() as u64);
    let mut failures = Vec::new();
    for source in &sources {
        progress.set_message(format!("{}/{}", source.descriptor.id(), source.name));
        match records(source, args.kind).await {
            Ok(records) => {
                let mut out = std::io::stdout().lock();
                for record in &records {
                    output::write_line(&mut out, record)?;
                }
            }
            Err(e) => {
                progress.suspend(|| {
                    eprintln!("error: {}/{}: {e}", source.descriptor.id(), source.name)
                });
                failures.push(format!("{}/{}", source.descriptor.id(), source.name));
            }
        }
        progress.inc(1);
    }
    progress.finish_and_clear();
    if failures.is_empty() {
        Ok(())
    } else {
        Err(CliError::failed(format!(
            "sync failed for {}",
            failures.join(", ")
        )))
    }
}

/// The normalised records of one connection, tagged with its name.
async fn records(source: &Connection, kind: SyncKind) -> plugboard_core::Result<Vec<Value>> {
    let ctx = CallContext {
        connection: Some(source.name.clone()),
    };
    let values = match kind {
        SyncKind::Channels => {
            let view = source.connector.channel_source().expect("filtered above");
            view.channels(&ctx)
                .await?
                .into_iter()
                .map(|mut c| {
                    c.connection.get_or_insert_with(|| source.name.clone());
                    serde_json::to_value(c)
                })
                .collect::<Result<Vec<_>, _>>()
        }
        SyncKind::AdAccounts => {
            let view = source
                .connector
                .ad_account_source()
                .expect("filtered above");
            view.ad_accounts(&ctx)
                .await?
                .into_iter()
                .map(|mut a| {
                    a.connection.get_or_insert_with(|| source.name.clone());
                    serde_json::to_value(a)
                })
                .collect::<Result<Vec<_>, _>>()
        }
    };
    values.map_err(|e| plugboard_core::Error::internal(e.to_string()))
}

/// The connectors that offer the view (built with an empty configuration to ask).
fn supporting(registry: &Registry, kind: SyncKind) -> Vec<String> {
    registry
        .iter()
        .filter(|d| {
            (d.build)(Default::default()).is_ok_and(|c| match kind {
                SyncKind::Channels => c.channel_source().is_some(),
                SyncKind::AdAccounts => c.ad_account_source().is_some(),
            })
        })
        .map(|d| d.id().to_string())
        .collect()
}

/// A bar on a terminal, hidden otherwise (output stays clean JSON lines).
fn progress_bar(len: u64) -> ProgressBar {
    if !output::stderr_is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template("{bar:30} {pos}/{len} connections {msg}") {
        bar.set_style(style);
    }
    bar
}
