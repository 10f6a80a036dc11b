//! Refreshing Google user access tokens: `POST https://oauth2.googleapis.com/token` with
//! `grant_type=refresh_token`, the client id and secret in the body. Access tokens last an
//! hour. Google does not rotate: the answer carries no new refresh token, so the returned
//! [`TokenSet`](plugboard_core::TokenSet) has none and the token manager keeps the stored one.
//!
//! A dead refresh token answers `400 {"error":"invalid_grant"}`: revoked, unused for six
//! months, or issued by an OAuth client in "Testing" publishing status to an external user
//! (those expire after 7 days). [`google_token_errors`] turns it into a permanent
//! `TokenExpired` that names these causes, which
//! [`is_reauth_error`](plugboard_core::oauth2::is_reauth_error) recognises as "reconnect".

use std::sync::Arc;

use plugboard_core::oauth2::{ClientAuth, OAuth2Refresher, oauth_error};
use plugboard_core::{ConnectorConfig, Error, ExposeSecret, Result};
use serde_json::Value;
use url::Url;

use crate::config::{CLIENT_ID, CLIENT_SECRET};
use crate::connector::INFO;

/// Where Google issues tokens.
pub const OAUTH_ORIGIN: &str = "https://oauth2.googleapis.com";

/// The token endpoint's path (under [`OAUTH_ORIGIN`], or under `base_url` when set).
pub const TOKEN_PATH: &str = "/token";

/// The token endpoint: `https://oauth2.googleapis.com/token`, or the same path under
/// `base_url` when one is configured (tests, proxies).
pub fn token_url(config: &ConnectorConfig) -> Result<Url> {
    let origin = config
        .base_url
        .as_ref()
        .map_or(OAUTH_ORIGIN.to_string(), |u| {
            u.origin().ascii_serialization()
        });
    let mut url = Url::parse(&origin).map_err(|e| Error::config(format!("token URL: {e}")))?;
    url.set_path(TOKEN_PATH);
    Ok(url)
}

/// The refresher of a connection with user tokens: `Some` when both `client_id` and
/// `client_secret` are configured, `None` otherwise.
pub fn token_refresher(config: &ConnectorConfig) -> Result<Option<Arc<OAuth2Refresher>>> {
    let (Some(client_id), Some(secret)) = (
        config.setting(CLIENT_ID.name).filter(|s| !s.is_empty()),
        config
            .secret(CLIENT_SECRET.name)
            .filter(|s| !s.expose_secret().is_empty()),
    ) else {
        return Ok(None);
    };
    let refresher =
        OAuth2Refresher::new(INFO.id, token_url(config)?, client_id, Some(secret.clone()))
            .client_auth(ClientAuth::RequestBody)
            .response_check(google_token_errors);
    Ok(Some(Arc::new(refresher)))
}

/// Google's `invalid_grant` as a permanent `TokenExpired` whose message says what to do;
/// other answers get the generic handling.
pub fn google_token_errors(body: &Value) -> Option<Error> {
    if body.get("error")?.as_str()? != "invalid_grant" {
        return None;
    }
    let description = body.get("error_description").and_then(Value::as_str);
    let mapped = oauth_error("invalid_grant", description, None);
    Some(
        Error::new(
            mapped.kind(),
            format!(
                "{}; reconnect the account (Google invalidates refresh tokens that were revoked, \
                 unused for 6 months, or issued by an app in Testing status after 7 days)",
                mapped.message()
            ),
        )
        .with_retry(mapped.retry())
        .with_context("oauth_error", "invalid_grant"),
    )
}

#[cfg(test)]
mod tests {
    use plugboard_core::{ErrorKind, SecretString};
    use serde_json::json;

    use super::*;

    #[test]
    fn token_url_follows_the_base_url() {
        let mut c = ConnectorConfig::default();
        assert_eq!(
            token_url(&c).unwrap().as_str(),
            "https://oauth2.googleapis.com/token"
        );
        c.base_url = Some("http://127.0.0.1:4321/prefix?x=1".parse().unwrap());
        assert_eq!(
            token_url(&c).unwrap().as_str(),
            "http://127.0.0.1:4321/token"
        );
    }

    #[test]
    fn needs_both_client_credentials() {
        let mut c = ConnectorConfig::default();
        assert!(token_refresher(&c).unwrap().is_none());
        c.settings.insert(
            "client_id".into(),
            "1234-abc.apps.googleusercontent.com".into(),
        );
        assert!(token_refresher(&c).unwrap().is_none());
        c.secrets
            .insert("client_secret".into(), SecretString::from("GOCSPX-s3cr3t"));
        let r = token_refresher(&c).unwrap().unwrap();
        assert_eq!(r.client_id(), "1234-abc.apps.googleusercontent.com");
        assert!(!format!("{r:?}").contains("GOCSPX-s3cr3t"));
    }

    #[test]
    fn invalid_grant_is_a_reauthorization_error() {
        let e = google_token_errors(&json!({
            "error": "invalid_grant",
            "error_description": "Token has been expired or revoked."
        }))
        .unwrap();
        assert_eq!(e.kind(), ErrorKind::TokenExpired);
        assert!(plugboard_core::oauth2::is_reauth_error(&e));
        assert!(
            e.to_string().contains("Token has been expired or revoked."),
            "{e}"
        );
        assert!(e.to_string().contains("Testing"), "{e}");
        assert!(google_token_errors(&json!({"error": "invalid_client"})).is_none());
        assert!(google_token_errors(&json!({"access_token": "ya29.x"})).is_none());
    }
}
