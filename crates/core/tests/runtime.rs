//! The runtime's behaviour against a mock platform: retries, rate limits, breaker, cache,
//! deadlines, pagination.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::TryStreamExt;
use http::Method;
use plugboard_core::connector::schema_of;
use plugboard_core::runtime::{BreakerPolicy, BreakerState, PageSpec, Pagination};
use plugboard_core::{
    ApiRequest, CacheStatus, ConnectorId, ErrorKind, OperationDescriptor, OperationId, Policy,
    RateClass, Runtime, SecretString, StaticToken,
};
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const GET: OperationDescriptor = op("things.get", true, None);
const CACHED_GET: OperationDescriptor = op("things.cached", true, Some(Duration::from_secs(60)));
const REVALIDATED_GET: OperationDescriptor = op("things.revalidated", true, Some(Duration::ZERO));
const CREATE: OperationDescriptor = op("things.create", false, None);

const fn op(
    id: &'static str,
    idempotent: bool,
    cache_ttl: Option<Duration>,
) -> OperationDescriptor {
    OperationDescriptor {
        id: OperationId::new(id),
        summary: "test",
        docs_url: "",
        idempotent,
        read_only: idempotent,
        paginated: false,
        rate_class: RateClass("core"),
        cache_ttl,
        input_schema: schema_of::<Value>,
        output_schema: schema_of::<Value>,
    }
}

fn fast_policy() -> Policy {
    Policy {
        backoff_min: Duration::from_millis(20),
        backoff_max: Duration::from_millis(100),
        ..Policy::default()
    }
    .with_total_timeout(Duration::from_secs(5))
}

fn runtime(server: &MockServer, policy: Policy) -> Runtime {
    Runtime::builder(ConnectorId::new("test"))
        .policy(policy)
        .origin(Some(server.uri().parse().unwrap()))
        .auth(Arc::new(
            StaticToken::bearer(&SecretString::from("tok-123"), "default").unwrap(),
        ))
        .build()
        .unwrap()
}

fn request(op: &OperationDescriptor, method: Method, p: &str) -> ApiRequest {
    ApiRequest::new(op, method, "https://api.example.com")
        .unwrap()
        .segments(p.trim_start_matches('/').split('/'))
}

async fn hits(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

#[tokio::test]
async fn sends_auth_and_keeps_the_documented_path() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/things/a%20b"))
        .and(header("authorization", "Bearer tok-123"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": 1})))
        .expect(1)
        .mount(&server)
        .await;
    let rt = runtime(&server, fast_policy());
    let v: Value = rt
        .json(request(&GET, Method::GET, "/v1/things/a b"))
        .await
        .unwrap();
    assert_eq!(v, json!({"id": 1}));
}

#[tokio::test]
async fn retry_after_is_waited_out_and_retried_once() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .with_priority(2)
        .mount(&server)
        .await;
    let rt = runtime(&server, fast_policy());
    let started = Instant::now();
    let v: Value = rt
        .json(request(&GET, Method::GET, "/things"))
        .await
        .unwrap();
    assert_eq!(v, json!({"ok": true}));
    assert_eq!(hits(&server).await, 2);
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_wait_beyond_the_deadline_fails_at_once_with_rate_limited() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "120"))
        .mount(&server)
        .await;
    let rt = runtime(&server, fast_policy());
    let started = Instant::now();
    let e = rt
        .execute(request(&GET, Method::GET, "/things"))
        .await
        .unwrap_err();
    assert_eq!(
        e.kind(),
        ErrorKind::RateLimited {
            retry_after: Some(Duration::from_secs(120))
        }
    );
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(hits(&server).await, 1);
    // The pause gate now holds every call on this credential without sending it.
    let e = rt
        .execute(request(&GET, Method::GET, "/things"))
        .await
        .unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::RateLimited { .. }));
    assert_eq!(hits(&server).await, 1);
}

