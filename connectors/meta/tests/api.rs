//! The Meta client against a mock of the Graph API: each operation's request (method, path,
//! query, headers, body) and parsed result, cursor pagination, `appsecret_proof`, Meta's error
//! codes and its usage headers.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::TryStreamExt;
use plugboard_core::signing::hmac_sha256_hex;
use plugboard_core::{
    CallContext, Connector, ConnectorConfig, ErrorKind, ExposeSecret, SecretString,
};
use plugboard_meta::MetaConnector;
use plugboard_meta::api::insights::{GetInsights, Level, TimeIncrement, TimeRange};
use plugboard_meta::api::pages::{ListPages, PublishPost};
use plugboard_meta::api::tokens::{DebugToken, ExchangeToken};
use plugboard_testkit::{MockPlatform, fixture};
use serde_json::{Value, json};
use wiremock::matchers::{body_string, header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, Request, Respond, ResponseTemplate};

const TOKEN: &str = "EAAUserToken0123456789";
const APP_ID: &str = "138483919580948";
const APP_SECRET: &str = "app-secret-abcdef";

fn config(mock: &MockPlatform, app: bool) -> ConnectorConfig {
    let mut config = ConnectorConfig {
        base_url: Some(mock.url()),
        token: Some(SecretString::from(TOKEN)),
        ..Default::default()
    };
    config.policy.total_timeout_secs = Some(5.0);
    if app {
        config.settings.insert("app_id".into(), APP_ID.into());
        config
            .secrets
            .insert("app_secret".into(), SecretString::from(APP_SECRET));
    }
    config
}

fn connector(mock: &MockPlatform, app: bool) -> MetaConnector {
    MetaConnector::from_config(&config(mock, app)).unwrap()
}

