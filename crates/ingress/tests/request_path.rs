//! The request path over the router: accepted deliveries are stored once, rejected ones answer
//! the right status with a JSON reason and store nothing, every response has an
//! `X-Request-Id`, per-connection URLs hide themselves, floods get 429, handshakes are
//! answered, and the metrics count it all.

mod common;

use std::sync::Arc;
use std::time::SystemTime;

use axum::body::Body;
use bytes::Bytes;
use common::*;
use http::{Method, Request, StatusCode};
use plugboard_core::webhook::{Handshake, STANDARD_WEBHOOKS};
use plugboard_core::{
    ConnectorId, VerifiedWebhook, WebhookError, WebhookRequest, WebhookSecrets, WebhookVerifier,
};
use plugboard_ingress::{BuildError, Ingress, IngressConfig, new_url_token};
use plugboard_store::MemoryStore;
use plugboard_testkit::webhooks::standard_webhooks;
use secrecy::{ExposeSecret, SecretString};

fn memory() -> Arc<MemoryStore> {
    Arc::new(MemoryStore::new())
}

#[tokio::test]
async fn a_signed_delivery_is_stored_and_acknowledged() {
    let store = memory();
    let ingress = builder(store.clone()).build().unwrap();
    let router = ingress.router();
    let body = r#"{"zen":"Design for failure.","hook_id":42}"#;
    let answer = send(&router, "/webhooks/github", &github("d-1", "ping", body)).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    let json = answer.json();
    assert_eq!(json["status"], "accepted");
    assert_eq!(json["event_id"], "d-1");
    assert_eq!(json["event_type"], "ping");
    assert_eq!(json["appended"], 1);

    let stored = entries(store.as_ref()).await;
    assert_eq!(stored.len(), 1);
    let e = &stored[0].event;
    assert_eq!(e.connector, "github");
    assert_eq!(e.connection, None);
    assert_eq!(e.event_id, "d-1");
    assert_eq!(e.event_type, "ping");
    assert_eq!(e.body, Bytes::from(body));
}

