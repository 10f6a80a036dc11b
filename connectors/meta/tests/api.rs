//! The Meta client against a mock of Meta's API: each operation's request (method,
//! path, query, headers, body) and parsed result.

use plugboard_core::{CallContext, Connector, ConnectorConfig, SecretString};
use plugboard_meta::MetaConnector;
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "meta_test_token_0123456789";

fn connector(server: &MockServer) -> MetaConnector {
    let mut config = ConnectorConfig {
        base_url: Some(server.uri().parse().unwrap()),
        token: Some(SecretString::from(TOKEN)),
        ..Default::default()
    };
    config.policy.total_timeout_secs = Some(5.0);
    MetaConnector::from_config(&config).unwrap()
}

#[tokio::test]
async fn health_get_sends_the_documented_request_and_keeps_every_field() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/health"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header("accept", "application/json"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(plugboard_testkit::fixture!("health.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let c = connector(&server);
    let health = c.client().health().get().await.unwrap();
    assert_eq!(health.status.as_deref(), Some("ok"));

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/health"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"status": "ok", "region": "eu"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let value = connector(&server)
        .call(&CallContext::default(), "health.get", json!({}))
        .await
        .unwrap();
    assert_eq!(value, json!({"status": "ok", "region": "eu"}));
}

#[tokio::test]
async fn unknown_input_fields_are_named() {
    let server = MockServer::start().await;
    let e = connector(&server)
        .call(&CallContext::default(), "health.get", json!({"bogus": 1}))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("bogus"), "{e}");
    assert!(server.received_requests().await.unwrap().is_empty());
}
