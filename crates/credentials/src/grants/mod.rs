//! Grants: the ways a credential is renewed, each a [`TokenRefresher`](plugboard_core::TokenRefresher).
//! The generic OAuth 2.0 `refresh_token` grant lives in the core
//! ([`plugboard_core::oauth2::OAuth2Refresher`]); these are the platform-specific ones.

mod github_app;
mod google;
mod jwt;
mod meta;

pub use github_app::{GITHUB_API, GithubAppRefresher};
pub use google::GoogleServiceAccountRefresher;
pub use jwt::parse_rfc3339;
pub use meta::MetaExchange;
