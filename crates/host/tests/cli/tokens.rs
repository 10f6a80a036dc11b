//! `plugboard tokens list|refresh` and calls through stored connections: connections sealed
//! into the SQLite store of a scratch directory (with the master key the binary is given),
//! a wiremock token endpoint that rotates refresh tokens, and the store read back afterwards.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use plugboard_core::{ExposeSecret, SecretString};
use plugboard_credentials::{
    Connection, ConnectionKey, ConnectionKind, ConnectionStore, MasterKey, Sealer,
};
use serde_json::{Value, json};
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::host::{Host, eventually, sink_lines, write_config};
use crate::support::{Run, plugboard, run, scratch_dir};

/// The master key every test gives the binary (`PLUGBOARD_MASTER_KEY`).
pub const MASTER_KEY: &str = "8f1c2d3e4a5b6c7d8e9fa0b1c2d3e4f5061728394a5b6c7d8e9f0a1b2c3d4e5f";

/// The Slack app's client secret in these tests.
pub const CLIENT_SECRET: &str = "slack-client-secret-never-printed";

/// Every secret these tests use: none may appear in any output.
pub const SECRETS: &[&str] = &[
    MASTER_KEY,
    CLIENT_SECRET,
    "xoxe.xoxb-first",
    "xoxe-1-first",
    "xoxe.xoxb-second",
    "xoxe-1-second",
    "xoxe-1-dead",
    "xoxe.xoxb-old",
    "xoxe-1-old",
    "xoxe.xoxb-fresh",
    "xoxe-1-fresh",
    "xoxb-configured-token",
    "xoxb-no-expiry",
];

/// A config with the SQLite store in the directory and no webhook endpoint (the Slack client
/// credentials would otherwise make Slack receive webhooks, which needs a signing secret).
pub fn store_config(extra: &str) -> String {
    format!(
        "[server]\nwebhooks = []\nprobe_interval_secs = 0\n\n[store]\nurl = \"sqlite://state.db\"\n{extra}"
    )
}

/// The binary in `dir`, with the master key, Slack's client pointed at `mock` and `args`.
pub fn slack_cmd(dir: &Path, mock: &str, args: &[&str]) -> Command {
    let mut cmd = plugboard(args);
    cmd.current_dir(dir)
        .env("PLUGBOARD_MASTER_KEY", MASTER_KEY)
        .env("PLUGBOARD_SLACK_BASE_URL", mock)
        .env("PLUGBOARD_SLACK_CLIENT_ID", "slack-client-id")
        .env("PLUGBOARD_SLACK_CLIENT_SECRET", CLIENT_SECRET);
    cmd
}

/// Runs a blocking command off the async runtime that serves the mocks.
pub async fn run_bin(mut cmd: Command) -> Run {
    tokio::task::spawn_blocking(move || run(&mut cmd, SECRETS))
        .await
        .unwrap()
}

/// The connections of `<dir>/state.db`, sealed with [`MASTER_KEY`].
pub async fn connections(dir: &Path) -> ConnectionStore {
    let url = format!("sqlite://{}", dir.join("state.db").display());
    let store = plugboard_store::open(&url).await.unwrap();
    let key = MasterKey::parse(MASTER_KEY, "test").unwrap();
    ConnectionStore::new(store, Arc::new(Sealer::new(key)))
}

/// An OAuth connection of `connector/name`.
pub fn oauth(
    connector: &str,
    name: &str,
    access: &str,
    refresh: Option<&str>,
    expires_in: Option<i64>,
) -> Connection {
    let now = SystemTime::now();
    let expires_at = expires_in.map(|s| {
        if s >= 0 {
            now + Duration::from_secs(s as u64)
        } else {
            now - Duration::from_secs(s.unsigned_abs())
        }
    });
    Connection::new(
        ConnectionKey::new(connector, name).unwrap(),
        ConnectionKind::OAuth2 {
            access_token: SecretString::from(access),
            refresh_token: refresh.map(SecretString::from),
            expires_at,
            scopes: vec!["chat:write".into()],
            token_type: Some("bot".into()),
        },
        now,
    )
}

