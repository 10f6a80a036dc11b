//! The TikTok client against mocks of the Display API v2 and the API for Business: each
//! operation's request (method, path, query, headers, body) and parsed result, both pagination
//! styles, errors inside HTTP 200 bodies, and the v2 token refresh with rotation.

use std::time::{Duration, SystemTime};

use futures::TryStreamExt;
use plugboard_core::{
    CallContext, Connector, ConnectorConfig, Credentials, ErrorKind, ExposeSecret, SecretString,
};
use plugboard_testkit::{MockPlatform, fixture};
use plugboard_tiktok::TiktokConnector;
use plugboard_tiktok::api::campaigns::ListCampaigns;
use plugboard_tiktok::api::reports::GetIntegratedReport;
use plugboard_tiktok::api::videos::ListVideos;
use serde_json::{Value, json};
use wiremock::matchers::{
    body_json, body_string_contains, header, method, path, query_param, query_param_is_missing,
};
use wiremock::{Mock, ResponseTemplate};

const TOKEN: &str = "act.userToken0123456789";
const BUSINESS_TOKEN: &str = "business-long-term-token-0123";
const APP_ID: &str = "7012345678901234000";
const APP_SECRET: &str = "business/app+secret";

fn config(mock: &MockPlatform) -> ConnectorConfig {
    let mut config = ConnectorConfig {
        base_url: Some(mock.url()),
        token: Some(SecretString::from(TOKEN)),
        ..Default::default()
    };
    config.policy.total_timeout_secs = Some(5.0);
    config
        .secrets
        .insert("business_token".into(), SecretString::from(BUSINESS_TOKEN));
    config.settings.insert("app_id".into(), APP_ID.into());
    config
        .secrets
        .insert("app_secret".into(), SecretString::from(APP_SECRET));
    config
}

fn connector(mock: &MockPlatform) -> TiktokConnector {
    TiktokConnector::from_config(&config(mock)).unwrap()
}

fn bearer() -> String {
    format!("Bearer {TOKEN}")
}

#[tokio::test]
async fn user_info_sends_the_fields_and_bearer_token_and_is_the_health_check() {
    let mock = MockPlatform::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/user/info/"))
        .and(query_param(
            "fields",
            "open_id,union_id,avatar_url,display_name",
        ))
        .and(header("authorization", bearer().as_str()))
        .and(header("accept", "application/json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture!("user_info.json")))
        .expect(2)
        .mount(mock.server())
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/user/info/"))
        .and(query_param("fields", "open_id,display_name,follower_count"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": {"user": {"open_id": "o1", "display_name": "T", "follower_count": 12}},
            "error": {"code": "ok", "message": "", "log_id": "1"}
        })))
        .expect(1)
        .mount(mock.server())
        .await;
    let tiktok = connector(&mock);
    let user = tiktok.client().user_info().await.unwrap();
    assert_eq!(user.display_name.as_deref(), Some("Tik Toker"));
    assert_eq!(
        user.open_id.as_deref(),
        Some("723f24d7-e717-40f8-a2b6-cb8464cd23b4")
    );
    let health = tiktok.health(&CallContext::default()).await.unwrap();
    assert_eq!(health["union_id"], "c9c60f44-a68e-4f5d-84dd-ce22faeb0ba1");
    let out = tiktok
        .call(
            &CallContext::default(),
            "user.info",
            json!({"fields": "open_id,display_name,follower_count"}),
        )
        .await
        .unwrap();
    assert_eq!(out["follower_count"], 12, "every field kept");
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn open_api_errors_are_typed_whatever_the_status() {
    let mock = MockPlatform::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/user/info/"))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(fixture!("error_access_token_invalid.json")),
        )
        .mount(mock.server())
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/video/list/"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(fixture!("error_rate_limit_exceeded.json")),
        )
        .mount(mock.server())
        .await;
    let mut config = config(&mock);
    config.policy.max_retries = Some(0);
    let tiktok = TiktokConnector::from_config(&config).unwrap();
    let ctx = CallContext::default();
    let e = tiktok.call(&ctx, "user.info", json!({})).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unauthorized);
    assert_eq!(e.context_value("code"), Some("access_token_invalid"));
    assert_eq!(
        e.context_value("log_id"),
        Some("202206221854370101130062072500FFA2")
    );
    assert!(!e.to_string().contains(TOKEN));
    let e = tiktok
        .call(&ctx, "videos.list", json!({}))
        .await
        .unwrap_err();
    assert!(
        matches!(e.kind(), ErrorKind::RateLimited { .. }),
        "an error in a 200 is not a success: {e}"
    );
    assert_eq!(e.status(), Some(200));
}

