//! Refreshing Google user access tokens against a mock of `oauth2.googleapis.com/token`: the
//! documented form request, no rotation (the stored refresh token stays), `invalid_grant`
//! (revoked, or a Testing-status app's 7-day expiry) as a reauthorization error, and one
//! request per refresh.

mod common;

use std::time::{Duration, SystemTime};

use common::config;
use plugboard_core::{Connector, Credentials, ErrorKind, ExposeSecret, SecretString};
use plugboard_google::GoogleConnector;
use plugboard_testkit::MockPlatform;
use plugboard_testkit::wiremock::matchers::{body_string_contains, header, method, path};
use plugboard_testkit::wiremock::{Mock, MockBuilder, ResponseTemplate};
use serde_json::json;

const CLIENT_ID: &str = "1234567890-abc123def456.apps.googleusercontent.com";
const CLIENT_SECRET: &str = "GOCSPX-testsecret0123456789";
const REFRESH_TOKEN: &str = "1//0gLx-refresh-token-test";

fn oauth_connector(mock: &MockPlatform) -> GoogleConnector {
    let mut c = config(&mock.uri());
    c.settings.insert("client_id".into(), CLIENT_ID.into());
    c.secrets
        .insert("client_secret".into(), SecretString::from(CLIENT_SECRET));
    GoogleConnector::from_config(&c).unwrap()
}

fn token_request() -> MockBuilder {
    let form = |pair: String| body_string_contains(pair.as_str());
    Mock::given(method("POST"))
        .and(path("/token"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string_contains("grant_type=refresh_token"))
        .and(form(format!("client_id={CLIENT_ID}")))
        .and(form(format!("client_secret={CLIENT_SECRET}")))
        .and(form(
            "refresh_token=1%2F%2F0gLx-refresh-token-test".to_string(),
        ))
}

fn credentials() -> Credentials {
    Credentials::new("default")
        .with_access_token(SecretString::from("ya29.old-access"))
        .with_refresh_token(SecretString::from(REFRESH_TOKEN))
}

#[tokio::test]
async fn a_refresh_returns_a_new_access_token_and_keeps_the_refresh_token() {
    let mock = MockPlatform::start().await;
    token_request()
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "ya29.a0AfB_new-access-token",
            "expires_in": 3599,
            "scope": "openid https://www.googleapis.com/auth/youtube.readonly https://www.googleapis.com/auth/adwords",
            "token_type": "Bearer",
            "id_token": "eyJhbGciOiJSUzI1NiJ9.e30.c2ln"
        })))
        .expect(1)
        .mount(mock.server())
        .await;
    let refresher = oauth_connector(&mock)
        .token_refresher()
        .expect("client id and secret configured");
    let before = SystemTime::now();
    let tokens = refresher.refresh(&credentials()).await.unwrap();
    assert_eq!(
        tokens.access_token.expose_secret(),
        "ya29.a0AfB_new-access-token"
    );
    assert!(
        tokens.refresh_token.is_none(),
        "Google does not rotate: the token manager keeps the stored refresh token"
    );
    let expires = tokens.expires_at.unwrap();
    assert!(expires >= before + Duration::from_secs(3599));
    assert!(expires <= SystemTime::now() + Duration::from_secs(3599));
    assert_eq!(
        tokens.scopes,
        [
            "openid",
            "https://www.googleapis.com/auth/youtube.readonly",
            "https://www.googleapis.com/auth/adwords"
        ]
    );
    assert!(!format!("{tokens:?}").contains("new-access-token"));
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn an_expired_or_revoked_refresh_token_needs_reauthorization() {
    let mock = MockPlatform::start().await;
    token_request()
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "error": "invalid_grant",
            "error_description": "Token has been expired or revoked."
        })))
        .expect(1)
        .mount(mock.server())
        .await;
    let e = oauth_connector(&mock)
        .token_refresher()
        .unwrap()
        .refresh(&credentials())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::TokenExpired, "{e}");
    assert!(plugboard_core::oauth2::is_reauth_error(&e));
    assert_eq!(e.context_value("oauth_error"), Some("invalid_grant"));
    assert!(e.to_string().contains("7 days"), "{e}");
    assert!(!e.to_string().contains(REFRESH_TOKEN));
    assert!(!e.to_string().contains(CLIENT_SECRET));
}

#[tokio::test]
async fn a_rejected_client_is_unauthorized() {
    let mock = MockPlatform::start().await;
    token_request()
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "error": "invalid_client",
            "error_description": "The OAuth client was not found."
        })))
        .expect(1)
        .mount(mock.server())
        .await;
    let e = oauth_connector(&mock)
        .token_refresher()
        .unwrap()
        .refresh(&credentials())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unauthorized, "{e}");
    assert!(plugboard_core::oauth2::is_reauth_error(&e));
}

#[tokio::test]
async fn without_client_credentials_there_is_no_refresher() {
    let mock = MockPlatform::start().await;
    let g = GoogleConnector::from_config(&config(&mock.uri())).unwrap();
    assert!(g.token_refresher().is_none());
    let keys: Vec<&str> = plugboard_google::DESCRIPTOR
        .config_keys
        .iter()
        .map(|k| k.name)
        .collect();
    assert_eq!(
        keys,
        [
            "client_id",
            "client_secret",
            "developer_token",
            "login_customer_id",
            "ads_api_version",
            "pubsub_audience",
            "pubsub_service_account",
            "pubsub_jwks_url"
        ]
    );
}
