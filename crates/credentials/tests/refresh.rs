//! Token renewal in one process, through the real runtime: single flight under 200
//! concurrent calls, the forced refresh after a 401, rotation bookkeeping, and the
//! `needs_reauth` path with its cool-down.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use common::*;
use http::Method;
use plugboard_core::connector::schema_of;
use plugboard_core::{
    ApiRequest, AuthProvider, ConnectorId, ErrorKind, ExposeSecret, OperationDescriptor,
    OperationId, RateClass, Runtime, SecretString,
};
use plugboard_credentials::{
    AuthScheme, Connection, ConnectionKind, ConnectionStatus, ReauthEvent, RefreshOutcome,
    RefreshSettings, TokenManager,
};
use plugboard_store::{MemoryStore, Store};
use serde_json::Value;
use wiremock::MockServer;

const ME: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("me.get"),
    summary: "who am I",
    docs_url: "",
    idempotent: true,
    read_only: true,
    paginated: false,
    rate_class: RateClass("core"),
    cache_ttl: None,
    input_schema: schema_of::<Value>,
    output_schema: schema_of::<Value>,
};

fn runtime(manager: Arc<TokenManager>) -> Runtime {
    Runtime::builder(ConnectorId::new(CONNECTOR))
        .auth(manager)
        .build()
        .unwrap()
}

async fn call(runtime: &Runtime, server: &MockServer) -> plugboard_core::Result<Value> {
    runtime
        .json(
            ApiRequest::new(&ME, Method::GET, &server.uri())
                .unwrap()
                .segments(["v1", "me"]),
        )
        .await
}

async fn setup(
    oauth: &OAuthServer,
    expires_at: SystemTime,
) -> (
    MockServer,
    Arc<dyn Store>,
    plugboard_credentials::TokenManagers,
) {
    let server = MockServer::start().await;
    oauth.mount(&server).await;
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    store_connection(&connections(store.clone()), oauth_connection(expires_at)).await;
    let managers = managers_builder(store.clone(), &server).build();
    (server, store, managers)
}

fn expired() -> SystemTime {
    SystemTime::now() - Duration::from_secs(60)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_concurrent_calls_with_an_expired_token_make_one_refresh() {
    let mut oauth = OAuthServer::new();
    // A slow token endpoint widens the window in which the callers pile up.
    oauth.delay = Duration::from_millis(200);
    let (server, store, managers) = setup(&oauth, expired()).await;
    let runtime = runtime(managers.manager(&key()));

    let calls = (0..200).map(|_| {
        let runtime = runtime.clone();
        let uri = server.uri();
        tokio::spawn(async move {
            runtime
                .json::<Value>(
                    ApiRequest::new(&ME, Method::GET, &uri)
                        .unwrap()
                        .segments(["v1", "me"]),
                )
                .await
        })
    });
    let results = futures_join(calls).await;
    let failures: Vec<_> = results.iter().filter(|r| r.is_err()).collect();
    assert!(failures.is_empty(), "failed calls: {failures:?}");
    assert_eq!(oauth.token_requests(), 1, "exactly one refresh request");

    // The rotated pair is what is stored.
    let stored = connections(store).get(&key()).await.unwrap().unwrap();
    assert_eq!(
        stored.kind.access_token().unwrap().expose_secret(),
        "access-1"
    );
    assert_eq!(
        stored.kind.refresh_token().unwrap().expose_secret(),
        "refresh-1"
    );
    assert_eq!(stored.refresh_count, 1);
    assert_eq!(stored.kind.scopes(), ["read", "write"]);
    let api_calls = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == "/v1/me")
        .count();
    assert_eq!(api_calls, 200, "no call needed a retry");
}

async fn futures_join<T>(handles: impl Iterator<Item = tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut out = Vec::new();
    for h in handles.collect::<Vec<_>>() {
        out.push(h.await.unwrap());
    }
    out
}

#[tokio::test]
async fn a_valid_token_is_used_without_any_refresh() {
    let oauth = OAuthServer::new();
    let (server, _store, managers) =
        setup(&oauth, SystemTime::now() + Duration::from_secs(3600)).await;
    let runtime = runtime(managers.manager(&key()));
    for _ in 0..3 {
        call(&runtime, &server).await.unwrap();
    }
    assert_eq!(oauth.token_requests(), 0);
}

#[tokio::test]
async fn a_token_inside_the_skew_is_renewed_before_it_expires() {
    let oauth = OAuthServer::new();
    // Expires in 5 minutes: within the 10 minute skew.
    let (_server, _store, managers) =
        setup(&oauth, SystemTime::now() + Duration::from_secs(300)).await;
    let token = managers.manager(&key()).access_token().await.unwrap();
    assert_eq!(token.expose_secret(), "access-1");
    assert_eq!(oauth.token_requests(), 1);
}

