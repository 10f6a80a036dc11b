//! The plugboard conformance suite for the Jira connector. The example configuration is an
//! OAuth 2.0 connection with a cloud id, so calls go to `/ex/jira/{cloud_id}/...` on the mock
//! (which stands in for api.atlassian.com) with the token as a Bearer.

use plugboard_testkit::MockPlatform;
use plugboard_testkit::conformance::{ConformanceSpec, MockedCall, PaginatedCall, WebhookCase};
use plugboard_testkit::webhooks::{SignedDelivery, hmac_hex_header};
use plugboard_testkit::wiremock::matchers::{method, path, query_param, query_param_is_missing};
use plugboard_testkit::wiremock::{Mock, ResponseTemplate};
use serde_json::{Value, json};

/// The cloud id of the descriptor's example configuration.
const SEARCH: &str = "/ex/jira/11223344-a1b2-3b33-c444-def123456789/rest/api/3/search/jql";
const SECRET: &str = "It's a Jira admin-webhook secret";
const IDENTIFIER: &str = "e6a1bfa5-3e57-4a86-9d11-4b3b4cdbc5f1";

fn issue(n: u64) -> Value {
    json!({"id": (10_000 + n).to_string(), "key": format!("ED-{n}"), "fields": {"summary": format!("Issue {n}")}})
}

async fn mount_search_pages(mock: &MockPlatform) {
    let pages = [
        (
            None,
            json!({"issues": [issue(1), issue(2)], "nextPageToken": "tok-2", "isLast": false}),
        ),
        (
            Some("tok-2"),
            json!({"issues": [issue(3), issue(4)], "nextPageToken": "tok-3", "isLast": false}),
        ),
        (Some("tok-3"), json!({"issues": [issue(5)], "isLast": true})),
    ];
    for (token, body) in pages {
        let m = Mock::given(method("GET")).and(path(SEARCH));
        let m = match token {
            None => m.and(query_param_is_missing("nextPageToken")),
            Some(t) => m.and(query_param("nextPageToken", t)),
        };
        m.respond_with(ResponseTemplate::new(200).set_body_json(body))
            .mount(mock.server())
            .await;
    }
}

fn golden() -> SignedDelivery {
    hmac_hex_header(
        "X-Hub-Signature",
        "sha256=",
        SECRET,
        plugboard_testkit::fixture_bytes!("webhook_issue_updated.json"),
    )
    .with_header("X-Atlassian-Webhook-Identifier", IDENTIFIER)
}

fn spec() -> ConformanceSpec {
    ConformanceSpec {
        descriptor: &plugboard_jira::DESCRIPTOR,
        read: MockedCall {
            operation: "server_info.get",
            input: json!({}),
            method: "GET",
            path: "/ex/jira/11223344-a1b2-3b33-c444-def123456789/rest/api/3/serverInfo",
            response: plugboard_testkit::fixture!("server_info.json"),
        },
        write: Some(MockedCall {
            operation: "issues.create",
            input: json!({"fields": {"project": {"key": "ED"}, "issuetype": {"name": "Bug"}, "summary": "Card declined"}}),
            method: "POST",
            path: "/ex/jira/11223344-a1b2-3b33-c444-def123456789/rest/api/3/issue",
            response: plugboard_testkit::fixture!("created_issue.json"),
        }),
        paginated: Some(PaginatedCall {
            operation: "issues.search",
            input: json!({"jql": "project = ED", "maxResults": 2}),
            expected_items: 5,
            mount: |mock| Box::pin(mount_search_pages(mock)),
        }),
        webhook: Some(WebhookCase {
            secret: SECRET,
            delivery: golden,
            now: 1_763_777_703,
            expected_event_id: IDENTIFIER,
            expected_event_type: "jira:issue_updated",
            replay_window_secs: None,
            signature_headers: &["X-Hub-Signature"],
            signs_body: true,
        }),
    }
}

plugboard_testkit::conformance_tests!(spec);
