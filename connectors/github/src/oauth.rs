//! Refreshing expiring user access tokens (GitHub Apps; 8 h access tokens, 6-month refresh
//! tokens): `POST https://github.com/login/oauth/access_token` with
//! `grant_type=refresh_token`, the client id and secret and the refresh token, asking for JSON.
//! GitHub rotates: every refresh returns a new refresh token and retires the old pair, so the
//! returned [`TokenSet`](plugboard_core::TokenSet) carries the new one, and the request is sent
//! exactly once (the core refresher never repeats it).
//!
//! GitHub answers refusals with HTTP 200 and an `error` field; [`github_token_errors`] maps its
//! codes (`bad_refresh_token`...) to the core's OAuth error kinds.

use std::sync::Arc;

use plugboard_core::oauth2::{ClientAuth, OAuth2Refresher, oauth_error};
use plugboard_core::{ConfigKey, ConnectorConfig, Error, Result};
use serde_json::Value;
use url::Url;

use crate::connector::INFO;

/// Where GitHub issues user tokens.
pub const OAUTH_ORIGIN: &str = "https://github.com";

/// The token endpoint's path (under [`OAUTH_ORIGIN`], or under `base_url` when set).
pub const TOKEN_PATH: &str = "/login/oauth/access_token";

/// The GitHub App's (or OAuth app's) client id.
pub const CLIENT_ID: ConfigKey = ConfigKey {
    name: "client_id",
    secret: false,
    doc: "GitHub App client id, to refresh expiring user access tokens",
};

/// The GitHub App's (or OAuth app's) client secret.
pub const CLIENT_SECRET: ConfigKey = ConfigKey {
    name: "client_secret",
    secret: true,
    doc: "GitHub App client secret, to refresh expiring user access tokens",
};

/// GitHub's declared configuration keys.
pub const CONFIG_KEYS: &[ConfigKey] = &[CLIENT_ID, CLIENT_SECRET];

/// The token endpoint: `https://github.com/login/oauth/access_token`, or the same path under
/// `base_url` when one is configured (GitHub Enterprise Server hosts, tests, proxies).
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

/// The refresher for a connection with user tokens: `Some` when both `client_id` and
/// `client_secret` are configured, `None` otherwise (personal access tokens do not refresh).
pub fn token_refresher(config: &ConnectorConfig) -> Result<Option<Arc<OAuth2Refresher>>> {
    let (Some(client_id), Some(secret)) = (
        config.setting(CLIENT_ID.name).filter(|s| !s.is_empty()),
        config.secret(CLIENT_SECRET.name),
    ) else {
        return Ok(None);
    };
    let refresher =
        OAuth2Refresher::new(INFO.id, token_url(config)?, client_id, Some(secret.clone()))
            .client_auth(ClientAuth::RequestBody)
            .response_check(github_token_errors);
    Ok(Some(Arc::new(refresher)))
}

/// GitHub's token-endpoint error codes, which arrive with HTTP 200, as the core's kinds:
/// `bad_refresh_token` (expired, revoked or already used) needs a new authorization;
/// `incorrect_client_credentials` is a rejected client. Other codes get the generic handling.
pub fn github_token_errors(body: &Value) -> Option<Error> {
    let code = body.get("error")?.as_str()?;
    let standard = match code {
        "bad_refresh_token" => "invalid_grant",
        "incorrect_client_credentials" => "invalid_client",
        "bad_verification_code" => "invalid_code",
        "redirect_uri_mismatch" => "bad_redirect_uri",
        _ => return None,
    };
    let description = body.get("error_description").and_then(Value::as_str);
    let mapped = oauth_error(standard, description, None);
    let mut message = format!("GitHub refused the token request: {code}");
    if let Some(description) = description {
        message.push_str(&format!(" ({description})"));
    }
    Some(
        Error::new(mapped.kind(), message)
            .with_retry(mapped.retry())
            .with_context("oauth_error", code),
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
            "https://github.com/login/oauth/access_token"
        );
        c.base_url = Some("http://127.0.0.1:4321/ignored?x=1".parse().unwrap());
        assert_eq!(
            token_url(&c).unwrap().as_str(),
            "http://127.0.0.1:4321/login/oauth/access_token"
        );
    }

    #[test]
    fn needs_both_client_credentials() {
        let mut c = ConnectorConfig::default();
        assert!(token_refresher(&c).unwrap().is_none());
        c.settings
            .insert("client_id".into(), "Iv1.8a61f9b3a7aba766".into());
        assert!(token_refresher(&c).unwrap().is_none());
        c.secrets
            .insert("client_secret".into(), SecretString::from("s3cr3t-value"));
        let refresher = token_refresher(&c).unwrap().unwrap();
        assert_eq!(refresher.client_id(), "Iv1.8a61f9b3a7aba766");
        assert!(!format!("{refresher:?}").contains("s3cr3t-value"));
    }

    #[test]
    fn githubs_error_codes_map_to_kinds() {
        let e = github_token_errors(&json!({
            "error": "bad_refresh_token",
            "error_description": "The refresh token passed is incorrect or expired.",
            "error_uri": "https://docs.github.com"
        }))
        .unwrap();
        assert_eq!(e.kind(), ErrorKind::TokenExpired);
        assert!(plugboard_core::oauth2::is_reauth_error(&e));
        assert_eq!(e.context_value("oauth_error"), Some("bad_refresh_token"));
        let e = github_token_errors(&json!({"error": "incorrect_client_credentials"})).unwrap();
        assert_eq!(e.kind(), ErrorKind::Unauthorized);
        assert!(github_token_errors(&json!({"access_token": "ghu_x"})).is_none());
        assert!(github_token_errors(&json!({"error": "something_new"})).is_none());
    }
}
