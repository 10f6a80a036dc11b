//! plugboard-core: the contracts every connector implements and the resilience runtime every
//! outbound call goes through.
//!
//! The crate is declarations and re-exports only; each concern lives in its own module:
//! [`ids`], [`error`], [`connector`], [`registry`], [`config`], [`auth`], [`webhook`],
//! [`signing`], [`http`] (requests, responses, classification, rate-limit signals) and
//! [`runtime`] (the call path: observe → cache → deadline → retry → breaker → pause gate →
//! token bucket → bulkhead → attempt timeout → auth → transport → classify).
#![doc = include_str!("../README.md")]

pub mod auth;
pub mod clock;
pub mod config;
pub mod connector;
pub mod dynamic;
pub mod error;
pub mod http;
pub mod ids;
pub mod oauth2;
pub mod registry;
pub mod runtime;
pub mod signing;
pub mod unified;
pub mod webhook;

pub use auth::{AuthProvider, Credentials, NoAuth, StaticToken, TokenRefresher, TokenSet};
pub use clock::{Clock, FixedClock, SystemClock};
pub use config::{ConfigKey, ConnectorConfig};
pub use connector::{
    AuthKind, CallContext, Capabilities, Connector, ConnectorInfo, OperationDescriptor, RateClass,
    WebhookInfo,
};
pub use error::{Error, ErrorKind, Result, RetryStatus};
pub use http::{ApiRequest, ApiResponse, CacheStatus, Classifier, DefaultClassifier, RequestBody};
pub use ids::{ConnectorId, OperationId};
pub use oauth2::{ClientAuth, OAuth2Refresher};
pub use registry::{ConnectorDescriptor, Registry};
pub use runtime::{Page, PageSpec, Pagination, Policy, Runtime, RuntimeBuilder};
pub use secrecy::{ExposeSecret, SecretString};
pub use unified::{AdAccount, AdAccountSource, Channel, ChannelKind, ChannelSource};
pub use webhook::{
    Handshake, VerifiedWebhook, WebhookError, WebhookEvent, WebhookRequest, WebhookSecrets,
    WebhookVerifier,
};

/// Re-exports used by the macros of this crate; not a public API.
#[doc(hidden)]
pub mod __private {
    pub use inventory;
}