#[tokio::test]
async fn a_401_forces_one_refresh_then_the_call_succeeds() {
    let oauth = OAuthServer::new();
    // Not expiring, but revoked on the platform's side.
    let (server, store, managers) =
        setup(&oauth, SystemTime::now() + Duration::from_secs(3600)).await;
    oauth.revoke_current_access();
    let runtime = runtime(managers.manager(&key()));

    let body = call(&runtime, &server).await.unwrap();
    assert_eq!(body["id"], 1);
    assert_eq!(oauth.token_requests(), 1);
    let me_calls: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == "/v1/me")
        .map(|r| r.headers["authorization"].to_str().unwrap().to_string())
        .collect();
    assert_eq!(me_calls, ["Bearer access-0", "Bearer access-1"]);
    let stored = connections(store).get(&key()).await.unwrap().unwrap();
    assert_eq!(
        stored.kind.access_token().unwrap().expose_secret(),
        "access-1"
    );
    // A later call does not refresh again.
    call(&runtime, &server).await.unwrap();
    assert_eq!(oauth.token_requests(), 1);
}

#[tokio::test]
async fn a_response_without_refresh_token_keeps_the_old_one() {
    let mut oauth = OAuthServer::new();
    oauth.omit_refresh_token = true;
    let (_server, store, managers) = setup(&oauth, expired()).await;
    let manager = managers.manager(&key());
    assert_eq!(
        manager.access_token().await.unwrap().expose_secret(),
        "access-1"
    );
    let stored = connections(store).get(&key()).await.unwrap().unwrap();
    assert_eq!(
        stored.kind.refresh_token().unwrap().expose_secret(),
        "refresh-0"
    );
    assert!(stored.kind.expires_at().unwrap() > SystemTime::now() + Duration::from_secs(3000));
    assert!(stored.last_refresh_at.is_some());
}

#[tokio::test]
async fn invalid_grant_marks_needs_reauth_at_once_and_stops_token_requests() {
    let oauth = OAuthServer::new();
    let server = MockServer::start().await;
    oauth.mount(&server).await;
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    // Its refresh token was already spent elsewhere.
    let mut connection = oauth_connection(expired());
    connection.kind = ConnectionKind::OAuth2 {
        access_token: SecretString::from("access-0"),
        refresh_token: Some(SecretString::from("refresh-spent")),
        expires_at: Some(expired()),
        scopes: vec![],
        token_type: None,
    };
    store_connection(&connections(store.clone()), connection).await;
    let events: Arc<Mutex<Vec<ReauthEvent>>> = Arc::default();
    let sink = events.clone();
    let managers = managers_builder(store.clone(), &server)
        .on_needs_reauth(Arc::new(move |e| sink.lock().unwrap().push(e)))
        .build();
    let manager = managers.manager(&key());

    let error = manager.access_token().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::TokenExpired);
    assert_eq!(error.context_value("oauth_error"), Some("invalid_grant"));
    assert!(!format!("{error:?}").contains("refresh-spent"));
    assert_eq!(oauth.token_requests(), 1);

    let stored = connections(store.clone())
        .get(&key())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.status, ConnectionStatus::NeedsReauth);
    assert_eq!(stored.consecutive_failures, 1);
    assert!(stored.next_attempt_after.unwrap() > SystemTime::now() + Duration::from_secs(3000));
    assert!(
        stored
            .last_error
            .as_deref()
            .unwrap()
            .contains("invalid_grant")
    );

    // During the cool-down: refused without a token request, from this and a fresh manager.
    for _ in 0..5 {
        let e = manager.access_token().await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::TokenExpired);
        assert_eq!(e.context_value("connection_status"), Some("needs_reauth"));
    }
    let other = managers_builder(store.clone(), &server).build();
    assert!(other.manager(&key()).access_token().await.is_err());
    assert!(matches!(
        other
            .manager(&key())
            .ensure_valid_for(Duration::from_secs(86_400))
            .await
            .unwrap(),
        RefreshOutcome::CoolingDown { .. }
    ));
    assert_eq!(
        oauth.token_requests(),
        1,
        "no hammering during the cool-down"
    );

    let events = events.lock().unwrap();
    assert_eq!(events.len(), 1, "one event per transition");
    assert_eq!(events[0].connection, key());
    let json = events[0].to_json();
    assert_eq!(json["type"], "connection.needs_reauth");
    assert_eq!(json["connector"], CONNECTOR);
    assert_eq!(json["connection"], "default");
}

