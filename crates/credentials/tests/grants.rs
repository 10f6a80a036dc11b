//! The platform grants against mock endpoints: a GitHub App installation token minted from a
//! test RSA key (JWT checked with the public key) and renewed before its hour, a Google
//! service-account JWT bearer grant, and Meta's long-lived token exchange.
//!
//! `tests/fixtures/test-rsa-private.pem` is a TEST-ONLY key generated with `openssl genrsa`
//! for these tests; it signs nothing real.

mod common;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use common::{connections, contains};
use http::HeaderMap;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use plugboard_core::{
    AuthProvider, Credentials, ErrorKind, ExposeSecret, FixedClock, SecretString, TokenRefresher,
};
use plugboard_credentials::{
    Connection, ConnectionKey, ConnectionKind, MetaExchange, TokenManagers,
};
use plugboard_store::{MemoryStore, Store};
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const T0: u64 = 1_750_000_000;
const PRIVATE_KEY: &str = include_str!("fixtures/test-rsa-private.pem");
const PUBLIC_KEY: &str = include_str!("fixtures/test-rsa-public.pem");

/// The claims of an RS256 JWT verified with the test public key (times checked by the
/// caller, against the fixed clock).
fn verified_claims(jwt: &str) -> Value {
    let mut validation = Validation::new(Algorithm::RS256);
    validation.validate_exp = false;
    validation.validate_aud = false;
    validation.required_spec_claims = HashSet::new();
    jsonwebtoken::decode::<Value>(
        jwt,
        &DecodingKey::from_rsa_pem(PUBLIC_KEY.as_bytes()).unwrap(),
        &validation,
    )
    .expect("signed by the test key")
    .claims
}

#[tokio::test]
async fn github_app_installation_token_is_minted_and_renewed_before_its_hour() {
    let server = MockServer::start().await;
    let clock = Arc::new(FixedClock::at_unix(T0));
    let minted = Arc::new(AtomicUsize::new(0));
    let responder_clock = clock.clone();
    let counter = minted.clone();
    Mock::given(method("POST"))
        .and(path("/app/installations/42/access_tokens"))
        .and(header("accept", "application/vnd.github+json"))
        .respond_with(move |request: &Request| {
            let auth = request.headers["authorization"].to_str().unwrap();
            let claims = verified_claims(auth.strip_prefix("Bearer ").unwrap());
            let now = plugboard_core::Clock::unix_seconds(&*responder_clock);
            assert_eq!(claims["iss"], "12345");
            assert_eq!(claims["iat"], now - 60, "iat 60 s in the past");
            let exp = claims["exp"].as_u64().unwrap();
            assert!(exp > now && exp <= now + 600, "exp within 10 minutes");
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            let expires_at = match n {
                1 => "2025-06-15T16:06:40Z",
                _ => "2025-06-15T17:01:40Z",
            };
            ResponseTemplate::new(201).set_body_json(json!({
                "token": format!("ghs_installation_{n}"),
                "expires_at": expires_at,
                "permissions": {"issues": "write"},
                "repository_selection": "all"
            }))
        })
        .mount(&server)
        .await;

    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let conns = connections(store.clone());
    let key = ConnectionKey::new("github", "acme-app").unwrap();
    let mut connection = Connection::new(
        key.clone(),
        ConnectionKind::GithubApp {
            app_id: "12345".into(),
            private_key_pem: SecretString::from(PRIVATE_KEY),
            installation_id: "42".into(),
            token: None,
            expires_at: None,
        },
        clock_now(&clock),
    );
    conns.put(&mut connection, clock_now(&clock)).await.unwrap();
    let managers = TokenManagers::builder(conns.clone())
        .github_api_base(server.uri().parse().unwrap())
        .clock(clock.clone())
        .build();
    let manager = managers.manager(&key);

    let mut headers = HeaderMap::new();
    manager.apply(&mut headers).await.unwrap();
    assert_eq!(headers["authorization"], "Bearer ghs_installation_1");
    assert_eq!(minted.load(Ordering::SeqCst), 1);
    let stored = conns.get(&key).await.unwrap().unwrap();
    assert_eq!(
        stored.kind.expires_at(),
        Some(UNIX_EPOCH + Duration::from_secs(T0 + 3600))
    );

    // Half an hour later the token is still good: no new mint.
    clock.advance(Duration::from_secs(1800));
    manager.apply(&mut headers).await.unwrap();
    assert_eq!(headers["authorization"], "Bearer ghs_installation_1");
    assert_eq!(minted.load(Ordering::SeqCst), 1);

    // 55 minutes in, the expiry is within the 10 minute skew: renewed before the hour.
    clock.advance(Duration::from_secs(1500));
    manager.apply(&mut headers).await.unwrap();
    assert_eq!(headers["authorization"], "Bearer ghs_installation_2");
    assert_eq!(minted.load(Ordering::SeqCst), 2);
    let stored = conns.get(&key).await.unwrap().unwrap();
    assert_eq!(stored.refresh_count, 2);
    assert_eq!(
        stored.kind.access_token().unwrap().expose_secret(),
        "ghs_installation_2"
    );
    let raw = store
        .get_credential("github/acme-app")
        .await
        .unwrap()
        .unwrap();
    assert!(!contains(&raw.data, "ghs_installation"));
    assert!(!contains(&raw.data, "PRIVATE KEY"));
}

