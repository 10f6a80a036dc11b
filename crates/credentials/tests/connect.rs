//! The OAuth connect flow end to end against a mock provider: the authorize URL (state,
//! S256 challenge), the code exchange with the PKCE verifier, the stored connection; and the
//! refusals (forged, expired, reused or foreign state, provider error, missing code) that
//! store nothing.

mod common;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use common::{CLIENT_SECRET, connections};
use plugboard_core::oauth2::pkce_challenge;
use plugboard_core::{ExposeSecret, FixedClock, SecretString};
use plugboard_credentials::{
    CallbackQuery, ConnectError, ConnectFlow, ConnectionKey, ConnectionStore, MasterKey,
    ProviderConfig, Sealer,
};
use plugboard_store::{MemoryStore, Store};
use serde_json::json;
use url::Url;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const T0: u64 = 1_750_000_000;

struct Fixture {
    server: MockServer,
    store: Arc<dyn Store>,
    clock: Arc<FixedClock>,
    flow: ConnectFlow,
}

async fn fixture() -> Fixture {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "access-from-code",
            "refresh_token": "refresh-from-code",
            "expires_in": 3600,
            "scope": "read write",
            "token_type": "bearer",
            "team": {"id": "T42", "name": "Acme"}
        })))
        .mount(&server)
        .await;
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let clock = Arc::new(FixedClock::at_unix(T0));
    let flow = flow_over(connections(store.clone()), &server, clock.clone());
    Fixture {
        server,
        store,
        clock,
        flow,
    }
}

fn flow_over(conns: ConnectionStore, server: &MockServer, clock: Arc<FixedClock>) -> ConnectFlow {
    let provider = ProviderConfig::new(
        format!("{}/authorize", server.uri()).parse().unwrap(),
        format!("{}/oauth/token", server.uri()).parse().unwrap(),
        "client-1",
        Some(SecretString::from(CLIENT_SECRET)),
        "https://plugboard.example/oauth/acme/callback"
            .parse()
            .unwrap(),
    )
    .scopes(["read", "write"])
    .extra_authorize_param("access_type", "offline");
    ConnectFlow::new(conns)
        .provider("acme", provider)
        .clock(clock)
}

fn query_of(url: &Url) -> HashMap<String, String> {
    url.query_pairs().into_owned().collect()
}

fn callback(state: &str, code: Option<&str>) -> CallbackQuery {
    CallbackQuery {
        code: code.map(str::to_string),
        state: Some(state.to_string()),
        ..Default::default()
    }
}

async fn token_requests(server: &MockServer) -> Vec<HashMap<String, String>> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == "/oauth/token")
        .map(|r| url::form_urlencoded::parse(&r.body).into_owned().collect())
        .collect()
}

async fn nothing_stored(f: &Fixture) {
    assert!(f.store.list_credentials("").await.unwrap().is_empty());
    assert!(token_requests(&f.server).await.is_empty());
}

#[tokio::test]
async fn the_connect_flow_exchanges_the_code_with_the_verifier_and_stores_the_connection() {
    let f = fixture().await;
    let redirect = f.flow.start("acme", "default").unwrap();
    assert_eq!(redirect.url.path(), "/authorize");
    let q = query_of(&redirect.url);
    assert_eq!(q["response_type"], "code");
    assert_eq!(q["client_id"], "client-1");
    assert_eq!(
        q["redirect_uri"],
        "https://plugboard.example/oauth/acme/callback"
    );
    assert_eq!(q["scope"], "read write");
    assert_eq!(q["state"], redirect.state);
    assert_eq!(q["code_challenge_method"], "S256");
    assert_eq!(q["access_type"], "offline");
    assert!(!redirect.url.as_str().contains(CLIENT_SECRET));
    // Nothing is stored at start.
    assert!(f.store.list_credentials("").await.unwrap().is_empty());

    f.clock.advance(Duration::from_secs(60));
    let connection = f
        .flow
        .callback("acme", &callback(&redirect.state, Some("the-code")))
        .await
        .unwrap();
    assert_eq!(
        connection.key,
        ConnectionKey::new("acme", "default").unwrap()
    );
    assert_eq!(
        connection.kind.access_token().unwrap().expose_secret(),
        "access-from-code"
    );
    assert_eq!(connection.params["team_id"], "T42");

    let sent = token_requests(&f.server).await;
    assert_eq!(sent.len(), 1);
    let form = &sent[0];
    assert_eq!(form["grant_type"], "authorization_code");
    assert_eq!(form["code"], "the-code");
    assert_eq!(
        form["redirect_uri"],
        "https://plugboard.example/oauth/acme/callback"
    );
    assert_eq!(form["client_secret"], CLIENT_SECRET);
    let verifier = SecretString::from(form["code_verifier"].clone());
    assert!(verifier.expose_secret().len() >= 43);
    assert_eq!(
        pkce_challenge(&verifier),
        q["code_challenge"],
        "verifier matches the challenge"
    );
    // The verifier travels sealed: it is not readable in the state.
    assert!(!redirect.state.contains(verifier.expose_secret()));

    let stored = connections(f.store.clone())
        .get(&connection.key)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        stored.kind.refresh_token().unwrap().expose_secret(),
        "refresh-from-code"
    );
    assert_eq!(stored.kind.scopes(), ["read", "write"]);

    // The same state cannot complete a second connect.
    let again = f
        .flow
        .callback("acme", &callback(&redirect.state, Some("the-code")))
        .await
        .unwrap_err();
    assert!(matches!(again, ConnectError::ReusedState), "{again:?}");
    assert_eq!(token_requests(&f.server).await.len(), 1);
}

