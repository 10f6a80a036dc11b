//! `plugboard dlq list|replay`: the dead-letter queue, read and changed in the store directly,
//! so it works whether `serve` is running (it picks replayed entries up at its next poll) or
//! not.

use std::path::Path;
use std::sync::Arc;
use std::time::SystemTime;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use plugboard_core::Registry;
use plugboard_store::{Entry, EntryFilter, EntryId, EntryState, Store};
use serde_json::{Value, json};

use crate::cli::{DlqListArgs, DlqReplayArgs};
use crate::config::HostConfig;
use crate::error::CliError;
use crate::output;

/// Opens the configured store.
pub async fn open_store(config_path: Option<&Path>) -> Result<Arc<dyn Store>, CliError> {
    let config = HostConfig::load(config_path, Registry::global())?;
    plugboard_store::open(&config.store.url)
        .await
        .map_err(|e| CliError::usage(format!("store.url: {e}")))
}

/// `dlq list`: one JSON object per dead entry, oldest first.
pub async fn list(args: &DlqListArgs, config_path: Option<&Path>) -> Result<(), CliError> {
    let store = open_store(config_path).await?;
    let mut after = None;
    let mut remaining = args.limit;
    let mut out = std::io::stdout().lock();
    while remaining > 0 {
        let page = store
            .list(&EntryFilter {
                state: Some(EntryState::Dead),
                connector: args.connector.clone(),
                after,
                limit: remaining.min(500),
            })
            .await
            .map_err(|e| CliError::failed(e.to_string()))?;
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        remaining -= page.len();
        for entry in &page {
            output::write_line(&mut out, &summary(entry))?;
        }
    }
    Ok(())
}

/// The line printed for a dead entry.
fn summary(entry: &Entry) -> Value {
    let e = &entry.event;
    let body = serde_json::from_slice::<Value>(&e.body)
        .unwrap_or_else(|_| Value::String(STANDARD.encode(&e.body)));
    json!({
        "id": entry.id.0,
        "connector": e.connector,
        "connection": e.connection,
        "event_id": e.event_id,
        "event_type": e.event_type,
        "received_at": httpdate::fmt_http_date(plugboard_store::from_unix_millis(e.received_at_ms)),
        "attempts": entry.attempts,
        "last_error": entry.last_error,
        "body": body,
    })
}

/// `dlq replay <id>|--all`: prints `{"replayed": N}`; a single id that is not dead is an error.
pub async fn replay(args: &DlqReplayArgs, config_path: Option<&Path>) -> Result<(), CliError> {
    let store = open_store(config_path).await?;
    let now = SystemTime::now();
    let replayed = match (args.id, args.all) {
        (Some(id), false) => {
            if !store
                .replay(EntryId(id), now)
                .await
                .map_err(|e| CliError::failed(e.to_string()))?
            {
                let state = store
                    .get(EntryId(id))
                    .await
                    .map_err(|e| CliError::failed(e.to_string()))?
                    .map(|e| e.state.as_str());
                return Err(CliError::failed(match state {
                    Some(state) => format!("entry {id} is {state}, not in the dead-letter queue"),
                    None => format!("no entry {id}"),
                }));
            }
            1
        }
        _ => store
            .replay_all(args.connector.as_deref(), now)
            .await
            .map_err(|e| CliError::failed(e.to_string()))?,
    };
    output::print_value(&json!({ "replayed": replayed }))
}
