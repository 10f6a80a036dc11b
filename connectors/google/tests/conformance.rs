//! The plugboard conformance suite for the Google connector: `userinfo.get` as the read call,
//! `youtube.channels.list` over three `pageToken` pages, and a signed YouTube WebSub delivery
//! as the golden webhook. Every operation is idempotent (`ads.search` is a POST that only
//! reads), so there is no write case.

use plugboard_core::signing::{MacAlgorithm, hmac};
use plugboard_testkit::conformance::{ConformanceSpec, MockedCall, PaginatedCall, WebhookCase};
use plugboard_testkit::wiremock::matchers::{method, path, query_param, query_param_is_missing};
use plugboard_testkit::wiremock::{Mock, ResponseTemplate};
use plugboard_testkit::{MockPlatform, SignedDelivery};
use serde_json::json;

const WEBSUB_SECRET: &str = "websub-hub-secret-conformance";

fn golden() -> SignedDelivery {
    let body = plugboard_testkit::fixture_bytes!("websub_upload.xml");
    let signature: String = hmac(MacAlgorithm::Sha1, WEBSUB_SECRET.as_bytes(), &[&body])
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    SignedDelivery::new(body)
        .with_header("content-type", "application/atom+xml")
        .with_header("x-hub-signature", &format!("sha1={signature}"))
}

fn mount_channel_pages(mock: &MockPlatform) -> futures::future::BoxFuture<'_, ()> {
    Box::pin(async move {
        let channel = |n: u32| json!({"kind": "youtube#channel", "id": format!("UC{n}"), "snippet": {"title": format!("Channel {n}")}});
        let pages = [
            (
                None,
                json!({"items": [channel(1), channel(2)], "nextPageToken": "CAIQAA"}),
            ),
            (
                Some("CAIQAA"),
                json!({"items": [channel(3), channel(4)], "nextPageToken": "CAQQAA"}),
            ),
            (Some("CAQQAA"), json!({"items": [channel(5)]})),
        ];
        for (token, body) in pages {
            let mock_for_page = Mock::given(method("GET"))
                .and(path("/youtube/v3/channels"))
                .and(query_param("mine", "true"));
            let mock_for_page = match token {
                Some(t) => mock_for_page.and(query_param("pageToken", t)),
                None => mock_for_page.and(query_param_is_missing("pageToken")),
            };
            mock_for_page
                .respond_with(ResponseTemplate::new(200).set_body_json(body))
                .mount(mock.server())
                .await;
        }
    })
}

fn spec() -> ConformanceSpec {
    ConformanceSpec {
        descriptor: &plugboard_google::DESCRIPTOR,
        read: MockedCall {
            operation: "userinfo.get",
            input: json!({}),
            method: "GET",
            path: "/v1/userinfo",
            response: plugboard_testkit::fixture!("userinfo.json"),
        },
        write: None,
        paginated: Some(PaginatedCall {
            operation: "youtube.channels.list",
            input: json!({"maxResults": 2}),
            expected_items: 5,
            mount: mount_channel_pages,
        }),
        webhook: Some(WebhookCase {
            secret: WEBSUB_SECRET,
            delivery: golden,
            now: 1_793_610_000,
            expected_event_id: "youtube:M7lc1UVf-VE:2026-11-02T09:15:03.114208413+00:00",
            expected_event_type: "youtube.video",
            replay_window_secs: None,
            signature_headers: &["x-hub-signature"],
            signs_body: true,
        }),
    }
}

plugboard_testkit::conformance_tests!(spec);
