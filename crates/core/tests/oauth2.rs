//! The generic OAuth 2.0 client against a mock token endpoint: the request it sends for each
//! grant and client-authentication style, the token set it parses, and the errors it maps.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use plugboard_core::oauth2::{
    BodyFormat, ClientAuth, OAuth2Refresher, is_reauth_error, pkce_challenge,
};
use plugboard_core::{
    ConnectorId, Credentials, Error, ErrorKind, ExposeSecret, FixedClock, RetryStatus,
    SecretString, TokenRefresher,
};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const NOW: u64 = 1_750_000_000;

async fn token_endpoint(response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(response)
        .expect(1)
        .mount(&server)
        .await;
    server
}

fn refresher(server: &MockServer) -> OAuth2Refresher {
    OAuth2Refresher::new(
        ConnectorId::new("acme"),
        format!("{}/oauth/token", server.uri()).parse().unwrap(),
        "client-1",
        Some(SecretString::from("shh-client-secret")),
    )
    .clock(Arc::new(FixedClock::at_unix(NOW)))
}

fn current() -> Credentials {
    Credentials::new("default")
        .with_access_token(SecretString::from("old-access"))
        .with_refresh_token(SecretString::from("refresh-1"))
}

/// The one request the server received: its headers and its form fields.
async fn sent(server: &MockServer) -> (http::HeaderMap, HashMap<String, String>) {
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1, "exactly one token request");
    let request = &requests[0];
    let form = url::form_urlencoded::parse(&request.body)
        .into_owned()
        .collect();
    (request.headers.clone(), form)
}

fn assert_hides_secrets(error: &Error) {
    let shown = format!("{error} {error:?}");
    for secret in ["shh-client-secret", "refresh-1", "old-access"] {
        assert!(!shown.contains(secret), "{secret} leaked into {shown}");
    }
}

#[tokio::test]
async fn refresh_posts_the_form_and_parses_the_rotated_token_set() {
    let server = token_endpoint(ResponseTemplate::new(200).set_body_json(json!({
        "access_token": "access-2",
        "refresh_token": "refresh-2",
        "expires_in": 43200,
        "scope": "chat:write,channels:read",
        "token_type": "bearer"
    })))
    .await;
    let tokens = refresher(&server).refresh(&current()).await.unwrap();

    assert_eq!(tokens.access_token.expose_secret(), "access-2");
    assert_eq!(
        tokens.refresh_token.as_ref().map(|t| t.expose_secret()),
        Some("refresh-2")
    );
    assert_eq!(
        tokens.expires_at,
        Some(SystemTime::UNIX_EPOCH + Duration::from_secs(NOW + 43200))
    );
    assert_eq!(tokens.scopes, ["chat:write", "channels:read"]);

    let (headers, form) = sent(&server).await;
    assert_eq!(headers["content-type"], "application/x-www-form-urlencoded");
    assert_eq!(headers["accept"], "application/json");
    assert!(headers.get("authorization").is_none());
    assert_eq!(form["grant_type"], "refresh_token");
    assert_eq!(form["refresh_token"], "refresh-1");
    assert_eq!(form["client_id"], "client-1");
    assert_eq!(form["client_secret"], "shh-client-secret");
    assert_eq!(form.len(), 4);
}

#[tokio::test]
async fn a_response_without_refresh_token_or_expiry_leaves_them_unset() {
    let server = token_endpoint(
        ResponseTemplate::new(200).set_body_json(json!({"access_token": "access-2"})),
    )
    .await;
    let tokens = refresher(&server).refresh(&current()).await.unwrap();
    assert_eq!(tokens.access_token.expose_secret(), "access-2");
    assert!(tokens.refresh_token.is_none());
    assert!(tokens.expires_at.is_none());
    assert!(tokens.scopes.is_empty());
}

#[tokio::test]
async fn basic_client_auth_moves_the_credentials_into_the_header() {
    let server = token_endpoint(
        ResponseTemplate::new(200)
            .set_body_json(json!({"access_token": "a", "refresh_token": "r", "expires_in": 3600})),
    )
    .await;
    refresher(&server)
        .client_auth(ClientAuth::BasicAuth)
        .refresh(&current())
        .await
        .unwrap();
    let (headers, form) = sent(&server).await;
    // base64("client-1:shh-client-secret")
    assert_eq!(
        headers["authorization"],
        "Basic Y2xpZW50LTE6c2hoLWNsaWVudC1zZWNyZXQ="
    );
    assert!(!form.contains_key("client_id"));
    assert!(!form.contains_key("client_secret"));
    assert_eq!(form["refresh_token"], "refresh-1");
}

