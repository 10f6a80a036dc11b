//! plugboard-tiktok: the Tiktok connector — a typed client, the dynamic operation table behind
//! `plugboard call`, and Tiktok's error quirks.
#![doc = include_str!("../README.md")]

pub mod api;
mod classify;
mod client;
mod connector;
pub mod models;
mod operations;

pub use classify::TiktokClassifier;
pub use client::{API_ORIGIN, TiktokClient};
pub use connector::{DESCRIPTOR, INFO, TiktokConnector};
pub use operations::OPERATIONS;

plugboard_core::register_connector!(connector::DESCRIPTOR);
