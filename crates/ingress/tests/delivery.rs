//! Workers and sinks: delivery to every sink, Standard Webhooks signing, retries into the
//! dead-letter queue and replay, crash recovery, lease extension, graceful shutdown, typed
//! handlers, the JSON-lines and command sinks, purging.

mod common;

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use common::*;
use http::StatusCode;
use plugboard_core::webhook::STANDARD_WEBHOOKS;
use plugboard_core::{WebhookRequest, WebhookSecrets, WebhookVerifier};
use plugboard_github::GithubEvent;
use plugboard_ingress::{
    CommandSink, Delivery, HttpSink, IngressConfig, Sink, SinkConfig, SinkError,
};
use plugboard_store::{EntryState, MemoryStore, NewEntry, Store};
use plugboard_testkit::MockPlatform;
use plugboard_testkit::wiremock::matchers::{method, path};
use plugboard_testkit::wiremock::{Mock, ResponseTemplate};
use secrecy::SecretString;

const PING: &str = r#"{"zen":"Keep it logically awesome.","hook_id":42}"#;
const WAIT: Duration = Duration::from_secs(10);

fn memory() -> Arc<MemoryStore> {
    Arc::new(MemoryStore::new())
}

async fn accept(router: &axum::Router, id: &str) {
    let a = send(router, "/webhooks/github", &github(id, "ping", PING)).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
}

async fn state_of_all(store: &dyn Store, state: EntryState, n: usize) -> bool {
    let all = entries(store).await;
    all.len() == n && all.iter().all(|e| e.state == state)
}

#[tokio::test]
async fn the_http_sink_receives_a_standard_webhooks_signed_request() {
    let app = MockPlatform::start().await;
    Mock::given(method("POST"))
        .and(path("/hooks/plugboard"))
        .respond_with(ResponseTemplate::new(204))
        .mount(app.server())
        .await;
    let store = memory();
    let config = IngressConfig {
        sinks: vec![SinkConfig::Http {
            name: None,
            url: format!("{}/hooks/plugboard", app.uri()),
            secret: SecretString::from(WHSEC.to_string()),
            timeout: Duration::from_secs(5),
        }],
        ..fast_config()
    };
    let ingress = builder(store.clone()).config(config).build().unwrap();
    let workers = ingress.start().await.unwrap();
    accept(&ingress.router(), "72d3162e-cc78-11e3-81ab-4c9367dc0958").await;

    eventually(WAIT, "the entry is delivered", || {
        state_of_all(store.as_ref(), EntryState::Done, 1)
    })
    .await;
    workers.shutdown().await.unwrap();

    let received = app.requests_to("POST", "/hooks/plugboard").await;
    assert_eq!(received.len(), 1);
    let r = &received[0];
    let h = |name: &str| r.headers.get(name).unwrap().to_str().unwrap().to_string();
    assert_eq!(r.body, PING.as_bytes());
    assert_eq!(
        h("webhook-id"),
        "github:72d3162e-cc78-11e3-81ab-4c9367dc0958"
    );
    assert_eq!(h("x-plugboard-connector"), "github");
    assert_eq!(h("x-plugboard-event-type"), "ping");
    assert_eq!(
        h("x-plugboard-event-id"),
        "72d3162e-cc78-11e3-81ab-4c9367dc0958"
    );
    assert_eq!(h("x-plugboard-attempt"), "1");
    assert_eq!(h("content-type"), "application/json");
    assert!(r.headers.get("x-plugboard-connection").is_none());

    // The receiver's own verification accepts it, and rejects it under another secret.
    let body = Bytes::from(r.body.clone());
    let request = WebhookRequest {
        method: &http::Method::POST,
        headers: &r.headers,
        query: None,
        body: &body,
    };
    let secrets = WebhookSecrets::from_strs([WHSEC]).unwrap();
    let verified = STANDARD_WEBHOOKS
        .verify(&request, &secrets, SystemTime::now())
        .expect("a valid Standard Webhooks signature");
    assert_eq!(
        verified.event_id(),
        "github:72d3162e-cc78-11e3-81ab-4c9367dc0958"
    );
    let other = WebhookSecrets::from_strs(["whsec_c2VjcmV0LW90aGVy"]).unwrap();
    assert!(
        STANDARD_WEBHOOKS
            .verify(&request, &other, SystemTime::now())
            .is_err()
    );
    app.assert_no_unexpected();
}

