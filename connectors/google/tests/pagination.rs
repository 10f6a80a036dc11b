//! Every list operation over several pages, through the typed `*_all` streams and the dynamic
//! `call_all` (what `plugboard call --all` runs): YouTube's `pageToken` query parameter and
//! Google Ads' `pageToken` in the JSON body, each page requested once per stream.

mod common;

use common::{ads_connector, connector, fixture, google, google_ads};
use futures::TryStreamExt;
use plugboard_core::{CallContext, Connector};
use plugboard_google::api::ads::SearchAds;
use plugboard_google::api::youtube::ListChannels;
use plugboard_testkit::MockPlatform;
use plugboard_testkit::wiremock::ResponseTemplate;
use plugboard_testkit::wiremock::matchers::{body_json, query_param, query_param_is_missing};
use serde_json::{Value, json};

fn channel(n: u32) -> Value {
    let mut c = fixture("channel.json");
    c["id"] = json!(format!("UC{n}"));
    c["snippet"]["title"] = json!(format!("Channel {n}"));
    c
}

/// Three pages of channels (2, 2, 1), each answered `times` times.
async fn mount_channel_pages(mock: &MockPlatform, times: u64) {
    let page = |items: Vec<Value>, next: Option<&str>| {
        let mut body = json!({
            "kind": "youtube#channelListResponse",
            "etag": "etag",
            "pageInfo": {"totalResults": 5, "resultsPerPage": 2},
            "items": items
        });
        if let Some(next) = next {
            body["nextPageToken"] = json!(next);
        }
        ResponseTemplate::new(200).set_body_json(body)
    };
    let base = || {
        google("GET", "/youtube/v3/channels")
            .and(query_param("mine", "true"))
            .and(query_param("maxResults", "2"))
            .and(query_param("part", "snippet"))
    };
    base()
        .and(query_param_is_missing("pageToken"))
        .respond_with(page(vec![channel(1), channel(2)], Some("CAIQAA")))
        .expect(times)
        .mount(mock.server())
        .await;
    base()
        .and(query_param("pageToken", "CAIQAA"))
        .respond_with(page(vec![channel(3), channel(4)], Some("CAQQAA")))
        .expect(times)
        .mount(mock.server())
        .await;
    base()
        .and(query_param("pageToken", "CAQQAA"))
        .respond_with(page(vec![channel(5)], None))
        .expect(times)
        .mount(mock.server())
        .await;
}

#[tokio::test]
async fn channels_list_follows_next_page_tokens() {
    let mock = MockPlatform::start().await;
    mount_channel_pages(&mock, 2).await;
    let input = ListChannels {
        part: Some("snippet".into()),
        max_results: Some(2),
        ..Default::default()
    };
    // Separate connectors: pages are cached for 30 minutes per connection.
    let typed: Vec<String> = connector(&mock)
        .client()
        .youtube()
        .channels_list_all(&input)
        .map_ok(|c| c.snippet.unwrap().title)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        typed,
        [
            "Channel 1",
            "Channel 2",
            "Channel 3",
            "Channel 4",
            "Channel 5"
        ]
    );
    let raw: Vec<Value> = connector(&mock)
        .call_all(
            &CallContext::default(),
            "youtube.channels.list",
            json!({"part": "snippet", "maxResults": 2}),
        )
        .map_ok(|c| c["id"].clone())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(raw, ["UC1", "UC2", "UC3", "UC4", "UC5"]);
    mock.assert_no_unexpected();
}

fn row(n: u32) -> Value {
    let mut r = fixture("search_row.json");
    r["campaign"]["id"] = json!(n.to_string());
    r
}

/// Three pages of search rows (2, 2, 1): the page token goes back in the body.
async fn mount_search_pages(mock: &MockPlatform, times: u64) {
    let query = "SELECT campaign.id, campaign.name FROM campaign ORDER BY campaign.id";
    let page = |rows: Vec<Value>, next: Option<&str>| {
        let mut body = json!({"results": rows, "fieldMask": "campaign.id,campaign.name"});
        if let Some(next) = next {
            body["nextPageToken"] = json!(next);
        }
        ResponseTemplate::new(200).set_body_json(body)
    };
    let base = || google_ads("POST", "/v26/customers/1234567890/googleAds:search");
    base()
        .and(body_json(json!({"query": query})))
        .respond_with(page(vec![row(1), row(2)], Some("CMgBEAE")))
        .expect(times)
        .mount(mock.server())
        .await;
    base()
        .and(body_json(json!({"query": query, "pageToken": "CMgBEAE"})))
        .respond_with(page(vec![row(3), row(4)], Some("CJADEAI")))
        .expect(times)
        .mount(mock.server())
        .await;
    base()
        .and(body_json(json!({"query": query, "pageToken": "CJADEAI"})))
        .respond_with(page(vec![row(5)], None))
        .expect(times)
        .mount(mock.server())
        .await;
}

#[tokio::test]
async fn ads_search_follows_page_tokens_in_the_body() {
    let mock = MockPlatform::start().await;
    mount_search_pages(&mock, 2).await;
    let query = "SELECT campaign.id, campaign.name FROM campaign ORDER BY campaign.id";
    let g = ads_connector(&mock, false);
    let typed: Vec<Value> = g
        .client()
        .ads()
        .search_all(&SearchAds {
            customer_id: "1234567890".into(),
            query: query.into(),
            ..Default::default()
        })
        .map_ok(|r| r.fields["campaign"]["id"].clone())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(typed, ["1", "2", "3", "4", "5"]);
    let raw: Vec<Value> = g
        .call_all(
            &CallContext::default(),
            "ads.search",
            json!({"customerId": "1234567890", "query": query}),
        )
        .map_ok(|r| r["campaign"]["id"].clone())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(raw, ["1", "2", "3", "4", "5"]);
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn call_all_of_an_unpaginated_operation_yields_its_result() {
    let mock = MockPlatform::start().await;
    google("GET", "/v1/userinfo")
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("userinfo.json")))
        .expect(1)
        .mount(mock.server())
        .await;
    let all: Vec<Value> = connector(&mock)
        .call_all(&CallContext::default(), "userinfo.get", json!({}))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all, [fixture("userinfo.json")]);
}
