//! plugboard-credentials: connections that stay alive — encrypted, versioned credential
//! records, single-flight token renewal that is safe with rotating refresh tokens across
//! processes, the platform grants (GitHub App, Google service account, Meta exchange), the
//! scheduled sweep and the OAuth connect flow.
#![doc = include_str!("../README.md")]

pub mod connect;
pub mod connection;
pub mod connections;
pub mod error;
pub mod grants;
pub mod manager;
pub mod sealer;
pub mod sweep;

pub use connect::{AuthorizeRedirect, CallbackQuery, ConnectError, ConnectFlow, ProviderConfig};
pub use connection::{Connection, ConnectionKey, ConnectionKind, ConnectionStatus};
pub use connections::ConnectionStore;
pub use error::{CredentialsError, CredentialsResult};
pub use grants::{GithubAppRefresher, GoogleServiceAccountRefresher, MetaExchange};
pub use manager::{
    AuthScheme, ConnectionValidator, ReauthCallback, ReauthEvent, RefreshOutcome, RefreshSettings,
    TokenManager, TokenManagers, TokenManagersBuilder,
};
pub use sealer::{KeySource, MASTER_KEY_VAR, MasterKey, PREVIOUS_KEY_VAR, Sealer};
pub use sweep::{ConnectionSummary, Sweep, SweepResult};