#[tokio::test]
async fn a_post_that_got_a_500_is_not_retried_but_a_get_is() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(502))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .with_priority(2)
        .mount(&server)
        .await;
    let rt = runtime(&server, fast_policy());
    let e = rt
        .execute(request(&CREATE, Method::POST, "/things"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Upstream);
    assert_eq!(e.status(), Some(500));
    assert_eq!(hits(&server).await, 1);

    rt.execute(request(&GET, Method::GET, "/things"))
        .await
        .unwrap();
    assert_eq!(hits(&server).await, 4);
}

#[tokio::test]
async fn retries_stop_at_the_limit_and_say_exhausted() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let rt = runtime(&server, fast_policy());
    let e = rt
        .execute(request(&GET, Method::GET, "/things"))
        .await
        .unwrap_err();
    assert_eq!(e.retry(), plugboard_core::RetryStatus::Exhausted);
    assert_eq!(hits(&server).await, 4, "one attempt plus three retries");
}

#[tokio::test]
async fn breaker_opens_after_five_failures_fails_fast_then_recovers() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(5)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 7})))
        .with_priority(2)
        .mount(&server)
        .await;
    let policy = Policy {
        breaker: BreakerPolicy {
            open_for: Duration::from_millis(300),
            ..BreakerPolicy::default()
        },
        ..fast_policy()
    };
    let rt = runtime(&server, policy);
    let host = format!("127.0.0.1:{}", server.address().port());
    for _ in 0..5 {
        let e = rt
            .execute(request(&CREATE, Method::POST, "/things"))
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Upstream);
    }
    assert_eq!(rt.breaker_state(&host), BreakerState::Open);
    let started = Instant::now();
    let e = rt
        .execute(request(&CREATE, Method::POST, "/things"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::CircuitOpen);
    assert!(started.elapsed() < Duration::from_millis(100), "fails fast");
    assert_eq!(hits(&server).await, 5, "nothing sent while open");

    tokio::time::sleep(Duration::from_millis(350)).await;
    assert_eq!(rt.breaker_state(&host), BreakerState::HalfOpen);
    for _ in 0..2 {
        rt.execute(request(&CREATE, Method::POST, "/things"))
            .await
            .unwrap();
    }
    assert_eq!(rt.breaker_state(&host), BreakerState::Closed);
    assert_eq!(hits(&server).await, 7);
}

#[tokio::test]
async fn rate_limits_never_trip_the_breaker() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
        .up_to_n_times(12)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .with_priority(2)
        .mount(&server)
        .await;
    let policy = Policy {
        max_retries: 0,
        ..fast_policy()
    };
    let rt = runtime(&server, policy);
    for _ in 0..12 {
        let e = rt
            .execute(request(&GET, Method::GET, "/things"))
            .await
            .unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::RateLimited { .. }));
    }
    let host = format!("127.0.0.1:{}", server.address().port());
    assert_eq!(rt.breaker_state(&host), BreakerState::Closed);
    rt.execute(request(&GET, Method::GET, "/things"))
        .await
        .unwrap();
}

#[tokio::test]
async fn fresh_cache_hits_send_nothing() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"name": "repo"})))
        .expect(1)
        .mount(&server)
        .await;
    let rt = runtime(&server, fast_policy());
    let first = rt
        .execute(request(&CACHED_GET, Method::GET, "/repo"))
        .await
        .unwrap();
    assert_eq!(first.cache, CacheStatus::Miss);
    let second = rt
        .execute(request(&CACHED_GET, Method::GET, "/repo"))
        .await
        .unwrap();
    assert_eq!(second.cache, CacheStatus::Hit);
    assert_eq!(second.value().unwrap(), json!({"name": "repo"}));
}

