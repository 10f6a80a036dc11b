//! Call checks: the connector behaves under the runtime as every platform integration must —
//! waits out short `Retry-After`s, fails fast on long ones, never retries 401s or
//! non-idempotent 5xx, sends the documented request with its credential in a header and never
//! shows that credential, and pages to the end.

use std::time::{Duration, Instant};

use futures::TryStreamExt;
use plugboard_core::{Error, ErrorKind};
use serde_json::{Value, json};
use wiremock::ResponseTemplate;

use super::harness::{Harness, TEST_TOKEN, operation};
use super::spec::{ConformanceSpec, MockedCall};

/// The wait the first scenario's 429 asks for.
const SHORT_RETRY_AFTER: Duration = Duration::from_secs(1);
/// The wait the second scenario's 429 asks for: longer than the 5 s deadline.
const LONG_RETRY_AFTER_SECS: u64 = 120;
/// "At once": how long a call that must not wait may take at most.
const AT_ONCE: Duration = Duration::from_millis(2500);

fn rate_limited(retry_after_secs: u64) -> ResponseTemplate {
    ResponseTemplate::new(429)
        .insert_header("retry-after", retry_after_secs.to_string().as_str())
        .set_body_json(json!({"message": "API rate limit exceeded (plugboard-testkit)"}))
}

fn ok(call: &MockedCall, status: u16) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(call.response.clone())
}

fn server_error() -> ResponseTemplate {
    ResponseTemplate::new(500).set_body_json(json!({"message": "Server Error (plugboard-testkit)"}))
}

fn expect_ok(h: &Harness, call: &MockedCall, result: plugboard_core::Result<Value>, what: &str) {
    if let Err(e) = result {
        panic!(
            "conformance[{}]: {} {what}: expected success, got {e}\nunexpected requests: {:?}",
            h.id(),
            call.operation,
            h.mock.unexpected_requests()
        );
    }
}

fn expect_err(
    h: &Harness,
    call: &MockedCall,
    result: plugboard_core::Result<Value>,
    what: &str,
) -> Error {
    match result {
        Ok(v) => panic!(
            "conformance[{}]: {} {what}: expected an error, got success: {v}",
            h.id(),
            call.operation
        ),
        Err(e) => e,
    }
}

async fn expect_requests(h: &Harness, call: &MockedCall, expected: usize, what: &str) {
    h.mock.assert_no_unexpected();
    let to_call = h.mock.requests_to(call.method, call.path).await.len();
    let total = h.request_count().await;
    assert_eq!(
        (to_call, total),
        (expected, expected),
        "conformance[{}]: {} {what}: expected exactly {expected} request(s) to {} {}, saw {to_call} (of {total} in total)",
        h.id(),
        call.operation,
        call.method,
        call.path
    );
}

fn assert_hides_token(h: &Harness, error: &Error, what: &str) {
    let shown = format!("{error}\n{error:?}");
    assert!(
        !shown.contains(TEST_TOKEN),
        "conformance[{}]: the error of {what} shows the token:\n{shown}",
        h.id()
    );
}

/// A 429 with `Retry-After: 1` on the read call is waited out (at least 1 s) and retried once:
/// success after exactly 2 requests. A 429 with `Retry-After: 120`, longer than the 5 s
/// deadline, fails at once with `RateLimited { retry_after: Some(≈120 s) }` after exactly 1
/// request.
pub async fn rate_limited_429_honours_retry_after(spec: &ConformanceSpec) {
    let call = &spec.read;
    operation(spec.descriptor, call.operation);

    let h = Harness::start(spec.descriptor).await;
    h.mount(call, rate_limited(SHORT_RETRY_AFTER.as_secs()), 1, Some(1))
        .await;
    h.mount(call, ok(call, 200), 2, None).await;
    let started = Instant::now();
    let result = h.call(call).await;
    let elapsed = started.elapsed();
    expect_ok(&h, call, result, "after one 429 with Retry-After: 1");
    expect_requests(&h, call, 2, "after one 429 with Retry-After: 1").await;
    assert!(
        elapsed >= SHORT_RETRY_AFTER.mul_f64(0.9),
        "conformance[{}]: {} retried after {elapsed:?}, before the 1 s Retry-After",
        h.id(),
        call.operation
    );

    let h = Harness::start(spec.descriptor).await;
    h.mount(call, rate_limited(LONG_RETRY_AFTER_SECS), 1, None)
        .await;
    let started = Instant::now();
    let result = h.call(call).await;
    let elapsed = started.elapsed();
    let error = expect_err(&h, call, result, "with Retry-After: 120");
    match error.kind() {
        ErrorKind::RateLimited {
            retry_after: Some(wait),
        } if wait.abs_diff(Duration::from_secs(LONG_RETRY_AFTER_SECS))
            <= Duration::from_secs(1) => {}
        other => panic!(
            "conformance[{}]: {} with Retry-After: 120: expected RateLimited {{ retry_after: Some(120s) }}, got {other:?} ({error})",
            h.id(),
            call.operation
        ),
    }
    assert!(
        elapsed < AT_ONCE,
        "conformance[{}]: {} waited {elapsed:?} for a Retry-After beyond the deadline instead of failing at once",
        h.id(),
        call.operation
    );
    expect_requests(&h, call, 1, "with Retry-After: 120").await;
    assert_hides_token(&h, &error, "a rate-limited call");
}

