//! Token rotation against a mock `oauth.v2.access`: the refresh request, the rotated refresh
//! token in the returned `TokenSet`, and Slack's `ok: false` answers.

use std::time::{Duration, SystemTime};

use plugboard_core::oauth2::is_reauth_error;
use plugboard_core::{
    Connector, ConnectorConfig, Credentials, ErrorKind, ExposeSecret, SecretString,
};
use plugboard_slack::SlackConnector;
use plugboard_testkit::MockPlatform;
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, ResponseTemplate};

const CLIENT_SECRET: &str = "3a7b9c2d5e8f1a4b6c9d2e5f8a1b4c7d";

fn config(mock: &MockPlatform) -> ConnectorConfig {
    let mut config = ConnectorConfig {
        base_url: Some(mock.url()),
        token: Some(SecretString::from("xoxe.xoxb-1-old")),
        ..Default::default()
    };
    config
        .settings
        .insert("client_id".into(), "4295101349.3485113745".into());
    config
        .secrets
        .insert("client_secret".into(), SecretString::from(CLIENT_SECRET));
    config
}

fn credentials() -> Credentials {
    Credentials::new("default")
        .with_access_token(SecretString::from("xoxe.xoxb-1-old"))
        .with_refresh_token(SecretString::from("xoxe-1-old-refresh"))
}

#[tokio::test]
async fn refresh_rotates_the_refresh_token() {
    let mock = MockPlatform::start().await;
    Mock::given(method("POST"))
        .and(path("/api/oauth.v2.access"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(plugboard_testkit::fixture!("oauth_v2_refresh.json")),
        )
        .expect(1)
        .mount(mock.server())
        .await;
    let slack = SlackConnector::from_config(&config(&mock)).unwrap();
    let refresher = slack
        .token_refresher()
        .expect("client credentials configured");
    let before = SystemTime::now();
    let tokens = refresher.refresh(&credentials()).await.unwrap();
    assert_eq!(
        tokens.access_token.expose_secret(),
        "xoxe.xoxb-1-MS0yLTIxOTA4NjQ1MjYtNDc1Njg5MTYzMTE2"
    );
    assert_eq!(
        tokens.refresh_token.as_ref().unwrap().expose_secret(),
        "xoxe-1-My0xLTIxOTA4NjQ1MjYtNDc1Njg5MTYzMTE2LW5ldw",
        "each refresh returns a new refresh token"
    );
    let expires = tokens.expires_at.unwrap();
    assert!(expires >= before + Duration::from_secs(43200));
    assert!(expires <= SystemTime::now() + Duration::from_secs(43200));
    assert_eq!(
        tokens.scopes,
        ["commands", "incoming-webhook", "chat:write"]
    );

    let request = mock.received_requests().await.remove(0);
    let form: Vec<(String, String)> = url::form_urlencoded::parse(&request.body)
        .into_owned()
        .collect();
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(field("grant_type"), Some("refresh_token"));
    assert_eq!(field("refresh_token"), Some("xoxe-1-old-refresh"));
    assert_eq!(field("client_id"), Some("4295101349.3485113745"));
    assert_eq!(field("client_secret"), Some(CLIENT_SECRET));
    assert!(
        !request.headers.contains_key("authorization"),
        "client credentials go in the body"
    );
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn a_spent_refresh_token_asks_for_reauthorization() {
    let mock = MockPlatform::start().await;
    Mock::given(method("POST"))
        .and(path("/api/oauth.v2.access"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"ok": false, "error": "invalid_refresh_token"})),
        )
        .expect(1)
        .mount(mock.server())
        .await;
    let slack = SlackConnector::from_config(&config(&mock)).unwrap();
    let e = slack
        .token_refresher()
        .unwrap()
        .refresh(&credentials())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::TokenExpired);
    assert!(is_reauth_error(&e));
    assert_eq!(
        e.context_value("oauth_error"),
        Some("invalid_refresh_token")
    );
    let shown = format!("{e} {e:?}");
    assert!(!shown.contains("xoxe-1-old-refresh") && !shown.contains(CLIENT_SECRET));
}

#[tokio::test]
async fn static_tokens_have_no_refresher() {
    let mock = MockPlatform::start().await;
    let slack = SlackConnector::from_config(&ConnectorConfig {
        base_url: Some(mock.url()),
        token: Some(SecretString::from("xoxb-static")),
        ..Default::default()
    })
    .unwrap();
    assert!(slack.token_refresher().is_none());
}
