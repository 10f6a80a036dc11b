//! Never losing an acknowledged event: 2 000 signed deliveries (10 % duplicates, some unsigned
//! or tampered) against `plugboard serve`, with SIGKILL part-way — on SQLite with a restart,
//! and on two hosts sharing Redis — and a failing sink through its retries into the
//! dead-letter queue and back out with `dlq replay`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures::StreamExt;
use plugboard_testkit::{RedisServer, SignedDelivery, webhooks};
use serde_json::Value;
use tokio::sync::Mutex;
use wiremock::matchers::{header_exists, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::host::{Host, eventually, sink_lines, write_config};
use crate::support::{plugboard, run, scratch_dir};

const SECRET: &str = "ingest-test-webhook-secret";
const TOTAL: usize = 2_000;

/// What one request is meant to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Valid,
    /// A redelivery of an earlier valid event (same delivery id and body).
    Duplicate,
    Unsigned,
    Tampered,
}

struct Planned {
    event_id: String,
    kind: Kind,
    delivery: SignedDelivery,
}

/// 2 000 deliveries: per 20, 2 duplicates (10 %), 1 unsigned, 1 tampered, 16 valid.
fn plan() -> Vec<Planned> {
    let mut out: Vec<Planned> = Vec::with_capacity(TOTAL);
    for i in 0..TOTAL {
        let kind = match i % 20 {
            5 | 15 => Kind::Duplicate,
            7 => Kind::Unsigned,
            11 => Kind::Tampered,
            _ => Kind::Valid,
        };
        let planned = match kind {
            Kind::Duplicate => {
                let original = &out[i - 3];
                assert_eq!(original.kind, Kind::Valid);
                Planned {
                    event_id: original.event_id.clone(),
                    kind,
                    delivery: original.delivery.clone(),
                }
            }
            _ => {
                let event_id = format!("delivery-{i:05}");
                let body = format!(
                    r#"{{"action":"opened","issue":{{"number":{i}}},"padding":"{}"}}"#,
                    "x".repeat(200)
                );
                let signed = webhooks::github(SECRET, "issues", &event_id, body);
                let delivery = match kind {
                    Kind::Unsigned => signed.without_header("X-Hub-Signature-256"),
                    Kind::Tampered => signed.tampered(),
                    _ => signed,
                };
                Planned {
                    event_id,
                    kind,
                    delivery,
                }
            }
        };
        out.push(planned);
    }
    out
}

/// What the senders saw: per request index, the status (None: no answer, e.g. the host died).
type Answers = Arc<Mutex<BTreeMap<usize, Option<u16>>>>;

/// Sends `indices` of `plan` with 16 in flight, each to `pick(index)`; after `kill_after`
/// answers, `on_kill` runs once (it kills a host while requests are in flight).
async fn send(
    plan: &Arc<Vec<Planned>>,
    indices: Vec<usize>,
    pick: impl Fn(usize) -> String,
    answers: &Answers,
    kill_after: Option<(usize, Box<dyn FnOnce() + Send>)>,
) {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let answered = Arc::new(AtomicUsize::new(0));
    let kill = Arc::new(std::sync::Mutex::new(kill_after));
    futures::stream::iter(indices)
        .map(|i| {
            let url = pick(i);
            let client = client.clone();
            let plan = plan.clone();
            let answers = answers.clone();
            let answered = answered.clone();
            let kill = kill.clone();
            async move {
                let d = &plan[i].delivery;
                let mut request = client.post(&url).body(d.body.clone());
                for (name, value) in &d.headers {
                    request = request.header(name, value);
                }
                let status = request.send().await.ok().map(|r| r.status().as_u16());
                answers.lock().await.insert(i, status);
                let n = answered.fetch_add(1, Ordering::SeqCst) + 1;
                let mut kill = kill.lock().unwrap();
                if kill.as_ref().is_some_and(|(after, _)| n >= *after)
                    && let Some((_, f)) = kill.take()
                {
                    f();
                }
            }
        })
        .buffer_unordered(16)
        .collect::<()>()
        .await;
}

