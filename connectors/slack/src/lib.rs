//! plugboard-slack: the Slack connector — a typed Web API client, the dynamic operation table
//! behind `plugboard call`, Slack's `ok: false` errors and rate tiers, and the v0 request
//! verifier with typed events (Events API, slash commands, interactivity).
#![doc = include_str!("../README.md")]

pub mod api;
mod classify;
mod client;
mod connector;
pub mod events;
pub mod models;
pub mod oauth;
mod operations;
pub mod tiers;
mod webhook;

pub use classify::{ERROR_CODE, SlackClassifier};
pub use client::{API_ORIGIN, SlackClient};
pub use connector::{DESCRIPTOR, INFO, SlackConnector};
pub use events::SlackEvent;
pub use operations::OPERATIONS;
pub use webhook::{REPLAY_WINDOW_SECS, SLACK_WEBHOOKS, SlackWebhookVerifier};

plugboard_core::register_connector!(connector::DESCRIPTOR);
