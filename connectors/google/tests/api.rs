//! The Google client against a mock of Google's APIs: each operation's request (method,
//! host-independent path, query, headers, body) and parsed result, input validation, and
//! Google's error shapes.

mod common;

use common::{
    DEVELOPER_TOKEN, LOGIN_CUSTOMER_ID, ads_connector, connector, fixture, google, google_ads,
};
use plugboard_core::{CallContext, Connector, ErrorKind, RetryStatus};
use plugboard_google::api::ads::SearchAds;
use plugboard_google::api::youtube::ListChannels;
use plugboard_testkit::MockPlatform;
use plugboard_testkit::wiremock::ResponseTemplate;
use plugboard_testkit::wiremock::matchers::{
    body_json, header, query_param, query_param_is_missing,
};
use serde_json::{Value, json};

fn ctx() -> CallContext {
    CallContext::default()
}

#[tokio::test]
async fn userinfo_get_sends_the_documented_request_and_keeps_every_claim() {
    let mock = MockPlatform::start().await;
    google("GET", "/v1/userinfo")
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("userinfo.json")))
        .expect(2)
        .mount(mock.server())
        .await;
    let g = connector(&mock);
    let me = g.client().userinfo().get().await.unwrap();
    assert_eq!(me.sub, "110169484474386276334");
    assert_eq!(me.email.as_deref(), Some("ada@example.com"));
    assert_eq!(me.email_verified, Some(true));
    assert_eq!(me.hd.as_deref(), Some("example.com"));
    assert_eq!(me.extra["locale"], "en");
    let value = g.call(&ctx(), "userinfo.get", json!({})).await.unwrap();
    assert_eq!(
        value,
        fixture("userinfo.json"),
        "every claim is kept as sent"
    );
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn health_is_userinfo() {
    let mock = MockPlatform::start().await;
    google("GET", "/v1/userinfo")
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("userinfo.json")))
        .expect(1)
        .mount(mock.server())
        .await;
    let health = connector(&mock).health(&ctx()).await.unwrap();
    assert_eq!(health["sub"], "110169484474386276334");
}

#[tokio::test]
async fn channels_list_defaults_to_mine_with_the_common_parts() {
    let mock = MockPlatform::start().await;
    google("GET", "/youtube/v3/channels")
        .and(query_param("part", "snippet,contentDetails,statistics"))
        .and(query_param("mine", "true"))
        .and(query_param_is_missing("pageToken"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "kind": "youtube#channelListResponse",
            "etag": "4Fhwc3yWp1fmDPo0lmjJhDnJ5nA",
            "pageInfo": {"totalResults": 1, "resultsPerPage": 5},
            "items": [fixture("channel.json")]
        })))
        .expect(1)
        .mount(mock.server())
        .await;
    let g = connector(&mock);
    let page = g
        .client()
        .youtube()
        .channels_list(&ListChannels::default())
        .await
        .unwrap();
    assert_eq!(page.next_page_token, None);
    let channel = &page.items[0];
    assert_eq!(channel.id, "UC_x5XG1OV2P6uZZ5FSM9Ttw");
    let snippet = channel.snippet.as_ref().unwrap();
    assert_eq!(snippet.title, "Google for Developers");
    assert_eq!(snippet.custom_url.as_deref(), Some("@googledevelopers"));
    assert_eq!(
        channel
            .statistics
            .as_ref()
            .unwrap()
            .subscriber_count
            .as_deref(),
        Some("2480000")
    );
    assert_eq!(
        channel.content_details.as_ref().unwrap()["relatedPlaylists"]["uploads"],
        "UU_x5XG1OV2P6uZZ5FSM9Ttw"
    );
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn channels_list_passes_youtube_parameters_and_returns_the_items() {
    let mock = MockPlatform::start().await;
    google("GET", "/youtube/v3/channels")
        .and(query_param("part", "snippet"))
        .and(query_param("forHandle", "@googledevelopers"))
        .and(query_param("maxResults", "10"))
        .and(query_param("hl", "de"))
        .and(query_param_is_missing("mine"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "kind": "youtube#channelListResponse",
            "items": [fixture("channel.json")]
        })))
        .expect(1)
        .mount(mock.server())
        .await;
    let items = connector(&mock)
        .call(
            &ctx(),
            "youtube.channels.list",
            json!({"part": "snippet", "forHandle": "@googledevelopers", "maxResults": 10, "hl": "de"}),
        )
        .await
        .unwrap();
    assert_eq!(items, json!([fixture("channel.json")]));
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn channels_list_rejects_bad_input_before_sending() {
    let mock = MockPlatform::start().await;
    let g = connector(&mock);
    for (input, needle) in [
        (json!({"maxResults": 51}), "maxResults"),
        (json!({"mine": true, "id": "UC1"}), "mine and id"),
        (json!({"max_results": 5}), "max_results"),
    ] {
        let e = g
            .call(&ctx(), "youtube.channels.list", input)
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert!(e.to_string().contains(needle), "{e}");
    }
    assert!(mock.received_requests().await.is_empty());
}