#[tokio::test]
async fn an_etag_304_is_served_from_cache() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(header("if-none-match", "\"v1\""))
        .respond_with(ResponseTemplate::new(304).insert_header("etag", "\"v1\""))
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("etag", "\"v1\"")
                .set_body_json(json!({"title": "cached"})),
        )
        .with_priority(2)
        .mount(&server)
        .await;
    let rt = runtime(&server, fast_policy());
    let first = rt
        .execute(request(&REVALIDATED_GET, Method::GET, "/issue"))
        .await
        .unwrap();
    assert_eq!(first.cache, CacheStatus::Miss);
    let second = rt
        .execute(request(&REVALIDATED_GET, Method::GET, "/issue"))
        .await
        .unwrap();
    assert_eq!(second.cache, CacheStatus::Revalidated);
    assert_eq!(second.status, 200);
    assert_eq!(second.value().unwrap(), json!({"title": "cached"}));
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 2);
    assert!(received[0].headers.get("if-none-match").is_none());
    assert_eq!(received[1].headers.get("if-none-match").unwrap(), "\"v1\"");
}

#[tokio::test]
async fn a_stale_entry_is_served_when_the_platform_is_down() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"v": 1})))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .with_priority(2)
        .mount(&server)
        .await;
    let rt = runtime(
        &server,
        Policy {
            max_retries: 0,
            ..fast_policy()
        },
    );
    rt.execute(request(&REVALIDATED_GET, Method::GET, "/thing"))
        .await
        .unwrap();
    let stale = rt
        .execute(request(&REVALIDATED_GET, Method::GET, "/thing"))
        .await
        .unwrap();
    assert_eq!(stale.cache, CacheStatus::Stale);
    assert_eq!(stale.value().unwrap(), json!({"v": 1}));
    // Uncached operations still see the failure.
    let e = rt
        .execute(request(&GET, Method::GET, "/thing"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Upstream);
}

#[tokio::test]
async fn the_total_deadline_bounds_a_slow_platform() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
    let rt = runtime(
        &server,
        fast_policy().with_total_timeout(Duration::from_millis(300)),
    );
    let started = Instant::now();
    let e = rt
        .execute(request(&GET, Method::GET, "/slow"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout);
    assert!(started.elapsed() < Duration::from_secs(1));
}

#[tokio::test]
async fn a_spent_budget_in_the_headers_holds_the_next_call() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-ratelimit-limit", "5000")
                .insert_header("x-ratelimit-remaining", "0")
                .insert_header("x-ratelimit-reset", "1")
                .set_body_json(json!({})),
        )
        .mount(&server)
        .await;
    let rt = runtime(&server, fast_policy());
    rt.execute(request(&GET, Method::GET, "/a")).await.unwrap();
    let started = Instant::now();
    rt.execute(request(&GET, Method::GET, "/a")).await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "the second call waited for the reset instead of bouncing off the limit: {:?}",
        started.elapsed()
    );
    assert_eq!(hits(&server).await, 2);
}

async fn collect(rt: &Runtime, req: ApiRequest, spec: PageSpec) -> Vec<Value> {
    rt.paginate(req, spec).try_collect().await.unwrap()
}

#[tokio::test]
async fn paginates_link_headers() {
    let server = MockServer::start().await;
    let uri = server.uri();
    for page in 1..=3 {
        let mut response = ResponseTemplate::new(200).set_body_json(json!([{"n": page}]));
        if page < 3 {
            response = response.insert_header(
                "link",
                format!(
                    "<{uri}/items?page={}>; rel=\"next\", <{uri}/items?page=3>; rel=\"last\"",
                    page + 1
                ),
            );
        }
        let mut mock = Mock::given(method("GET")).and(path("/items"));
        if page > 1 {
            mock = mock.and(query_param("page", page.to_string()));
        }
        mock.respond_with(response)
            .with_priority(if page == 1 { 5 } else { 1 })
            .mount(&server)
            .await;
    }
    let rt = runtime(&server, fast_policy());
    let items = collect(
        &rt,
        request(&GET, Method::GET, "/items"),
        PageSpec::new(Pagination::LinkHeader, ""),
    )
    .await;
    assert_eq!(
        items,
        vec![json!({"n": 1}), json!({"n": 2}), json!({"n": 3})]
    );
}