fn entry_for(store_entry: NewEntry) -> plugboard_store::Entry {
    plugboard_store::Entry {
        id: plugboard_store::EntryId(1),
        event: store_entry,
        state: EntryState::Leased,
        attempts: 0,
        next_attempt_at_ms: 0,
        last_error: None,
        lease_owner: None,
        lease_until_ms: None,
        lease_token: None,
        updated_at_ms: 0,
    }
}

fn new_entry(event_id: &str, body: &'static str) -> NewEntry {
    NewEntry {
        connector: "github".into(),
        connection: Some("acme".into()),
        event_id: event_id.into(),
        event_type: "ping".into(),
        received_at_ms: 1_614_265_330_042,
        attributes: Default::default(),
        body: Bytes::from_static(body.as_bytes()),
    }
}

#[tokio::test]
async fn the_http_sink_classifies_answers() {
    let app = MockPlatform::start().await;
    for (p, status) in [
        ("/ok", 200),
        ("/busy", 503),
        ("/gone", 410),
        ("/moved", 301),
    ] {
        Mock::given(method("POST"))
            .and(path(p))
            .respond_with(ResponseTemplate::new(status))
            .mount(app.server())
            .await;
    }
    Mock::given(method("POST"))
        .and(path("/slow-down"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "7"))
        .mount(app.server())
        .await;
    Mock::given(method("POST"))
        .and(path("/hang"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(app.server())
        .await;
    let entry = entry_for(new_entry("e.1", "not json"));
    let sink = |p: &str| {
        HttpSink::new(
            &format!("{}{p}", app.uri()),
            SecretString::from("raw secret text".to_string()),
            Duration::from_millis(300),
        )
        .unwrap()
    };
    assert_eq!(sink("/ok").deliver(&entry).await, Ok(()));
    assert!(matches!(
        sink("/busy").deliver(&entry).await,
        Err(SinkError::Transient {
            retry_after: None,
            ..
        })
    ));
    assert_eq!(
        sink("/slow-down").deliver(&entry).await,
        Err(SinkError::Transient {
            message: "127.0.0.1 answered 429".into(),
            retry_after: Some(Duration::from_secs(7))
        })
    );
    assert!(
        sink("/gone")
            .deliver(&entry)
            .await
            .unwrap_err()
            .is_permanent()
    );
    assert!(
        sink("/moved")
            .deliver(&entry)
            .await
            .unwrap_err()
            .is_permanent()
    );
    let hang = sink("/hang").deliver(&entry).await.unwrap_err();
    assert!(
        !hang.is_permanent() && hang.message().contains("timed out"),
        "{hang:?}"
    );

    // Nothing listens on the discard port: a network error is transient.
    let closed = HttpSink::new(
        "http://127.0.0.1:9/hook",
        SecretString::from("s".to_string()),
        Duration::from_secs(2),
    )
    .unwrap();
    assert!(!closed.deliver(&entry).await.unwrap_err().is_permanent());

    // A raw secret signs as whsec_<base64 of it>; the id of an event id with a dot is hashed.
    let ok = app.requests_to("POST", "/ok").await;
    let r = &ok[0];
    assert_eq!(r.headers["content-type"], "application/octet-stream");
    assert_eq!(r.headers["x-plugboard-connection"], "acme");
    let id = r.headers["webhook-id"].to_str().unwrap();
    assert!(id.starts_with("msg_") && !id.contains('.'), "{id}");
    let body = Bytes::from(r.body.clone());
    let request = WebhookRequest {
        method: &http::Method::POST,
        headers: &r.headers,
        query: None,
        body: &body,
    };
    let whsec = format!("whsec_{}", base64_of("raw secret text"));
    let secrets = WebhookSecrets::from_strs([whsec]).unwrap();
    STANDARD_WEBHOOKS
        .verify(&request, &secrets, SystemTime::now())
        .expect("signed with the raw secret");
}

fn base64_of(text: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(text)
}

#[tokio::test]
async fn a_failing_sink_retries_on_schedule_into_the_dlq_and_replay_delivers_once() {
    let store = memory();
    let sink = RecordingSink::new("app");
    sink.set_mode(Mode::Transient);
    let config = IngressConfig {
        // Retries are woken by their own timers, not by polling.
        poll_interval: Duration::from_secs(60),
        ..fast_config()
    };
    let ingress = builder(store.clone())
        .config(config)
        .sink(sink.boxed())
        .build()
        .unwrap();
    let workers = ingress.start().await.unwrap();
    accept(&ingress.router(), "flaky-1").await;

    eventually(WAIT, "the entry is dead-lettered", || {
        state_of_all(store.as_ref(), EntryState::Dead, 1)
    })
    .await;
    let attempts: Vec<u32> = sink.attempts.lock().unwrap().iter().map(|a| a.1).collect();
    assert_eq!(
        attempts,
        [1, 2, 3],
        "one attempt plus one per schedule step"
    );
    let dead = &in_state(store.as_ref(), EntryState::Dead).await[0];
    assert_eq!(dead.attempts, 3);
    let error = dead.last_error.as_deref().unwrap();
    assert!(
        error.contains("gave up after 3 attempts") && error.contains("app:"),
        "{error}"
    );
    assert!(sink.delivered().is_empty());

    let metrics = ingress.render_metrics().await;
    for line in [
        r#"plugboard_deliveries_total{sink="app",outcome="transient"} 3"#,
        r#"plugboard_deliveries_retried_total{connector="github"} 2"#,
        r#"plugboard_deliveries_dead_lettered_total{connector="github"} 1"#,
        r#"plugboard_dlq_size{connector="github"} 1"#,
    ] {
        assert!(metrics.contains(line), "missing {line:?} in:\n{metrics}");
    }

    // The sink recovers; the entry is replayed and delivered exactly once.
    sink.set_mode(Mode::Accept);
    assert!(store.replay(dead.id, SystemTime::now()).await.unwrap());
    ingress.wake_workers();
    eventually(WAIT, "the replayed entry is delivered", || {
        state_of_all(store.as_ref(), EntryState::Done, 1)
    })
    .await;
    workers.shutdown().await.unwrap();
    assert_eq!(sink.delivered(), ["flaky-1"]);
    assert_eq!(sink.attempt_count(), 4);
}

#[tokio::test]
async fn a_permanent_failure_is_dead_lettered_at_once() {
    let store = memory();
    let sink = RecordingSink::new("app");
    sink.set_mode(Mode::Permanent);
    let ingress = builder(store.clone()).sink(sink.boxed()).build().unwrap();
    let workers = ingress.start().await.unwrap();
    accept(&ingress.router(), "perm-1").await;
    eventually(WAIT, "dead-lettered", || {
        state_of_all(store.as_ref(), EntryState::Dead, 1)
    })
    .await;
    workers.shutdown().await.unwrap();
    assert_eq!(sink.attempt_count(), 1);
}

#[tokio::test]
async fn an_entry_is_done_only_when_every_sink_accepted() {
    let store = memory();
    let good = RecordingSink::new("good");
    let flaky = RecordingSink::new("flaky");
    flaky.set_mode(Mode::Transient);
    let ingress = builder(store.clone())
        .sink(good.boxed())
        .sink(flaky.boxed())
        .build()
        .unwrap();
    let workers = ingress.start().await.unwrap();
    accept(&ingress.router(), "fan-1").await;
    eventually(WAIT, "first retry attempted", || async {
        flaky.attempt_count() >= 2
    })
    .await;
    assert_ne!(entries(store.as_ref()).await[0].state, EntryState::Done);
    flaky.set_mode(Mode::Accept);
    eventually(WAIT, "done", || {
        state_of_all(store.as_ref(), EntryState::Done, 1)
    })
    .await;
    workers.shutdown().await.unwrap();
    assert_eq!(flaky.delivered(), ["fan-1"]);
    // At-least-once: the sink that accepted first saw the retries too.
    assert!(good.delivered().len() >= 2);
}

#[tokio::test]
async fn new_entries_wake_an_idle_worker_without_waiting_for_the_poll() {
    let store = memory();
    let sink = RecordingSink::new("app");
    let config = IngressConfig {
        poll_interval: Duration::from_secs(3600),
        ..fast_config()
    };
    let ingress = builder(store.clone())
        .config(config)
        .sink(sink.boxed())
        .build()
        .unwrap();
    let workers = ingress.start().await.unwrap();
    let router = ingress.router();
    for i in 0..20 {
        accept(&router, &format!("wake-{i}")).await;
    }
    eventually(WAIT, "all delivered", || async {
        sink.delivered().len() == 20
    })
    .await;
    workers.shutdown().await.unwrap();
}

#[tokio::test]
async fn leases_held_by_this_owner_before_a_crash_are_delivered_after_restart() {
    let store = memory();
    let now = SystemTime::now();
    for id in ["crash-1", "crash-2", "other-host"] {
        store
            .enqueue(new_entry(id, PING), Duration::from_secs(3600), now)
            .await
            .unwrap();
    }
    // Host X leased two entries and died; host Y holds the third and is alive.
    let x = store
        .lease("host-x", 2, Duration::from_secs(3600), now)
        .await
        .unwrap();
    assert_eq!(x.len(), 2);
    let y = store
        .lease("host-y", 1, Duration::from_secs(3600), now)
        .await
        .unwrap();
    assert_eq!(y.len(), 1);

    let sink = RecordingSink::new("app");
    let ingress = builder(store.clone())
        .owner("host-x")
        .sink(sink.boxed())
        .build()
        .unwrap();
    let workers = ingress.start().await.unwrap();
    eventually(WAIT, "X's entries delivered", || async {
        sink.delivered().len() == 2
    })
    .await;
    workers.shutdown().await.unwrap();
    let mut got = sink.delivered();
    got.sort();
    assert_eq!(got, ["crash-1", "crash-2"]);
    let held = store.get(y[0].id).await.unwrap().unwrap();
    assert_eq!(held.state, EntryState::Leased);
    assert_eq!(held.lease_owner.as_deref(), Some("host-y"));
}

#[tokio::test]
async fn a_slow_sink_keeps_its_lease_so_no_other_worker_delivers_twice() {
    let store = memory();
    let sink = RecordingSink::new("slow");
    sink.set_delay(Duration::from_millis(900));
    let config = IngressConfig {
        lease_visibility: Duration::from_millis(300),
        workers: 3,
        batch: 1,
        ..fast_config()
    };
    let ingress = builder(store.clone())
        .config(config)
        .sink(sink.boxed())
        .build()
        .unwrap();
    let workers = ingress.start().await.unwrap();
    accept(&ingress.router(), "slow-1").await;
    eventually(WAIT, "done", || {
        state_of_all(store.as_ref(), EntryState::Done, 1)
    })
    .await;
    workers.shutdown().await.unwrap();
    assert_eq!(
        sink.attempt_count(),
        1,
        "{:?}",
        sink.attempts.lock().unwrap()
    );
}

#[tokio::test]
async fn graceful_shutdown_loses_nothing_and_a_restart_delivers_the_rest_once() {
    let store = memory();
    let first = RecordingSink::new("app");
    first.set_delay(Duration::from_millis(20));
    let config = IngressConfig {
        workers: 2,
        batch: 8,
        ..fast_config()
    };
    let ingress = builder(store.clone())
        .config(config.clone())
        .owner("host-a")
        .sink(first.boxed())
        .build()
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = {
        let ingress = ingress.clone();
        tokio::spawn(async move {
            ingress
                .serve(listener, async {
                    let _ = stop_rx.await;
                })
                .await
        })
    };

    let client = reqwest::Client::new();
    let acked = Arc::new(Mutex::new(BTreeSet::new()));
    let mut sends = Vec::new();
    for i in 0..60 {
        let client = client.clone();
        let acked = acked.clone();
        sends.push(tokio::spawn(async move {
            let id = format!("sd-{i}");
            let d = github(&id, "ping", PING);
            let mut request = client
                .post(format!("http://{addr}/webhooks/github"))
                .body(d.body.clone());
            for (name, value) in &d.headers {
                request = request.header(name, value);
            }
            if let Ok(r) = request.send().await
                && r.status() == reqwest::StatusCode::OK
            {
                acked.lock().unwrap().insert(id);
            }
        }));
        if i == 30 {
            eventually(WAIT, "some deliveries started", || async {
                first.attempt_count() > 0
            })
            .await;
        }
    }
    // Stop while deliveries are in flight and requests are still arriving.
    let _ = stop_tx.send(());
    for s in sends {
        s.await.unwrap();
    }
    server.await.unwrap().unwrap();

    let acked: BTreeSet<String> = acked.lock().unwrap().clone();
    assert!(acked.len() >= 30, "acked {}", acked.len());
    let stored = entries(store.as_ref()).await;
    let stored_ids: BTreeSet<String> = stored.iter().map(|e| e.event.event_id.clone()).collect();
    assert!(
        acked.is_subset(&stored_ids),
        "everything acknowledged is stored"
    );
    assert!(
        stored.iter().all(|e| e.state != EntryState::Leased),
        "no lease survives a graceful shutdown"
    );

    // A new instance delivers what is left; nobody gets anything twice.
    let second = RecordingSink::new("app");
    let again = builder(store.clone())
        .config(config)
        .owner("host-a")
        .sink(second.boxed())
        .build()
        .unwrap();
    let workers = again.start().await.unwrap();
    eventually(WAIT, "everything delivered", || {
        let n = stored_ids.len();
        let store = store.clone();
        async move { state_of_all(store.as_ref(), EntryState::Done, n).await }
    })
    .await;
    workers.shutdown().await.unwrap();
    let mut all = first.delivered();
    all.extend(second.delivered());
    let counts = counts(&all);
    assert!(counts.values().all(|&n| n == 1), "{counts:?}");
    assert_eq!(counts.keys().cloned().collect::<BTreeSet<_>>(), stored_ids);
}

#[tokio::test]
async fn a_typed_handler_gets_parsed_events_and_unparseable_ones_are_dead_lettered() {
    let store = memory();
    let seen: Arc<Mutex<Vec<(GithubEvent, Delivery)>>> = Arc::default();
    let ingress = {
        let seen = seen.clone();
        builder(store.clone())
            .on::<GithubEvent, _, _>(move |event, delivery| {
                let seen = seen.clone();
                async move {
                    seen.lock().unwrap().push((event, delivery));
                    Ok(())
                }
            })
            .build()
            .unwrap()
    };
    let workers = ingress.start().await.unwrap();
    let router = ingress.router();
    accept(&router, "typed-1").await;
    let broken = github("typed-2", "issues", r#"{"zen":"not an issues payload"}"#);
    assert_eq!(
        send(&router, "/webhooks/github", &broken).await.status,
        StatusCode::OK
    );
    // Another connector's events pass the GitHub handler by.
    let now = plugboard_core::clock::unix_seconds(SystemTime::now()) as i64;
    let acme =
        plugboard_testkit::webhooks::standard_webhooks(WHSEC, "msg_1", now, r#"{"type":"x"}"#);
    assert_eq!(
        send(&router, "/webhooks/acme", &acme).await.status,
        StatusCode::OK
    );

    eventually(WAIT, "all handled", || async {
        let all = entries(store.as_ref()).await;
        all.len() == 3
            && all
                .iter()
                .all(|e| matches!(e.state, EntryState::Done | EntryState::Dead))
    })
    .await;
    workers.shutdown().await.unwrap();

    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1);
    let (event, delivery) = &seen[0];
    match event {
        GithubEvent::Ping(p) => {
            assert_eq!(p.zen, "Keep it logically awesome.");
            assert_eq!(p.hook_id, 42);
        }
        other => panic!("expected a ping, got {other:?}"),
    }
    assert_eq!(delivery.event_id, "typed-1");
    assert_eq!(delivery.connector, "github");
    assert_eq!(delivery.attempt, 1);
    let dead = in_state(store.as_ref(), EntryState::Dead).await;
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].event.event_id, "typed-2");
    assert!(
        dead[0]
            .last_error
            .as_deref()
            .unwrap()
            .contains("does not parse")
    );
    let done = in_state(store.as_ref(), EntryState::Done).await;
    assert!(done.iter().any(|e| e.event.connector == "acme"));
}

#[tokio::test]
async fn the_jsonl_sink_appends_one_fsynced_line_per_event() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("events.jsonl");
    let store = memory();
    let config = IngressConfig {
        sinks: vec![SinkConfig::Jsonl {
            name: Some("archive".into()),
            path: file.clone(),
        }],
        ..fast_config()
    };
    let ingress = builder(store.clone()).config(config).build().unwrap();
    let workers = ingress.start().await.unwrap();
    let router = ingress.router();
    accept(&router, "line-1").await;
    let now = plugboard_core::clock::unix_seconds(SystemTime::now()) as i64;
    let binary =
        plugboard_testkit::webhooks::standard_webhooks(WHSEC, "msg_bin", now, &b"\xff\x00raw"[..]);
    assert_eq!(
        send(&router, "/webhooks/acme", &binary).await.status,
        StatusCode::OK
    );
    eventually(WAIT, "both written", || {
        state_of_all(store.as_ref(), EntryState::Done, 2)
    })
    .await;
    workers.shutdown().await.unwrap();

    let text = std::fs::read_to_string(&file).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    let json = lines.iter().find(|l| l["connector"] == "github").unwrap();
    assert_eq!(json["event_id"], "line-1");
    assert_eq!(json["event_type"], "ping");
    assert_eq!(json["body_encoding"], "json");
    assert_eq!(json["body"]["hook_id"], 42);
    assert!(json["received_at"].as_str().unwrap().ends_with('Z'));
    let raw = lines.iter().find(|l| l["connector"] == "acme").unwrap();
    assert_eq!(raw["body_encoding"], "base64");
    assert_eq!(raw["body"], base64_of_bytes(b"\xff\x00raw"));
    assert!(
        ingress
            .render_metrics()
            .await
            .contains(r#"plugboard_deliveries_total{sink="archive",outcome="ok"} 2"#)
    );
}

fn base64_of_bytes(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[tokio::test]
async fn the_command_sink_passes_body_and_metadata_and_maps_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().display().to_string();
    let script = format!(
        r#"cat > "{out}/$PLUGBOARD_EVENT_ID.body"; printf '%s %s %s %s' "$PLUGBOARD_CONNECTOR" "$PLUGBOARD_CONNECTION" "$PLUGBOARD_EVENT_TYPE" "$PLUGBOARD_ATTEMPT" > "{out}/$PLUGBOARD_EVENT_ID.meta""#
    );
    let ok = CommandSink::new("sh", vec!["-c".into(), script]);
    let entry = entry_for(new_entry("cmd-1", PING));
    assert_eq!(ok.deliver(&entry).await, Ok(()));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("cmd-1.body")).unwrap(),
        PING
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("cmd-1.meta")).unwrap(),
        "github acme ping 1"
    );

    let sh = |script: &str| CommandSink::new("sh", vec!["-c".into(), script.into()]);
    let temp = sh("echo busy >&2; exit 75")
        .deliver(&entry)
        .await
        .unwrap_err();
    assert!(!temp.is_permanent());
    assert!(temp.message().contains("busy"), "{temp:?}");
    let perm = sh("echo 'bad input' >&2; exit 3")
        .deliver(&entry)
        .await
        .unwrap_err();
    assert!(perm.is_permanent());
    assert!(perm.message().contains("exited with 3") && perm.message().contains("bad input"));
    let slow = sh("sleep 5")
        .timeout(Duration::from_millis(200))
        .deliver(&entry)
        .await
        .unwrap_err();
    assert!(
        !slow.is_permanent() && slow.message().contains("timed out"),
        "{slow:?}"
    );
    // A program that ignores its input still counts by its exit status.
    assert_eq!(sh("exit 0").deliver(&entry).await, Ok(()));
    let missing = CommandSink::new("/nonexistent/plugboard-test-program", vec![])
        .deliver(&entry)
        .await
        .unwrap_err();
    assert!(missing.is_permanent());
}