/// Stores `connections` in `<dir>/state.db`.
pub async fn seed(dir: &Path, connections_to_store: Vec<Connection>) {
    let store = connections(dir).await;
    for mut c in connections_to_store {
        store.put(&mut c, SystemTime::now()).await.unwrap();
    }
}

/// The store files of `dir` (`state.db` and its WAL and shared-memory files).
pub fn store_files(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("state.db"))
        })
        .collect()
}

/// Asserts that no store file contains any of `plaintexts`, byte for byte.
pub fn assert_sealed(dir: &Path, plaintexts: &[&str]) {
    let files = store_files(dir);
    assert!(!files.is_empty(), "no store file in {}", dir.display());
    for file in files {
        let bytes = std::fs::read(&file).unwrap();
        for secret in plaintexts {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "{} holds {secret} in plaintext",
                file.display()
            );
        }
    }
}

/// A Slack token answer with rotation on.
fn rotated(access: &str, refresh: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "ok": true,
        "access_token": access,
        "refresh_token": refresh,
        "expires_in": 43200,
        "token_type": "bot",
        "scope": "chat:write",
        "team": {"id": "T0001", "name": "Acme"},
    }))
}

/// Mounts Slack's token endpoint: `refresh_token=<from>` answers the rotated pair once; a
/// reused `<from>` is refused as Slack refuses a revoked refresh token.
async fn mount_rotation(server: &MockServer, from: &str, access: &str, refresh: &str) {
    Mock::given(method("POST"))
        .and(path("/api/oauth.v2.access"))
        .and(body_string_contains("grant_type=refresh_token"))
        .and(body_string_contains(format!("refresh_token={from}")))
        .and(body_string_contains("client_id=slack-client-id"))
        .respond_with(rotated(access, refresh))
        .up_to_n_times(1)
        .expect(1)
        .with_priority(1)
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/oauth.v2.access"))
        .and(body_string_contains(format!("refresh_token={from}")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"ok": false, "error": "invalid_refresh_token"})),
        )
        .expect(0)
        .with_priority(2)
        .mount(server)
        .await;
}

fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_renews_what_expires_once_and_list_shows_the_new_state() {
    let dir = scratch_dir("tokens-refresh");
    write_config(&dir, &store_config(""));
    let server = MockServer::start().await;
    mount_rotation(&server, "xoxe-1-first", "xoxe.xoxb-second", "xoxe-1-second").await;
    seed(
        &dir,
        vec![
            oauth(
                "slack",
                "acme",
                "xoxe.xoxb-first",
                Some("xoxe-1-first"),
                Some(3600),
            ),
            oauth("slack", "forever", "xoxb-no-expiry", None, None),
        ],
    )
    .await;

    let out = run_bin(slack_cmd(
        &dir,
        &server.uri(),
        &["tokens", "refresh", "--expiring-within", "24h"],
    ))
    .await;
    out.assert_code(0);
    let lines = out.json_lines();
    assert_eq!(
        lines,
        vec![
            json!({"connection": "acme", "connector": "slack", "outcome": "refreshed"}),
            json!({"connection": "forever", "connector": "slack", "outcome": "not_refreshable"}),
        ],
        "{out:#?}"
    );

    // The renewed token is valid for 12 h: nothing is due within an hour, so no request.
    let out = run_bin(slack_cmd(
        &dir,
        &server.uri(),
        &["tokens", "refresh", "--expiring-within", "1h"],
    ))
    .await;
    out.assert_code(0);
    assert_eq!(out.json_lines()[0]["outcome"], "fresh", "{out:#?}");
    server.verify().await;

    // The store holds the rotated pair.
    let stored = connections(&dir)
        .await
        .get(&ConnectionKey::new("slack", "acme").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        stored.kind.access_token().unwrap().expose_secret(),
        "xoxe.xoxb-second"
    );
    assert_eq!(
        stored.kind.refresh_token().unwrap().expose_secret(),
        "xoxe-1-second"
    );
    assert_eq!(stored.refresh_count, 1);

    let out = run_bin(slack_cmd(&dir, &server.uri(), &["tokens", "list"])).await;
    out.assert_code(0);
    let lines = out.json_lines();
    assert_eq!(lines.len(), 2, "{out:#?}");
    let acme = &lines[0];
    assert_eq!(acme["connection"], "acme");
    assert_eq!(acme["connector"], "slack");
    assert_eq!(acme["kind"], "oauth2");
    assert_eq!(acme["status"], "active");
    assert_eq!(acme["refresh_count"], 1);
    let expires = acme["expires_at"].as_i64().unwrap();
    assert!((expires - (now_secs() + 43200)).abs() < 300, "{acme}");
    let refreshed = acme["last_refresh_at"].as_i64().unwrap();
    assert!((refreshed - now_secs()).abs() < 300, "{acme}");
    assert_eq!(lines[1]["connection"], "forever");
    assert_eq!(lines[1]["expires_at"], Value::Null);
    assert_eq!(lines[1]["refresh_count"], 0);

    let out = run_bin(slack_cmd(
        &dir,
        &server.uri(),
        &["tokens", "list", "--connector", "github"],
    ))
    .await;
    out.assert_code(0);
    assert!(out.stdout.is_empty(), "{out:#?}");

    assert_sealed(
        &dir,
        &[
            "xoxe.xoxb-first",
            "xoxe-1-first",
            "xoxe.xoxb-second",
            "xoxe-1-second",
            "xoxb-no-expiry",
        ],
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_grant_turns_needs_reauth_which_serve_reports_and_delivers() {
    let dir = scratch_dir("tokens-reauth");
    write_config(
        &dir,
        &store_config(
            "\n[ingress]\nworkers = 1\npoll_interval = \"100ms\"\n\n[[ingress.sinks]]\ntype = \"jsonl\"\npath = \"sink.jsonl\"\n",
        ),
    );
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/oauth.v2.access"))
        .and(body_string_contains("refresh_token=xoxe-1-dead"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"ok": false, "error": "invalid_refresh_token"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    seed(
        &dir,
        vec![oauth(
            "slack",
            "acme",
            "xoxe.xoxb-first",
            Some("xoxe-1-dead"),
            Some(300),
        )],
    )
    .await;

    let out = run_bin(slack_cmd(&dir, &server.uri(), &["tokens", "refresh"])).await;
    out.assert_code(1);
    let line = &out.json_lines()[0];
    assert_eq!(line["outcome"], "failed", "{out:#?}");
    assert!(
        line["error"]
            .as_str()
            .unwrap()
            .contains("invalid_refresh_token"),
        "{line}"
    );
    assert!(out.stderr.contains("slack/acme"), "{out:#?}");

    // Dead grants stop at once: the next sweep makes no token request.
    let out = run_bin(slack_cmd(&dir, &server.uri(), &["tokens", "refresh"])).await;
    out.assert_code(0);
    assert_eq!(out.json_lines()[0]["outcome"], "cooling_down", "{out:#?}");
    server.verify().await;

    let out = run_bin(slack_cmd(&dir, &server.uri(), &["tokens", "list"])).await;
    let acme = &out.json_lines()[0];
    assert_eq!(acme["status"], "needs_reauth", "{acme}");
    assert_eq!(acme["consecutive_failures"], 1, "{acme}");

    // `serve` shows it degraded, counts it, and delivers the event queued by `tokens refresh`.
    let mock = server.uri();
    let host = Host::start(
        &dir,
        &[
            ("PLUGBOARD_MASTER_KEY", MASTER_KEY),
            ("PLUGBOARD_SLACK_BASE_URL", mock.as_str()),
            ("PLUGBOARD_SLACK_CLIENT_ID", "slack-client-id"),
            ("PLUGBOARD_SLACK_CLIENT_SECRET", CLIENT_SECRET),
        ],
    )
    .await;
    let client = reqwest::Client::new();
    let health: Value = client
        .get(host.url("/health"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "degraded", "{health}");
    let slack = &health["connectors"]["slack"];
    assert_eq!(slack["status"], "degraded", "{health}");
    assert_eq!(slack["needs_reauth"], json!(["acme"]), "{health}");
    assert_eq!(slack["connections"]["acme"]["status"], "needs_reauth");

    let metrics = client
        .get(host.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let gauge = metrics
        .lines()
        .find(|l| {
            l.starts_with("plugboard_connection_needs_reauth{")
                && l.contains("connector=\"slack\"")
                && l.contains("connection=\"acme\"")
        })
        .unwrap_or_else(|| panic!("no needs_reauth gauge in:\n{metrics}"));
    assert!(gauge.ends_with(" 1"), "{gauge}");

    let sink = dir.join("sink.jsonl");
    assert!(
        eventually(Duration::from_secs(15), || !sink_lines(&sink).is_empty()).await,
        "the event reached no sink"
    );
    let event = &sink_lines(&sink)[0];
    assert_eq!(event["connector"], "plugboard", "{event}");
    assert_eq!(event["event_type"], "connection.needs_reauth", "{event}");
    assert_eq!(event["body"]["connector"], "slack", "{event}");
    assert_eq!(event["body"]["connection"], "acme", "{event}");
    assert!(
        event["body"]["reason"]
            .as_str()
            .unwrap()
            .contains("invalid_refresh_token"),
        "{event}"
    );
    let (exit, logs) = host.stop().await;
    assert!(exit.success(), "{logs}");
    crate::support::assert_no_secret(&logs, SECRETS);
    server.verify().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn call_through_a_stored_connection_renews_it_and_sends_its_token() {
    let dir = scratch_dir("tokens-call");
    write_config(&dir, &store_config(""));
    let server = MockServer::start().await;
    mount_rotation(&server, "xoxe-1-old", "xoxe.xoxb-fresh", "xoxe-1-fresh").await;
    let auth_test = json!({
        "ok": true, "url": "https://acme.slack.com/", "team": "Acme", "user": "bot",
        "team_id": "T0001", "user_id": "U0001",
    });
    Mock::given(method("POST"))
        .and(path("/api/auth.test"))
        .and(header("authorization", "Bearer xoxe.xoxb-fresh"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&auth_test))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/auth.test"))
        .and(header("authorization", "Bearer xoxb-configured-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&auth_test))
        .expect(1)
        .mount(&server)
        .await;
    // Expired a minute ago: the call renews it first.
    seed(
        &dir,
        vec![oauth(
            "slack",
            "acme",
            "xoxe.xoxb-old",
            Some("xoxe-1-old"),
            Some(-60),
        )],
    )
    .await;

    let mut cmd = slack_cmd(
        &dir,
        &server.uri(),
        &["call", "slack", "auth.test", "--connection", "acme"],
    );
    cmd.env("PLUGBOARD_SLACK_TOKEN", "xoxb-configured-token");
    let out = run_bin(cmd).await;
    out.assert_code(0);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["team_id"], "T0001", "{v}");

    // Without --connection the configured token stays the default connection.
    let mut cmd = slack_cmd(&dir, &server.uri(), &["call", "slack", "auth.test"]);
    cmd.env("PLUGBOARD_SLACK_TOKEN", "xoxb-configured-token");
    run_bin(cmd).await.assert_code(0);
    server.verify().await;

    let stored = connections(&dir)
        .await
        .get(&ConnectionKey::new("slack", "acme").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.refresh_count, 1);
    assert_eq!(
        stored.kind.refresh_token().unwrap().expose_secret(),
        "xoxe-1-fresh"
    );
}

#[test]
fn without_a_key_or_a_store_there_is_nothing_to_list_and_nothing_is_created() {
    let dir = scratch_dir("tokens-empty");
    for args in [&["tokens", "list"][..], &["tokens", "refresh"][..]] {
        let mut cmd = plugboard(args);
        cmd.current_dir(&dir);
        let out = run(&mut cmd, SECRETS);
        out.assert_code(0);
        assert!(out.stdout.is_empty(), "{out:#?}");
    }
    assert!(!dir.join("plugboard.db").exists());
    assert!(!dir.join("plugboard.key").exists());
}
