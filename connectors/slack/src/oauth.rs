//! Token rotation: with rotation on, Slack's access tokens expire after 12 hours and each
//! refresh (`oauth.v2.access`, `grant_type=refresh_token`) revokes the refresh token it used
//! and returns a new one. The generic [`OAuth2Refresher`] does the exchange; Slack's part is the
//! endpoint, the client credentials from configuration and the `{"ok": false}` answers.

use plugboard_core::oauth2::{OAuth2Refresher, oauth_error};
use plugboard_core::{ConfigKey, ConnectorConfig, Error, Result};
use serde_json::Value;
use url::Url;

use crate::client::API_ORIGIN;
use crate::connector::INFO;

/// `client_id`: the app's client id (Basic Information page), for token rotation.
pub const CLIENT_ID: ConfigKey = ConfigKey {
    name: "client_id",
    secret: false,
    doc: "the Slack app's client id, to refresh rotating tokens (oauth.v2.access)",
};

/// `client_secret`: the app's client secret, for token rotation.
pub const CLIENT_SECRET: ConfigKey = ConfigKey {
    name: "client_secret",
    secret: true,
    doc: "the Slack app's client secret, to refresh rotating tokens (oauth.v2.access)",
};

/// The keys Slack declares beyond the common ones.
pub static CONFIG_KEYS: &[ConfigKey] = &[CLIENT_ID, CLIENT_SECRET];

/// The token endpoint, under the configured origin (`https://slack.com/api/oauth.v2.access`).
pub fn token_url(config: &ConnectorConfig) -> Result<Url> {
    let mut url = config
        .base_url
        .clone()
        .map_or_else(|| Url::parse(API_ORIGIN), Ok)
        .map_err(|e| Error::config(format!("slack base_url: {e}")))?;
    url.set_path("/api/oauth.v2.access");
    url.set_query(None);
    Ok(url)
}

/// The refresher of a connection whose tokens rotate, when `client_id` and `client_secret`
/// are configured; `None` for static (non-rotating) tokens.
pub fn refresher(config: &ConnectorConfig) -> Result<Option<OAuth2Refresher>> {
    let (Some(client_id), Some(secret)) = (
        config.setting(CLIENT_ID.name),
        config.secret(CLIENT_SECRET.name),
    ) else {
        return Ok(None);
    };
    Ok(Some(
        OAuth2Refresher::new(INFO.id, token_url(config)?, client_id, Some(secret.clone()))
            .response_check(slack_answer),
    ))
}

/// Slack answers token errors with HTTP 200 and `{"ok": false, "error": "<code>"}`
/// (`invalid_refresh_token`, `invalid_client_id`, `bad_client_secret`...).
fn slack_answer(body: &Value) -> Option<Error> {
    if body.get("ok") != Some(&Value::Bool(false)) {
        return None;
    }
    let code = body
        .get("error")
        .and_then(Value::as_str)
        .unwrap_or("unknown_error");
    Some(oauth_error(code, None, Some(200)))
}

#[cfg(test)]
mod tests {
    use plugboard_core::ErrorKind;
    use serde_json::json;

    use super::*;

    #[test]
    fn token_url_follows_the_base_url() {
        let default = ConnectorConfig::default();
        assert_eq!(
            token_url(&default).unwrap().as_str(),
            "https://slack.com/api/oauth.v2.access"
        );
        let local = ConnectorConfig {
            base_url: Some("http://127.0.0.1:9/".parse().unwrap()),
            ..Default::default()
        };
        assert_eq!(
            token_url(&local).unwrap().as_str(),
            "http://127.0.0.1:9/api/oauth.v2.access"
        );
    }

    #[test]
    fn ok_false_answers_are_oauth_errors() {
        let e = slack_answer(&json!({"ok": false, "error": "invalid_refresh_token"})).unwrap();
        assert_eq!(e.kind(), ErrorKind::TokenExpired);
        assert!(slack_answer(&json!({"ok": true, "access_token": "x"})).is_none());
    }

    #[test]
    fn no_refresher_without_client_credentials() {
        assert!(refresher(&ConnectorConfig::default()).unwrap().is_none());
    }
}