#[tokio::test]
async fn delivered_entries_and_claims_are_purged_after_the_retention() {
    let store = memory();
    let sink = RecordingSink::new("app");
    let config = IngressConfig {
        claim_retention: Duration::from_millis(200),
        purge_every: Duration::from_millis(50),
        ..fast_config()
    };
    let ingress = builder(store.clone())
        .config(config)
        .sink(sink.boxed())
        .build()
        .unwrap();
    let workers = ingress.start().await.unwrap();
    let router = ingress.router();
    accept(&router, "old-1").await;
    eventually(WAIT, "delivered then purged", || async {
        sink.delivered().len() == 1 && entries(store.as_ref()).await.is_empty()
    })
    .await;
    // The claim expired with the retention: the same id is a new event now.
    let again = send(&router, "/webhooks/github", &github("old-1", "ping", PING)).await;
    assert_eq!(again.json()["status"], "accepted");
    workers.shutdown().await.unwrap();
}

#[tokio::test]
async fn without_sinks_entries_wait_in_the_inbox() {
    let store = memory();
    let ingress = builder(store.clone()).build().unwrap();
    let workers = ingress.start().await.unwrap();
    accept(&ingress.router(), "waiting-1").await;
    // Start twice is refused while running.
    assert!(ingress.start().await.is_err());
    workers.shutdown().await.unwrap();
    assert!(state_of_all(store.as_ref(), EntryState::Ready, 1).await);
}