#[tokio::test]
async fn paginates_cursors_tokens_and_page_numbers() {
    let server = MockServer::start().await;
    // Slack-style cursor: empty next_cursor ends.
    Mock::given(path("/cursor"))
        .and(query_param("cursor", "c2"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"items": [2], "meta": {"next": ""}})),
        )
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path("/cursor"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"items": [1], "meta": {"next": "c2"}})),
        )
        .with_priority(5)
        .mount(&server)
        .await;
    // Google-style page token: absent token ends.
    Mock::given(path("/token"))
        .and(query_param("pageToken", "t2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"rows": ["b"]})))
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path("/token"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"rows": ["a"], "nextPageToken": "t2"})),
        )
        .with_priority(5)
        .mount(&server)
        .await;
    // ClickUp-style page numbers from 0 with last_page.
    for (page, last) in [(0, false), (1, false), (2, true)] {
        Mock::given(path("/pages"))
            .and(query_param("page", page.to_string()))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"tasks": [page], "last_page": last})),
            )
            .mount(&server)
            .await;
    }
    // TikTok-style cursor in a JSON body with has_more.
    Mock::given(path("/body"))
        .and(wiremock::matchers::body_partial_json(json!({"cursor": 99})))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                json!({"data": {"videos": ["y"], "cursor": 100, "has_more": false}}),
            ),
        )
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path("/body"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": {"videos": ["x"], "cursor": 99, "has_more": true}})),
        )
        .with_priority(5)
        .mount(&server)
        .await;

    let rt = runtime(&server, fast_policy());
    let cursor = Pagination::Cursor {
        param: "cursor",
        next: "/meta/next",
        has_more: None,
        in_body: false,
    };
    assert_eq!(
        collect(
            &rt,
            request(&GET, Method::GET, "/cursor"),
            PageSpec::new(cursor, "/items")
        )
        .await,
        vec![json!(1), json!(2)]
    );
    let token = Pagination::PageToken {
        param: "pageToken",
        next: "/nextPageToken",
        is_last: None,
    };
    assert_eq!(
        collect(
            &rt,
            request(&GET, Method::GET, "/token"),
            PageSpec::new(token, "/rows")
        )
        .await,
        vec![json!("a"), json!("b")]
    );
    let pages = Pagination::PageNumber {
        param: "page",
        first: 0,
        last_page: Some("/last_page"),
    };
    let req = request(&GET, Method::GET, "/pages").query("page", 0);
    assert_eq!(
        collect(&rt, req, PageSpec::new(pages, "/tasks")).await,
        vec![json!(0), json!(1), json!(2)]
    );
    let body = Pagination::Cursor {
        param: "cursor",
        next: "/data/cursor",
        has_more: Some("/data/has_more"),
        in_body: true,
    };
    let req = request(&GET, Method::POST, "/body")
        .json(&json!({"max_count": 20}))
        .unwrap();
    assert_eq!(
        collect(&rt, req, PageSpec::new(body, "/data/videos")).await,
        vec![json!("x"), json!("y")]
    );
}

#[tokio::test]
async fn a_repeated_cursor_is_an_error_not_an_endless_loop() {
    let server = MockServer::start().await;
    Mock::given(path("/loop"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"items": [1], "next": "same"})),
        )
        .mount(&server)
        .await;
    let rt = runtime(&server, fast_policy());
    let style = Pagination::Cursor {
        param: "cursor",
        next: "/next",
        has_more: None,
        in_body: false,
    };
    let result: Result<Vec<Value>, _> = rt
        .paginate(
            request(&GET, Method::GET, "/loop"),
            PageSpec::new(style, "/items"),
        )
        .try_collect()
        .await;
    assert!(result.is_err());
    assert!(hits(&server).await <= 3);
}

