//! plugboard-clickup: the ClickUp API v2 connector — a typed client, the dynamic operation
//! table behind `plugboard call`, ClickUp's rate-limit and error quirks, the `X-Signature`
//! webhook verifier with typed events, and the OAuth code exchange.
#![doc = include_str!("../README.md")]

pub mod api;
mod classify;
mod client;
mod connector;
pub mod events;
pub mod models;
mod oauth;
mod operations;
mod webhook;

pub use classify::ClickupClassifier;
pub use client::{API_BASE, API_ORIGIN, ClickupClient, DEFAULT_REQUESTS_PER_MINUTE, token_auth};
pub use connector::{ClickupConnector, DESCRIPTOR, INFO};
pub use events::ClickupEvent;
pub use oauth::{AUTHORIZE_URL, CLIENT_ID, CLIENT_SECRET, ClickupOAuth, OAUTH_KEYS};
pub use operations::OPERATIONS;
pub use webhook::{CLICKUP_WEBHOOKS, ClickupWebhookVerifier, UNKNOWN_EVENT, payload_event_id};

plugboard_core::register_connector!(connector::DESCRIPTOR);