#[tokio::test]
async fn a_sink_that_panics_dead_letters_the_entry_and_the_worker_survives() {
    struct Panicky;
    #[async_trait::async_trait]
    impl Sink for Panicky {
        fn name(&self) -> &str {
            "panicky"
        }
        async fn deliver(&self, entry: &plugboard_store::Entry) -> Result<(), SinkError> {
            if entry.event.event_id == "boom" {
                panic!("handler bug");
            }
            Ok(())
        }
    }
    let store = memory();
    let ingress = builder(store.clone())
        .config(IngressConfig {
            workers: 1,
            ..fast_config()
        })
        .sink(Box::new(Panicky))
        .build()
        .unwrap();
    let workers = ingress.start().await.unwrap();
    let router = ingress.router();
    accept(&router, "boom").await;
    accept(&router, "fine").await;
    eventually(WAIT, "both finished", || async {
        let all = entries(store.as_ref()).await;
        all.len() == 2
            && all
                .iter()
                .all(|e| matches!(e.state, EntryState::Done | EntryState::Dead))
    })
    .await;
    workers.shutdown().await.unwrap();
    assert_eq!(
        in_state(store.as_ref(), EntryState::Dead).await[0]
            .event
            .event_id,
        "boom"
    );
    assert_eq!(
        in_state(store.as_ref(), EntryState::Done).await[0]
            .event
            .event_id,
        "fine"
    );
}