#[tokio::test]
async fn tiktok_style_client_key_and_extra_params_are_sent() {
    let server = token_endpoint(ResponseTemplate::new(200).set_body_json(json!({
        "access_token": "act.x",
        "refresh_token": "rft.y",
        "expires_in": 7200,
        "refresh_expires_in": 15_552_000,
        "open_id": "open-1",
        "scope": "user.info.basic,video.list",
        "token_type": "Bearer"
    })))
    .await;
    let response = refresher(&server)
        .client_id_param("client_key")
        .extra_param("audience", "api")
        .refresh_token(&SecretString::from("refresh-1"))
        .await
        .unwrap();
    assert_eq!(response.tokens.scopes, ["user.info.basic", "video.list"]);
    assert_eq!(response.token_type.as_deref(), Some("Bearer"));
    assert_eq!(response.extra["open_id"], "open-1");
    assert_eq!(response.extra["refresh_expires_in"], 15_552_000);
    let (_, form) = sent(&server).await;
    assert_eq!(form["client_key"], "client-1");
    assert!(!form.contains_key("client_id"));
    assert_eq!(form["audience"], "api");
}

#[tokio::test]
async fn atlassian_style_json_bodies_carry_the_same_fields() {
    let server = token_endpoint(ResponseTemplate::new(200).set_body_json(json!({
        "access_token": "a2", "refresh_token": "r2", "expires_in": 3600
    })))
    .await;
    refresher(&server)
        .body_format(BodyFormat::Json)
        .refresh(&current())
        .await
        .unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[0].headers["content-type"], "application/json");
    let body: Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(
        body,
        json!({
            "grant_type": "refresh_token",
            "refresh_token": "refresh-1",
            "client_id": "client-1",
            "client_secret": "shh-client-secret"
        })
    );
}

fn slack_check(body: &Value) -> Option<Error> {
    (body["ok"] == false).then(|| {
        Error::new(ErrorKind::TokenExpired, "slack said no")
            .permanent()
            .with_context(
                "oauth_error",
                body["error"].as_str().unwrap_or("").to_string(),
            )
    })
}

#[tokio::test]
async fn a_response_check_turns_http_200_errors_into_errors() {
    let server = token_endpoint(
        ResponseTemplate::new(200)
            .set_body_json(json!({"ok": false, "error": "invalid_refresh_token"})),
    )
    .await;
    let error = refresher(&server)
        .response_check(slack_check)
        .refresh(&current())
        .await
        .unwrap_err();
    assert_eq!(error.message(), "slack said no");
    assert_eq!(
        error.context_value("oauth_error"),
        Some("invalid_refresh_token")
    );
}

#[tokio::test]
async fn slack_error_codes_in_200_bodies_are_refused_without_a_check() {
    let server = token_endpoint(
        ResponseTemplate::new(200).set_body_json(json!({"ok": false, "error": "token_revoked"})),
    )
    .await;
    let error = refresher(&server).refresh(&current()).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::TokenExpired);
    assert!(is_reauth_error(&error));
}

#[tokio::test]
async fn invalid_grant_is_a_permanent_token_expired_error_without_secrets() {
    let server = token_endpoint(ResponseTemplate::new(400).set_body_json(json!({
        "error": "invalid_grant",
        "error_description": "Token has been expired or revoked."
    })))
    .await;
    let error = refresher(&server).refresh(&current()).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::TokenExpired);
    assert_eq!(error.retry(), RetryStatus::Never);
    assert_eq!(error.status(), Some(400));
    assert_eq!(error.context_value("oauth_error"), Some("invalid_grant"));
    assert_eq!(error.connector(), Some(ConnectorId::new("acme")));
    assert!(
        error
            .to_string()
            .contains("Token has been expired or revoked.")
    );
    assert!(is_reauth_error(&error));
    assert_hides_secrets(&error);
}