#[tokio::test]
async fn errors_never_carry_the_token() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(json!({"message": "Bad credentials"})),
        )
        .mount(&server)
        .await;
    let rt = runtime(&server, fast_policy());
    let e = rt
        .execute(request(&GET, Method::GET, "/x"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unauthorized);
    assert_eq!(hits(&server).await, 1);
    for text in [e.to_string(), format!("{e:?}"), format!("{rt:?}")] {
        assert!(!text.contains("tok-123"), "{text}");
    }
}

/// A credential that a 401 renews, as the token manager will.
struct RenewingToken {
    current: std::sync::Mutex<&'static str>,
    refreshes: std::sync::atomic::AtomicUsize,
}

#[async_trait::async_trait]
impl plugboard_core::AuthProvider for RenewingToken {
    fn credential_key(&self) -> &str {
        "renewing"
    }

    async fn apply(&self, headers: &mut http::HeaderMap) -> plugboard_core::Result<()> {
        let token = *self.current.lock().unwrap();
        headers.insert("authorization", format!("Bearer {token}").parse().unwrap());
        Ok(())
    }

    async fn refresh_after_unauthorized(&self) -> plugboard_core::Result<bool> {
        self.refreshes
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        *self.current.lock().unwrap() = "fresh";
        Ok(true)
    }
}

#[tokio::test]
async fn a_401_forces_one_refresh_and_one_repeat_even_for_writes() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(header("authorization", "Bearer fresh"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 1})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let auth = Arc::new(RenewingToken {
        current: std::sync::Mutex::new("expired"),
        refreshes: Default::default(),
    });
    let rt = Runtime::builder(ConnectorId::new("test"))
        .policy(fast_policy())
        .origin(Some(server.uri().parse().unwrap()))
        .auth(auth.clone())
        .build()
        .unwrap();
    let v: Value = rt
        .json(request(&CREATE, Method::POST, "/things"))
        .await
        .unwrap();
    assert_eq!(v, json!({"id": 1}));
    assert_eq!(auth.refreshes.load(std::sync::atomic::Ordering::SeqCst), 1);
    assert_eq!(hits(&server).await, 2);

    // A credential that stays rejected is refreshed once per call, not in a loop.
    *auth.current.lock().unwrap() = "revoked";
    let server2 = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server2)
        .await;
    let rt = Runtime::builder(ConnectorId::new("test"))
        .policy(fast_policy())
        .origin(Some(server2.uri().parse().unwrap()))
        .auth(Arc::new(RenewingToken {
            current: std::sync::Mutex::new("revoked"),
            refreshes: Default::default(),
        }))
        .build()
        .unwrap();
    let e = rt
        .execute(request(&GET, Method::GET, "/x"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unauthorized);
    assert_eq!(hits(&server2).await, 2);
}

/// A classifier that reports usage the way Meta does: a percentage in a header.
struct UsageClassifier;

impl plugboard_core::Classifier for UsageClassifier {
    fn rate_signals(
        &self,
        response: &plugboard_core::http::ResponseView<'_>,
    ) -> plugboard_core::http::RateSignals {
        let used: u64 = response
            .headers
            .get("x-usage-percent")
            .and_then(|v| v.to_str().ok()?.parse().ok())
            .unwrap_or(0);
        plugboard_core::http::RateSignals {
            limit: Some(100),
            remaining: Some(
                100u64
                    .saturating_sub(used)
                    .min(if used >= 95 { 0 } else { 100 }),
            ),
            reset_after: Some(Duration::from_secs(1)),
            retry_after: None,
        }
    }
}

