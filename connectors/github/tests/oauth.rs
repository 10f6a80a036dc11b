//! Refreshing expiring user access tokens against a mock of GitHub's token endpoint: the
//! request GitHub documents, rotation (a new refresh token every time), GitHub's HTTP-200
//! refusals, and one request per refresh.

mod common;

use std::time::{Duration, SystemTime};

use common::config;
use plugboard_core::{Connector, Credentials, ErrorKind, ExposeSecret, SecretString};
use plugboard_github::GithubConnector;
use plugboard_testkit::MockPlatform;
use plugboard_testkit::wiremock::matchers::{body_string_contains, header, method, path};
use plugboard_testkit::wiremock::{Mock, ResponseTemplate};
use serde_json::json;

const CLIENT_ID: &str = "Iv1.8a61f9b3a7aba766";
const CLIENT_SECRET: &str = "1234567890abcdef1234567890abcdef12345678";

fn oauth_connector(mock: &MockPlatform) -> GithubConnector {
    let mut c = config(&mock.uri());
    c.settings.insert("client_id".into(), CLIENT_ID.into());
    c.secrets
        .insert("client_secret".into(), SecretString::from(CLIENT_SECRET));
    GithubConnector::from_config(&c).unwrap()
}

fn token_request() -> plugboard_testkit::wiremock::MockBuilder {
    Mock::given(method("POST"))
        .and(path("/login/oauth/access_token"))
        .and(header("accept", "application/json"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string_contains("grant_type=refresh_token"))
        .and(body_string_contains(
            format!("client_id={CLIENT_ID}").as_str(),
        ))
        .and(body_string_contains(
            format!("client_secret={CLIENT_SECRET}").as_str(),
        ))
}

#[tokio::test]
async fn a_refresh_rotates_both_tokens() {
    let mock = MockPlatform::start().await;
    token_request()
        .and(body_string_contains("refresh_token=ghr_old_refresh"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "ghu_new_access",
            "expires_in": 28800,
            "refresh_token": "ghr_new_refresh",
            "refresh_token_expires_in": 15811200,
            "scope": "",
            "token_type": "bearer"
        })))
        .expect(1)
        .mount(mock.server())
        .await;
    let gh = oauth_connector(&mock);
    let refresher = gh
        .token_refresher()
        .expect("client id and secret configured");
    let before = SystemTime::now();
    let tokens = refresher
        .refresh(
            &Credentials::new("default")
                .with_access_token(SecretString::from("ghu_old_access"))
                .with_refresh_token(SecretString::from("ghr_old_refresh")),
        )
        .await
        .unwrap();
    assert_eq!(tokens.access_token.expose_secret(), "ghu_new_access");
    assert_eq!(
        tokens.refresh_token.as_ref().unwrap().expose_secret(),
        "ghr_new_refresh",
        "GitHub rotates the refresh token"
    );
    let expires = tokens.expires_at.unwrap();
    assert!(expires >= before + Duration::from_secs(28800));
    assert!(expires <= SystemTime::now() + Duration::from_secs(28800));
    assert!(!format!("{tokens:?}").contains("ghu_new_access"));
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn a_spent_refresh_token_is_a_reauthorization_error_sent_once() {
    let mock = MockPlatform::start().await;
    token_request()
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "error": "bad_refresh_token",
            "error_description": "The refresh token passed is incorrect or expired.",
            "error_uri": "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors"
        })))
        .expect(1)
        .mount(mock.server())
        .await;
    let gh = oauth_connector(&mock);
    let e = gh
        .token_refresher()
        .unwrap()
        .refresh(&Credentials::new("default").with_refresh_token(SecretString::from("ghr_used")))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::TokenExpired, "{e}");
    assert!(plugboard_core::oauth2::is_reauth_error(&e));
    assert!(e.to_string().contains("bad_refresh_token"), "{e}");
    assert!(!e.to_string().contains("ghr_used"));
}

#[tokio::test]
async fn without_client_credentials_there_is_no_refresher() {
    let mock = MockPlatform::start().await;
    let gh = GithubConnector::from_config(&config(&mock.uri())).unwrap();
    assert!(gh.token_refresher().is_none());
    let keys: Vec<&str> = plugboard_github::DESCRIPTOR
        .config_keys
        .iter()
        .map(|k| k.name)
        .collect();
    assert_eq!(keys, ["client_id", "client_secret"]);
}
