//! plugboard-google: the Google connector — a typed client, the dynamic operation table behind
//! `plugboard call`, and Google's error quirks.
#![doc = include_str!("../README.md")]

pub mod api;
mod classify;
mod client;
mod connector;
pub mod models;
mod operations;

pub use classify::GoogleClassifier;
pub use client::{API_ORIGIN, GoogleClient};
pub use connector::{DESCRIPTOR, GoogleConnector, INFO};
pub use operations::OPERATIONS;

plugboard_core::register_connector!(connector::DESCRIPTOR);