/// A 401 on the read call is `Unauthorized` after exactly 1 request (never retried).
pub async fn unauthorized_401(spec: &ConformanceSpec) {
    let call = &spec.read;
    operation(spec.descriptor, call.operation);
    let h = Harness::start(spec.descriptor).await;
    h.mount(
        call,
        ResponseTemplate::new(401).set_body_json(json!({"message": "Bad credentials"})),
        1,
        None,
    )
    .await;
    let result = h.call(call).await;
    let error = expect_err(&h, call, result, "answered 401");
    assert_eq!(
        error.kind(),
        ErrorKind::Unauthorized,
        "conformance[{}]: {} answered 401: expected Unauthorized, got {error}",
        h.id(),
        call.operation
    );
    expect_requests(&h, call, 1, "answered 401").await;
    assert_hides_token(&h, &error, "a 401");
}

/// A 500 then 200 on the idempotent read call succeeds after exactly 2 requests; a 500 on the
/// non-idempotent write call fails with `Upstream` after exactly 1 request.
pub async fn server_error_retried_only_when_idempotent(spec: &ConformanceSpec) {
    let call = &spec.read;
    operation(spec.descriptor, call.operation);
    let h = Harness::start(spec.descriptor).await;
    h.mount(call, server_error(), 1, Some(1)).await;
    h.mount(call, ok(call, 200), 2, None).await;
    let result = h.call(call).await;
    expect_ok(&h, call, result, "after one 500");
    expect_requests(&h, call, 2, "after one 500").await;

    let Some(write) = &spec.write else {
        eprintln!(
            "conformance[{}]: no write operation in the spec; skipping the non-idempotent half",
            h.id()
        );
        return;
    };
    operation(spec.descriptor, write.operation);
    let h = Harness::start(spec.descriptor).await;
    h.mount(write, server_error(), 1, None).await;
    let result = h.call(write).await;
    let error = expect_err(&h, write, result, "answered 500");
    assert_eq!(
        error.kind(),
        ErrorKind::Upstream,
        "conformance[{}]: {} answered 500: expected Upstream, got {error}",
        h.id(),
        write.operation
    );
    expect_requests(
        &h,
        write,
        1,
        "answered 500 (a non-idempotent call must not be retried)",
    )
    .await;
    assert_hides_token(&h, &error, "a 500");
}

/// The read (and write) call sends exactly one request with the documented method and path
/// and the test token in a header, never in the URL; the errors of failing calls (a 500, an
/// unreachable platform) never show the token.
pub async fn request_shape(spec: &ConformanceSpec) {
    let calls = std::iter::once((&spec.read, 200)).chain(spec.write.iter().map(|w| (w, 201)));
    for (call, status) in calls {
        operation(spec.descriptor, call.operation);
        let h = Harness::start(spec.descriptor).await;
        h.mount(call, ok(call, status), 1, None).await;
        let result = h.call(call).await;
        expect_ok(&h, call, result, "answered with its mocked response");
        expect_requests(&h, call, 1, "answered with its mocked response").await;
        let request = h.mock.received_requests().await.remove(0);
        assert!(
            !request.url.as_str().contains(TEST_TOKEN),
            "conformance[{}]: {} puts the token in the URL, where logs and errors show it: {}",
            h.id(),
            call.operation,
            request.url.path()
        );
        let carrier = request
            .headers
            .iter()
            .find(|(_, v)| String::from_utf8_lossy(v.as_bytes()).contains(TEST_TOKEN));
        assert!(
            carrier.is_some(),
            "conformance[{}]: {} sent no header containing the configured token (headers: {:?})",
            h.id(),
            call.operation,
            request
                .headers
                .keys()
                .map(|k| k.as_str())
                .collect::<Vec<_>>()
        );
    }

    let call = &spec.read;
    let h = Harness::start(spec.descriptor).await;
    h.mount(call, server_error(), 1, None).await;
    let result = h.call(call).await;
    let error = expect_err(&h, call, result, "answered 500 every time");
    assert_hides_token(&h, &error, "a call answered 500");

    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        listener.local_addr().expect("local address").port()
    };
    let mut config = super::harness::test_config(
        spec.descriptor,
        url::Url::parse(&format!("http://127.0.0.1:{closed}")).expect("valid URL"),
    );
    config.policy.max_retries = Some(0);
    let connector = (spec.descriptor.build)(config)
        .unwrap_or_else(|e| panic!("conformance[{}]: build failed: {e}", h.id()));
    let result = connector
        .call(&h.ctx, call.operation, call.input.clone())
        .await;
    let error = expect_err(&h, call, result, "to an unreachable platform");
    assert_hides_token(&h, &error, "a call to an unreachable platform");
}

/// `call_all` on the paginated operation yields exactly `expected_items` items and ends
/// (within 10 s), requesting nothing the mounted pages do not serve.
pub async fn pagination_terminates(spec: &ConformanceSpec) {
    let Some(p) = &spec.paginated else {
        eprintln!(
            "conformance[{}]: no paginated operation in the spec; nothing to check",
            spec.descriptor.id()
        );
        return;
    };
    operation(spec.descriptor, p.operation);
    let h = Harness::start(spec.descriptor).await;
    (p.mount)(&h.mock).await;
    let collected = tokio::time::timeout(
        Duration::from_secs(10),
        h.connector
            .call_all(&h.ctx, p.operation, p.input.clone())
            .try_collect::<Vec<Value>>(),
    )
    .await;
    let items = match collected {
        Err(_) => panic!(
            "conformance[{}]: call_all({}) did not finish within 10 s ({} requests so far)",
            h.id(),
            p.operation,
            h.request_count().await
        ),
        Ok(Err(e)) => panic!(
            "conformance[{}]: call_all({}) failed: {e}\nunexpected requests: {:?}",
            h.id(),
            p.operation,
            h.mock.unexpected_requests()
        ),
        Ok(Ok(items)) => items,
    };
    h.mock.assert_no_unexpected();
    assert_eq!(
        items.len(),
        p.expected_items,
        "conformance[{}]: call_all({}) yielded {} items, expected {}",
        h.id(),
        p.operation,
        items.len(),
        p.expected_items
    );
}
