//! ClickUp OAuth: the authorize URL, the code exchange against a mock token endpoint (the
//! client secret in the form body, never the URL), ClickUp's error shape, and no refresher.

use std::collections::BTreeMap;

use plugboard_clickup::{ClickupConnector, ClickupOAuth};
use plugboard_core::{Connector, ConnectorConfig, ErrorKind, ExposeSecret, SecretString};
use plugboard_testkit::MockPlatform;
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Match, Mock, Request, ResponseTemplate};

const CLIENT_ID: &str = "QVOQP06ZXC6CMGVFKB0ZT7J9Y7APOYGO";
const CLIENT_SECRET: &str = "CLIENT-SECRET-1234567890";

fn config(mock: &MockPlatform) -> ConnectorConfig {
    let mut config = ConnectorConfig {
        base_url: Some(mock.url()),
        ..Default::default()
    };
    config.settings.insert("client_id".into(), CLIENT_ID.into());
    config
        .secrets
        .insert("client_secret".into(), SecretString::from(CLIENT_SECRET));
    config
}

/// Matches a form body with exactly these fields, whatever their order.
struct Form(BTreeMap<&'static str, &'static str>);

impl Match for Form {
    fn matches(&self, request: &Request) -> bool {
        let fields: BTreeMap<String, String> = url::form_urlencoded::parse(&request.body)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        fields.len() == self.0.len()
            && self
                .0
                .iter()
                .all(|(k, v)| fields.get(*k).map(String::as_str) == Some(*v))
    }
}

#[tokio::test]
async fn the_code_is_exchanged_once_with_the_secret_in_the_body() {
    let mock = MockPlatform::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v2/oauth/token"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(Form(BTreeMap::from([
            ("grant_type", "authorization_code"),
            ("code", "abc123"),
            ("client_id", CLIENT_ID),
            ("client_secret", CLIENT_SECRET),
        ])))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": "61681706_oauth_access"})),
        )
        .expect(1)
        .mount(mock.server())
        .await;
    let oauth = ClickupOAuth::from_config(&config(&mock)).unwrap();
    assert_eq!(
        oauth.token_url().as_str(),
        format!("{}/api/v2/oauth/token", mock.uri())
    );
    assert!(!format!("{oauth:?}").contains(CLIENT_SECRET));
    let tokens = oauth.exchange_code("abc123").await.unwrap();
    assert_eq!(tokens.access_token.expose_secret(), "61681706_oauth_access");
    assert!(
        tokens.refresh_token.is_none(),
        "ClickUp issues no refresh token"
    );
    assert!(
        tokens.expires_at.is_none(),
        "ClickUp access tokens do not expire"
    );
    let requests = mock.received_requests().await;
    assert!(
        requests[0].url.query().is_none(),
        "no credential in the URL: {}",
        requests[0].url
    );
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn a_refused_code_is_an_error_with_clickups_message_and_no_secret() {
    let mock = MockPlatform::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v2/oauth/token"))
        .respond_with(
            ResponseTemplate::new(400)
                .set_body_json(json!({"err": "Code already used", "ECODE": "OAUTH_014"})),
        )
        .expect(1)
        .mount(mock.server())
        .await;
    let oauth = ClickupOAuth::from_config(&config(&mock)).unwrap();
    let e = oauth.exchange_code("used-code").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unauthorized);
    assert!(!e.is_transient());
    assert_eq!(e.context_value("ecode"), Some("OAUTH_014"));
    assert!(e.to_string().contains("Code already used"), "{e}");
    assert!(!format!("{e} {e:?}").contains(CLIENT_SECRET));
    let e = oauth.exchange_code(" ").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
}

#[test]
fn the_authorize_url_names_the_app_redirect_and_state() {
    let oauth = ClickupOAuth::new(
        CLIENT_ID,
        SecretString::from(CLIENT_SECRET),
        "https://api.clickup.com/api/v2/oauth/token"
            .parse()
            .unwrap(),
    );
    let url = oauth.authorize_url("https://app.example.com/callback?x=1", "st4te");
    assert_eq!(
        url.as_str(),
        format!(
            "https://app.clickup.com/api?client_id={CLIENT_ID}&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcallback%3Fx%3D1&state=st4te"
        )
    );
    assert!(!url.as_str().contains(CLIENT_SECRET));
}

#[test]
fn the_app_credentials_are_required_and_named() {
    let e = ClickupOAuth::from_config(&ConnectorConfig::default()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Config);
    assert!(e.to_string().contains("PLUGBOARD_CLICKUP_CLIENT_ID"), "{e}");
    let mut config = ConnectorConfig::default();
    config.settings.insert("client_id".into(), CLIENT_ID.into());
    let e = ClickupOAuth::from_config(&config).unwrap_err();
    assert!(
        e.to_string().contains("PLUGBOARD_CLICKUP_CLIENT_SECRET"),
        "{e}"
    );
    let keys: Vec<&str> = plugboard_clickup::DESCRIPTOR
        .config_keys
        .iter()
        .map(|k| k.name)
        .collect();
    assert_eq!(keys, ["client_id", "client_secret"]);
}

#[test]
fn there_is_no_token_refresher() {
    let connector = ClickupConnector::from_config(&ConnectorConfig {
        token: Some(SecretString::from("61681706_oauth_access")),
        ..Default::default()
    })
    .unwrap();
    assert!(connector.token_refresher().is_none());
}
