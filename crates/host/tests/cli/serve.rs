//! `plugboard serve`: the real binary on a free port, driven over HTTP.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::task::JoinHandle;

use crate::support::{assert_no_secret, github_example as gh, plugboard, scratch_dir};

struct Server {
    child: tokio::process::Child,
    base: String,
    dir: PathBuf,
    stderr: JoinHandle<String>,
}

impl Server {
    async fn start(env: &[(&str, &str)]) -> Self {
        let dir = scratch_dir("serve");
        let mut cmd = plugboard(&["serve", "--listen", "127.0.0.1:0"]);
        cmd.current_dir(&dir)
            .env("RUST_LOG", "debug")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = tokio::process::Command::from(cmd)
            .kill_on_drop(true)
            .spawn()
            .expect("the binary starts");
        let mut stderr = child.stderr.take().unwrap();
        let stderr = tokio::spawn(async move {
            let mut s = String::new();
            let _ = stderr.read_to_string(&mut s).await;
            s
        });
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = tokio::time::timeout(Duration::from_secs(60), lines.next_line())
            .await
            .expect("the server prints where it listens")
            .unwrap()
            .expect("a line on stdout");
        let addr = first
            .strip_prefix("plugboard listening on ")
            .unwrap_or_else(|| panic!("unexpected first line: {first:?}"))
            .to_string();
        assert!(addr.starts_with("http://127.0.0.1:"), "{addr}");
        Self {
            child,
            base: addr,
            dir,
            stderr,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn events(&self) -> Vec<Value> {
        match std::fs::read_to_string(self.dir.join("plugboard-events.jsonl")) {
            Ok(text) => text
                .lines()
                .filter(|l| !l.is_empty())
                .map(|l| serde_json::from_str(l).unwrap())
                .collect(),
            Err(_) => Vec::new(),
        }
    }

    /// SIGTERM, then the exit status and the logs.
    async fn stop(mut self) -> (std::process::ExitStatus, String) {
        let pid = self.child.id().expect("still running");
        let status = std::process::Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let exit = tokio::time::timeout(Duration::from_secs(20), self.child.wait())
            .await
            .expect("graceful shutdown")
            .unwrap();
        (exit, self.stderr.await.unwrap())
    }
}

fn github_delivery(
    client: &reqwest::Client,
    url: &str,
    delivery: &str,
    body: &'static str,
) -> reqwest::RequestBuilder {
    client
        .post(url)
        .header("content-type", "application/json")
        .header("X-GitHub-Event", "ping")
        .header("X-GitHub-Delivery", delivery)
        .header("X-Hub-Signature-256", gh::SIGNATURE)
        .body(body)
}

fn request_id(r: &reqwest::Response) -> String {
    r.headers()
        .get("x-request-id")
        .expect("every response carries X-Request-Id")
        .to_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn verified_deliveries_are_stored_once_and_bad_ones_refused() {
    let server = Server::start(&[("PLUGBOARD_GITHUB_WEBHOOK_SECRET", gh::SECRET)]).await;
    let client = reqwest::Client::new();
    let hook = server.url("/webhooks/github");

    let health = client.get(server.url("/health")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    request_id(&health);
    let health: Value = health.json().await.unwrap();
    assert_eq!(health["status"], "ok");
    let github = health["connectors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "github")
        .unwrap();
    assert_eq!(github["webhooks_configured"], true);

    // A signed delivery: 200, one line on disk before the answer.
    let r = github_delivery(&client, &hook, gh::DELIVERY, gh::BODY)
        .header("x-request-id", "caller-chosen-1")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(request_id(&r), "caller-chosen-1");
    let events = server.events();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["connector"], "github");
    assert_eq!(events[0]["event_id"], gh::DELIVERY);
    assert_eq!(events[0]["event_type"], "ping");
    assert_eq!(events[0]["body"], gh::BODY);
    assert!(events[0]["received_at"].as_str().unwrap().ends_with('Z'));

    // The same delivery again (GitHub redelivers with the same id): 200, nothing appended.
    let r = github_delivery(&client, &hook, gh::DELIVERY, gh::BODY)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let fresh_id = request_id(&r);
    assert!(!fresh_id.is_empty() && fresh_id != "caller-chosen-1");
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["status"], "duplicate");
    assert_eq!(server.events().len(), 1);

    // A tampered body: 401 with the reason, nothing appended.
    let r = github_delivery(&client, &hook, "another-delivery", "Hello, World?")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    request_id(&r);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["reason"], "bad_signature");
    assert_eq!(server.events().len(), 1);

    // No signature at all.
    let r = client.post(&hook).body(gh::BODY).send().await.unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(server.events().len(), 1);

    // An unknown connector: 404.
    let r = github_delivery(&client, &server.url("/webhooks/gitlab"), "x", gh::BODY)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    request_id(&r);
    let v: Value = r.json().await.unwrap();
    assert!(v["error"].as_str().unwrap().contains("gitlab"), "{v}");

    // Over the 1 MiB default limit: 413.
    let big = vec![b'a'; 1024 * 1024 + 1];
    let r = client
        .post(&hook)
        .header("X-GitHub-Delivery", "big")
        .header("X-Hub-Signature-256", gh::SIGNATURE)
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    request_id(&r);
    assert_eq!(server.events().len(), 1);

    // Unknown routes answer JSON with a request id too.
    let r = client.get(server.url("/nope")).send().await.unwrap();
    assert_eq!(r.status(), 404);
    request_id(&r);

    let (exit, logs) = server.stop().await;
    assert!(
        exit.success(),
        "graceful shutdown exits 0: {exit:?}\n{logs}"
    );
    assert_no_secret(&logs, &[gh::SECRET]);
    assert!(
        logs.contains("bad_signature"),
        "rejections are logged: {logs}"
    );
}

#[tokio::test]
async fn without_a_secret_the_endpoint_is_closed_and_says_what_to_set() {
    let server = Server::start(&[]).await;
    let client = reqwest::Client::new();

    let health: Value = client
        .get(server.url("/health"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let github = health["connectors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "github")
        .unwrap()
        .clone();
    assert_eq!(github["webhooks_configured"], false);

    let r = github_delivery(
        &client,
        &server.url("/webhooks/github"),
        gh::DELIVERY,
        gh::BODY,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 404);
    let v: Value = r.json().await.unwrap();
    let message = v["error"].as_str().unwrap();
    assert!(
        message.contains("PLUGBOARD_GITHUB_WEBHOOK_SECRET"),
        "{message}"
    );
    assert!(server.events().is_empty());

    let (exit, _) = server.stop().await;
    assert!(exit.success());
}