fn proof(token: &str) -> String {
    hmac_sha256_hex(APP_SECRET.as_bytes(), &[token.as_bytes()])
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// Mounts `GET path` as Graph cursor pages: page `i` answers `after=c{i}` (the first answers
/// a request without `after`), carries `cursors.after = c{i+1}` and, except the last,
/// `paging.next`. The request after the last page (`after=c{n}`) answers an empty `data`.
async fn mount_graph_pages(mock: &MockPlatform, path_str: &str, pages: Vec<Vec<Value>>) {
    let last = pages.len();
    for (i, items) in pages.into_iter().enumerate() {
        let after = format!("c{}", i + 1);
        let mut paging = json!({"cursors": {"before": format!("b{i}"), "after": after}});
        if i + 1 < last {
            paging["next"] = json!(format!(
                "https://graph.facebook.com{path_str}?after={after}"
            ));
        }
        let body = json!({"data": items, "paging": paging});
        let mock_for = Mock::given(method("GET")).and(path(path_str));
        let mock_for = if i == 0 {
            mock_for.and(query_param_is_missing("after"))
        } else {
            mock_for.and(query_param("after", format!("c{i}")))
        };
        mock_for
            .and(header("authorization", bearer(TOKEN).as_str()))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .mount(mock.server())
            .await;
    }
    // No mock after the last page: the walk must stop where `paging.next` is absent, and a
    // request past it would reach the mock platform's catch-all.
}

fn page(id: u64) -> Value {
    json!({"id": id.to_string(), "name": format!("Page {id}"), "category": "Brand",
           "access_token": format!("EAAPage{id}"), "tasks": ["MANAGE"]})
}

#[tokio::test]
async fn pages_list_sends_the_token_and_appsecret_proof_and_keeps_page_tokens_secret() {
    let mock = MockPlatform::start().await;
    Mock::given(method("GET"))
        .and(path("/v21.0/me/accounts"))
        .and(query_param("fields", "id,name,category,access_token,tasks"))
        .and(query_param("limit", "2"))
        .and(query_param("appsecret_proof", proof(TOKEN)))
        .and(header("authorization", bearer(TOKEN).as_str()))
        .and(header("accept", "application/json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture!("accounts.json")))
        .expect(2)
        .mount(mock.server())
        .await;
    let meta = connector(&mock, true);
    let pages = meta
        .client()
        .pages()
        .list(&ListPages {
            limit: Some(2),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(pages.len(), 2);
    assert_eq!(pages[0].name.as_deref(), Some("Cute Kitten Page"));
    assert_eq!(pages[0].tasks.len(), 5);
    assert_eq!(
        pages[0].access_token.as_ref().unwrap().expose_secret(),
        "EAAPageTokenKittens0001"
    );
    assert_eq!(
        meta.client()
            .page_token("2345678901")
            .unwrap()
            .expose_secret(),
        "EAAPageTokenPuppies0002",
        "page tokens are kept as sub-credentials"
    );
    assert!(!format!("{pages:?}").contains("EAAPageToken"));
    assert!(!format!("{:?}", meta.client()).contains("EAAPageToken"));

    let out = meta
        .call(&CallContext::default(), "pages.list", json!({"limit": 2}))
        .await
        .unwrap();
    assert_eq!(out[1]["id"], "2345678901");
    assert_eq!(
        out[0]["category_list"][0]["name"], "Brand",
        "every field kept"
    );
    assert!(
        !out.to_string().contains("EAAPageToken"),
        "page tokens never reach output: {out}"
    );
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn without_an_app_secret_there_is_no_proof_and_the_version_is_configurable() {
    let mock = MockPlatform::start().await;
    Mock::given(method("GET"))
        .and(path("/v19.0/me"))
        .and(query_param("fields", "id,name"))
        .and(query_param_is_missing("appsecret_proof"))
        .and(header("authorization", bearer(TOKEN).as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture!("me.json")))
        .expect(2)
        .mount(mock.server())
        .await;
    let mut config = config(&mock, false);
    config.settings.insert("api_version".into(), "v19.0".into());
    let meta = MetaConnector::from_config(&config).unwrap();
    assert_eq!(meta.client().api_version(), "v19.0");
    let me = meta.health(&CallContext::default()).await.unwrap();
    assert_eq!(me["name"], "Kim Kitten");
    let me = meta
        .call(&CallContext::default(), "me.get", json!({}))
        .await
        .unwrap();
    assert_eq!(me["id"], "1207059");
}

#[tokio::test]
async fn pages_list_all_follows_cursors_and_publish_uses_the_page_token() {
    let mock = MockPlatform::start().await;
    mount_graph_pages(
        &mock,
        "/v21.0/me/accounts",
        vec![
            vec![page(1), page(2)],
            vec![page(3), page(4)],
            vec![page(5)],
        ],
    )
    .await;
    let page_token = "EAAPage3";
    Mock::given(method("POST"))
        .and(path("/v21.0/3/feed"))
        .and(header("authorization", bearer(page_token).as_str()))
        .and(query_param("appsecret_proof", proof(page_token)))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string(
            "message=Hello+%C3%BC&link=https%3A%2F%2Fexample.com%2Fa",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture!("publish.json")))
        .expect(1)
        .mount(mock.server())
        .await;
    let meta = connector(&mock, true);
    let pages = meta.client().pages_list().await.unwrap();
    let ids: Vec<&str> = pages.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["1", "2", "3", "4", "5"]);

    let post = meta
        .client()
        .pages()
        .publish(&PublishPost {
            page_id: "3".into(),
            message: Some("Hello ü".into()),
            link: Some("https://example.com/a".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(post.id, "1234567890_987654321098765");

    let raw: Vec<Value> = meta
        .call_all(&CallContext::default(), "pages.list", json!({}))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(raw.len(), 5);
    assert!(raw.iter().all(|p| p.get("access_token").is_none()));
    mock.assert_no_unexpected();
    // 3 page requests per walk (none past the page without `paging.next`), two walks, one post.
    assert_eq!(mock.received_requests().await.len(), 7);
}

#[tokio::test]
async fn publish_without_a_known_page_token_uses_the_connection_token_and_validates_input() {
    let mock = MockPlatform::start().await;
    Mock::given(method("POST"))
        .and(path("/v21.0/1234567890/feed"))
        .and(header("authorization", bearer(TOKEN).as_str()))
        .and(query_param_is_missing("appsecret_proof"))
        .and(body_string(
            "message=Launch+day&published=false&scheduled_publish_time=1767225600",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture!("publish.json")))
        .expect(1)
        .mount(mock.server())
        .await;
    let meta = connector(&mock, false);
    let ctx = CallContext::default();
    let out = meta
        .call(
            &ctx,
            "pages.publish",
            json!({"page_id": "1234567890", "message": "Launch day", "published": false,
                   "scheduled_publish_time": 1767225600}),
        )
        .await
        .unwrap();
    assert_eq!(out["id"], "1234567890_987654321098765");
    let e = meta
        .call(&ctx, "pages.publish", json!({"page_id": "1"}))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(e.to_string().contains("message"), "{e}");
    assert_eq!(mock.received_requests().await.len(), 1);
}

#[tokio::test]
async fn instagram_accounts_come_from_the_pages_that_have_one() {
    let mock = MockPlatform::start().await;
    Mock::given(method("GET"))
        .and(path("/v21.0/me/accounts"))
        .and(query_param(
            "fields",
            "id,name,instagram_business_account{id,username,name,profile_picture_url,followers_count}",
        ))
        .and(header("authorization", bearer(TOKEN).as_str()))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(fixture!("instagram_accounts.json")),
        )
        .expect(1)
        .mount(mock.server())
        .await;
    let meta = connector(&mock, false);
    let out = meta
        .call(&CallContext::default(), "instagram.accounts", json!({}))
        .await
        .unwrap();
    assert_eq!(out.as_array().unwrap().len(), 1, "{out}");
    assert_eq!(out[0]["username"], "cutekittens");
    assert_eq!(out[0]["followers_count"], 5120);
    assert_eq!(out[0]["page_id"], "1234567890");
    assert_eq!(out[0]["page_name"], "Cute Kitten Page");
    assert_eq!(
        out[0]["profile_picture_url"],
        "https://scontent.xx.fbcdn.net/v/kittens.jpg"
    );
}

#[tokio::test]
async fn instagram_accounts_page_through_every_page() {
    let mock = MockPlatform::start().await;
    let with_ig = |id: u64| {
        json!({"id": id.to_string(), "name": format!("Page {id}"),
               "instagram_business_account": {"id": format!("178{id}"), "username": format!("ig{id}")}})
    };
    let without = |id: u64| json!({"id": id.to_string(), "name": format!("Page {id}")});
    mount_graph_pages(
        &mock,
        "/v21.0/me/accounts",
        vec![
            vec![with_ig(1), without(2)],
            vec![without(3)],
            vec![with_ig(4)],
        ],
    )
    .await;
    let meta = connector(&mock, false);
    let accounts = meta.client().instagram_accounts().await.unwrap();
    let names: Vec<_> = accounts
        .iter()
        .map(|a| (a.username.clone().unwrap(), a.page_id.clone().unwrap()))
        .collect();
    assert_eq!(
        names,
        [
            ("ig1".to_string(), "1".to_string()),
            ("ig4".into(), "4".into())
        ]
    );
    let raw: Vec<Value> = meta
        .call_all(&CallContext::default(), "instagram.accounts", json!({}))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(raw.len(), 2);
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn ad_accounts_list_one_page_and_all_pages() {
    let mock = MockPlatform::start().await;
    Mock::given(method("GET"))
        .and(path("/v21.0/me/adaccounts"))
        .and(query_param(
            "fields",
            "id,account_id,name,currency,account_status,timezone_name",
        ))
        .and(query_param("appsecret_proof", proof(TOKEN)))
        .and(header("authorization", bearer(TOKEN).as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture!("adaccounts.json")))
        .expect(1)
        .mount(mock.server())
        .await;
    let meta = connector(&mock, true);
    let out = meta
        .call(&CallContext::default(), "ad_accounts.list", json!({}))
        .await
        .unwrap();
    assert_eq!(out[0]["id"], "act_1122334455");
    assert_eq!(out[0]["currency"], "EUR");
    assert_eq!(out[1]["amount_spent"], "0");

    let mock = MockPlatform::start().await;
    let account = |n: u64| json!({"id": format!("act_{n}"), "account_id": n.to_string(), "name": format!("A{n}"), "currency": "USD", "account_status": 1});
    mount_graph_pages(
        &mock,
        "/v21.0/me/adaccounts",
        vec![vec![account(1), account(2)], vec![account(3)]],
    )
    .await;
    let meta = connector(&mock, false);
    let all = meta.client().ad_accounts_list().await.unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(all[2].id, "act_3");
    assert_eq!(all[0].status_name(), Some("active"));
    let raw: Vec<Value> = meta
        .call_all(&CallContext::default(), "ad_accounts.list", json!({}))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(raw.len(), 3);
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn insights_get_sends_meta_parameters_and_pages() {
    let mock = MockPlatform::start().await;
    Mock::given(method("GET"))
        .and(path("/v21.0/act_1122334455/insights"))
        .and(query_param(
            "fields",
            "campaign_id,campaign_name,impressions,clicks,spend",
        ))
        .and(query_param("level", "campaign"))
        .and(query_param(
            "time_range",
            r#"{"since":"2024-03-01","until":"2024-03-31"}"#,
        ))
        .and(query_param("time_increment", "1"))
        .and(query_param("breakdowns", "age,gender"))
        .and(query_param(
            "filtering",
            r#"[{"field":"spend","operator":"GREATER_THAN","value":"0"}]"#,
        ))
        .and(header("authorization", bearer(TOKEN).as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture!("insights.json")))
        .expect(1)
        .mount(mock.server())
        .await;
    let meta = connector(&mock, false);
    let rows = meta
        .client()
        .insights()
        .get(&GetInsights {
            ad_account_id: "1122334455".into(),
            fields: Some("campaign_id,campaign_name,impressions,clicks,spend".into()),
            level: Some(Level::Campaign),
            time_range: Some(TimeRange {
                since: "2024-03-01".into(),
                until: "2024-03-31".into(),
            }),
            time_increment: Some(TimeIncrement::Days(1)),
            breakdowns: Some("age,gender".into()),
            filtering: Some(json!([{"field": "spend", "operator": "GREATER_THAN", "value": "0"}])),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1].date_start.as_deref(), Some("2024-03-02"));
    assert_eq!(rows[0].fields["spend"], "201.37");

    let mock = MockPlatform::start().await;
    let row = |d: u32| json!({"impressions": "1", "date_start": format!("2024-03-0{d}"), "date_stop": format!("2024-03-0{d}")});
    mount_graph_pages(
        &mock,
        "/v21.0/act_42/insights",
        vec![vec![row(1)], vec![row(2), row(3)]],
    )
    .await;
    let meta = connector(&mock, false);
    let raw: Vec<Value> = meta
        .call_all(
            &CallContext::default(),
            "insights.get",
            json!({"ad_account_id": "act_42", "date_preset": "last_7d"}),
        )
        .try_collect()
        .await
        .unwrap();
    assert_eq!(raw.len(), 3);
    assert_eq!(raw[2]["date_start"], "2024-03-03");
    for r in mock.requests_to("GET", "/v21.0/act_42/insights").await {
        assert!(
            r.url
                .query_pairs()
                .any(|(k, v)| k == "date_preset" && v == "last_7d"),
            "every page keeps the parameters: {}",
            r.url
        );
    }
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn tokens_exchange_authenticates_as_the_app_and_returns_the_long_lived_token() {
    let mock = MockPlatform::start().await;
    let app_token = format!("{APP_ID}|{APP_SECRET}");
    Mock::given(method("GET"))
        .and(path("/v21.0/oauth/access_token"))
        .and(query_param("grant_type", "fb_exchange_token"))
        .and(query_param("client_id", APP_ID))
        .and(query_param("client_secret", APP_SECRET))
        .and(query_param("fb_exchange_token", "EAAShortLived"))
        .and(query_param("appsecret_proof", proof(&app_token)))
        .and(header("authorization", bearer(&app_token).as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture!("exchange.json")))
        .expect(2)
        .mount(mock.server())
        .await;
    let meta = connector(&mock, true);
    let token = meta
        .client()
        .tokens()
        .exchange(&ExchangeToken {
            fb_exchange_token: "EAAShortLived".into(),
        })
        .await
        .unwrap();
    assert_eq!(
        token.access_token.expose_secret(),
        "EAAGLongLivedToken0123456789"
    );
    assert_eq!(token.expires_in, Some(5183944));
    assert!(!format!("{token:?}").contains("EAAGLongLived"));
    let out = meta
        .call(
            &CallContext::default(),
            "tokens.exchange",
            json!({"fb_exchange_token": "EAAShortLived"}),
        )
        .await
        .unwrap();
    assert_eq!(out["access_token"], "EAAGLongLivedToken0123456789");

    let e = connector(&mock, false)
        .call(
            &CallContext::default(),
            "tokens.exchange",
            json!({"fb_exchange_token": "EAAShortLived"}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Config);
    assert!(e.to_string().contains("PLUGBOARD_META_APP_ID"), "{e}");
    assert_eq!(mock.received_requests().await.len(), 2);
}

#[tokio::test]
async fn tokens_debug_inspects_the_connection_token_with_the_app_token() {
    let mock = MockPlatform::start().await;
    let app_token = format!("{APP_ID}|{APP_SECRET}");
    Mock::given(method("GET"))
        .and(path("/v21.0/debug_token"))
        .and(query_param("input_token", TOKEN))
        .and(header("authorization", bearer(&app_token).as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture!("debug_token.json")))
        .expect(1)
        .mount(mock.server())
        .await;
    Mock::given(method("GET"))
        .and(path("/v21.0/debug_token"))
        .and(query_param("input_token", "EAAOther"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture!("debug_token.json")))
        .expect(1)
        .mount(mock.server())
        .await;
    let meta = connector(&mock, true);
    let info = meta
        .client()
        .tokens()
        .debug(&DebugToken::default())
        .await
        .unwrap();
    assert!(info.is_valid);
    assert_eq!(info.kind.as_deref(), Some("USER"));
    assert_eq!(info.scopes, ["email", "pages_show_list", "ads_read"]);
    assert_eq!(info.expires_at, Some(1352419328));
    let out = meta
        .call(
            &CallContext::default(),
            "tokens.debug",
            json!({"input_token": "EAAOther"}),
        )
        .await
        .unwrap();
    assert_eq!(out["granular_scopes"][0]["scope"], "pages_show_list");
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn graph_error_codes_become_typed_errors() {
    let mock = MockPlatform::start().await;
    Mock::given(method("GET"))
        .and(path("/v21.0/me"))
        .respond_with(
            ResponseTemplate::new(400).set_body_json(fixture!("error_token_expired.json")),
        )
        .mount(mock.server())
        .await;
    Mock::given(method("GET"))
        .and(path("/v21.0/me/adaccounts"))
        .respond_with(
            ResponseTemplate::new(400)
                .insert_header(
                    "x-business-use-case-usage",
                    r#"{"1122334455":[{"type":"ads_management","call_count":100,"total_cputime":12,"total_time":15,"estimated_time_to_regain_access":25}]}"#,
                )
                .set_body_json(fixture!("error_buc_throttled.json")),
        )
        .mount(mock.server())
        .await;
    let meta = connector(&mock, false);
    let ctx = CallContext::default();
    let e = meta.call(&ctx, "me.get", json!({})).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::TokenExpired);
    assert_eq!(e.context_value("code"), Some("190"));
    assert_eq!(e.context_value("fbtrace_id"), Some("A3v2Rq8pZ0f"));
    assert!(e.to_string().contains("Session has expired"), "{e}");
    assert!(!e.to_string().contains(TOKEN));

    let started = Instant::now();
    let e = meta
        .call(&ctx, "ad_accounts.list", json!({}))
        .await
        .unwrap_err();
    assert_eq!(
        e.kind(),
        ErrorKind::RateLimited {
            retry_after: Some(Duration::from_secs(25 * 60))
        }
    );
    assert_eq!(e.context_value("error_subcode"), Some("2446079"));
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "a 25-minute wait fails at once"
    );
    assert_eq!(
        mock.requests_to("GET", "/v21.0/me/adaccounts").await.len(),
        1
    );
    // The gate is closed for the credential: the next call fails without a request.
    let e = meta.call(&ctx, "me.get", json!({})).await.unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::RateLimited { .. }), "{e}");
    assert!(e.request_not_sent());
    assert_eq!(mock.requests_to("GET", "/v21.0/me").await.len(), 1);
}

/// Answers 200 with `X-Business-Use-Case-Usage` at 95 % (access regained in 0.02 minutes, 1.2
/// s) the first time, then throttles (code 80004) any request arriving before that time and
/// answers 200 after it. Records when each request arrived.
struct NearTheLimit {
    arrivals: Arc<Mutex<Vec<Instant>>>,
}

const REGAIN: Duration = Duration::from_millis(1200);

impl Respond for NearTheLimit {
    fn respond(&self, _request: &Request) -> ResponseTemplate {
        let mut arrivals = self.arrivals.lock().unwrap();
        let now = Instant::now();
        let first = arrivals.first().copied();
        arrivals.push(now);
        match first {
            None => ResponseTemplate::new(200)
                .insert_header(
                    "x-business-use-case-usage",
                    r#"{"1122334455":[{"type":"ads_management","call_count":95,"total_cputime":40,"total_time":51,"estimated_time_to_regain_access":0.02}]}"#,
                )
                .set_body_json(fixture!("adaccounts.json")),
            Some(at) if now.duration_since(at) < REGAIN => ResponseTemplate::new(400)
                .set_body_json(fixture!("error_buc_throttled.json")),
            Some(_) => ResponseTemplate::new(200)
                .insert_header(
                    "x-business-use-case-usage",
                    r#"{"1122334455":[{"type":"ads_management","call_count":40,"total_cputime":10,"total_time":12,"estimated_time_to_regain_access":0}]}"#,
                )
                .set_body_json(fixture!("adaccounts.json")),
        }
    }
}

#[tokio::test]
async fn usage_at_95_percent_pauses_for_the_advertised_time_instead_of_calling_into_an_error() {
    let mock = MockPlatform::start().await;
    let arrivals = Arc::new(Mutex::new(Vec::new()));
    Mock::given(method("GET"))
        .and(path("/v21.0/me/adaccounts"))
        .respond_with(NearTheLimit {
            arrivals: Arc::clone(&arrivals),
        })
        .mount(mock.server())
        .await;
    let meta = connector(&mock, false);
    let ctx = CallContext::default();
    meta.call(&ctx, "ad_accounts.list", json!({}))
        .await
        .unwrap();
    let second = meta
        .call(&ctx, "ad_accounts.list", json!({}))
        .await
        .expect("the second call waits instead of calling into the limit");
    assert_eq!(second[0]["id"], "act_1122334455");
    let arrivals = arrivals.lock().unwrap().clone();
    assert_eq!(arrivals.len(), 2, "no throttled request was made");
    let gap = arrivals[1].duration_since(arrivals[0]);
    assert!(
        gap >= REGAIN.mul_f64(0.95),
        "the second request went out {gap:?} after the first, before the advertised {REGAIN:?}"
    );
}

#[tokio::test]
async fn unknown_operations_and_bad_input_send_nothing() {
    let mock = MockPlatform::start().await;
    let meta = connector(&mock, false);
    let ctx = CallContext::default();
    let e = meta
        .call(&ctx, "pages.delete", json!({}))
        .await
        .unwrap_err();
    assert!(
        e.to_string().contains(
            "ad_accounts.list, insights.get, instagram.accounts, me.get, pages.list, pages.publish, tokens.debug, tokens.exchange"
        ),
        "{e}"
    );
    let e = meta
        .call(&ctx, "pages.list", json!({"bogus": 1}))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("bogus"), "{e}");
    let e = meta
        .call(
            &ctx,
            "insights.get",
            json!({"ad_account_id": "act_1", "level": "country"}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(mock.received_requests().await.is_empty());
}