#[tokio::test]
async fn list_accessible_customers_sends_the_developer_token_and_login_customer() {
    let mock = MockPlatform::start().await;
    google_ads("GET", "/v26/customers:listAccessibleCustomers")
        .and(header("login-customer-id", LOGIN_CUSTOMER_ID))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(fixture("accessible_customers.json")),
        )
        .expect(1)
        .mount(mock.server())
        .await;
    let g = ads_connector(&mock, true);
    let customers = g.client().ads().list_accessible_customers().await.unwrap();
    assert_eq!(customers.customer_ids(), ["1234567890", "9876543210"]);
    let value = g
        .call(&ctx(), "ads.customers.list_accessible", json!({}))
        .await
        .unwrap();
    assert_eq!(value, fixture("accessible_customers.json"));
    // Cached for 30 minutes: the dynamic call was served without a second request.
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn list_accessible_customers_without_a_manager_sends_no_login_header() {
    let mock = MockPlatform::start().await;
    google_ads("GET", "/v26/customers:listAccessibleCustomers")
        .respond_with(
            ResponseTemplate::new(200).set_body_json(fixture("accessible_customers.json")),
        )
        .expect(1)
        .mount(mock.server())
        .await;
    ads_connector(&mock, false)
        .client()
        .ads()
        .list_accessible_customers()
        .await
        .unwrap();
    let request = &mock.received_requests().await[0];
    assert!(request.headers.get("login-customer-id").is_none());
}