fn clock_now(clock: &FixedClock) -> SystemTime {
    plugboard_core::Clock::now(clock)
}

#[tokio::test]
async fn a_missing_github_installation_is_a_reauth_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/app/installations/7/access_tokens"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"message": "Not Found"})))
        .expect(1)
        .mount(&server)
        .await;
    let refresher =
        plugboard_credentials::GithubAppRefresher::new("12345", &SecretString::from(PRIVATE_KEY))
            .unwrap()
            .api_base(server.uri().parse().unwrap());
    let e = refresher
        .refresh(&Credentials::new("x").with_param("installation_id", "7"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unauthorized);
    assert!(plugboard_core::oauth2::is_reauth_error(&e));
    assert!(!format!("{e:?}").contains("PRIVATE"));
}

#[test]
fn a_bad_private_key_is_a_config_error_that_quotes_nothing() {
    let e = plugboard_credentials::GithubAppRefresher::new(
        "1",
        &SecretString::from(
            "-----BEGIN RSA PRIVATE KEY-----\nc2VjcmV0\n-----END RSA PRIVATE KEY-----",
        ),
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Config);
    assert!(!e.to_string().contains("c2VjcmV0"));
}

#[tokio::test]
async fn google_service_account_sends_a_signed_jwt_bearer_assertion() {
    let server = MockServer::start().await;
    let token_uri = format!("{}/token", server.uri());
    let expected_aud = token_uri.clone();
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(move |request: &Request| {
            let form: HashMap<String, String> = url::form_urlencoded::parse(&request.body)
                .into_owned()
                .collect();
            assert_eq!(
                form["grant_type"],
                "urn:ietf:params:oauth:grant-type:jwt-bearer"
            );
            assert!(!form.contains_key("client_id"));
            let claims = verified_claims(&form["assertion"]);
            assert_eq!(claims["iss"], "robot@proj.iam.gserviceaccount.com");
            assert_eq!(
                claims["scope"],
                "https://www.googleapis.com/auth/pubsub https://www.googleapis.com/auth/youtube"
            );
            assert_eq!(claims["aud"], expected_aud.as_str());
            assert_eq!(claims["sub"], "admin@example.com");
            assert_eq!(claims["iat"], T0);
            assert_eq!(claims["exp"], T0 + 3600);
            ResponseTemplate::new(200).set_body_json(json!({
                "access_token": "ya29.service",
                "expires_in": 3599,
                "token_type": "Bearer"
            }))
        })
        .expect(1)
        .mount(&server)
        .await;

    let clock = Arc::new(FixedClock::at_unix(T0));
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let conns = connections(store);
    let key_file = json!({
        "type": "service_account",
        "client_email": "robot@proj.iam.gserviceaccount.com",
        "private_key": PRIVATE_KEY,
        "token_uri": token_uri,
    })
    .to_string();
    let key = ConnectionKey::new("google", "robot").unwrap();
    let mut connection = Connection::new(
        key.clone(),
        ConnectionKind::google_service_account_from_json(
            &key_file,
            vec![
                "https://www.googleapis.com/auth/pubsub".into(),
                "https://www.googleapis.com/auth/youtube".into(),
            ],
            Some("admin@example.com".into()),
        )
        .unwrap(),
        clock_now(&clock),
    );
    conns.put(&mut connection, clock_now(&clock)).await.unwrap();
    let managers = TokenManagers::builder(conns.clone())
        .clock(clock.clone())
        .build();
    let token = managers.manager(&key).access_token().await.unwrap();
    assert_eq!(token.expose_secret(), "ya29.service");
    // Cached until near its expiry.
    managers.manager(&key).access_token().await.unwrap();
    let stored = conns.get(&key).await.unwrap().unwrap();
    assert_eq!(
        stored.kind.expires_at(),
        Some(UNIX_EPOCH + Duration::from_secs(T0 + 3599))
    );
    server.verify().await;
}

