//! [`BuildError`] (why an ingress refuses to start) and [`IngressError`] (why running it
//! failed). Messages name configuration keys, never secret values.

use plugboard_store::StoreError;

use crate::config::ConfigError;

/// Why [`IngressBuilder::build`](crate::IngressBuilder::build) refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// No store was given.
    #[error("no store: call IngressBuilder::store")]
    MissingStore,
    /// A connector that receives webhooks has no secret, so nothing could be verified.
    #[error(
        "{connector} receives webhooks{} but no webhook secret is configured: set {key}",
        connection.as_deref().map(|c| format!(" (connection {c})")).unwrap_or_default()
    )]
    MissingSecret {
        /// The connector.
        connector: String,
        /// The connection whose URL would be open, if that is where the secret is missing.
        connection: Option<String>,
        /// The configuration key to set, e.g. `PLUGBOARD_GITHUB_WEBHOOK_SECRET`.
        key: String,
    },
    /// The same connector was added twice.
    #[error("connector {connector} has two endpoints")]
    DuplicateEndpoint {
        /// The connector.
        connector: String,
    },
    /// A connection names a connector without an endpoint.
    #[error("connection {connection} belongs to {connector}, which has no webhook endpoint")]
    UnknownConnector {
        /// The connector.
        connector: String,
        /// The connection.
        connection: String,
    },
    /// The same connection was added twice.
    #[error("connection {connector}/{connection} is added twice")]
    DuplicateConnection {
        /// The connector.
        connector: String,
        /// The connection.
        connection: String,
    },
    /// A connection name is not `[a-z0-9_-]{1,64}`.
    #[error("connection name {name:?} of {connector} must be 1 to 64 of a-z, 0-9, '_' and '-'")]
    InvalidConnectionName {
        /// The connector.
        connector: String,
        /// The name.
        name: String,
    },
    /// A connection's URL token is too short to be unguessable.
    #[error(
        "the URL token of connection {connector}/{connection} must be at least {min} of A-Z, a-z, 0-9, '-' and '_' (use plugboard_ingress::new_url_token)"
    )]
    WeakUrlToken {
        /// The connector.
        connector: String,
        /// The connection.
        connection: String,
        /// The minimum length.
        min: usize,
    },
    /// A configuration value is unusable.
    #[error(transparent)]
    Config(#[from] ConfigError),
}

impl BuildError {
    /// The configuration key to fix, when the error is about one.
    pub fn key(&self) -> Option<&str> {
        match self {
            Self::MissingSecret { key, .. } => Some(key),
            Self::Config(e) => Some(&e.key),
            _ => None,
        }
    }
}

/// Why starting or running the ingress failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IngressError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The HTTP server failed.
    #[error("server: {0}")]
    Io(#[from] std::io::Error),
    /// The workers of this ingress are already running.
    #[error("the ingress workers are already running")]
    AlreadyStarted,
}