#[tokio::test]
async fn a_classifier_can_pause_a_credential_before_the_platform_errors() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-usage-percent", "96")
                .set_body_json(json!({})),
        )
        .mount(&server)
        .await;
    let rt = Runtime::builder(ConnectorId::new("test"))
        .policy(fast_policy())
        .origin(Some(server.uri().parse().unwrap()))
        .classifier(Arc::new(UsageClassifier))
        .build()
        .unwrap();
    rt.execute(request(&GET, Method::GET, "/a")).await.unwrap();
    let started = Instant::now();
    rt.execute(request(&GET, Method::GET, "/a")).await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_rate_class_quota_holds_calls_of_that_class_only() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&server)
        .await;
    const SEARCH: OperationDescriptor = OperationDescriptor {
        rate_class: RateClass("search"),
        ..op("search.issues", true, None)
    };
    let policy = fast_policy().with_class_quota(plugboard_core::runtime::ClassQuota {
        class: "search",
        quota: plugboard_core::runtime::Quota::per_minute(2),
        per_operation: false,
    });
    let rt = runtime(
        &server,
        policy.with_total_timeout(Duration::from_millis(500)),
    );
    for _ in 0..2 {
        rt.execute(request(&SEARCH, Method::GET, "/search"))
            .await
            .unwrap();
    }
    let e = rt
        .execute(request(&SEARCH, Method::GET, "/search"))
        .await
        .unwrap_err();
    assert!(
        matches!(e.kind(), ErrorKind::RateLimited { retry_after: Some(w) } if w > Duration::from_secs(20))
    );
    for _ in 0..5 {
        rt.execute(request(&GET, Method::GET, "/other"))
            .await
            .unwrap();
    }
    assert_eq!(
        hits(&server).await,
        7,
        "the refused search call was never sent"
    );
}

#[tokio::test]
async fn offset_pages_advance_by_the_items_received_and_stop_at_the_total() {
    let server = MockServer::start().await;
    for (start, items) in [(0, vec![0, 1]), (2, vec![2, 3]), (4, vec![4])] {
        Mock::given(path("/offset"))
            .and(query_param("startAt", start.to_string()))
            .and(query_param("maxResults", "2"))
            .respond_with(ResponseTemplate::new(200).set_body_json(
                json!({"startAt": start, "maxResults": 2, "total": 5, "values": items}),
            ))
            .expect(1)
            .mount(&server)
            .await;
    }
    let rt = runtime(&server, fast_policy());
    let style = Pagination::Offset {
        param: "startAt",
        first: 0,
        is_last: Some("/isLast"),
        total: Some("/total"),
    };
    let req = request(&GET, Method::GET, "/offset")
        .query("startAt", 0)
        .query("maxResults", 2);
    assert_eq!(
        collect(&rt, req, PageSpec::new(style, "/values")).await,
        vec![json!(0), json!(1), json!(2), json!(3), json!(4)]
    );
    assert_eq!(hits(&server).await, 3);
}

#[tokio::test]
async fn last_item_pages_start_after_the_last_item_received() {
    let server = MockServer::start().await;
    // Newest first, ClickUp-comment style: `date` is text on page 1 and a number on page 2.
    let pages = [
        (
            None,
            json!({"comments": [
                {"id": "90", "date": "1700000000090"},
                {"id": "89", "date": "1700000000089"}
            ]}),
        ),
        (
            Some("89"),
            json!({"comments": [
                {"id": "88", "date": 1700000000088u64},
                {"id": 87, "date": 1700000000087u64}
            ]}),
        ),
        (Some("87"), json!({"comments": []})),
    ];
    for (start_id, body) in pages {
        let mut mock = Mock::given(method("GET")).and(path("/comments"));
        if let Some(id) = start_id {
            mock = mock.and(query_param("start_id", id));
        }
        mock.respond_with(ResponseTemplate::new(200).set_body_json(body))
            .with_priority(if start_id.is_none() { 5 } else { 1 })
            .expect(1)
            .mount(&server)
            .await;
    }
    let rt = runtime(&server, fast_policy());
    let style = Pagination::LastItem {
        params: &[("start", "/date"), ("start_id", "/id")],
    };
    let req = request(&GET, Method::GET, "/comments").query("limit", 2);
    let ids: Vec<Value> = collect(&rt, req, PageSpec::new(style, "/comments"))
        .await
        .into_iter()
        .map(|c| c["id"].clone())
        .collect();
    assert_eq!(ids, vec![json!("90"), json!("89"), json!("88"), json!(87)]);
    let queries: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.url.query().unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        queries,
        [
            "limit=2",
            "limit=2&start=1700000000089&start_id=89",
            "limit=2&start=1700000000087&start_id=87",
        ]
    );
}

