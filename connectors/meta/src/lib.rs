//! plugboard-meta: the Meta connector — a typed client, the dynamic operation table behind
//! `plugboard call`, and Meta's error quirks.
#![doc = include_str!("../README.md")]

pub mod api;
mod classify;
mod client;
mod connector;
pub mod models;
mod operations;

pub use classify::MetaClassifier;
pub use client::{API_ORIGIN, MetaClient};
pub use connector::{DESCRIPTOR, INFO, MetaConnector};
pub use operations::OPERATIONS;

plugboard_core::register_connector!(connector::DESCRIPTOR);
