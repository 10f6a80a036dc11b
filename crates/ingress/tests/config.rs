//! The `[ingress]` table: defaults, a full example round-trip, and errors that name the key
//! without echoing secrets.

use std::time::Duration;

use plugboard_ingress::{IngressConfig, SinkConfig};
use secrecy::ExposeSecret;

const EXAMPLE: &str = r#"
body_limit_bytes = 2097152
claim_retention = "7d"
retry_schedule = ["1s", "5s", 30]
retry_jitter = 0.1
lease_visibility = "2m"
workers = 8
batch = 32
poll_interval = "250ms"
inbound_rate_per_sec = 200
inbound_burst = 400
inbound_limits.github = { rate_per_sec = 50, burst = 100 }
purge_every = "30m"
pending_degraded_after = "10m"
health_timeout = "1s"

[[sinks]]
type = "http"
url = "https://app.example.com/hooks/plugboard"
secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
timeout = "5s"

[[sinks]]
type = "jsonl"
path = "events.jsonl"

[[sinks]]
type = "command"
name = "notify"
program = "/usr/local/bin/on-event"
args = ["--quiet"]
"#;

#[test]
fn an_empty_table_gives_the_defaults() {
    let c = IngressConfig::from_toml_str("").unwrap();
    assert_eq!(c.body_limit_bytes, 1024 * 1024);
    assert_eq!(c.claim_retention, Duration::from_secs(30 * 86_400));
    assert_eq!(
        c.retry_schedule,
        [10, 30, 60].map(Duration::from_secs).to_vec()
    );
    assert_eq!(c.retry_jitter, 0.2);
    assert_eq!(c.lease_visibility, Duration::from_secs(60));
    assert_eq!(c.workers, 4);
    assert_eq!(c.batch, 16);
    assert_eq!(c.poll_interval, Duration::from_secs(1));
    assert_eq!(c.inbound_rate_per_sec, 1000);
    assert_eq!(c.inbound_burst, 2000);
    assert_eq!(c.purge_every, Duration::from_secs(3600));
    assert_eq!(c.pending_degraded_after, Duration::from_secs(300));
    assert!(c.sinks.is_empty());
}

