//! Webhook ingest: `plugboard serve` acknowledging signed 1 KiB GitHub webhooks durably (SQLite,
//! then Redis) against a bare axum handler that only reads the body and answers 200, measured
//! in one run over loopback with the same bounded load generator.
//!
//! For each store, `serve` and the bare handler run side by side and are driven in alternating
//! rounds, so both see the same machine; the rates are the medians of the per-round rates and
//! the ratio is durable / bare. Every process is separate: the load generator (this
//! binary), the bare server (this binary again, `PLUGBOARD_BENCH_ROLE=bare`) and `serve` (the
//! real binary, release build). Output:
//!
//! ```text
//! ingest: N/s durable, p50 X ms, p99 Y ms; bare: M/s; ratio R            (SQLite)
//! ingest (redis): N/s durable, p50 X ms, p99 Y ms; bare: M/s; ratio R
//! ```
//!
//! Run with `cargo bench -p plugboard-cli --bench ingest` or `cargo xtask bench ingest`.
//! `INGEST_REQUESTS`, `INGEST_ROUNDS`, `INGEST_CONNECTIONS` and `INGEST_SECONDS` override the
//! load. Without
//! `--bench` (as under `cargo test --all-targets`) it runs a small smoke load.

mod loadgen;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::routing::post;
use loadgen::{LoadResult, Prepared, drive};
use plugboard_testkit::{RedisServer, webhooks};

const SECRET: &str = "bench-webhook-secret";
const ROLE_ENV: &str = "PLUGBOARD_BENCH_ROLE";
const BODY_SIZE: usize = 1024;

fn main() {
    if std::env::var(ROLE_ENV).as_deref() == Ok("bare") {
        return bare_server();
    }
    let measuring = std::env::args().any(|a| a == "--bench");
    let requests = env_usize("INGEST_REQUESTS", if measuring { 60_000 } else { 400 });
    let rounds = env_usize("INGEST_ROUNDS", if measuring { 6 } else { 2 }).max(1);
    let connections = env_usize("INGEST_CONNECTIONS", if measuring { 64 } else { 4 });
    let seconds = env_usize("INGEST_SECONDS", if measuring { 25 } else { 10 });
    let warmup = if measuring { 3_000 } else { 50 };
    let max = Duration::from_secs(seconds as u64);

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("load generator runtime");
    let dir = tempfile::tempdir().expect("scratch dir");
    let mut counter = 0usize;
    let mut batch = |n: usize| {
        let out = Arc::new(prepare(counter, n));
        counter += n;
        out
    };

    println!(
        "ingest bench: {requests} signed {BODY_SIZE}-byte GitHub webhooks per side in {rounds} \
         alternating rounds (each at most {seconds} s), {connections} keep-alive connections, \
         127.0.0.1"
    );
    let redis = RedisServer::start();
    for (label, store_url) in [
        (
            "ingest",
            format!("sqlite://{}", dir.path().join("bench.db").display()),
        ),
        ("ingest (redis)", format!("{}?prefix=bench", redis.url())),
    ] {
        // Both servers stay up for the whole comparison; rounds alternate between them so
        // that drift on the machine (other load, frequency) affects both alike.
        let bare = Server::bare();
        let serve = Server::serve(dir.path(), &store_url);
        runtime.block_on(drive(bare.addr, batch(warmup), connections, max));
        runtime.block_on(drive(serve.addr, batch(warmup), connections, max));
        let per_round = (requests / rounds).max(1);
        let mut bare_rates = Vec::new();
        let mut durable_rates = Vec::new();
        let mut latencies = Vec::new();
        let mut answered = 0;
        for round in 0..rounds {
            let order = if round % 2 == 0 {
                [true, false]
            } else {
                [false, true]
            };
            for is_bare in order {
                let addr = if is_bare { bare.addr } else { serve.addr };
                let result = runtime.block_on(drive(addr, batch(per_round), connections, max));
                check(&result, if is_bare { "bare" } else { label });
                if is_bare {
                    bare_rates.push(result.rate());
                } else {
                    durable_rates.push(result.rate());
                    answered += result.ok;
                    latencies.extend(result.latencies);
                }
            }
        }
        drop(serve);
        drop(bare);
        latencies.sort_unstable();
        let durable = median(&mut durable_rates);
        let bare_rate = median(&mut bare_rates);
        println!(
            "{label}: {durable:.0}/s durable, p50 {:.2} ms, p99 {:.2} ms; bare: {bare_rate:.0}/s; ratio {:.2}",
            quantile_ms(&latencies, 0.50),
            quantile_ms(&latencies, 0.99),
            durable / bare_rate,
        );
        println!(
            "  ({answered} durable answers in {rounds} rounds alternating with the bare handler; \
             medians of per-round rates)"
        );
    }
    drop(redis);
}