#[tokio::test]
async fn a_redelivery_is_acknowledged_but_not_appended_twice() {
    let store = memory();
    let router = builder(store.clone()).build().unwrap().router();
    let d = github("d-dup", "ping", r#"{"zen":"z","hook_id":1}"#);
    let first = send(&router, "/webhooks/github", &d).await;
    let second = send(&router, "/webhooks/github", &d).await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(second.status, StatusCode::OK);
    assert_eq!(second.json()["status"], "duplicate");
    assert_eq!(second.json()["appended"], 0);
    assert_eq!(entries(store.as_ref()).await.len(), 1);
}

#[tokio::test]
async fn unsigned_tampered_stale_and_oversize_deliveries_are_rejected_and_not_stored() {
    let store = memory();
    let config = IngressConfig {
        body_limit_bytes: 1024,
        ..fast_config()
    };
    let router = builder(store.clone())
        .config(config)
        .build()
        .unwrap()
        .router();
    let body = r#"{"zen":"z","hook_id":1}"#;

    let unsigned = github("d-u", "ping", body).without_header("x-hub-signature-256");
    let a = send(&router, "/webhooks/github", &unsigned).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert_eq!(a.json()["error"], "missing_signature");
    assert!(
        a.json()["message"]
            .as_str()
            .unwrap()
            .contains("x-hub-signature-256")
    );

    let tampered = github("d-t", "ping", body).tampered();
    let a = send(&router, "/webhooks/github", &tampered).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert_eq!(a.json()["error"], "bad_signature");

    let wrong_secret = plugboard_testkit::webhooks::github("not the secret", "ping", "d-w", body);
    let a = send(&router, "/webhooks/github", &wrong_secret).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert_eq!(a.json()["error"], "bad_signature");

    let an_hour_ago = plugboard_core::clock::unix_seconds(SystemTime::now()) as i64 - 3600;
    let stale = standard_webhooks(WHSEC, "msg_stale", an_hour_ago, r#"{"type":"x"}"#);
    let a = send(&router, "/webhooks/acme", &stale).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert_eq!(a.json()["error"], "stale");

    let big = "x".repeat(4096);
    let oversize = github(
        "d-big",
        "ping",
        &format!(r#"{{"zen":"{big}","hook_id":1}}"#),
    );
    let a = send(&router, "/webhooks/github", &oversize).await;
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(a.json()["error"], "too_large");
    assert!(a.json()["message"].as_str().unwrap().contains("1024 bytes"));

    assert!(
        entries(store.as_ref()).await.is_empty(),
        "nothing may be stored"
    );
    // Nothing was claimed either: the valid deliveries are accepted afterwards.
    let now = plugboard_core::clock::unix_seconds(SystemTime::now()) as i64;
    let fresh = standard_webhooks(WHSEC, "msg_stale", now, r#"{"type":"x"}"#);
    assert_eq!(
        send(&router, "/webhooks/acme", &fresh).await.status,
        StatusCode::OK
    );
    let ok = github("d-t", "ping", body);
    assert_eq!(
        send(&router, "/webhooks/github", &ok).await.json()["status"],
        "accepted"
    );
    assert_eq!(entries(store.as_ref()).await.len(), 2);
}

#[tokio::test]
async fn unknown_connectors_and_routes_are_404_with_a_json_reason() {
    let store = memory();
    let router = builder(store.clone()).build().unwrap().router();
    let a = send(&router, "/webhooks/nope", &github("d", "ping", "{}")).await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert_eq!(a.json()["error"], "not_found");
    let a = get(&router, "/elsewhere").await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert_eq!(a.json()["error"], "not_found");
    assert!(entries(store.as_ref()).await.is_empty());
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let config = IngressConfig {
        body_limit_bytes: 64,
        ..fast_config()
    };
    let router = builder(memory()).config(config).build().unwrap().router();

    // A sane incoming id is echoed; an insane one is replaced by a fresh one.
    let echoed = send(
        &router,
        "/webhooks/github",
        &github("r-1", "ping", r#"{"zen":"z","hook_id":1}"#).with_header("X-Request-Id", "req-42"),
    )
    .await;
    assert_eq!(echoed.status, StatusCode::OK);
    assert_eq!(echoed.request_id(), Some("req-42"));
    let replaced = send(
        &router,
        "/webhooks/github",
        &github("r-2", "ping", "{}").with_header("X-Request-Id", "no spaces allowed"),
    )
    .await;
    let id = replaced.request_id().unwrap();
    assert_ne!(id, "no spaces allowed");
    assert_eq!(id.len(), 32);

    let answers = [
        send(
            &router,
            "/webhooks/github",
            &github("r-3", "ping", "{}").tampered(),
        )
        .await,
        send(
            &router,
            "/webhooks/github",
            &github("r-4", "ping", &"x".repeat(100)),
        )
        .await,
        send(&router, "/webhooks/nope", &github("r-5", "ping", "{}")).await,
        get(&router, "/health").await,
        get(&router, "/metrics").await,
    ];
    let statuses: Vec<u16> = answers.iter().map(|a| a.status.as_u16()).collect();
    assert_eq!(statuses, [401, 413, 404, 200, 200]);
    let mut ids: Vec<&str> = answers.iter().map(|a| a.request_id().unwrap()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), answers.len(), "each request gets its own id");

    let limited_config = IngressConfig {
        inbound_rate_per_sec: 1,
        inbound_burst: 1,
        ..fast_config()
    };
    let router = builder(memory())
        .config(limited_config)
        .build()
        .unwrap()
        .router();
    send(&router, "/webhooks/github", &github("r-6", "ping", "{}")).await;
    let limited = send(&router, "/webhooks/github", &github("r-7", "ping", "{}")).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.request_id().is_some());
}

#[tokio::test]
async fn a_flood_gets_429_with_retry_after_and_stores_nothing_more() {
    let store = memory();
    let config = IngressConfig {
        inbound_rate_per_sec: 1,
        inbound_burst: 3,
        ..fast_config()
    };
    let router = builder(store.clone())
        .config(config)
        .build()
        .unwrap()
        .router();
    let mut statuses = Vec::new();
    let mut retry_after = None;
    for i in 0..10 {
        let a = send(
            &router,
            "/webhooks/github",
            &github(&format!("flood-{i}"), "ping", r#"{"zen":"z","hook_id":1}"#),
        )
        .await;
        if a.status == StatusCode::TOO_MANY_REQUESTS {
            assert_eq!(a.json()["error"], "rate_limited");
            retry_after = a.headers.get("retry-after").cloned();
        }
        statuses.push(a.status.as_u16());
    }
    assert_eq!(&statuses[..3], &[200, 200, 200], "{statuses:?}");
    let limited = statuses.iter().filter(|s| **s == 429).count();
    assert!(limited >= 5, "{statuses:?}");
    let secs: u64 = retry_after.unwrap().to_str().unwrap().parse().unwrap();
    assert!((1..=2).contains(&secs));
    let accepted = statuses.iter().filter(|s| **s == 200).count();
    assert_eq!(entries(store.as_ref()).await.len(), accepted);

    // Another connector has its own budget.
    let now = plugboard_core::clock::unix_seconds(SystemTime::now()) as i64;
    let other = standard_webhooks(WHSEC, "msg_other", now, r#"{"type":"x"}"#);
    assert_eq!(
        send(&router, "/webhooks/acme", &other).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn per_connection_urls_need_their_token_and_hide_otherwise() {
    let store = memory();
    let token = new_url_token();
    let own_secret = "the acme org's own secret";
    let router = builder(store.clone())
        .connection(
            GITHUB,
            "acme-org",
            token.clone(),
            Some(WebhookSecrets::from_strs([own_secret]).unwrap()),
        )
        .build()
        .unwrap()
        .router();
    let body = r#"{"zen":"z","hook_id":7}"#;
    let signed = plugboard_testkit::webhooks::github(own_secret, "ping", "c-1", body);

    let no_token = send(&router, "/webhooks/github/acme-org", &signed).await;
    let bad_token = send(
        &router,
        "/webhooks/github/acme-org",
        &signed
            .clone()
            .with_query(format!("token={}x", token.expose_secret())),
    )
    .await;
    let unknown = send(
        &router,
        "/webhooks/github/other-org",
        &signed
            .clone()
            .with_query(format!("token={}", token.expose_secret())),
    )
    .await;
    for a in [&no_token, &bad_token, &unknown] {
        assert_eq!(a.status, StatusCode::NOT_FOUND, "{a:?}");
        assert_eq!(a.json()["error"], "not_found");
    }
    // The three answers are indistinguishable.
    assert_eq!(no_token.text, bad_token.text);
    assert_eq!(bad_token.text, unknown.text);

    let good = signed
        .clone()
        .with_query(format!("token={}", token.expose_secret()));
    let a = send(&router, "/webhooks/github/acme-org", &good).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    // The connection's own secret applies there: the connector's secret does not.
    let wrong = github("c-2", "ping", body).with_query(format!("token={}", token.expose_secret()));
    let a = send(&router, "/webhooks/github/acme-org", &wrong).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);

    let stored = entries(store.as_ref()).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].event.connection.as_deref(), Some("acme-org"));
    assert_eq!(stored[0].event.event_id, "c-1");
    // The same event id on the connector-wide URL is another event (another claim key).
    let wide = github("c-1", "ping", body);
    assert_eq!(
        send(&router, "/webhooks/github", &wide).await.json()["status"],
        "accepted"
    );
}

/// A WebSub-style verifier: `GET ?hub.mode=subscribe&hub.verify_token=..&hub.challenge=..`
/// is answered with the challenge when the verify token is the secret.
struct HubVerifier;

static HUB: HubVerifier = HubVerifier;

impl WebhookVerifier for HubVerifier {
    fn scheme(&self) -> &'static str {
        "test hub"
    }

    fn handshake(
        &self,
        request: &WebhookRequest<'_>,
        secrets: &WebhookSecrets,
        _now: SystemTime,
    ) -> Option<Result<Handshake, WebhookError>> {
        if request.method != Method::GET {
            return None;
        }
        let mode = request.query_param("hub.mode")?;
        let token = request.query_param("hub.verify_token").unwrap_or_default();
        let challenge = request.query_param("hub.challenge").unwrap_or_default();
        let ok = mode == "subscribe"
            && secrets.iter().any(|s| {
                plugboard_core::signing::constant_time_eq(
                    s.expose_secret().as_bytes(),
                    token.as_bytes(),
                )
            });
        Some(if ok {
            Ok(Handshake::echo(challenge))
        } else {
            Err(WebhookError::BadSignature)
        })
    }

    fn verify(
        &self,
        request: &WebhookRequest<'_>,
        secrets: &WebhookSecrets,
        now: SystemTime,
    ) -> Result<VerifiedWebhook, WebhookError> {
        STANDARD_WEBHOOKS.verify(request, secrets, now)
    }
}

#[tokio::test]
async fn handshakes_are_answered_and_nothing_is_stored() {
    let store = memory();
    let router = Ingress::builder()
        .store(store.clone())
        .endpoint(
            ConnectorId::new("hub"),
            &HUB,
            Some(WebhookSecrets::from_strs([WHSEC]).unwrap()),
        )
        .build()
        .unwrap()
        .router();
    let ok = get(
        &router,
        &format!(
            "/webhooks/hub?hub.mode=subscribe&hub.verify_token={WHSEC}&hub.challenge=1158201444"
        ),
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK);
    assert_eq!(ok.text, "1158201444");
    assert!(ok.request_id().is_some());

    let bad = get(
        &router,
        "/webhooks/hub?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1",
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNAUTHORIZED);

    // A GET that is no handshake is not a delivery either.
    let plain = get(&router, "/webhooks/hub").await;
    assert_eq!(plain.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(plain.json()["error"], "method_not_allowed");
    assert!(entries(store.as_ref()).await.is_empty());
}

#[test]
fn a_connector_without_a_secret_refuses_to_start_naming_the_key() {
    let err = Ingress::builder()
        .store(memory())
        .endpoint(GITHUB, &plugboard_github::GITHUB_WEBHOOKS, None)
        .build()
        .unwrap_err();
    assert_eq!(err.key(), Some("PLUGBOARD_GITHUB_WEBHOOK_SECRET"));
    assert!(
        err.to_string().contains("PLUGBOARD_GITHUB_WEBHOOK_SECRET"),
        "{err}"
    );

    // A connection without its own secret needs the connector's.
    let err = Ingress::builder()
        .store(memory())
        .endpoint(GITHUB, &plugboard_github::GITHUB_WEBHOOKS, None)
        .connection(GITHUB, "acme", new_url_token(), None)
        .build()
        .unwrap_err();
    assert!(matches!(
        &err,
        BuildError::MissingSecret { connection: Some(c), .. } if c == "acme"
    ));

    // With every connection carrying its own secret, it starts.
    Ingress::builder()
        .store(memory())
        .endpoint(GITHUB, &plugboard_github::GITHUB_WEBHOOKS, None)
        .connection(
            GITHUB,
            "acme",
            new_url_token(),
            Some(WebhookSecrets::from_strs(["s"]).unwrap()),
        )
        .build()
        .unwrap();

    let weak = Ingress::builder()
        .store(memory())
        .endpoint(
            GITHUB,
            &plugboard_github::GITHUB_WEBHOOKS,
            Some(WebhookSecrets::from_strs(["s"]).unwrap()),
        )
        .connection(
            GITHUB,
            "acme",
            SecretString::from("short".to_string()),
            None,
        )
        .build()
        .unwrap_err();
    assert!(matches!(weak, BuildError::WeakUrlToken { .. }));
    assert!(matches!(
        Ingress::builder().build().unwrap_err(),
        BuildError::MissingStore
    ));
}

#[tokio::test]
async fn a_store_failure_answers_503_and_the_platform_retry_is_accepted() {
    let store = Arc::new(FlakyStore::default());
    let router = builder(store.clone()).build().unwrap().router();
    let d = github("s-1", "ping", r#"{"zen":"z","hook_id":1}"#);
    store.set_down(true);
    let a = send(&router, "/webhooks/github", &d).await;
    assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(a.json()["error"], "store_unavailable");
    store.set_down(false);
    let a = send(&router, "/webhooks/github", &d).await;
    assert_eq!(a.json()["status"], "accepted");
    assert_eq!(entries(&store.inner).await.len(), 1);
}

#[tokio::test]
async fn metrics_count_received_verified_rejected_duplicates_and_ack_latency() {
    let store = memory();
    let router = builder(store).build().unwrap().router();
    let body = r#"{"zen":"z","hook_id":1}"#;
    for d in [
        github("m-1", "ping", body),
        github("m-1", "ping", body),
        github("m-2", "ping", body).tampered(),
    ] {
        send(&router, "/webhooks/github", &d).await;
    }
    let text = get(&router, "/metrics").await;
    assert_eq!(text.status, StatusCode::OK);
    assert!(
        text.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let t = text.text;
    for line in [
        r#"plugboard_webhooks_received_total{connector="github"} 3"#,
        r#"plugboard_webhooks_verified_total{connector="github"} 2"#,
        r#"plugboard_webhooks_duplicates_total{connector="github"} 1"#,
        r#"plugboard_webhooks_rejected_total{connector="github",reason="bad_signature"} 1"#,
        r#"plugboard_webhook_ack_seconds_count{connector="github"} 2"#,
        r#"plugboard_inbox_depth{connector="github"} 1"#,
        r#"plugboard_dlq_size{connector="github"} 0"#,
    ] {
        assert!(t.contains(line), "missing {line:?} in:\n{t}");
    }
    assert!(t.contains("plugboard_webhook_ack_seconds_bucket{connector=\"github\",le=\"0.005\"}"));
}

#[tokio::test]
async fn two_instances_keep_separate_metrics() {
    let a = builder(memory()).build().unwrap();
    let b = builder(memory()).build().unwrap();
    send(
        &a.router(),
        "/webhooks/github",
        &github("x-1", "ping", r#"{"zen":"z","hook_id":1}"#),
    )
    .await;
    assert!(
        a.render_metrics()
            .await
            .contains(r#"plugboard_webhooks_received_total{connector="github"} 1"#)
    );
    assert!(
        !b.render_metrics()
            .await
            .contains(r#"plugboard_webhooks_received_total{connector="github"} 1"#)
    );
}

#[tokio::test]
async fn a_body_exactly_at_the_limit_is_accepted() {
    let store = memory();
    let body = format!(r#"{{"zen":"{}","hook_id":1}}"#, "y".repeat(100));
    let config = IngressConfig {
        body_limit_bytes: body.len(),
        ..fast_config()
    };
    let router = builder(store.clone())
        .config(config)
        .build()
        .unwrap()
        .router();
    let a = send(&router, "/webhooks/github", &github("edge", "ping", &body)).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let request = Request::builder()
        .method("PUT")
        .uri("/webhooks/github")
        .body(Body::empty())
        .unwrap();
    let put = call(&router, request).await;
    assert_eq!(put.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(put.request_id().is_some());
}