#[tokio::test]
async fn last_item_pages_stop_when_the_last_item_lacks_a_key() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/comments"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"comments": [{"id": "2", "date": "5"}, {"id": "1"}]})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let rt = runtime(&server, fast_policy());
    let style = Pagination::LastItem {
        params: &[("start", "/date"), ("start_id", "/id")],
    };
    let items = collect(
        &rt,
        request(&GET, Method::GET, "/comments"),
        PageSpec::new(style, "/comments"),
    )
    .await;
    assert_eq!(items.len(), 2);
    assert_eq!(hits(&server).await, 1);
}

#[tokio::test]
async fn a_missing_has_more_value_and_a_page_count_end_the_walk_without_an_extra_request() {
    let server = MockServer::start().await;
    // Meta style: the last page keeps its cursor but has no `paging.next`.
    Mock::given(path("/graph"))
        .and(wiremock::matchers::query_param_is_missing("after"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [1], "paging": {"cursors": {"after": "c1"}, "next": "https://x/graph?after=c1"}
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/graph"))
        .and(query_param("after", "c1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [2], "paging": {"cursors": {"after": "c2"}}
        })))
        .expect(1)
        .mount(&server)
        .await;
    // TikTok Business style: pages from 1 up to `total_page`.
    for page in 1..=2u64 {
        Mock::given(path("/business"))
            .and(query_param("page", page.to_string()))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "data": {"list": [page * 10], "page_info": {"page": page, "total_page": 2}}
            })))
            .expect(1)
            .mount(&server)
            .await;
    }
    let rt = runtime(&server, fast_policy());
    let meta = Pagination::Cursor {
        param: "after",
        next: "/paging/cursors/after",
        has_more: Some("/paging/next"),
        in_body: false,
    };
    assert_eq!(
        collect(
            &rt,
            request(&GET, Method::GET, "/graph"),
            PageSpec::new(meta, "/data")
        )
        .await,
        vec![json!(1), json!(2)]
    );
    let business = Pagination::PageNumber {
        param: "page",
        first: 1,
        last_page: Some("/data/page_info/total_page"),
    };
    let req = request(&GET, Method::GET, "/business").query("page", 1);
    assert_eq!(
        collect(&rt, req, PageSpec::new(business, "/data/list")).await,
        vec![json!(10), json!(20)]
    );
    assert_eq!(hits(&server).await, 4, "no request past the last page");
}

#[tokio::test]
async fn a_rate_limit_wait_over_the_cap_returns_at_once_even_within_the_deadline() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "3"))
        .mount(&server)
        .await;
    // 3 s fits the 5 s deadline, so without the cap the call would wait and retry.
    let policy = Policy {
        max_rate_limit_wait: Some(Duration::from_millis(500)),
        ..fast_policy()
    };
    let rt = runtime(&server, policy);
    let started = Instant::now();
    let e = rt
        .execute(request(&GET, Method::GET, "/things"))
        .await
        .unwrap_err();
    assert_eq!(
        e.kind(),
        ErrorKind::RateLimited {
            retry_after: Some(Duration::from_secs(3))
        }
    );
    assert_eq!(hits(&server).await, 1);
    // The pause gate's wait (about 3 s) is over the cap too: no request, no wait.
    let e = rt
        .execute(request(&GET, Method::GET, "/things"))
        .await
        .unwrap_err();
    assert!(
        matches!(e.kind(), ErrorKind::RateLimited { retry_after: Some(w) } if w > Duration::from_secs(2)),
        "{e}"
    );
    assert!(e.request_not_sent());
    assert_eq!(hits(&server).await, 1);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}