#[tokio::test]
async fn videos_list_sends_the_cursor_in_the_body_across_pages() {
    let mock = MockPlatform::start().await;
    let video = |id: u64| json!({"id": id.to_string(), "title": format!("v{id}"), "create_time": 1648533245});
    let page = |videos: Vec<Value>, cursor: i64, more: bool| {
        json!({"data": {"videos": videos, "cursor": cursor, "has_more": more},
               "error": {"code": "ok", "message": "", "log_id": "x"}})
    };
    let fields =
        "id,title,video_description,duration,cover_image_url,share_url,embed_link,create_time";
    for (body, answer) in [
        (
            json!({"max_count": 2}),
            page(vec![video(1), video(2)], 1_700_000_000_000, true),
        ),
        (
            json!({"max_count": 2, "cursor": 1_700_000_000_000i64}),
            page(vec![video(3), video(4)], 1_600_000_000_000, true),
        ),
        (
            json!({"max_count": 2, "cursor": 1_600_000_000_000i64}),
            page(vec![video(5)], 1_500_000_000_000, false),
        ),
    ] {
        Mock::given(method("POST"))
            .and(path("/v2/video/list/"))
            .and(query_param("fields", fields))
            .and(header("authorization", bearer().as_str()))
            .and(header("content-type", "application/json"))
            .and(body_json(body))
            .respond_with(ResponseTemplate::new(200).set_body_json(answer))
            .expect(2)
            .mount(mock.server())
            .await;
    }
    let tiktok = connector(&mock);
    let ids: Vec<String> = tiktok
        .client()
        .videos()
        .list_all(&ListVideos {
            max_count: Some(2),
            ..Default::default()
        })
        .map_ok(|v| v.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["1", "2", "3", "4", "5"]);
    let raw: Vec<Value> = tiktok
        .call_all(
            &CallContext::default(),
            "videos.list",
            json!({"max_count": 2}),
        )
        .try_collect()
        .await
        .unwrap();
    assert_eq!(raw.len(), 5);
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn videos_list_one_page_parses_videos_and_validates_max_count() {
    let mock = MockPlatform::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/video/list/"))
        .and(query_param("fields", "id,title"))
        .and(body_json(
            json!({"max_count": 20, "cursor": 1647933719000i64}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture!("videos.json")))
        .expect(1)
        .mount(mock.server())
        .await;
    let tiktok = connector(&mock);
    let videos = tiktok
        .client()
        .videos()
        .list(&ListVideos {
            fields: Some("id,title".into()),
            max_count: Some(20),
            cursor: Some(1647933719000),
        })
        .await
        .unwrap();
    assert_eq!(videos.len(), 2);
    assert_eq!(videos[1].title.as_deref(), Some("Cat vs cucumber"));
    assert_eq!(videos[0].extra["duration"], 12);
    let e = tiktok
        .call(
            &CallContext::default(),
            "videos.list",
            json!({"max_count": 50}),
        )
        .await
        .unwrap_err();
    assert!(e.to_string().contains("max_count"), "{e}");
    assert_eq!(mock.received_requests().await.len(), 1);
}

#[tokio::test]
async fn advertisers_list_uses_the_business_token_and_app_credentials() {
    let mock = MockPlatform::start().await;
    Mock::given(method("GET"))
        .and(path("/open_api/v1.3/oauth2/advertiser/get/"))
        .and(query_param("app_id", APP_ID))
        .and(query_param("secret", APP_SECRET))
        .and(header("access-token", BUSINESS_TOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture!("advertisers.json")))
        .expect(2)
        .mount(mock.server())
        .await;
    let tiktok = connector(&mock);
    let advertisers = tiktok.client().advertisers_list().await.unwrap();
    assert_eq!(advertisers.len(), 2);
    assert_eq!(advertisers[0].advertiser_id, "7012345678901234567");
    assert_eq!(
        advertisers[1].advertiser_name.as_deref(),
        Some("Acme Ads US")
    );
    assert_eq!(advertisers[0].raw()["advertiser_name"], "Acme Ads EU");
    let out = tiktok
        .call(&CallContext::default(), "advertisers.list", json!({}))
        .await
        .unwrap();
    assert_eq!(out[1]["advertiser_id"], "7012345678901234568");
    for request in mock.received_requests().await {
        assert!(
            request.headers.get("authorization").is_none(),
            "the Business API gets Access-Token, not the user's bearer token"
        );
    }

    let mut no_app = config(&mock);
    no_app.settings.clear();
    let e = TiktokConnector::from_config(&no_app)
        .unwrap()
        .call(&CallContext::default(), "advertisers.list", json!({}))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Config);
    assert!(e.to_string().contains("PLUGBOARD_TIKTOK_APP_ID"), "{e}");
    assert_eq!(mock.received_requests().await.len(), 2);
}

#[tokio::test]
async fn the_business_api_can_live_at_its_own_origin_and_defaults_to_the_token() {
    let open = MockPlatform::start().await;
    let business = MockPlatform::start().await;
    Mock::given(method("GET"))
        .and(path("/open_api/v1.3/campaign/get/"))
        .and(header("access-token", TOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture!("campaigns.json")))
        .expect(1)
        .mount(business.server())
        .await;
    let mut config = ConnectorConfig {
        base_url: Some(open.url()),
        token: Some(SecretString::from(TOKEN)),
        ..Default::default()
    };
    config
        .settings
        .insert("business_base_url".into(), business.uri());
    let tiktok = TiktokConnector::from_config(&config).unwrap();
    let campaigns = tiktok
        .client()
        .campaigns()
        .list(&ListCampaigns {
            advertiser_id: "7012345678901234567".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        campaigns[0].campaign_name.as_deref(),
        Some("Spring traffic")
    );
    assert!(open.received_requests().await.is_empty());
}

#[tokio::test]
async fn campaigns_list_sends_business_parameters_and_pages_by_number() {
    let mock = MockPlatform::start().await;
    Mock::given(method("GET"))
        .and(path("/open_api/v1.3/campaign/get/"))
        .and(query_param("advertiser_id", "7012345678901234567"))
        .and(query_param("fields", r#"["campaign_id","campaign_name"]"#))
        .and(query_param(
            "filtering",
            r#"{"primary_status":"STATUS_DELIVERY_OK"}"#,
        ))
        .and(query_param("page_size", "50"))
        .and(query_param_is_missing("page"))
        .and(header("access-token", BUSINESS_TOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture!("campaigns.json")))
        .expect(1)
        .mount(mock.server())
        .await;
    let tiktok = connector(&mock);
    let out = tiktok
        .call(
            &CallContext::default(),
            "campaigns.list",
            json!({"advertiser_id": "7012345678901234567", "page_size": 50,
                   "fields": ["campaign_id", "campaign_name"],
                   "filtering": {"primary_status": "STATUS_DELIVERY_OK"}}),
        )
        .await
        .unwrap();
    assert_eq!(out[0]["campaign_id"], "1758651234567890");
    assert_eq!(out[0]["budget_mode"], "BUDGET_MODE_DAY");

    let mock = MockPlatform::start().await;
    let campaign = |n: u64| json!({"campaign_id": n.to_string(), "campaign_name": format!("c{n}")});
    let page = |list: Vec<Value>, page: u64| {
        json!({"code": 0, "message": "OK", "request_id": "r", "data": {"list": list,
               "page_info": {"page": page, "page_size": 2, "total_number": 5, "total_page": 3}}})
    };
    mock.mount_page_number_pages(
        "/open_api/v1.3/campaign/get/",
        "page",
        1,
        vec![
            page(vec![campaign(1), campaign(2)], 1),
            page(vec![campaign(3), campaign(4)], 2),
            page(vec![campaign(5)], 3),
        ],
    )
    .await;
    let tiktok = connector(&mock);
    let all = tiktok
        .client()
        .campaigns_list_all("7012345678901234567")
        .await
        .unwrap();
    let ids: Vec<&str> = all.iter().map(|c| c.campaign_id.as_str()).collect();
    assert_eq!(ids, ["1", "2", "3", "4", "5"]);
    let raw: Vec<Value> = tiktok
        .call_all(
            &CallContext::default(),
            "campaigns.list",
            json!({"advertiser_id": "7012345678901234567"}),
        )
        .try_collect()
        .await
        .unwrap();
    assert_eq!(raw.len(), 5);
    mock.assert_no_unexpected();
    // Three pages per walk: none past `total_page`.
    assert_eq!(mock.received_requests().await.len(), 6);
    for r in mock.received_requests().await {
        assert!(
            r.url
                .query_pairs()
                .any(|(k, v)| k == "advertiser_id" && v == "7012345678901234567"),
            "{}",
            r.url
        );
    }
}

#[tokio::test]
async fn reports_integrated_sends_json_lists_and_pages() {
    let mock = MockPlatform::start().await;
    Mock::given(method("GET"))
        .and(path("/open_api/v1.3/report/integrated/get/"))
        .and(query_param("advertiser_id", "7012345678901234567"))
        .and(query_param("report_type", "BASIC"))
        .and(query_param("data_level", "AUCTION_CAMPAIGN"))
        .and(query_param(
            "dimensions",
            r#"["campaign_id","stat_time_day"]"#,
        ))
        .and(query_param(
            "metrics",
            r#"["spend","impressions","clicks"]"#,
        ))
        .and(query_param("start_date", "2024-03-01"))
        .and(query_param("end_date", "2024-03-02"))
        .and(header("access-token", BUSINESS_TOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture!("report.json")))
        .expect(1)
        .mount(mock.server())
        .await;
    let tiktok = connector(&mock);
    let rows = tiktok
        .client()
        .reports()
        .integrated(&GetIntegratedReport {
            advertiser_id: "7012345678901234567".into(),
            report_type: "BASIC".into(),
            data_level: Some("AUCTION_CAMPAIGN".into()),
            dimensions: vec!["campaign_id".into(), "stat_time_day".into()],
            metrics: Some(vec!["spend".into(), "impressions".into(), "clicks".into()]),
            start_date: Some("2024-03-01".into()),
            end_date: Some("2024-03-02".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1].metrics["spend"], "98.10");
    assert_eq!(rows[0].dimensions["stat_time_day"], "2024-03-01 00:00:00");

    let mock = MockPlatform::start().await;
    let row = |d: u32| json!({"dimensions": {"stat_time_day": format!("2024-03-0{d} 00:00:00")}, "metrics": {"spend": "1.00"}});
    let page = |list: Vec<Value>| json!({"code": 0, "message": "OK", "request_id": "r", "data": {"list": list, "page_info": {"total_page": 2}}});
    mock.mount_page_number_pages(
        "/open_api/v1.3/report/integrated/get/",
        "page",
        1,
        vec![page(vec![row(1), row(2)]), page(vec![row(3)]), page(vec![])],
    )
    .await;
    let tiktok = connector(&mock);
    let raw: Vec<Value> = tiktok
        .call_all(
            &CallContext::default(),
            "reports.integrated",
            json!({"advertiser_id": "1", "report_type": "BASIC", "dimensions": ["stat_time_day"],
                   "query_lifetime": false}),
        )
        .try_collect()
        .await
        .unwrap();
    assert_eq!(raw.len(), 3);
    assert_eq!(raw[2]["dimensions"]["stat_time_day"], "2024-03-03 00:00:00");
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn a_business_answer_with_http_200_and_a_non_zero_code_is_a_typed_error() {
    let mock = MockPlatform::start().await;
    Mock::given(method("GET"))
        .and(path("/open_api/v1.3/campaign/get/"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(fixture!("error_business_token.json")),
        )
        .mount(mock.server())
        .await;
    Mock::given(method("GET"))
        .and(path("/open_api/v1.3/report/integrated/get/"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(fixture!("error_business_rate_limited.json")),
        )
        .mount(mock.server())
        .await;
    let mut config = config(&mock);
    config.policy.max_retries = Some(0);
    let tiktok = TiktokConnector::from_config(&config).unwrap();
    let ctx = CallContext::default();
    let e = tiktok
        .call(&ctx, "campaigns.list", json!({"advertiser_id": "1"}))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unauthorized);
    assert_eq!(e.status(), Some(200));
    assert_eq!(e.context_value("code"), Some("40105"));
    assert_eq!(
        e.context_value("request_id"),
        Some("2023060112345678901234567890ABD1")
    );
    assert!(
        e.to_string().contains("incorrect or has been revoked"),
        "{e}"
    );
    assert!(!e.to_string().contains(BUSINESS_TOKEN));

    let e = tiktok
        .call(
            &ctx,
            "reports.integrated",
            json!({"advertiser_id": "1", "report_type": "BASIC", "dimensions": ["stat_time_day"]}),
        )
        .await
        .unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::RateLimited { .. }), "{e}");
    assert_eq!(e.context_value("code"), Some("40100"));
    // Paged walks stop at the error instead of yielding a "success".
    let walked: Result<Vec<Value>, _> = tiktok
        .call_all(&ctx, "campaigns.list", json!({"advertiser_id": "1"}))
        .try_collect()
        .await;
    assert_eq!(walked.unwrap_err().kind(), ErrorKind::Unauthorized);
}

#[tokio::test]
async fn the_open_api_budget_is_600_per_minute_per_endpoint() {
    let mock = MockPlatform::start().await;
    let tiktok = connector(&mock);
    let quotas = &tiktok.client().runtime().policy().class_quotas;
    assert_eq!(quotas.len(), 1);
    assert_eq!(quotas[0].class, "open_api");
    assert_eq!(quotas[0].quota.requests, 600);
    assert_eq!(quotas[0].quota.per, Duration::from_secs(60));
    assert!(quotas[0].per_operation);
    for op in tiktok.operations() {
        let expected =
            if op.id.as_str().starts_with("user.") || op.id.as_str().starts_with("videos.") {
                "open_api"
            } else {
                "business"
            };
        assert_eq!(op.rate_class.0, expected, "{}", op.id);
    }
}

#[tokio::test]
async fn the_refresher_rotates_refresh_tokens_through_the_v2_token_endpoint() {
    let mock = MockPlatform::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/oauth/token/"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string_contains("grant_type=refresh_token"))
        .and(body_string_contains("refresh_token=rft.old"))
        .and(body_string_contains("client_key=aw1234567890"))
        .and(body_string_contains("client_secret=client-secret-xyz"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture!("token_refresh.json")))
        .expect(1)
        .mount(mock.server())
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/oauth/token/"))
        .and(body_string_contains("refresh_token=rft.spent"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "error": "invalid_grant",
            "error_description": "Refresh token is invalid or expired.",
            "log_id": "202206221854370101130062072500FFA4"
        })))
        .expect(1)
        .mount(mock.server())
        .await;
    let mut config = config(&mock);
    config
        .settings
        .insert("client_key".into(), "aw1234567890".into());
    config.secrets.insert(
        "client_secret".into(),
        SecretString::from("client-secret-xyz"),
    );
    let tiktok = TiktokConnector::from_config(&config).unwrap();
    let refresher = tiktok.token_refresher().expect("client key and secret set");
    let before = SystemTime::now();
    let tokens = refresher
        .refresh(&Credentials::new("default").with_refresh_token(SecretString::from("rft.old")))
        .await
        .unwrap();
    assert_eq!(
        tokens.access_token.expose_secret(),
        "act.example12345Example12345Example"
    );
    assert_eq!(
        tokens.refresh_token.as_ref().unwrap().expose_secret(),
        "rft.exampleRotated12345Example",
        "the rotated refresh token is returned"
    );
    let expires = tokens.expires_at.unwrap().duration_since(before).unwrap();
    assert!(
        expires > Duration::from_secs(7100) && expires <= Duration::from_secs(7201),
        "{expires:?}"
    );
    assert!(!format!("{tokens:?}").contains("act.example"));

    let e = refresher
        .refresh(&Credentials::new("default").with_refresh_token(SecretString::from("rft.spent")))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::TokenExpired);

    assert!(
        TiktokConnector::from_config(&ConnectorConfig::default())
            .unwrap()
            .token_refresher()
            .is_none(),
        "no refresher without client credentials"
    );
}