#[tokio::test]
async fn invalid_client_is_unauthorized_and_permanent() {
    let server = token_endpoint(
        ResponseTemplate::new(401).set_body_json(json!({"error": "invalid_client"})),
    )
    .await;
    let error = refresher(&server).refresh(&current()).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Unauthorized);
    assert_eq!(error.retry(), RetryStatus::Never);
    assert_hides_secrets(&error);
}

#[tokio::test]
async fn a_server_error_is_transient_and_not_retried() {
    // `expect(1)`: a refresh that may have been processed is never sent twice.
    let server = token_endpoint(ResponseTemplate::new(503).set_body_string("unavailable")).await;
    let error = refresher(&server).refresh(&current()).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Upstream);
    assert!(error.is_transient());
    assert_eq!(error.status(), Some(503));
    assert!(!is_reauth_error(&error));
    assert_hides_secrets(&error);
    server.verify().await;
}

#[tokio::test]
async fn a_rate_limit_carries_the_wait() {
    let server = token_endpoint(
        ResponseTemplate::new(429)
            .insert_header("retry-after", "30")
            .set_body_json(json!({"error": "rate_limit_exceeded"})),
    )
    .await;
    let error = refresher(&server).refresh(&current()).await.unwrap_err();
    assert_eq!(
        error.kind(),
        ErrorKind::RateLimited {
            retry_after: Some(Duration::from_secs(30))
        }
    );
    assert!(error.is_transient());
}

#[tokio::test]
async fn a_success_without_access_token_is_an_error() {
    let server =
        token_endpoint(ResponseTemplate::new(200).set_body_json(json!({"token_type": "bearer"})))
            .await;
    let error = refresher(&server).refresh(&current()).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Upstream);
    assert!(!error.is_transient());
}

#[tokio::test]
async fn an_unreachable_endpoint_is_a_transient_network_error() {
    // A port that was just free: nothing listens there (a dropped wiremock server would go
    // back to wiremock's pool and answer another test).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/oauth/token");
    let error = OAuth2Refresher::new(
        ConnectorId::new("acme"),
        url.parse().unwrap(),
        "client-1",
        None,
    )
    .refresh(&current())
    .await
    .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Network);
    assert!(error.is_transient());
    assert_hides_secrets(&error);
}

#[tokio::test]
async fn without_a_refresh_token_nothing_is_sent() {
    let server = MockServer::start().await;
    let error = refresher(&server)
        .refresh(&Credentials::new("default").with_access_token(SecretString::from("a")))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::TokenExpired);
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn exchange_code_sends_the_code_redirect_and_pkce_verifier() {
    let server = token_endpoint(ResponseTemplate::new(200).set_body_json(json!({
        "access_token": "access-1",
        "refresh_token": "refresh-1",
        "expires_in": 3600,
        "scope": "read write",
        "team": {"id": "T1"}
    })))
    .await;
    let verifier = SecretString::from("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
    let response = refresher(&server)
        .exchange_code("code-123", "https://app.example/cb", Some(&verifier))
        .await
        .unwrap();
    assert_eq!(response.tokens.access_token.expose_secret(), "access-1");
    assert_eq!(response.tokens.scopes, ["read", "write"]);
    assert_eq!(response.extra["team"]["id"], "T1");
    let (_, form) = sent(&server).await;
    assert_eq!(form["grant_type"], "authorization_code");
    assert_eq!(form["code"], "code-123");
    assert_eq!(form["redirect_uri"], "https://app.example/cb");
    assert_eq!(form["code_verifier"], verifier.expose_secret());
    assert_eq!(form["client_id"], "client-1");
    assert_eq!(
        pkce_challenge(&verifier),
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    );
}

#[tokio::test]
async fn exchange_code_without_pkce_sends_no_verifier() {
    let server = token_endpoint(
        ResponseTemplate::new(200).set_body_json(json!({"access_token": "access-1"})),
    )
    .await;
    refresher(&server)
        .exchange_code("code-123", "https://app.example/cb", None)
        .await
        .unwrap();
    let (_, form) = sent(&server).await;
    assert!(!form.contains_key("code_verifier"));
}

#[test]
fn debug_hides_the_client_secret() {
    let r = OAuth2Refresher::new(
        ConnectorId::new("acme"),
        "https://example.com/token".parse().unwrap(),
        "client-1",
        Some(SecretString::from("shh-client-secret")),
    );
    let shown = format!("{r:?}");
    assert!(shown.contains("client-1"));
    assert!(!shown.contains("shh-client-secret"));
}
