//! plugboard-slack: the Slack connector — a typed client, the dynamic operation table behind
//! `plugboard call`, and Slack's error quirks.
#![doc = include_str!("../README.md")]

pub mod api;
mod classify;
mod client;
mod connector;
pub mod models;
mod operations;

pub use classify::SlackClassifier;
pub use client::{API_ORIGIN, SlackClient};
pub use connector::{DESCRIPTOR, INFO, SlackConnector};
pub use operations::OPERATIONS;

plugboard_core::register_connector!(connector::DESCRIPTOR);