#[tokio::test]
async fn the_ads_api_version_is_a_setting() {
    let mock = MockPlatform::start().await;
    google_ads("GET", "/v25/customers:listAccessibleCustomers")
        .respond_with(
            ResponseTemplate::new(200).set_body_json(fixture("accessible_customers.json")),
        )
        .expect(1)
        .mount(mock.server())
        .await;
    let mut config = common::ads_config(&mock.uri(), false);
    config
        .settings
        .insert("ads_api_version".into(), "v25".into());
    plugboard_google::GoogleConnector::from_config(&config)
        .unwrap()
        .client()
        .ads()
        .list_accessible_customers()
        .await
        .unwrap();
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn ads_search_posts_the_query_with_the_ads_headers() {
    let mock = MockPlatform::start().await;
    let query = "SELECT campaign.id, campaign.name, metrics.clicks FROM campaign WHERE segments.date DURING LAST_7_DAYS";
    google_ads("POST", "/v26/customers/1234567890/googleAds:search")
        .and(header("login-customer-id", LOGIN_CUSTOMER_ID))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({"query": query})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "results": [fixture("search_row.json")],
            "fieldMask": "campaign.id,campaign.name,metrics.clicks",
            "queryResourceConsumption": "187"
        })))
        .expect(2)
        .mount(mock.server())
        .await;
    let g = ads_connector(&mock, true);
    let page = g
        .client()
        .ads()
        .search(&SearchAds {
            customer_id: "123-456-7890".into(),
            query: query.into(),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(page.results.len(), 1);
    assert_eq!(page.results[0].fields["campaign"]["name"], "Brand - Search");
    assert_eq!(
        page.field_mask.as_deref(),
        Some("campaign.id,campaign.name,metrics.clicks")
    );
    assert_eq!(page.extra["queryResourceConsumption"], "187");
    assert_eq!(page.next_page_token, None);
    let rows = g
        .call(
            &ctx(),
            "ads.search",
            json!({"customerId": "1234567890", "query": query}),
        )
        .await
        .unwrap();
    assert_eq!(rows, json!([fixture("search_row.json")]));
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn ads_search_sends_optional_body_fields_in_googles_names() {
    let mock = MockPlatform::start().await;
    google_ads("POST", "/v26/customers/1234567890/googleAds:search")
        .and(body_json(json!({
            "query": "SELECT customer.id FROM customer",
            "pageToken": "CMgBEAE",
            "validateOnly": true,
            "searchSettings": {"returnTotalResultsCount": true}
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"fieldMask": "customer.id"})))
        .expect(1)
        .mount(mock.server())
        .await;
    let rows = ads_connector(&mock, false)
        .call(
            &ctx(),
            "ads.search",
            json!({
                "customer_id": "1234567890",
                "query": "SELECT customer.id FROM customer",
                "pageToken": "CMgBEAE",
                "validateOnly": true,
                "searchSettings": {"returnTotalResultsCount": true}
            }),
        )
        .await
        .unwrap();
    assert_eq!(rows, json!([]), "no results field means no rows");
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn ads_calls_without_a_developer_token_fail_before_sending() {
    let mock = MockPlatform::start().await;
    let g = connector(&mock);
    let e = g
        .call(&ctx(), "ads.customers.list_accessible", json!({}))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Config);
    assert!(
        e.to_string().contains("PLUGBOARD_GOOGLE_DEVELOPER_TOKEN"),
        "{e}"
    );
    assert!(
        g.ad_account_source().is_none(),
        "no Ads view without a developer token"
    );
    let e = ads_connector(&mock, false)
        .call(
            &ctx(),
            "ads.search",
            json!({"customerId": "12x", "query": "SELECT customer.id FROM customer"}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(e.to_string().contains("customerId"), "{e}");
    assert!(mock.received_requests().await.is_empty());
}

#[tokio::test]
async fn youtube_daily_quota_fails_at_once_and_is_not_retried() {
    let mock = MockPlatform::start().await;
    google("GET", "/youtube/v3/channels")
        .respond_with(
            ResponseTemplate::new(403).set_body_json(fixture("youtube_quota_exceeded.json")),
        )
        .expect(1)
        .mount(mock.server())
        .await;
    let e = connector(&mock)
        .call(&ctx(), "youtube.channels.list", json!({}))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::RateLimited { retry_after: None });
    assert_eq!(e.retry(), RetryStatus::Never);
    assert_eq!(e.context_value("limit"), Some("daily"));
    assert_eq!(e.context_value("reason"), Some("quotaExceeded"));
    let resets: u64 = e.context_value("resets_in_secs").unwrap().parse().unwrap();
    assert!((1..=86_400).contains(&resets));
    assert!(!e.to_string().contains(common::TOKEN));
}

#[tokio::test]
async fn a_403_rate_limit_is_retried_and_then_succeeds() {
    let mock = MockPlatform::start().await;
    google("GET", "/youtube/v3/channels")
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({"error": {
            "code": 403,
            "message": "Rate Limit Exceeded",
            "errors": [{"message": "Rate Limit Exceeded", "domain": "usageLimits", "reason": "userRateLimitExceeded"}]
        }})))
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(mock.server())
        .await;
    google("GET", "/youtube/v3/channels")
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"items": [fixture("channel.json")]})),
        )
        .with_priority(2)
        .expect(1)
        .mount(mock.server())
        .await;
    let items = connector(&mock)
        .call(&ctx(), "youtube.channels.list", json!({}))
        .await
        .unwrap();
    assert_eq!(items.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn ads_quota_errors_carry_the_retry_delay() {
    let mock = MockPlatform::start().await;
    google_ads("POST", "/v26/customers/1234567890/googleAds:search")
        .respond_with(ResponseTemplate::new(429).set_body_json(fixture("ads_quota_error.json")))
        .expect(1)
        .mount(mock.server())
        .await;
    let e = ads_connector(&mock, false)
        .call(
            &ctx(),
            "ads.search",
            json!({"customerId": "1234567890", "query": "SELECT campaign.id FROM campaign"}),
        )
        .await
        .unwrap_err();
    assert_eq!(
        e.kind(),
        ErrorKind::RateLimited {
            retry_after: Some(std::time::Duration::from_secs(120))
        },
        "{e}"
    );
    assert_eq!(
        e.context_value("ads_error"),
        Some("quotaError.RESOURCE_TEMPORARILY_EXHAUSTED")
    );
    assert_eq!(
        e.context_value("request_id"),
        Some("Ye4pS2Q7Jm0f3oX8vB1n9A")
    );
    assert!(!e.to_string().contains(DEVELOPER_TOKEN));
    assert!(!format!("{e:?}").contains(DEVELOPER_TOKEN));
}

#[tokio::test]
async fn unknown_input_fields_are_named() {
    let mock = MockPlatform::start().await;
    let e = connector(&mock)
        .call(&ctx(), "userinfo.get", json!({"bogus": 1}))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("bogus"), "{e}");
    assert!(mock.received_requests().await.is_empty());
    let unknown: Value = json!({});
    let e = connector(&mock)
        .call(&ctx(), "drive.files.list", unknown)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("youtube.channels.list"), "{e}");
}
