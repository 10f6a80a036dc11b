//! plugboard-github: the GitHub REST connector — a typed client, the dynamic operation table
//! behind `plugboard call`, GitHub's rate-limit quirks, the `X-Hub-Signature-256` verifier and
//! typed webhook events.
#![doc = include_str!("../README.md")]

pub mod api;
mod classify;
mod client;
mod connector;
pub mod events;
pub mod models;
pub mod oauth;
mod operations;
mod webhook;

pub use classify::GithubClassifier;
pub use client::{API_ORIGIN, GithubClient};
pub use connector::{DESCRIPTOR, GithubConnector, INFO};
pub use events::GithubEvent;
pub use operations::OPERATIONS;
pub use webhook::{GITHUB_WEBHOOKS, GithubWebhookVerifier};

plugboard_core::register_connector!(connector::DESCRIPTOR);
