//! Runtime overhead: the same 1 KiB JSON GET through `Runtime::execute` and through a bare
//! `reqwest::Client`, against one local axum server, measured in one interleaved run.
//!
//! The server runs on a current-thread tokio runtime in its own OS thread; both clients run
//! on another current-thread runtime on the main thread, so the two sides never compete for a
//! worker pool. Each round runs `PER_ROUND` sequential requests of one client, then of the
//! other (the order alternates per round), and every request's latency is recorded. The
//! output ends with `runtime overhead ratio: X.XXX` (median runtime / median bare).
//!
//! Run with `cargo bench -p plugboard-core --bench runtime_overhead`. `ROUNDS` and
//! `PER_ROUND` environment variables override the defaults. Without `--bench` (as under
//! `cargo test --all-targets`) it runs a few rounds only, as a smoke test.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::get;
use bytes::Bytes;
use http::{HeaderValue, Method, header};
use plugboard_core::runtime::Quota;
use plugboard_core::{
    ApiRequest, ConnectorId, ExposeSecret, OperationId, Policy, RateClass, RequestBody, Runtime,
    SecretString, StaticToken,
};
use url::Url;

/// The path served, as a platform would document it.
const PATH: &str = "/repos/bench/doc";
/// The platform origin the request is written against; the runtime swaps it for the local
/// server, as `PLUGBOARD_<CONNECTOR>_BASE_URL` does.
const PLATFORM_ORIGIN: &str = "https://api.bench.invalid";
/// The bench token (sent by both clients, so the bytes on the wire are identical).
const TOKEN: &str = "bench_token_0123456789abcdef";
/// The size of the JSON document served.
const DOC_SIZE: usize = 1024;

const WARMUP: usize = 2_000;
const DEFAULT_ROUNDS: usize = 600;
const DEFAULT_PER_ROUND: usize = 50;

fn main() {
    // `cargo bench` passes `--bench`; under `cargo test --all-targets` the binary runs as a
    // smoke test with a few rounds, so the suite stays fast and the bench keeps compiling.
    let measuring = std::env::args().any(|a| a == "--bench");
    let (default_rounds, default_per_round) = if measuring {
        (DEFAULT_ROUNDS, DEFAULT_PER_ROUND)
    } else {
        (4, 5)
    };
    let rounds = env_usize("ROUNDS", default_rounds);
    let per_round = env_usize("PER_ROUND", default_per_round);
    let doc = json_document(DOC_SIZE);
    let addr = start_server(doc.clone());

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime");
    rt.block_on(async move {
        let policy = Policy::default().with_quota(Quota::per_minute(100_000_000));
        let bare = bare_client(&policy);
        let runtime = plugboard_runtime(policy, addr);
        let bare_url = Url::parse(&format!("http://{addr}{PATH}")).expect("bare URL");
        let auth = {
            let mut v = HeaderValue::from_str(&format!("Bearer {TOKEN}")).expect("header");
            v.set_sensitive(true);
            v
        };
        let request = api_request();

        // Both paths must see the same document before anything is measured.
        let a = bare_get(&bare, &bare_url, &auth).await;
        let b = runtime.execute(request.clone()).await.expect("runtime GET");
        assert_eq!(a, doc, "bare client read the document");
        assert_eq!(b.body, doc, "runtime read the document");

        for _ in 0..WARMUP {
            bare_get(&bare, &bare_url, &auth).await;
            runtime.execute(request.clone()).await.expect("runtime GET");
        }

        let mut bare_lat = Vec::with_capacity(rounds * per_round);
        let mut rt_lat = Vec::with_capacity(rounds * per_round);
        let mut round_ratios = Vec::with_capacity(rounds);
        let started = Instant::now();
        for round in 0..rounds {
            let (b0, r0) = (bare_lat.len(), rt_lat.len());
            let bare_first = round % 2 == 0;
            for side in 0..2 {
                if (side == 0) == bare_first {
                    for _ in 0..per_round {
                        let t = Instant::now();
                        let body = bare_get(&bare, &bare_url, &auth).await;
                        bare_lat.push(t.elapsed());
                        assert_eq!(body.len(), DOC_SIZE);
                    }
                } else {
                    for _ in 0..per_round {
                        let t = Instant::now();
                        let response = runtime.execute(request.clone()).await;
                        rt_lat.push(t.elapsed());
                        let response = response.expect("runtime GET");
                        assert_eq!(response.body.len(), DOC_SIZE);
                    }
                }
            }
            let rb = median(&mut bare_lat[b0..].to_vec());
            let rr = median(&mut rt_lat[r0..].to_vec());
            round_ratios.push(rr.as_secs_f64() / rb.as_secs_f64());
        }
        let elapsed = started.elapsed();

        let (bare_med, bare_p99) = summary(&mut bare_lat);
        let (rt_med, rt_p99) = summary(&mut rt_lat);
        round_ratios.sort_by(f64::total_cmp);
        println!(
            "requests: {rounds} rounds x {per_round} per client ({} each, 1 KiB JSON), measured in {:.1} s",
            rounds * per_round,
            elapsed.as_secs_f64()
        );
        println!("bare: median {}, p99 {}", micros(bare_med), micros(bare_p99));
        println!("runtime: median {}, p99 {}", micros(rt_med), micros(rt_p99));
        println!(
            "median of per-round ratios: {:.3}",
            round_ratios[round_ratios.len() / 2]
        );
        println!(
            "runtime overhead ratio: {:.3}",
            rt_med.as_secs_f64() / bare_med.as_secs_f64()
        );
    });
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(default)
}