#[tokio::test]
async fn a_forged_state_is_refused_and_nothing_is_stored() {
    let f = fixture().await;
    let state = f.flow.start("acme", "default").unwrap().state;
    // Change one character of the signed payload.
    let mut bytes = state.into_bytes();
    let i = 5;
    bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
    let forged = String::from_utf8(bytes).unwrap();
    for bad in [forged.as_str(), "v1.e30.AAAA", "garbage", ""] {
        let e = f
            .flow
            .callback("acme", &callback(bad, Some("code")))
            .await
            .unwrap_err();
        assert!(matches!(e, ConnectError::ForgedState), "{bad}: {e:?}");
        assert_eq!(e.http_status(), 400);
    }
    nothing_stored(&f).await;
}

#[tokio::test]
async fn a_state_signed_with_another_master_key_is_refused() {
    let f = fixture().await;
    let other = flow_over(
        ConnectionStore::new(
            Arc::new(MemoryStore::new()),
            Arc::new(Sealer::new(MasterKey::from_bytes([9; 32]))),
        ),
        &f.server,
        f.clock.clone(),
    );
    let foreign = other.start("acme", "default").unwrap().state;
    let e = f
        .flow
        .callback("acme", &callback(&foreign, Some("code")))
        .await
        .unwrap_err();
    assert!(matches!(e, ConnectError::ForgedState));
    nothing_stored(&f).await;
}

#[tokio::test]
async fn an_expired_state_is_refused_and_nothing_is_stored() {
    let f = fixture().await;
    let state = f.flow.start("acme", "default").unwrap().state;
    f.clock.advance(Duration::from_secs(601));
    let e = f
        .flow
        .callback("acme", &callback(&state, Some("code")))
        .await
        .unwrap_err();
    assert!(matches!(e, ConnectError::ExpiredState), "{e:?}");
    assert_eq!(e.code(), "expired_state");
    nothing_stored(&f).await;
}

#[tokio::test]
async fn provider_errors_missing_code_and_missing_state_are_refused() {
    let f = fixture().await;
    let state = f.flow.start("acme", "default").unwrap().state;
    let denied = CallbackQuery::parse(&format!(
        "error=access_denied&error_description=The+user+said+no&state={}",
        url::form_urlencoded::byte_serialize(state.as_bytes()).collect::<String>()
    ));
    match f.flow.callback("acme", &denied).await.unwrap_err() {
        ConnectError::Provider { error, description } => {
            assert_eq!(error, "access_denied");
            assert_eq!(description.as_deref(), Some("The user said no"));
        }
        other => panic!("{other:?}"),
    }
    let e = f
        .flow
        .callback("acme", &callback(&state, None))
        .await
        .unwrap_err();
    assert!(matches!(e, ConnectError::MissingCode));
    let e = f
        .flow
        .callback("acme", &CallbackQuery::default())
        .await
        .unwrap_err();
    assert!(matches!(e, ConnectError::MissingState));
    nothing_stored(&f).await;
}

#[tokio::test]
async fn a_state_for_another_connector_or_an_unknown_connector_is_refused() {
    let f = fixture().await;
    let flow = flow_over(connections(f.store.clone()), &f.server, f.clock.clone()).provider(
        "other",
        ProviderConfig::new(
            "https://other.example/authorize".parse().unwrap(),
            "https://other.example/token".parse().unwrap(),
            "c",
            None,
            "https://plugboard.example/cb".parse().unwrap(),
        ),
    );
    assert_eq!(flow.connectors(), ["acme", "other"]);
    let state = flow.start("other", "default").unwrap().state;
    let e = flow
        .callback("acme", &callback(&state, Some("code")))
        .await
        .unwrap_err();
    assert!(matches!(e, ConnectError::ForgedState));
    let e = flow.start("nope", "default").unwrap_err();
    assert!(matches!(e, ConnectError::UnknownConnector(_)));
    assert_eq!(e.http_status(), 404);
    assert!(matches!(
        flow.start("acme", "bad/name").unwrap_err(),
        ConnectError::InvalidConnection(_)
    ));
    nothing_stored(&f).await;
}

#[tokio::test]
async fn a_failed_exchange_stores_nothing() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(
            ResponseTemplate::new(400)
                .set_body_json(json!({"error": "invalid_grant", "error_description": "bad code"})),
        )
        .mount(&server)
        .await;
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let flow = flow_over(
        connections(store.clone()),
        &server,
        Arc::new(FixedClock::at_unix(T0)),
    );
    let state = flow.start("acme", "default").unwrap().state;
    let e = flow
        .callback("acme", &callback(&state, Some("code")))
        .await
        .unwrap_err();
    assert!(matches!(e, ConnectError::Exchange(_)), "{e:?}");
    assert_eq!(e.http_status(), 502);
    assert!(store.list_credentials("").await.unwrap().is_empty());
}
