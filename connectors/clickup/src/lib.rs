//! plugboard-clickup: the Clickup connector — a typed client, the dynamic operation table behind
//! `plugboard call`, and Clickup's error quirks.
#![doc = include_str!("../README.md")]

pub mod api;
mod classify;
mod client;
mod connector;
pub mod models;
mod operations;

pub use classify::ClickupClassifier;
pub use client::{API_ORIGIN, ClickupClient};
pub use connector::{ClickupConnector, DESCRIPTOR, INFO};
pub use operations::OPERATIONS;

plugboard_core::register_connector!(connector::DESCRIPTOR);