/// A JSON object of exactly `size` bytes, shaped like a platform's resource.
fn json_document(size: usize) -> Bytes {
    let mut value = serde_json::json!({
        "id": 1_296_269,
        "node_id": "MDEwOlJlcG9zaXRvcnkxMjk2MjY5",
        "name": "doc",
        "full_name": "bench/doc",
        "private": false,
        "owner": {"login": "bench", "id": 1, "type": "User", "site_admin": false},
        "html_url": "https://example.invalid/bench/doc",
        "fork": false,
        "stargazers_count": 80,
        "watchers_count": 9,
        "open_issues_count": 0,
        "default_branch": "main",
        "topics": ["octocat", "atom", "electron", "api"],
        "created_at": "2011-01-26T19:01:12Z",
        "updated_at": "2011-01-26T19:14:43Z",
        "description": "",
    });
    let base = serde_json::to_vec(&value).expect("json").len();
    assert!(base < size, "the skeleton document is already {base} bytes");
    value["description"] = serde_json::Value::String("x".repeat(size - base));
    let bytes = serde_json::to_vec(&value).expect("json");
    assert_eq!(bytes.len(), size);
    Bytes::from(bytes)
}

/// Starts the server on its own thread and current-thread runtime; returns its address.
fn start_server(doc: Bytes) -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.set_nonblocking(true).expect("non-blocking");
    let addr = listener.local_addr().expect("local addr");
    std::thread::Builder::new()
        .name("bench-server".into())
        .spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("server runtime");
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
                let app = Router::new().route(
                    PATH,
                    get(move || {
                        let doc = doc.clone();
                        async move { ([(header::CONTENT_TYPE, "application/json")], doc) }
                    }),
                );
                axum::serve(listener, app).await.expect("server");
            });
        })
        .expect("server thread");
    addr
}

/// The bare client, configured as the runtime's own transport client is.
fn bare_client(policy: &Policy) -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(policy.connect_timeout)
        .pool_idle_timeout(Duration::from_secs(90))
        .user_agent(concat!("plugboard/", env!("CARGO_PKG_VERSION")))
        .retry(reqwest::retry::never())
        .build()
        .expect("bare client")
}

/// The runtime as a connector builds it: its own pooled client, a bearer token, the policy
/// and the origin override pointing at the local server.
fn plugboard_runtime(policy: Policy, addr: SocketAddr) -> Runtime {
    let token = SecretString::from(TOKEN);
    assert_eq!(token.expose_secret(), TOKEN);
    let auth = StaticToken::bearer(&token, "default").expect("token");
    let origin = Url::parse(&format!("http://{addr}")).expect("origin");
    Runtime::builder(ConnectorId::new("bench"))
        .policy(policy)
        .auth(Arc::new(auth))
        .origin(Some(origin))
        .build()
        .expect("runtime")
}

/// An idempotent GET without a cache TTL, so every call reaches the server.
fn api_request() -> ApiRequest {
    let request = ApiRequest {
        operation: OperationId::new("repos.get"),
        idempotent: true,
        rate_class: RateClass("core"),
        cache_ttl: None,
        method: Method::GET,
        url: Url::parse(&format!("{PLATFORM_ORIGIN}{PATH}")).expect("platform URL"),
        headers: http::HeaderMap::new(),
        body: RequestBody::Empty,
    };
    assert!(!request.is_cacheable());
    request
}

async fn bare_get(client: &reqwest::Client, url: &Url, auth: &HeaderValue) -> Bytes {
    let response = client
        .get(url.clone())
        .header(header::AUTHORIZATION, auth.clone())
        .send()
        .await
        .expect("bare GET");
    assert!(response.status().is_success());
    response.bytes().await.expect("bare body")
}

fn median(samples: &mut [Duration]) -> Duration {
    samples.sort_unstable();
    samples[samples.len() / 2]
}

/// (median, p99) of the samples.
fn summary(samples: &mut [Duration]) -> (Duration, Duration) {
    samples.sort_unstable();
    let n = samples.len();
    (samples[n / 2], samples[(n * 99 / 100).min(n - 1)])
}

fn micros(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}
