//! `plugboard sync ad-accounts|channels`: the unified views of every configured connection,
//! against mocks of Meta, Google Ads and TikTok Business in their documented shapes.

use serde_json::{Value, json};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{plugboard, run};

const META_TOKEN: &str = "EAAB-meta-sync-token";
const GOOGLE_TOKEN: &str = "ya29.google-sync-token";
const DEVELOPER_TOKEN: &str = "google-developer-token";
const TIKTOK_TOKEN: &str = "tiktok-business-sync-token";

async fn meta() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v21.0/me/adaccounts"))
        .and(header(
            "authorization",
            format!("Bearer {META_TOKEN}").as_str(),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [
                {"id": "act_1122334455", "account_id": "1122334455", "name": "Acme EU",
                 "currency": "EUR", "account_status": 1, "timezone_name": "Europe/Berlin"},
                {"id": "act_5544332211", "account_id": "5544332211", "name": "Acme Old",
                 "currency": "USD", "account_status": 101, "timezone_name": "America/New_York"}
            ],
            "paging": {"cursors": {"before": "b", "after": "a"}}
        })))
        .expect(1)
        .mount(&server)
        .await;
    server
}

async fn google() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v26/customers:listAccessibleCustomers"))
        .and(header("developer-token", DEVELOPER_TOKEN))
        .and(header(
            "authorization",
            format!("Bearer {GOOGLE_TOKEN}").as_str(),
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"resourceNames": ["customers/1234567890"]})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v26/customers/1234567890/googleAds:search"))
        .and(header("developer-token", DEVELOPER_TOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "results": [{"customer": {
                "resourceName": "customers/1234567890", "id": "1234567890",
                "descriptiveName": "Acme Shoes", "currencyCode": "EUR", "status": "ENABLED",
                "manager": false, "testAccount": false
            }}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    server
}

async fn tiktok() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/open_api/v1.3/oauth2/advertiser/get/"))
        .and(query_param("app_id", "tiktok-app"))
        .and(header("access-token", TIKTOK_TOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "code": 0, "message": "OK", "request_id": "202311220001",
            "data": {"list": [
                {"advertiser_id": "7012345678901234567", "advertiser_name": "Acme Ads EU"}
            ]}
        })))
        .expect(2)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn sync_ad_accounts_prints_the_union_of_every_platform_one_record_per_line() {
    let (meta, google, tiktok) = (meta().await, google().await, tiktok().await);
    let mut cmd = plugboard(&["sync", "ad-accounts"]);
    cmd.env("PLUGBOARD_META_BASE_URL", meta.uri())
        .env("PLUGBOARD_META_TOKEN", META_TOKEN)
        .env("PLUGBOARD_GOOGLE_BASE_URL", google.uri())
        .env("PLUGBOARD_GOOGLE_TOKEN", GOOGLE_TOKEN)
        .env("PLUGBOARD_GOOGLE_DEVELOPER_TOKEN", DEVELOPER_TOKEN)
        .env("PLUGBOARD_TIKTOK_BASE_URL", tiktok.uri())
        .env("PLUGBOARD_TIKTOK_TOKEN", TIKTOK_TOKEN)
        .env("PLUGBOARD_TIKTOK_APP_ID", "tiktok-app")
        .env("PLUGBOARD_TIKTOK_APP_SECRET", "tiktok-app-secret");
    let out = run(
        &mut cmd,
        &[META_TOKEN, GOOGLE_TOKEN, DEVELOPER_TOKEN, TIKTOK_TOKEN],
    );
    out.assert_code(0);
    let records = out.json_lines();
    let summary: Vec<(String, String, String, Value, Value)> = records
        .iter()
        .map(|r| {
            (
                r["platform"].as_str().unwrap().to_string(),
                r["id"].as_str().unwrap().to_string(),
                r["name"].as_str().unwrap().to_string(),
                r["currency"].clone(),
                r["status"].clone(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "google".into(),
                "1234567890".into(),
                "Acme Shoes".into(),
                json!("EUR"),
                json!("enabled")
            ),
            (
                "meta".into(),
                "act_1122334455".into(),
                "Acme EU".into(),
                json!("EUR"),
                json!("active")
            ),
            (
                "meta".into(),
                "act_5544332211".into(),
                "Acme Old".into(),
                json!("USD"),
                json!("closed")
            ),
            (
                "tiktok".into(),
                "7012345678901234567".into(),
                "Acme Ads EU".into(),
                Value::Null,
                Value::Null
            ),
        ]
    );
    for r in &records {
        assert_eq!(r["connection"], "default");
        assert!(r["raw"].is_object(), "the platform's record is kept: {r}");
    }

    // One connector only.
    let mut cmd = plugboard(&["sync", "ad-accounts", "--connector", "tiktok"]);
    cmd.env("PLUGBOARD_TIKTOK_BASE_URL", tiktok.uri())
        .env("PLUGBOARD_TIKTOK_TOKEN", TIKTOK_TOKEN)
        .env("PLUGBOARD_TIKTOK_APP_ID", "tiktok-app")
        .env("PLUGBOARD_TIKTOK_APP_SECRET", "tiktok-app-secret");
    let out = run(&mut cmd, &[TIKTOK_TOKEN]);
    out.assert_code(0);
    assert_eq!(out.json_lines().len(), 1);
}

#[tokio::test]
async fn sync_without_any_configured_source_says_which_connectors_offer_the_view() {
    let out = run(&mut plugboard(&["sync", "channels"]), &[]);
    out.assert_code(1);
    for id in ["google", "meta", "slack", "tiktok"] {
        assert!(out.stderr.contains(id), "{id} not named: {}", out.stderr);
    }
    let out = run(
        &mut plugboard(&["sync", "channels", "--connector", "nosuch"]),
        &[],
    );
    out.assert_code(2);
}
