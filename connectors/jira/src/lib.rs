//! plugboard-jira: the Jira Cloud connector — a typed client for the platform and agile REST
//! APIs, the dynamic operation table behind `plugboard call`, Jira's rate-limit and token
//! quirks, and the verifier and typed events of Jira admin webhooks.
#![doc = include_str!("../README.md")]

pub mod adf;
pub mod api;
mod classify;
mod client;
mod connector;
pub mod events;
pub mod models;
mod operations;
mod paging;
mod refresh;
pub mod time;
mod webhook;

pub use classify::{JiraClassifier, LimitReason};
pub use client::{AUTH_ORIGIN, AuthMode, GATEWAY_ORIGIN, JiraClient, SITE_PLACEHOLDER};
pub use connector::{
    CLIENT_ID, CLIENT_SECRET, CLOUD_ID, CONFIG_KEYS, DESCRIPTOR, EMAIL, INFO, JiraConnector,
};
pub use events::JiraEvent;
pub use operations::OPERATIONS;
pub use refresh::token_refresher;
pub use webhook::{JIRA_WEBHOOKS, JiraWebhookVerifier};

plugboard_core::register_connector!(connector::DESCRIPTOR);
