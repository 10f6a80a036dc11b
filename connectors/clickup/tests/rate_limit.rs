//! ClickUp's per-token limit against a mock that enforces it: 100 requests per window, 429
//! beyond, and `X-RateLimit-Limit|Remaining|Reset` (Reset in Unix seconds) on every answer.
//! Asked for 150 calls, the client finishes all of them without a single 429, both when its
//! own quota matches the plan and when only the headers pace it. The window is 2 s instead of
//! ClickUp's minute so the tests are fast.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use plugboard_clickup::ClickupClient;
use plugboard_clickup::api::tasks::GetTask;
use plugboard_core::runtime::Quota;
use plugboard_core::{ConnectorConfig, ErrorKind, SecretString};
use plugboard_testkit::MockPlatform;
use serde_json::json;
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, Request, Respond, ResponseTemplate};

const LIMIT: u64 = 100;
const WINDOW_SECS: u64 = 2;
const CALLS: usize = 150;

/// A fixed-window limiter like ClickUp's, over windows aligned to whole seconds so `Reset`
/// (Unix seconds) is exact.
#[derive(Default)]
struct WindowedLimit {
    /// (window index, requests seen in it)
    window: Mutex<(u64, u64)>,
    windows_seen: AtomicUsize,
    ok: AtomicUsize,
    limited: AtomicUsize,
}

/// What the limiter answers one request with.
#[derive(Debug, PartialEq, Eq)]
struct Verdict {
    allowed: bool,
    remaining: u64,
    reset: u64,
}

impl WindowedLimit {
    fn admit(&self, now: SystemTime) -> Verdict {
        let secs = now.duration_since(UNIX_EPOCH).unwrap().as_secs();
        let index = secs / WINDOW_SECS;
        let mut window = self.window.lock().unwrap();
        if window.0 != index || window.1 == 0 {
            *window = (index, 0);
            self.windows_seen.fetch_add(1, Ordering::SeqCst);
        }
        window.1 += 1;
        let used = window.1;
        let verdict = Verdict {
            allowed: used <= LIMIT,
            remaining: LIMIT.saturating_sub(used),
            reset: (index + 1) * WINDOW_SECS,
        };
        let counter = if verdict.allowed {
            &self.ok
        } else {
            &self.limited
        };
        counter.fetch_add(1, Ordering::SeqCst);
        verdict
    }
}

impl Respond for &'static WindowedLimit {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let verdict = self.admit(SystemTime::now());
        let response = if verdict.allowed {
            let id = request.url.path().rsplit('/').next().unwrap_or_default();
            ResponseTemplate::new(200).set_body_json(json!({
                "id": id, "name": "task", "status": {"status": "to do", "type": "open"}
            }))
        } else {
            ResponseTemplate::new(429)
                .set_body_json(json!({"err": "Rate limit reached", "ECODE": "APP_002"}))
        };
        response
            .insert_header("X-RateLimit-Limit", LIMIT.to_string().as_str())
            .insert_header(
                "X-RateLimit-Remaining",
                verdict.remaining.to_string().as_str(),
            )
            .insert_header("X-RateLimit-Reset", verdict.reset.to_string().as_str())
    }
}

#[test]
fn the_mock_enforces_the_limit_per_window() {
    let limiter = WindowedLimit::default();
    let start = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    for i in 1..=LIMIT {
        let v = limiter.admit(start + Duration::from_millis(i));
        assert!(v.allowed);
        assert_eq!(v.remaining, LIMIT - i);
        assert_eq!(v.reset, 1_700_000_002);
    }
    assert_eq!(
        limiter.admit(start + Duration::from_millis(1500)),
        Verdict {
            allowed: false,
            remaining: 0,
            reset: 1_700_000_002
        }
    );
    let next = limiter.admit(start + Duration::from_secs(2));
    assert!(next.allowed);
    assert_eq!(next.remaining, LIMIT - 1);
    assert_eq!(next.reset, 1_700_000_004);
    assert_eq!(limiter.limited.load(Ordering::SeqCst), 1);
    assert_eq!(limiter.windows_seen.load(Ordering::SeqCst), 2);
}

