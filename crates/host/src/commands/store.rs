//! `plugboard store backup <path>`: an online copy of the SQLite store, consistent while
//! `serve` keeps writing.

use std::path::Path;

use serde_json::json;

use crate::cli::BackupArgs;
use crate::error::CliError;
use crate::output;

/// Runs the backup.
pub async fn backup(args: &BackupArgs, config_path: Option<&Path>) -> Result<(), CliError> {
    if args.path.exists() {
        return Err(CliError::usage(format!(
            "{} exists; choose a new path",
            args.path.display()
        )));
    }
    let store = super::dlq::open_store(config_path).await?;
    store
        .backup(&args.path)
        .await
        .map_err(|e| CliError::failed(e.to_string()))?;
    output::print_value(&json!({
        "backend": store.backend(),
        "path": args.path.display().to_string(),
    }))
}