#[test]
fn the_example_parses_into_every_field() {
    let c = IngressConfig::from_toml_str(EXAMPLE).unwrap();
    assert_eq!(c.body_limit_bytes, 2 * 1024 * 1024);
    assert_eq!(c.claim_retention, Duration::from_secs(7 * 86_400));
    assert_eq!(
        c.retry_schedule,
        [1, 5, 30].map(Duration::from_secs).to_vec()
    );
    assert_eq!(c.lease_visibility, Duration::from_secs(120));
    assert_eq!(c.poll_interval, Duration::from_millis(250));
    assert_eq!(c.inbound_limit("github").rate_per_sec, 50);
    assert_eq!(c.inbound_limit("github").burst, 100);
    assert_eq!(c.inbound_limit("slack").rate_per_sec, 200);
    assert_eq!(c.sinks.len(), 3);
    match &c.sinks[0] {
        SinkConfig::Http {
            url,
            secret,
            timeout,
            ..
        } => {
            assert_eq!(url, "https://app.example.com/hooks/plugboard");
            assert_eq!(
                secret.expose_secret(),
                "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
            );
            assert_eq!(*timeout, Duration::from_secs(5));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(c.sinks[1].name(), "jsonl");
    assert_eq!(c.sinks[2].name(), "notify");
    match &c.sinks[2] {
        SinkConfig::Command { args, timeout, .. } => {
            assert_eq!(args, &["--quiet"]);
            assert_eq!(*timeout, Duration::from_secs(30));
        }
        other => panic!("{other:?}"),
    }

    // Serialising and parsing again gives the same values; the secret is never written.
    let text = toml::to_string(&c).unwrap();
    assert!(!text.contains("MfKQ9r8"), "{text}");
    let again = IngressConfig::from_toml_str(
        &text.replace("[REDACTED]", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
    )
    .unwrap();
    assert_eq!(again.retry_schedule, c.retry_schedule);
    assert_eq!(again.claim_retention, c.claim_retention);
    assert_eq!(again.sinks.len(), 3);
    assert!(!format!("{c:?}").contains("MfKQ9r8"));
}

fn error_of(text: &str) -> (String, String) {
    let e = IngressConfig::from_toml_str(text).unwrap_err();
    (e.key.clone(), e.to_string())
}

#[test]
fn errors_name_the_key() {
    let (key, msg) = error_of(r#"retry_schedule = ["10s", "soon"]"#);
    assert_eq!(key, "ingress.retry_schedule[1]", "{msg}");
    assert!(msg.contains("soon"));
    assert_eq!(error_of("wokers = 3").0, "ingress.wokers");
    assert_eq!(error_of("workers = -1").0, "ingress.workers");
    assert_eq!(error_of("batch = 0").0, "ingress.batch");
    assert_eq!(error_of("retry_jitter = 1.5").0, "ingress.retry_jitter");
    assert_eq!(
        error_of(r#"lease_visibility = "1ms""#).0,
        "ingress.lease_visibility"
    );
    assert_eq!(
        error_of("body_limit_bytes = 0").0,
        "ingress.body_limit_bytes"
    );
    assert_eq!(
        error_of("inbound_limits.github = { rate_per_sec = 5, burst = 0 }").0,
        "ingress.inbound_limits.github.burst"
    );
    assert_eq!(
        error_of("[[sinks]]\ntype = \"http\"\nurl = \"ftp://x\"\nsecret = \"s\"").0,
        "ingress.sinks[0].url"
    );
    assert_eq!(
        error_of("[[sinks]]\ntype = \"carrier-pigeon\"").0,
        "ingress.sinks[0].type"
    );
    let (key, msg) = error_of("[[sinks]]\ntype = \"http\"\nsecret = \"s\"");
    assert_eq!(key, "ingress.sinks[0]");
    assert!(msg.contains("needs `url`"), "{msg}");
    let (key, msg) = error_of("[[sinks]]\ntype = \"jsonl\"\npath = \"a\"\nurl = \"http://x\"");
    assert_eq!(key, "ingress.sinks[0]");
    assert!(
        msg.contains("`url` does not apply to a jsonl sink"),
        "{msg}"
    );
    assert_eq!(
        error_of(
            "[[sinks]]\ntype = \"jsonl\"\npath = \"a\"\n[[sinks]]\ntype = \"jsonl\"\npath = \"b\""
        )
        .0,
        "ingress.sinks[1].name"
    );
}

#[test]
fn a_bad_secret_is_named_but_never_echoed() {
    let (key, msg) = error_of(
        "[[sinks]]\ntype = \"http\"\nurl = \"https://x.example\"\nsecret = \"whsec_not*base64*hunter2\"",
    );
    assert_eq!(key, "ingress.sinks[0].secret");
    assert!(!msg.contains("hunter2"), "{msg}");
    // A type error on the secret line does not quote the line either.
    let (key, msg) = error_of(
        "[[sinks]]\ntype = \"http\"\nurl = \"https://x.example\"\nsecret = \"hunter2\"\ntimeout = \"forever\"",
    );
    assert_eq!(key, "ingress.sinks[0].timeout");
    assert!(!msg.contains("hunter2"), "{msg}");
}

#[test]
fn a_table_taken_from_the_host_file_parses_too() {
    let file = format!(
        "[ingress]\n{}",
        EXAMPLE.replace("[[sinks]]", "[[ingress.sinks]]")
    );
    let root: toml::Table = file.parse().unwrap();
    let value = root.get("ingress").cloned().unwrap();
    let c = IngressConfig::from_toml_value(value).unwrap();
    assert_eq!(c.workers, 8);
    assert_eq!(c.sinks.len(), 3);
    let bad: toml::Table = "[ingress]\nbatch = \"many\"".parse().unwrap();
    let e = IngressConfig::from_toml_value(bad["ingress"].clone()).unwrap_err();
    assert_eq!(e.key, "ingress.batch");
}
