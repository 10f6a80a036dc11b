//! The master key in the host: the sealer for stored credentials, and the keys derived from it
//! (per-connection webhook URL tokens).

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use plugboard_core::{ExposeSecret, SecretString};
use plugboard_credentials::Sealer;

use crate::config::HostConfig;
use crate::error::CliError;

/// The sealer: `PLUGBOARD_MASTER_KEY`, else `server.key_file` (created with mode 0600 when
/// missing, which is logged).
pub fn sealer(config: &HostConfig) -> Result<Arc<Sealer>, CliError> {
    // plugboard-credentials logs the creation of a new key file itself.
    let (sealer, _source) = Sealer::from_env_or_file(&config.server.key_file).map_err(|e| {
        CliError::usage(format!(
            "master key ({} or server.key_file): {e}",
            plugboard_credentials::MASTER_KEY_VAR
        ))
    })?;
    Ok(Arc::new(sealer))
}

/// The URL token of `/webhooks/{connector}/{connection}`: derived from the master key, so it
/// is stable across restarts and hosts sharing the key, and unguessable without it.
pub fn webhook_url_token(sealer: &Sealer, connector: &str, connection: &str) -> SecretString {
    let key = sealer.current_key().derive(&format!(
        "plugboard webhook url token/{connector}/{connection}"
    ));
    SecretString::from(URL_SAFE_NO_PAD.encode(key.expose_secret()))
}
