//! plugboard-meta: the Meta Graph API connector — a typed client (Pages, Instagram accounts, ad
//! accounts, insights, token exchange), the dynamic operation table behind `plugboard call`,
//! Meta's error codes and usage headers, and the `X-Hub-Signature-256` webhook verifier.
#![doc = include_str!("../README.md")]

pub mod api;
mod auth;
mod classify;
mod client;
mod connector;
pub mod models;
mod operations;
pub mod unified;
mod usage;
mod webhook;

pub use auth::appsecret_proof;
pub use classify::{GraphError, MetaClassifier, THROTTLE_WAIT, is_throttle_code};
pub use client::{
    API_ORIGIN, API_VERSION_KEY, APP_ID_KEY, APP_SECRET_KEY, CONFIG_KEYS, DEFAULT_API_VERSION,
    MetaClient, VERIFY_TOKEN_KEY,
};
pub use connector::{DESCRIPTOR, INFO, MetaConnector};
pub use operations::OPERATIONS;
pub use usage::{PACE_WINDOW, PAUSE_AT_PERCENT, Usage};
pub use webhook::{Change, Delivery, Entry, META_WEBHOOKS, MetaEvent, MetaWebhookVerifier};

plugboard_core::register_connector!(connector::DESCRIPTOR);
