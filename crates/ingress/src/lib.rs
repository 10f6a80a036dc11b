//! plugboard-ingress: the webhook ingress of plugboard, as a library the `plugboard serve`
//! binary and embedding applications share.
//!
//! The crate is declarations and re-exports; each concern lives in its own module:
//! [`config`] (the `[ingress]` table), [`builder`] and [`ingress`] (assembly and lifecycle),
//! [`routes`] (the request path), `worker` (delivery, retries, dead-lettering), [`sink`]
//! (HTTP, JSON lines, command, typed handler), [`health`] and [`metrics`].
#![doc = include_str!("../README.md")]

pub mod builder;
pub mod config;
pub mod duration;
pub mod endpoint;
pub mod error;
pub mod health;
pub mod ingress;
pub mod metrics;
pub mod routes;
pub mod sink;
mod worker;

pub use builder::IngressBuilder;
pub use config::{ConfigError, InboundLimit, IngressConfig, SinkConfig};
pub use endpoint::{connection_path, new_url_token};
pub use error::{BuildError, IngressError};
pub use health::{
    ConnectorHealth, HealthContribution, HealthContributor, HealthReport, HealthStatus, StoreHealth,
};
pub use ingress::{Ingress, Workers};
pub use metrics::prometheus_builder;
pub use sink::{CommandSink, Delivery, HandlerSink, HttpSink, JsonlSink, Sink, SinkError};
