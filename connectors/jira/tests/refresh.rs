//! OAuth 2.0 (3LO) token refresh against a mock of `auth.atlassian.com/oauth/token`: the
//! request sent, rotation of the refresh token, a dead grant, and when no refresher exists.

use std::time::{Duration, SystemTime};

use plugboard_core::{
    Connector, ConnectorConfig, Credentials, ErrorKind, ExposeSecret, SecretString,
};
use plugboard_jira::JiraConnector;
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CLIENT_SECRET: &str = "atlassian-client-secret-xyz";

fn config(server: &MockServer) -> ConnectorConfig {
    let mut c = ConnectorConfig {
        base_url: Some(server.uri().parse().unwrap()),
        token: Some(SecretString::from("old-access-token")),
        ..Default::default()
    };
    c.settings.insert(
        "cloud_id".into(),
        "1324a887-45db-1bf4-1e99-ef0ff456d421".into(),
    );
    c.settings
        .insert("client_id".into(), "app-client-id".into());
    c.secrets
        .insert("client_secret".into(), SecretString::from(CLIENT_SECRET));
    c
}

fn current() -> Credentials {
    Credentials::new("default")
        .with_access_token(SecretString::from("old-access-token"))
        .with_refresh_token(SecretString::from("refresh-token-1"))
}

#[tokio::test]
async fn refresh_rotates_the_refresh_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(header("accept", "application/json"))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({
            "grant_type": "refresh_token",
            "client_id": "app-client-id",
            "client_secret": CLIENT_SECRET,
            "refresh_token": "refresh-token-1",
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "new-access-token",
            "refresh_token": "refresh-token-2",
            "expires_in": 3600,
            "scope": "read:jira-work write:jira-work offline_access",
            "token_type": "Bearer"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let jira = JiraConnector::from_config(&config(&server)).unwrap();
    let refresher = jira
        .token_refresher()
        .expect("client id and secret are configured");
    let before = SystemTime::now();
    let tokens = refresher.refresh(&current()).await.unwrap();
    assert_eq!(tokens.access_token.expose_secret(), "new-access-token");
    assert_eq!(
        tokens.refresh_token.as_ref().unwrap().expose_secret(),
        "refresh-token-2",
        "Atlassian rotates: the new refresh token is kept"
    );
    let expires = tokens.expires_at.unwrap();
    assert!(expires >= before + Duration::from_secs(3590));
    assert!(tokens.scopes.contains(&"offline_access".to_string()));
    assert!(!format!("{tokens:?}").contains("refresh-token-2"));
}

#[tokio::test]
async fn a_spent_refresh_token_is_token_expired_and_sent_once() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({
            "error": "invalid_grant",
            "error_description": "Unknown or invalid refresh token."
        })))
        .expect(1)
        .mount(&server)
        .await;
    let jira = JiraConnector::from_config(&config(&server)).unwrap();
    let e = jira
        .token_refresher()
        .unwrap()
        .refresh(&current())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::TokenExpired);
    assert!(!e.is_transient());
    let shown = format!("{e} {e:?}");
    assert!(
        !shown.contains(CLIENT_SECRET) && !shown.contains("refresh-token-1"),
        "{shown}"
    );
}

#[test]
fn api_tokens_have_no_refresher() {
    let mut c = ConnectorConfig {
        base_url: Some("https://your-domain.atlassian.net".parse().unwrap()),
        token: Some(SecretString::from("api-token")),
        ..Default::default()
    };
    c.settings.insert("email".into(), "ops@example.com".into());
    let jira = JiraConnector::from_config(&c).unwrap();
    assert!(jira.token_refresher().is_none());
    assert!(!format!("{jira:?}").contains("api-token"));
}