#[tokio::test]
async fn meta_exchanges_the_current_token_for_a_long_lived_one() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v23.0/oauth/access_token"))
        .and(query_param("grant_type", "fb_exchange_token"))
        .and(query_param("client_id", "app-1"))
        .and(query_param("client_secret", "meta-secret"))
        .and(query_param("fb_exchange_token", "EAAshort"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "EAAlong",
            "token_type": "bearer",
            "expires_in": 5_183_944
        })))
        .expect(1)
        .mount(&server)
        .await;
    let exchange = MetaExchange::new(
        format!("{}/v23.0", server.uri()).parse().unwrap(),
        "app-1",
        SecretString::from("meta-secret"),
    )
    .clock(Arc::new(FixedClock::at_unix(T0)));
    let tokens = exchange
        .refresh(&Credentials::new("page").with_access_token(SecretString::from("EAAshort")))
        .await
        .unwrap();
    assert_eq!(tokens.access_token.expose_secret(), "EAAlong");
    assert_eq!(
        tokens.expires_at,
        Some(UNIX_EPOCH + Duration::from_secs(T0 + 5_183_944))
    );
    server.verify().await;
}

#[tokio::test]
async fn meta_code_190_means_reconnect_and_leaks_nothing() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v23.0/oauth/access_token"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "error": {
                "message": "Error validating access token: Session has expired",
                "type": "OAuthException",
                "code": 190,
                "error_subcode": 463,
                "fbtrace_id": "Ab1"
            }
        })))
        .mount(&server)
        .await;
    let exchange = MetaExchange::new(
        format!("{}/v23.0", server.uri()).parse().unwrap(),
        "app-1",
        SecretString::from("meta-secret"),
    );
    let e = exchange
        .refresh(&Credentials::new("page").with_access_token(SecretString::from("EAAshort")))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::TokenExpired);
    assert!(plugboard_core::oauth2::is_reauth_error(&e));
    assert_eq!(e.context_value("oauth_error"), Some("190"));
    let shown = format!("{e} {e:?}");
    assert!(
        !shown.contains("meta-secret") && !shown.contains("EAAshort"),
        "{shown}"
    );
}

#[tokio::test]
async fn a_meta_connection_without_refresh_token_is_renewed_through_the_exchange() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v23.0/oauth/access_token"))
        .and(query_param("fb_exchange_token", "EAAold"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "EAAnew", "expires_in": 5_183_944
        })))
        .expect(1)
        .mount(&server)
        .await;
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let conns = connections(store);
    let key = ConnectionKey::new("meta", "page").unwrap();
    let mut c = Connection::new(
        key.clone(),
        ConnectionKind::OAuth2 {
            access_token: SecretString::from("EAAold"),
            refresh_token: None,
            expires_at: Some(SystemTime::now() + Duration::from_secs(3600)),
            scopes: vec![],
            token_type: None,
        },
        SystemTime::now(),
    );
    conns.put(&mut c, SystemTime::now()).await.unwrap();
    let managers = TokenManagers::builder(conns)
        .refresher(
            "meta",
            Arc::new(MetaExchange::new(
                format!("{}/v23.0", server.uri()).parse().unwrap(),
                "app-1",
                SecretString::from("meta-secret"),
            )),
        )
        .build();
    // The sweep renews long-lived tokens a day ahead.
    let outcome = managers
        .manager(&key)
        .ensure_valid_for(Duration::from_secs(86_400))
        .await
        .unwrap();
    assert_eq!(outcome, plugboard_credentials::RefreshOutcome::Refreshed);
    server.verify().await;
}
