//! plugboard-github: the GitHub REST connector — a typed client, the dynamic operation table
//! behind `plugboard call`, GitHub's rate-limit quirks and the `X-Hub-Signature-256` verifier.
#![doc = include_str!("../README.md")]

pub mod api;
mod classify;
mod client;
mod connector;
pub mod models;
mod operations;
mod webhook;

pub use classify::GithubClassifier;
pub use client::{API_ORIGIN, GithubClient};
pub use connector::{DESCRIPTOR, GithubConnector, INFO};
pub use operations::OPERATIONS;
pub use webhook::{GITHUB_WEBHOOKS, GithubWebhookVerifier};

plugboard_core::register_connector!(connector::DESCRIPTOR);
