//! Shared test helpers: a sealer, managers over a store, and a mock OAuth token endpoint that
//! rotates refresh tokens and refuses a reused one, plus a mock API that accepts only the
//! latest access token.
#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use plugboard_core::oauth2::OAuth2Refresher;
use plugboard_core::{ConnectorId, SecretString};
use plugboard_credentials::{
    Connection, ConnectionKey, ConnectionKind, ConnectionStore, MasterKey, Sealer, TokenManagers,
    TokenManagersBuilder,
};
use plugboard_store::Store;
use serde_json::json;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

pub const CONNECTOR: &str = "acme";
pub const CLIENT_SECRET: &str = "client-secret-xyz";

/// One fixed key for every test, so two "processes" can share records.
pub fn sealer() -> Arc<Sealer> {
    Arc::new(Sealer::new(MasterKey::from_bytes([7; 32])))
}

pub fn key() -> ConnectionKey {
    ConnectionKey::new(CONNECTOR, "default").unwrap()
}

pub fn connections(store: Arc<dyn Store>) -> ConnectionStore {
    ConnectionStore::new(store, sealer())
}

/// An OAuth2 connection holding `access-0`/`refresh-0`, expiring at `expires_at`.
pub fn oauth_connection(expires_at: SystemTime) -> Connection {
    Connection::new(
        key(),
        ConnectionKind::OAuth2 {
            access_token: SecretString::from("access-0"),
            refresh_token: Some(SecretString::from("refresh-0")),
            expires_at: Some(expires_at),
            scopes: vec!["read".into()],
            token_type: Some("bearer".into()),
        },
        SystemTime::now(),
    )
}

pub async fn store_connection(connections: &ConnectionStore, mut connection: Connection) {
    connections
        .put(&mut connection, SystemTime::now())
        .await
        .unwrap();
}

/// The state of a rotating OAuth server: the one refresh token it accepts next and the
/// access token its API accepts.
#[derive(Clone)]
pub struct OAuthServer {
    inner: Arc<Mutex<ServerState>>,
    token_requests: Arc<AtomicUsize>,
    pub delay: Duration,
    pub omit_refresh_token: bool,
    pub expires_in: u64,
}

struct ServerState {
    generation: usize,
    valid_refresh: String,
    valid_access: String,
}

impl OAuthServer {
    pub fn new() -> Self {
        Self {
            inner: Arc::new(Mutex::new(ServerState {
                generation: 0,
                valid_refresh: "refresh-0".into(),
                valid_access: "access-0".into(),
            })),
            token_requests: Arc::new(AtomicUsize::new(0)),
            delay: Duration::ZERO,
            omit_refresh_token: false,
            expires_in: 3600,
        }
    }

    /// Makes the API refuse `access-0` (revoked before its expiry).
    pub fn revoke_current_access(&self) {
        self.inner.lock().unwrap().valid_access = "revoked".into();
    }

    pub fn token_requests(&self) -> usize {
        self.token_requests.load(Ordering::SeqCst)
    }

    pub fn valid_access(&self) -> String {
        self.inner.lock().unwrap().valid_access.clone()
    }

    pub fn valid_refresh(&self) -> String {
        self.inner.lock().unwrap().valid_refresh.clone()
    }

    /// Mounts `POST /oauth/token` and `GET /v1/me` on `server`.
    pub async fn mount(&self, server: &MockServer) {
        Mock::given(wiremock::matchers::method("POST"))
            .and(wiremock::matchers::path("/oauth/token"))
            .respond_with(TokenResponder(self.clone()))
            .mount(server)
            .await;
        Mock::given(wiremock::matchers::method("GET"))
            .and(wiremock::matchers::path("/v1/me"))
            .respond_with(ApiResponder(self.clone()))
            .mount(server)
            .await;
    }
}

struct TokenResponder(OAuthServer);

impl Respond for TokenResponder {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        self.0.token_requests.fetch_add(1, Ordering::SeqCst);
        let form: std::collections::HashMap<String, String> =
            url::form_urlencoded::parse(&request.body)
                .into_owned()
                .collect();
        let mut state = self.0.inner.lock().unwrap();
        let presented = form.get("refresh_token").cloned().unwrap_or_default();
        let client_ok = form.get("client_secret").map(String::as_str) == Some(CLIENT_SECRET);
        if form.get("grant_type").map(String::as_str) != Some("refresh_token")
            || !client_ok
            || presented != state.valid_refresh
        {
            // A reused (rotated-away) refresh token is dead.
            return ResponseTemplate::new(400).set_body_json(json!({
                "error": "invalid_grant",
                "error_description": "refresh token already used or revoked"
            }));
        }
        state.generation += 1;
        state.valid_access = format!("access-{}", state.generation);
        state.valid_refresh = format!("refresh-{}", state.generation);
        let mut body = json!({
            "access_token": state.valid_access,
            "token_type": "bearer",
            "expires_in": self.0.expires_in,
            "scope": "read write",
        });
        if !self.0.omit_refresh_token {
            body["refresh_token"] = json!(state.valid_refresh);
        } else {
            // Without rotation the old refresh token stays valid.
            state.valid_refresh = presented;
        }
        ResponseTemplate::new(200)
            .set_body_json(body)
            .set_delay(self.0.delay)
    }
}

struct ApiResponder(OAuthServer);

impl Respond for ApiResponder {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let expected = format!("Bearer {}", self.0.inner.lock().unwrap().valid_access);
        let given = request
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if given == expected {
            ResponseTemplate::new(200).set_body_json(json!({"id": 1, "token": "ok"}))
        } else {
            ResponseTemplate::new(401).set_body_json(json!({"message": "Bad credentials"}))
        }
    }
}

/// The connector's refresher, pointed at the mock.
pub fn refresher(server: &MockServer) -> Arc<OAuth2Refresher> {
    Arc::new(OAuth2Refresher::new(
        ConnectorId::new(CONNECTOR),
        format!("{}/oauth/token", server.uri()).parse().unwrap(),
        "client-1",
        Some(SecretString::from(CLIENT_SECRET)),
    ))
}

/// Managers over `store` with the mock's refresher.
pub fn managers_builder(store: Arc<dyn Store>, server: &MockServer) -> TokenManagersBuilder {
    TokenManagers::builder(connections(store)).refresher(CONNECTOR, refresher(server))
}

/// Every byte sequence `needle` in `haystack`.
pub fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}