/// Checks the sink against what was acknowledged: every acknowledged valid event exactly
/// once, nothing else (no rejected delivery, no unacknowledged surprise).
async fn assert_exactly_once(plan: &[Planned], answers: &Answers, sink: &Path) {
    let answers = answers.lock().await;
    let mut acknowledged = BTreeSet::new();
    for (i, status) in answers.iter() {
        let p = &plan[*i];
        match (p.kind, status) {
            (Kind::Valid | Kind::Duplicate, Some(200)) => {
                acknowledged.insert(p.event_id.clone());
            }
            (Kind::Valid | Kind::Duplicate, Some(s)) => {
                panic!("valid delivery {i} answered {s}")
            }
            (Kind::Unsigned | Kind::Tampered, Some(s)) => {
                assert_eq!(*s, 401, "bad delivery {i} must be refused")
            }
            (_, None) => {}
        }
    }
    let every_answer = answers.values().filter(|s| s.is_some()).count();
    assert!(
        every_answer >= TOTAL,
        "every request was answered in the end"
    );
    let valid_ids: BTreeSet<&str> = plan
        .iter()
        .filter(|p| p.kind == Kind::Valid)
        .map(|p| p.event_id.as_str())
        .collect();
    assert_eq!(
        acknowledged.len(),
        valid_ids.len(),
        "every valid event acked"
    );
    let done = eventually(Duration::from_secs(60), || {
        sink_lines(sink).len() >= acknowledged.len()
    })
    .await;
    let lines = sink_lines(sink);
    assert!(done, "{} of {} delivered", lines.len(), acknowledged.len());
    // Give stragglers a moment to show up, so a duplicate would be seen.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let lines = sink_lines(sink);
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for line in &lines {
        *seen
            .entry(line["event_id"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    let twice: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "delivered more than once: {twice:?}");
    let delivered: BTreeSet<String> = seen.into_keys().collect();
    assert_eq!(delivered, acknowledged, "exactly the acknowledged events");
}

fn config(store_url: &str, instance: &str, sink: &Path, lease: &str) -> String {
    format!(
        r#"
[server]
instance = "{instance}"
probe_interval_secs = 0

[store]
url = "{store_url}"

[ingress]
workers = 4
poll_interval = "100ms"
lease_visibility = "{lease}"
inbound_rate_per_sec = 0

[[ingress.sinks]]
type = "jsonl"
path = "{}"

[connectors.github]
webhook_secret = "{SECRET}"
"#,
        sink.display()
    )
}

/// The indices that got no answer (to resend, as a platform retries).
async fn unanswered(answers: &Answers) -> Vec<usize> {
    answers
        .lock()
        .await
        .iter()
        .filter(|(_, s)| s.is_none())
        .map(|(i, _)| *i)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_and_restart_on_sqlite_loses_no_acknowledged_event_and_stores_no_rejected_one() {
    let dir = scratch_dir("ingest-sqlite");
    let sink = dir.join("sink.jsonl");
    write_config(
        &dir,
        &config("sqlite://state.db", "crash-host", &sink, "5s"),
    );
    let plan = Arc::new(plan());
    let answers: Answers = Arc::default();

    let host = Host::start(&dir, &[]).await;
    let url = host.url("/webhooks/github");
    let pid = host.pid();
    let killer: Box<dyn FnOnce() + Send> = Box::new(move || {
        std::process::Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status()
            .unwrap();
    });
    send(
        &plan,
        (0..TOTAL).collect(),
        |_| url.clone(),
        &answers,
        Some((TOTAL / 2, killer)),
    )
    .await;
    host.kill().await;
    let lost = unanswered(&answers).await;
    assert!(
        !lost.is_empty(),
        "the kill happened with requests still to send"
    );

    // Restart on the same directory; the platform retries what got no answer.
    let host = Host::start(&dir, &[]).await;
    let url = host.url("/webhooks/github");
    send(&plan, lost, |_| url.clone(), &answers, None).await;
    assert_exactly_once(&plan, &answers, &sink).await;
    let (exit, logs) = host.stop().await;
    assert!(exit.success(), "{logs}");

    // Nothing rejected was stored: the inbox holds exactly the delivered events.
    let out = run(plugboard(&["dlq", "list"]).current_dir(&dir), &[]);
    out.assert_code(0);
    assert!(out.stdout.trim().is_empty(), "{}", out.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hosts_sharing_redis_deliver_each_acknowledged_event_once_even_when_one_dies() {
    let redis = RedisServer::start();
    let store = format!("{}?prefix=ingest-test", redis.url());
    let root = scratch_dir("ingest-redis");
    let sink = root.join("sink.jsonl");
    let (dir_a, dir_b) = (root.join("a"), root.join("b"));
    std::fs::create_dir_all(&dir_a).unwrap();
    std::fs::create_dir_all(&dir_b).unwrap();
    // Short leases, so the dead host's entries come back quickly to the survivor.
    write_config(&dir_a, &config(&store, "host-a", &sink, "2s"));
    write_config(&dir_b, &config(&store, "host-b", &sink, "2s"));
    let a = Host::start(&dir_a, &[]).await;
    let b = Host::start(&dir_b, &[]).await;
    let (url_a, url_b) = (a.url("/webhooks/github"), b.url("/webhooks/github"));

    let plan = Arc::new(plan());
    let answers: Answers = Arc::default();
    let pid_a = a.pid();
    let killer: Box<dyn FnOnce() + Send> = Box::new(move || {
        std::process::Command::new("kill")
            .args(["-KILL", &pid_a.to_string()])
            .status()
            .unwrap();
    });
    // A load balancer alternates; host A dies part-way.
    let (ua, ub) = (url_a.clone(), url_b.clone());
    send(
        &plan,
        (0..TOTAL).collect(),
        move |i| if i % 2 == 0 { ua.clone() } else { ub.clone() },
        &answers,
        Some((TOTAL / 2, killer)),
    )
    .await;
    a.kill().await;
    // Everything unanswered goes to the survivor.
    let lost = unanswered(&answers).await;
    let ub = url_b.clone();
    send(&plan, lost, move |_| ub.clone(), &answers, None).await;
    assert_exactly_once(&plan, &answers, &sink).await;
    let (exit, logs) = b.stop().await;
    assert!(exit.success(), "{logs}");
}

#[tokio::test]
async fn a_failing_sink_retries_into_the_dlq_and_dlq_replay_delivers_it_once() {
    let target = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/hooks"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&target)
        .await;
    let dir = scratch_dir("ingest-dlq");
    write_config(
        &dir,
        &format!(
            r#"
[server]
instance = "dlq-host"
probe_interval_secs = 0

[store]
url = "sqlite://state.db"

[ingress]
workers = 1
poll_interval = "100ms"
retry_schedule = ["100ms", "200ms"]
retry_jitter = 0.0

[[ingress.sinks]]
type = "http"
url = "{}/hooks"
secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

[connectors.github]
webhook_secret = "{SECRET}"
"#,
            target.uri()
        ),
    );
    let host = Host::start(&dir, &[]).await;
    let client = reqwest::Client::new();
    let r = host
        .deliver(
            &client,
            "/webhooks/github",
            &webhooks::github(SECRET, "issues", "dlq-1", r#"{"action":"closed"}"#),
        )
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    // Three attempts (the first and two retries), then the dead-letter queue.
    let listed = || {
        let out = run(plugboard(&["dlq", "list"]).current_dir(&dir), &[]);
        out.assert_code(0);
        out.json_lines()
    };
    let mut dead = Vec::new();
    assert!(
        eventually(Duration::from_secs(20), || {
            dead = listed();
            !dead.is_empty()
        })
        .await,
        "the entry reached the DLQ"
    );
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0]["event_id"], "dlq-1");
    assert_eq!(dead[0]["attempts"], 3);
    assert!(
        dead[0]["last_error"].as_str().unwrap().contains("503"),
        "{}",
        dead[0]
    );
    let attempts = target.received_requests().await.unwrap();
    assert_eq!(attempts.len(), 3);
    for attempt in &attempts {
        for h in ["webhook-id", "webhook-timestamp", "webhook-signature"] {
            assert!(attempt.headers.contains_key(h), "{h} missing");
        }
    }
    let health: Value = client
        .get(host.url("/health"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "degraded", "{health}");
    assert_eq!(health["connectors"]["github"]["dlq"], 1, "{health}");

    // The sink recovers; replay from another process while serve runs.
    target.reset().await;
    Mock::given(method("POST"))
        .and(path("/hooks"))
        .and(header_exists("webhook-signature"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&target)
        .await;
    let id = dead[0]["id"].as_u64().unwrap().to_string();
    let out = run(plugboard(&["dlq", "replay", &id]).current_dir(&dir), &[]);
    out.assert_code(0);
    assert_eq!(out.json_lines()[0]["replayed"], 1);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while target.received_requests().await.unwrap().is_empty() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the replayed entry was delivered"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        eventually(Duration::from_secs(5), || listed().is_empty()).await,
        "the DLQ is empty again"
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        target.received_requests().await.unwrap().len(),
        1,
        "delivered once"
    );
    // Replaying what is not dead is an error.
    let out = run(plugboard(&["dlq", "replay", &id]).current_dir(&dir), &[]);
    out.assert_code(1);
    assert!(
        out.stderr.contains("not in the dead-letter queue"),
        "{}",
        out.stderr
    );
    let (exit, logs) = host.stop().await;
    assert!(exit.success(), "{logs}");

    // An online backup of the store opens with the same entries.
    let out = run(
        plugboard(&["store", "backup", "backup.db"]).current_dir(&dir),
        &[],
    );
    out.assert_code(0);
    assert!(dir.join("backup.db").is_file());
}
