//! A bounded HTTP/1.1 load generator for loopback targets: a fixed number of precomputed
//! requests, at most `max_duration`, over `connections` keep-alive connections, each sending
//! its next request as soon as the previous answer arrived (closed loop). Records each
//! request's latency and status.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper::client::conn::http1;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// One prepared request: path, headers and body.
pub struct Prepared {
    /// Request path.
    pub path: String,
    /// Headers.
    pub headers: Vec<(&'static str, String)>,
    /// Body.
    pub body: Bytes,
}

/// What a run measured.
pub struct LoadResult {
    /// Requests answered 200.
    pub ok: usize,
    /// Requests answered otherwise or failed.
    pub errors: usize,
    /// Wall time from the first request to the last answer.
    pub elapsed: Duration,
    /// Sorted latencies of every answered request.
    pub latencies: Vec<Duration>,
}

impl LoadResult {
    /// Answered requests per second.
    pub fn rate(&self) -> f64 {
        (self.ok + self.errors) as f64 / self.elapsed.as_secs_f64()
    }
}

/// Sends `requests` to `addr` (127.0.0.1 only) over `connections` connections, stopping when
/// all were sent or `max_duration` passed.
pub async fn drive(
    addr: SocketAddr,
    requests: Arc<Vec<Prepared>>,
    connections: usize,
    max_duration: Duration,
) -> LoadResult {
    assert!(
        addr.ip().is_loopback(),
        "the load generator targets loopback only"
    );
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let deadline = start + max_duration;
    let mut tasks = Vec::with_capacity(connections);
    for _ in 0..connections {
        let requests = requests.clone();
        let next = next.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = 0usize;
            let stream = TcpStream::connect(addr)
                .await
                .expect("connect to the target");
            stream.set_nodelay(true).ok();
            let (mut sender, conn) = http1::handshake(TokioIo::new(stream))
                .await
                .expect("HTTP/1.1 handshake");
            tokio::spawn(conn);
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= requests.len() || Instant::now() >= deadline {
                    break;
                }
                let p = &requests[i];
                let mut builder = Request::post(&p.path);
                for (name, value) in &p.headers {
                    builder = builder.header(*name, value);
                }
                let request = builder
                    .body(Full::new(p.body.clone()))
                    .expect("a valid request");
                let sent = Instant::now();
                if sender.ready().await.is_err() {
                    errors += 1;
                    break;
                }
                match sender.send_request(request).await {
                    Ok(response) => {
                        let ok = response.status() == 200;
                        let _ = response.into_body().collect().await;
                        latencies.push(sent.elapsed());
                        if !ok {
                            errors += 1;
                        }
                    }
                    Err(_) => {
                        errors += 1;
                        break;
                    }
                }
            }
            (latencies, errors)
        }));
    }
    let mut latencies = Vec::new();
    let mut errors = 0;
    for task in tasks {
        let (l, e) = task.await.expect("load task");
        latencies.extend(l);
        errors += e;
    }
    let elapsed = start.elapsed();
    latencies.sort_unstable();
    let answered = latencies.len();
    LoadResult {
        ok: answered.saturating_sub(errors),
        errors,
        elapsed,
        latencies,
    }
}
