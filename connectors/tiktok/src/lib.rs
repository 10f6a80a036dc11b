//! plugboard-tiktok: the TikTok connector — a typed client for the Display API v2 (user, videos)
//! and the API for Business (advertisers, campaigns, reports), the dynamic operation table
//! behind `plugboard call`, errors inside HTTP 200 bodies, `TikTok-Signature` webhooks and the
//! v2 token refresh.
#![doc = include_str!("../README.md")]

pub mod api;
mod classify;
mod client;
mod connector;
pub mod models;
mod operations;
pub mod unified;
mod webhook;

pub use classify::{
    BusinessStatus, OpenApiError, TiktokClassifier, Verdict, business_error, open_api_error,
};
pub use client::{
    API_ORIGIN, APP_ID_KEY, APP_SECRET_KEY, BUSINESS_API_ORIGIN, BUSINESS_API_VERSION,
    BUSINESS_BASE_URL_KEY, BUSINESS_CLASS, BUSINESS_TOKEN_KEY, CLIENT_KEY_KEY, CLIENT_SECRET_KEY,
    CONFIG_KEYS, OPEN_API_CLASS, TiktokClient, token_url,
};
pub use connector::{DESCRIPTOR, INFO, TiktokConnector, refresher};
pub use operations::OPERATIONS;
pub use webhook::{
    Envelope, REPLAY_WINDOW_SECS, TIKTOK_WEBHOOKS, TiktokEvent, TiktokWebhookVerifier,
};

plugboard_core::register_connector!(connector::DESCRIPTOR);
