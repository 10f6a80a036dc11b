//! The unified views: YouTube channels as `ChannelSource` (every page of `mine=true`) and
//! Google Ads customers as `AdAccountSource` (accessible customers, each described by a GAQL
//! query logged in as itself).

mod common;

use common::{ads_connector, connector, fixture, google, google_ads};
use plugboard_core::{CallContext, ChannelKind, Connector};
use plugboard_testkit::MockPlatform;
use plugboard_testkit::wiremock::ResponseTemplate;
use plugboard_testkit::wiremock::matchers::{
    body_json, header, query_param, query_param_is_missing,
};
use serde_json::json;

#[tokio::test]
async fn youtube_channels_are_channels_across_pages() {
    let mock = MockPlatform::start().await;
    let mut second = fixture("channel.json");
    second["id"] = json!("UC_second");
    second["snippet"]["title"] = json!("Second channel");
    let base = || {
        google("GET", "/youtube/v3/channels")
            .and(query_param("part", "snippet"))
            .and(query_param("mine", "true"))
            .and(query_param("maxResults", "50"))
    };
    base()
        .and(query_param_is_missing("pageToken"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "items": [fixture("channel.json")], "nextPageToken": "CAEQAA"
        })))
        .expect(1)
        .mount(mock.server())
        .await;
    base()
        .and(query_param("pageToken", "CAEQAA"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"items": [second]})))
        .expect(1)
        .mount(mock.server())
        .await;
    let g = connector(&mock);
    let channels = g
        .channel_source()
        .expect("Google has channels")
        .channels(&CallContext::default())
        .await
        .unwrap();
    assert_eq!(channels.len(), 2);
    assert_eq!(channels[0].id, "UC_x5XG1OV2P6uZZ5FSM9Ttw");
    assert_eq!(channels[0].name, "Google for Developers");
    assert_eq!(channels[0].platform, "google");
    assert_eq!(channels[0].kind, ChannelKind::YoutubeChannel);
    assert_eq!(channels[0].raw, fixture("channel.json"));
    assert_eq!(channels[1].name, "Second channel");
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn ads_customers_are_ad_accounts_with_name_currency_and_status() {
    let mock = MockPlatform::start().await;
    google_ads("GET", "/v26/customers:listAccessibleCustomers")
        .respond_with(
            ResponseTemplate::new(200).set_body_json(fixture("accessible_customers.json")),
        )
        .expect(1)
        .mount(mock.server())
        .await;
    let query = json!({"query": "SELECT customer.id, customer.descriptive_name, customer.currency_code, customer.status, customer.manager, customer.test_account FROM customer LIMIT 1"});
    google_ads("POST", "/v26/customers/1234567890/googleAds:search")
        .and(header("login-customer-id", "1234567890"))
        .and(body_json(&query))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "results": [{"customer": {
                "resourceName": "customers/1234567890",
                "id": "1234567890",
                "descriptiveName": "Acme Shoes",
                "currencyCode": "EUR",
                "status": "ENABLED",
                "manager": false,
                "testAccount": false
            }}],
            "fieldMask": "customer.id,customer.descriptiveName,customer.currencyCode,customer.status,customer.manager,customer.testAccount"
        })))
        .expect(1)
        .mount(mock.server())
        .await;
    // The second customer was cancelled: Google refuses to query it.
    google_ads("POST", "/v26/customers/9876543210/googleAds:search")
        .and(header("login-customer-id", "9876543210"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({"error": {
            "code": 403,
            "message": "The caller does not have permission",
            "status": "PERMISSION_DENIED",
            "details": [{
                "@type": "type.googleapis.com/google.ads.googleads.v26.errors.GoogleAdsFailure",
                "errors": [{
                    "errorCode": {"authorizationError": "CUSTOMER_NOT_ENABLED"},
                    "message": "The customer account can't be accessed because it is not yet enabled or has been deactivated."
                }],
                "requestId": "Ab3dE9"
            }]
        }})))
        .expect(1)
        .mount(mock.server())
        .await;
    let g = ads_connector(&mock, true);
    let accounts = g
        .ad_account_source()
        .expect("a developer token is configured")
        .ad_accounts(&CallContext::default())
        .await
        .unwrap();
    assert_eq!(accounts.len(), 2);
    let acme = &accounts[0];
    assert_eq!(acme.id, "1234567890");
    assert_eq!(acme.platform, "google");
    assert_eq!(acme.name, "Acme Shoes");
    assert_eq!(acme.currency.as_deref(), Some("EUR"));
    assert_eq!(acme.status.as_deref(), Some("enabled"));
    assert_eq!(acme.raw["descriptiveName"], "Acme Shoes");
    let cancelled = &accounts[1];
    assert_eq!(cancelled.id, "9876543210");
    assert_eq!(cancelled.name, "9876543210");
    assert_eq!(cancelled.status, None);
    assert_eq!(
        cancelled.raw,
        json!({"resourceName": "customers/9876543210"})
    );
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn other_ads_failures_fail_the_sync() {
    let mock = MockPlatform::start().await;
    google_ads("GET", "/v26/customers:listAccessibleCustomers")
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": {
            "code": 401,
            "message": "Request is missing required authentication credential.",
            "status": "UNAUTHENTICATED"
        }})))
        .expect(1)
        .mount(mock.server())
        .await;
    let e = ads_connector(&mock, false)
        .ad_account_source()
        .unwrap()
        .ad_accounts(&CallContext::default())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), plugboard_core::ErrorKind::Unauthorized);
    assert_eq!(e.context_value("google_status"), Some("UNAUTHENTICATED"));
}
