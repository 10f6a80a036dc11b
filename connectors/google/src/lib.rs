//! plugboard-google: the Google connector — a typed client for OpenID Connect userinfo, the
//! YouTube Data API and the Google Ads API, the dynamic operation table behind
//! `plugboard call`, Google's error and quota quirks, OAuth refresh, the unified channel and
//! ad-account views, and verification of YouTube WebSub, Calendar/Drive channel and Cloud
//! Pub/Sub push deliveries with typed events.
#![doc = include_str!("../README.md")]

pub mod api;
mod classify;
mod client;
pub mod config;
mod connector;
pub mod events;
pub mod feed;
pub mod models;
pub mod oauth;
mod operations;
mod unified;
pub mod webhook;

pub use classify::{GoogleClassifier, until_daily_reset};
pub use client::{
    ADS_CLASS, ADS_ORIGIN, ADS_QUOTA, API_ORIGIN, AdsSettings, DEFAULT_ADS_API_VERSION,
    GoogleClient, USERINFO_ORIGIN, YOUTUBE_CLASS, YOUTUBE_QUOTA, customer_id,
};
pub use connector::{DESCRIPTOR, GoogleConnector, INFO};
pub use events::GoogleEvent;
pub use operations::OPERATIONS;
pub use webhook::{GOOGLE_WEBHOOKS, GoogleWebhookVerifier, PubSubPushVerifier, PubSubSettings};

plugboard_core::register_connector!(connector::DESCRIPTOR);
