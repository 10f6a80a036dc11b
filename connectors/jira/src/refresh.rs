//! OAuth 2.0 (3LO) token refresh: `POST https://auth.atlassian.com/oauth/token` with
//! `grant_type=refresh_token`, the client id and secret and the refresh token. Atlassian rotates
//! refresh tokens: every refresh returns a new one and retires the old (after a short leeway),
//! so the returned [`TokenSet`](plugboard_core::TokenSet) always carries the new refresh token,
//! and the request is sent exactly once (the core refresher never retries it).
//!
//! Atlassian documents a JSON body; the core refresher sends the same fields form-encoded,
//! which Atlassian's token endpoint also accepts.

use std::sync::Arc;

use plugboard_core::oauth2::{BodyFormat, ClientAuth, OAuth2Refresher};
use plugboard_core::{ConnectorConfig, Error, Result, TokenRefresher};
use url::Url;

use crate::client::{AUTH_ORIGIN, origin_override};
use crate::connector::{CLIENT_ID, CLIENT_SECRET, INFO};

/// The token endpoint: `https://auth.atlassian.com/oauth/token`, or the same path under
/// `base_url` when that is not an Atlassian site (tests, proxies).
pub fn token_url(config: &ConnectorConfig) -> Result<Url> {
    let origin = origin_override(config)
        .map(|u| u.to_string())
        .unwrap_or_else(|| AUTH_ORIGIN.to_string());
    let mut url = Url::parse(&origin).map_err(|e| Error::config(format!("token URL: {e}")))?;
    url.set_path("/oauth/token");
    url.set_query(None);
    Ok(url)
}

/// The refresher for a connection with an OAuth 2.0 app: `Some` when both `client_id` and
/// `client_secret` are configured, `None` otherwise (API tokens do not expire).
pub fn token_refresher(config: &ConnectorConfig) -> Result<Option<Arc<dyn TokenRefresher>>> {
    let (Some(client_id), Some(secret)) = (
        config.setting(CLIENT_ID.name).filter(|s| !s.is_empty()),
        config.secret(CLIENT_SECRET.name),
    ) else {
        return Ok(None);
    };
    let refresher =
        OAuth2Refresher::new(INFO.id, token_url(config)?, client_id, Some(secret.clone()))
            .client_auth(ClientAuth::RequestBody)
            // Atlassian documents a JSON token request.
            .body_format(BodyFormat::Json);
    Ok(Some(Arc::new(refresher)))
}

#[cfg(test)]
mod tests {
    use plugboard_core::SecretString;

    use super::*;

    #[test]
    fn token_url_follows_the_origin_override() {
        let mut c = ConnectorConfig::default();
        assert_eq!(
            token_url(&c).unwrap().as_str(),
            "https://auth.atlassian.com/oauth/token"
        );
        c.base_url = Some("https://acme.atlassian.net".parse().unwrap());
        assert_eq!(
            token_url(&c).unwrap().as_str(),
            "https://auth.atlassian.com/oauth/token"
        );
        c.base_url = Some("http://127.0.0.1:4321".parse().unwrap());
        assert_eq!(
            token_url(&c).unwrap().as_str(),
            "http://127.0.0.1:4321/oauth/token"
        );
    }

    #[test]
    fn needs_both_client_credentials() {
        let mut c = ConnectorConfig::default();
        assert!(token_refresher(&c).unwrap().is_none());
        c.settings.insert("client_id".into(), "abc".into());
        assert!(token_refresher(&c).unwrap().is_none());
        c.secrets
            .insert("client_secret".into(), SecretString::from("s3cr3t"));
        assert!(token_refresher(&c).unwrap().is_some());
    }
}
