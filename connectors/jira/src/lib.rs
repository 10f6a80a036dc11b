//! plugboard-jira: the Jira connector — a typed client, the dynamic operation table behind
//! `plugboard call`, and Jira's error quirks.
#![doc = include_str!("../README.md")]

pub mod api;
mod classify;
mod client;
mod connector;
pub mod models;
mod operations;

pub use classify::JiraClassifier;
pub use client::{API_ORIGIN, JiraClient};
pub use connector::{DESCRIPTOR, INFO, JiraConnector};
pub use operations::OPERATIONS;

plugboard_core::register_connector!(connector::DESCRIPTOR);