async fn run(client: ClickupClient, limiter: &'static WindowedLimit, mock: &MockPlatform) {
    for i in 0..CALLS {
        let task = client
            .tasks()
            .get(&GetTask {
                task_id: format!("t{i}").into(),
                ..Default::default()
            })
            .await
            .unwrap_or_else(|e| panic!("call {i} failed: {e}"));
        assert_eq!(task.id, format!("t{i}"));
    }
    mock.assert_no_unexpected();
    assert_eq!(
        limiter.limited.load(Ordering::SeqCst),
        0,
        "the client bounced off the limit"
    );
    assert_eq!(limiter.ok.load(Ordering::SeqCst), CALLS);
    assert_eq!(mock.received_requests().await.len(), CALLS);
    assert!(
        limiter.windows_seen.load(Ordering::SeqCst) >= 2,
        "150 calls under a limit of 100 need a second window"
    );
}

async fn mock_with(limiter: &'static WindowedLimit) -> MockPlatform {
    let mock = MockPlatform::start().await;
    Mock::given(method("GET"))
        .and(path_regex(r"^/api/v2/task/t\d+$"))
        .respond_with(limiter)
        .mount(mock.server())
        .await;
    mock
}

fn config(mock: &MockPlatform) -> ConnectorConfig {
    let mut config = ConnectorConfig {
        base_url: Some(mock.url()),
        token: Some(SecretString::from("pk_183_RATELIMIT")),
        ..Default::default()
    };
    config.policy.total_timeout_secs = Some(10.0);
    config
}

#[tokio::test]
async fn a_client_with_the_plans_quota_makes_150_calls_without_a_429() {
    let limiter: &'static WindowedLimit = Box::leak(Box::default());
    let mock = mock_with(limiter).await;
    let config = config(&mock);
    // The plan's 100 requests per window, over the mock's 2 s window instead of a minute.
    let mut policy = ClickupClient::default_policy(&config).unwrap();
    assert_eq!(policy.quota, Some(Quota::per_minute(100)));
    policy.quota = Some(Quota {
        requests: LIMIT as u32,
        per: Duration::from_secs(WINDOW_SECS),
    });
    let client = ClickupClient::with_policy(&config, policy).unwrap();
    run(client, limiter, &mock).await;
}

#[tokio::test]
async fn the_rate_limit_headers_alone_keep_a_misconfigured_client_under_the_limit() {
    let limiter: &'static WindowedLimit = Box::leak(Box::default());
    let mock = mock_with(limiter).await;
    let mut config = config(&mock);
    // A quota far above the plan's (say, Enterprise configured on a Business Workspace):
    // only X-RateLimit-Remaining/Reset stand between the client and a 429.
    config.policy.requests_per_minute = Some(100_000);
    let client = ClickupClient::from_config(&config).unwrap();
    run(client, limiter, &mock).await;
}

#[tokio::test]
async fn a_429_past_the_deadline_fails_fast_with_the_reset() {
    let mock = MockPlatform::start().await;
    let reset = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 50;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("X-RateLimit-Limit", "100")
                .insert_header("X-RateLimit-Reset", reset.to_string().as_str())
                .set_body_json(json!({"err": "Rate limit reached", "ECODE": "APP_002"})),
        )
        .expect(1)
        .mount(mock.server())
        .await;
    let client = ClickupClient::from_config(&config(&mock)).unwrap();
    let started = std::time::Instant::now();
    let e = client
        .tasks()
        .get(&GetTask {
            task_id: "t1".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    match e.kind() {
        ErrorKind::RateLimited {
            retry_after: Some(wait),
        } => assert!(
            wait > Duration::from_secs(45) && wait <= Duration::from_secs(50),
            "{wait:?}"
        ),
        other => panic!("expected RateLimited, got {other:?} ({e})"),
    }
    assert!(started.elapsed() < Duration::from_secs(2), "failed fast");
    assert_eq!(e.context_value("ecode"), Some("APP_002"));
}
