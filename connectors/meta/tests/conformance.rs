//! The plugboard conformance suite for the Meta connector.

use plugboard_testkit::conformance::{ConformanceSpec, MockedCall, PaginatedCall, WebhookCase};
use plugboard_testkit::wiremock::matchers::{method, path, query_param, query_param_is_missing};
use plugboard_testkit::wiremock::{Mock, ResponseTemplate};
use plugboard_testkit::{MockPlatform, webhooks};
use serde_json::{Value, json};

const SECRET: &str = "meta-app-secret-0123";

fn page(id: u64) -> Value {
    json!({"id": id.to_string(), "name": format!("Page {id}"), "category": "Brand",
           "access_token": format!("EAAPage{id}"), "tasks": ["MANAGE"]})
}

/// Three Graph cursor pages of `/me/accounts` (2, 2 and 1 Pages); the last carries a cursor but
/// no `paging.next`, and the request after it answers an empty list.
fn mount_pages(mock: &MockPlatform) -> futures::future::BoxFuture<'_, ()> {
    Box::pin(async move {
        let pages = [
            vec![page(1), page(2)],
            vec![page(3), page(4)],
            vec![page(5)],
        ];
        for (i, items) in pages.iter().enumerate() {
            let after = format!("c{}", i + 1);
            let mut paging = json!({"cursors": {"before": format!("b{i}"), "after": after}});
            if i + 1 < pages.len() {
                paging["next"] = json!(format!(
                    "https://graph.facebook.com/v21.0/me/accounts?after={after}"
                ));
            }
            let m = Mock::given(method("GET")).and(path("/v21.0/me/accounts"));
            let m = if i == 0 {
                m.and(query_param_is_missing("after"))
            } else {
                m.and(query_param("after", format!("c{i}")))
            };
            m.respond_with(
                ResponseTemplate::new(200).set_body_json(json!({"data": items, "paging": paging})),
            )
            .mount(mock.server())
            .await;
        }
        Mock::given(method("GET"))
            .and(path("/v21.0/me/accounts"))
            .and(query_param("after", "c3"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": []})))
            .mount(mock.server())
            .await;
    })
}

fn spec() -> ConformanceSpec {
    ConformanceSpec {
        descriptor: &plugboard_meta::DESCRIPTOR,
        read: MockedCall {
            operation: "me.get",
            input: json!({}),
            method: "GET",
            path: "/v21.0/me",
            response: plugboard_testkit::fixture!("me.json"),
        },
        write: Some(MockedCall {
            operation: "pages.publish",
            input: json!({"page_id": "1234567890", "message": "Hello"}),
            method: "POST",
            path: "/v21.0/1234567890/feed",
            response: plugboard_testkit::fixture!("publish.json"),
        }),
        paginated: Some(PaginatedCall {
            operation: "pages.list",
            input: json!({}),
            expected_items: 5,
            mount: mount_pages,
        }),
        webhook: Some(WebhookCase {
            secret: SECRET,
            delivery: || {
                webhooks::hmac_hex_header(
                    "X-Hub-Signature-256",
                    "sha256=",
                    SECRET,
                    plugboard_testkit::fixture_bytes!("page_feed_single.json"),
                )
            },
            now: 1_700_000_000,
            expected_event_id: "page:1234567890:1520383571:061b6347981256e8",
            expected_event_type: "page",
            replay_window_secs: None,
            signature_headers: &["X-Hub-Signature-256"],
            signs_body: true,
        }),
    }
}

plugboard_testkit::conformance_tests!(spec);
