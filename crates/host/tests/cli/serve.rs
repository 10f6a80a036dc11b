//! `plugboard serve`: the real binary on a free port with an SQLite store in a scratch
//! directory, driven over HTTP: answers, what reaches the sink, health, metrics, refusals.

use std::time::Duration;

use plugboard_testkit::webhooks;
use serde_json::Value;

use crate::host::{Host, eventually, sink_lines, write_config};
use crate::support::{assert_no_secret, github_example as gh, plugboard, run, scratch_dir};

const SECRET: &str = "serve-test-webhook-secret";

fn request_id(r: &reqwest::Response) -> String {
    r.headers()
        .get("x-request-id")
        .expect("every response carries X-Request-Id")
        .to_str()
        .unwrap()
        .to_string()
}

/// A config with GitHub webhooks, the SQLite store and a JSONL sink in the directory.
fn jsonl_config(extra: &str) -> String {
    format!(
        r#"
[server]
instance = "serve-test"
probe_interval_secs = 0
connections = {{ github = ["acme"] }}

[store]
url = "sqlite://state.db"

[ingress]
workers = 2
poll_interval = "100ms"
inbound_rate_per_sec = 0

[[ingress.sinks]]
type = "jsonl"
path = "sink.jsonl"

[connectors.github]
webhook_secret = "{SECRET}"
{extra}
"#
    )
}