#[tokio::test]
async fn transient_failures_back_off_and_turn_into_needs_reauth_after_the_threshold() {
    let server = MockServer::start().await;
    let requests = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = requests.clone();
    wiremock::Mock::given(wiremock::matchers::path("/oauth/token"))
        .respond_with(move |_: &wiremock::Request| {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            wiremock::ResponseTemplate::new(503)
        })
        .mount(&server)
        .await;
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    store_connection(&connections(store.clone()), oauth_connection(expired())).await;
    let events: Arc<Mutex<Vec<ReauthEvent>>> = Arc::default();
    let sink = events.clone();
    let clock = Arc::new(plugboard_core::FixedClock::at_unix(
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    ));
    let managers = managers_builder(store.clone(), &server)
        .clock(clock.clone())
        .settings(RefreshSettings {
            failure_backoff: Duration::from_secs(30),
            ..RefreshSettings::default()
        })
        .on_needs_reauth(Arc::new(move |e| sink.lock().unwrap().push(e)))
        .build();
    let manager = managers.manager(&key());

    let e = manager.access_token().await.unwrap_err();
    assert!(e.is_transient(), "{e:?}");
    assert_eq!(requests.load(std::sync::atomic::Ordering::SeqCst), 1);
    // Within the 30 s backoff: no request.
    let e = manager.access_token().await.unwrap_err();
    assert!(e.retry_after().is_some());
    assert_eq!(requests.load(std::sync::atomic::Ordering::SeqCst), 1);
    // Second failure after the backoff, third after the doubled one.
    clock.advance(Duration::from_secs(31));
    manager.access_token().await.unwrap_err();
    assert_eq!(requests.load(std::sync::atomic::Ordering::SeqCst), 2);
    clock.advance(Duration::from_secs(61));
    manager.access_token().await.unwrap_err();
    assert_eq!(requests.load(std::sync::atomic::Ordering::SeqCst), 3);

    let stored = connections(store).get(&key()).await.unwrap().unwrap();
    assert_eq!(stored.consecutive_failures, 3);
    assert_eq!(stored.status, ConnectionStatus::NeedsReauth);
    assert_eq!(events.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn a_failed_renewal_inside_the_skew_keeps_using_the_valid_token() {
    let server = MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::path("/oauth/token"))
        .respond_with(wiremock::ResponseTemplate::new(500))
        .expect(1)
        .mount(&server)
        .await;
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    store_connection(
        &connections(store.clone()),
        oauth_connection(SystemTime::now() + Duration::from_secs(120)),
    )
    .await;
    let managers = managers_builder(store, &server).build();
    let manager = managers.manager(&key());
    for _ in 0..3 {
        assert_eq!(
            manager.access_token().await.unwrap().expose_secret(),
            "access-0"
        );
    }
    server.verify().await;
}

#[tokio::test]
async fn static_tokens_use_the_configured_scheme_and_never_refresh() {
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let conns = connections(store.clone());
    let mut c = Connection::new(
        plugboard_credentials::ConnectionKey::new("clickup", "team").unwrap(),
        ConnectionKind::StaticToken {
            token: SecretString::from("pk_123"),
        },
        SystemTime::now(),
    );
    conns.put(&mut c, SystemTime::now()).await.unwrap();
    let managers = plugboard_credentials::TokenManagers::builder(conns)
        .scheme("clickup", AuthScheme::new(http::header::AUTHORIZATION, ""))
        .build();
    let manager = managers.manager(&c.key);
    let mut headers = http::HeaderMap::new();
    manager.apply(&mut headers).await.unwrap();
    assert_eq!(headers["authorization"], "pk_123");
    assert!(headers["authorization"].is_sensitive());
    assert_eq!(manager.credential_key(), "clickup/team");
    assert!(!manager.refresh_after_unauthorized().await.unwrap());
}

#[tokio::test]
async fn a_missing_connection_is_a_clear_error() {
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let managers = plugboard_credentials::TokenManagers::builder(connections(store)).build();
    let e = managers.manager(&key()).access_token().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unauthorized);
    assert!(e.to_string().contains("acme/default"));
}

#[tokio::test]
async fn stored_records_hold_no_plaintext_token() {
    let oauth = OAuthServer::new();
    let (_server, store, managers) = setup(&oauth, expired()).await;
    managers.manager(&key()).access_token().await.unwrap();
    let record = store.get_credential("acme/default").await.unwrap().unwrap();
    assert!(record.data.starts_with(b"pb1:"));
    for secret in [
        "access-1",
        "refresh-1",
        "access-0",
        "refresh-0",
        "read write",
    ] {
        assert!(!contains(&record.data, secret), "{secret} in the record");
    }
}