/// The median of `values` (sorted in place).
fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

/// The `q` quantile of sorted latencies, in milliseconds.
fn quantile_ms(sorted: &[Duration], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * q).round() as usize].as_secs_f64() * 1000.0
}

/// Fails the bench when any request was not answered 200.
fn check(result: &LoadResult, label: &str) {
    assert_eq!(
        result.errors,
        0,
        "{label}: {} of {} requests failed",
        result.errors,
        result.ok + result.errors
    );
    assert!(result.ok > 0, "{label}: nothing answered");
}

/// `n` distinct signed deliveries, numbered from `start`, with random UUID-shaped delivery
/// ids as GitHub sends (so the idempotency claims land at random places in their index).
fn prepare(start: usize, n: usize) -> Vec<Prepared> {
    let mut rng = fastrand::Rng::with_seed(start as u64 ^ 0x5eed);
    (start..start + n)
        .map(|i| {
            let r = rng.u128(..);
            let id = format!(
                "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
                (r >> 96) as u32,
                (r >> 80) as u16,
                (r >> 68) as u16 & 0xfff,
                (r >> 56) as u16 & 0xfff,
                r as u64 & 0xffff_ffff_ffff
            );
            let head = format!(r#"{{"action":"opened","number":{i},"padding":""#);
            let pad = BODY_SIZE.saturating_sub(head.len() + 2);
            let body = format!("{head}{}\"}}", "x".repeat(pad));
            let signed = webhooks::github(SECRET, "issues", &id, body);
            let headers = signed
                .headers
                .iter()
                .filter_map(|(name, value)| {
                    let name: &'static str = match name.as_str() {
                        "x-hub-signature-256" => "x-hub-signature-256",
                        "x-github-event" => "x-github-event",
                        "x-github-delivery" => "x-github-delivery",
                        "content-type" => "content-type",
                        _ => return None,
                    };
                    Some((name, value.to_str().ok()?.to_string()))
                })
                .collect();
            Prepared {
                path: "/webhooks/github".into(),
                headers,
                body: signed.body,
            }
        })
        .collect()
}

/// A server process under test, killed when dropped.
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Server {
    /// This binary as the bare handler.
    fn bare() -> Self {
        let exe = std::env::current_exe().expect("own path");
        let mut cmd = Command::new(exe);
        cmd.env(ROLE_ENV, "bare");
        Self::spawn(cmd, "bare listening on ")
    }

    /// `plugboard serve` on `store_url`, ingest only (no sink: entries wait in the inbox).
    fn serve(dir: &Path, store_url: &str) -> Self {
        let config = dir.join(format!("bench-{}.toml", fastrand::u32(..)));
        std::fs::write(
            &config,
            format!(
                r#"
[server]
instance = "bench"
probe_interval_secs = 0
key_file = "{}"

[store]
url = "{store_url}"

[ingress]
inbound_rate_per_sec = 0

[connectors.github]
webhook_secret = "{SECRET}"
"#,
                dir.join("bench.key").display()
            ),
        )
        .expect("bench config");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_plugboard"));
        cmd.args(["serve", "--listen", "127.0.0.1:0", "--config"])
            .arg(&config)
            .current_dir(dir)
            .env_remove("RUST_LOG")
            .env("RUST_LOG", "warn");
        Self::spawn(cmd, "plugboard listening on http://")
    }

    fn spawn(mut cmd: Command, prefix: &str) -> Self {
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("server process starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the server says where it listens");
        let addr = line
            .trim()
            .strip_prefix(prefix)
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .trim_start_matches("http://")
            .parse()
            .expect("a socket address");
        Self { child, addr }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The baseline: read the body, answer 200.
fn bare_server() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("bare runtime");
    runtime.block_on(async {
        let app = Router::new().route(
            "/webhooks/github",
            post(|body: Bytes| async move {
                std::hint::black_box(body.len());
                "ok"
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        println!("bare listening on {}", listener.local_addr().expect("addr"));
        axum::serve(listener, app).await.expect("bare server");
    });
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