#[tokio::test]
async fn verified_deliveries_reach_the_sink_once_and_bad_ones_store_nothing() {
    let dir = scratch_dir("serve");
    write_config(&dir, &jsonl_config(""));
    let host = Host::start(&dir, &[]).await;
    let client = reqwest::Client::new();
    let sink = dir.join("sink.jsonl");

    // A signed delivery: 200, then delivered to the sink.
    let delivery = webhooks::github(SECRET, "issues", "d-1", r#"{"action":"opened"}"#);
    let r = host
        .deliver(
            &client,
            "/webhooks/github",
            &delivery
                .clone()
                .with_header("x-request-id", "caller-chosen-1"),
        )
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(request_id(&r), "caller-chosen-1");
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["status"], "accepted");
    assert!(eventually(Duration::from_secs(10), || sink_lines(&sink).len() == 1).await);
    let line = &sink_lines(&sink)[0];
    assert_eq!(line["connector"], "github");
    assert_eq!(line["event_id"], "d-1");
    assert_eq!(line["event_type"], "issues");
    assert_eq!(line["body"]["action"], "opened");

    // GitHub redelivers with the same id: 200 duplicate, nothing appended.
    let r = host
        .deliver(&client, "/webhooks/github", &delivery)
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let fresh_id = request_id(&r);
    assert!(!fresh_id.is_empty() && fresh_id != "caller-chosen-1");
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["status"], "duplicate");

    // Tampered, unsigned, wrong secret: 401 with the reason.
    for (bad, reason) in [
        (
            webhooks::github(SECRET, "issues", "d-2", r#"{"action":"opened"}"#).tampered(),
            "bad_signature",
        ),
        (
            webhooks::github(SECRET, "issues", "d-3", "{}").without_header("X-Hub-Signature-256"),
            "missing_signature",
        ),
        (
            webhooks::github("not-the-secret", "issues", "d-4", "{}"),
            "bad_signature",
        ),
    ] {
        let r = host
            .deliver(&client, "/webhooks/github", &bad)
            .await
            .unwrap();
        assert_eq!(r.status(), 401);
        request_id(&r);
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["error"], reason, "{v}");
    }

    // Unknown connector 404; a connector without webhooks here 404; over 1 MiB 413.
    let r = host
        .deliver(&client, "/webhooks/gitlab", &delivery)
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let big = webhooks::github(SECRET, "issues", "d-big", vec![b'a'; 1024 * 1024 + 1]);
    let r = host
        .deliver(&client, "/webhooks/github", &big)
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    request_id(&r);

    // The per-connection URL `webhook url` prints: accepted with its token, 404 without.
    let out = run(
        plugboard(&["webhook", "url", "github", "--connection", "acme"]).current_dir(&dir),
        &[],
    );
    out.assert_code(0);
    let printed: Value = serde_json::from_str(&out.stdout).unwrap();
    let url = printed["url"].as_str().unwrap();
    let path = &url[url.find("/webhooks/").unwrap()..];
    assert!(path.starts_with("/webhooks/github/acme?token="), "{path}");
    let per_connection = webhooks::github(SECRET, "push", "d-acme", "{}");
    let r = host.deliver(&client, path, &per_connection).await.unwrap();
    assert_eq!(r.status(), 200);
    let r = host
        .deliver(
            &client,
            "/webhooks/github/acme?token=guessed-token-guessed-token",
            &webhooks::github(SECRET, "push", "d-guess", "{}"),
        )
        .await
        .unwrap();
    assert_eq!(r.status(), 404);

    assert!(eventually(Duration::from_secs(10), || sink_lines(&sink).len() == 2).await);
    let lines = sink_lines(&sink);
    assert_eq!(lines[1]["event_id"], "d-acme");
    assert_eq!(lines[1]["connection"], "acme");

    // Health and metrics. The sink line is written before the worker acknowledges the inbox
    // entry, so the depth reaches 0 a moment after the line appears.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let health: Value = loop {
        let r = client.get(host.url("/health")).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let health: Value = r.json().await.unwrap();
        if health["connectors"]["github"]["inbox_depth"] == 0
            || std::time::Instant::now() > deadline
        {
            break health;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(health["status"], "ok", "{health}");
    assert_eq!(health["store"]["backend"], "sqlite", "{health}");
    let github = &health["connectors"]["github"];
    assert_eq!(github["webhook_secret_configured"], true, "{health}");
    assert_eq!(github["inbox_depth"], 0, "{health}");
    assert_eq!(github["dlq"], 0, "{health}");
    let metrics = client
        .get(host.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for needle in [
        "plugboard_webhooks_received_total",
        "plugboard_webhooks_rejected_total",
        "reason=\"bad_signature\"",
        "plugboard_webhooks_duplicates_total",
        "plugboard_webhook_ack_seconds_bucket",
        "plugboard_deliveries_total",
    ] {
        assert!(
            metrics.contains(needle),
            "{needle} missing from:\n{metrics}"
        );
    }

    let (exit, logs) = host.stop().await;
    assert!(exit.success(), "SIGTERM exits 0: {exit:?}\n{logs}");
    assert_no_secret(&logs, &[SECRET]);
    let ids: Vec<&str> = lines
        .iter()
        .map(|l| l["event_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["d-1", "d-acme"], "nothing rejected was stored");
}

#[tokio::test]
async fn a_connector_that_receives_webhooks_without_a_secret_refuses_to_start() {
    let dir = scratch_dir("serve-refuse");
    write_config(
        &dir,
        "[server]\nwebhooks = [\"github\"]\nprobe_interval_secs = 0\n[store]\nurl = \"sqlite://state.db\"\n",
    );
    let Err((status, logs)) = Host::try_start(&dir, &[]).await else {
        panic!("serve started without a webhook secret");
    };
    assert_eq!(status.code(), Some(2), "{logs}");
    assert!(logs.contains("PLUGBOARD_GITHUB_WEBHOOK_SECRET"), "{logs}");

    // Configured through the environment alone, the same.
    let dir = scratch_dir("serve-refuse-env");
    let Err((status, logs)) = Host::try_start(&dir, &[("PLUGBOARD_GITHUB_TOKEN", "ghp_x")]).await
    else {
        panic!("serve started without a webhook secret");
    };
    assert_eq!(status.code(), Some(2), "{logs}");
    assert!(logs.contains("PLUGBOARD_GITHUB_WEBHOOK_SECRET"), "{logs}");
}

#[tokio::test]
async fn on_embedded_defaults_serve_starts_with_an_sqlite_file_in_the_working_directory() {
    let dir = scratch_dir("serve-defaults");
    let host = Host::start(&dir, &[]).await;
    let client = reqwest::Client::new();
    let r = client.get(host.url("/health")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let health: Value = r.json().await.unwrap();
    assert_eq!(health["store"]["backend"], "sqlite", "{health}");
    // No connector is configured, so none receives webhooks.
    let r = host
        .deliver(
            &client,
            "/webhooks/github",
            &webhooks::github(gh::SECRET, "ping", gh::DELIVERY, gh::BODY),
        )
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let (exit, logs) = host.stop().await;
    assert!(exit.success(), "{logs}");
    assert!(dir.join("plugboard.db").is_file(), "the default store file");
}
