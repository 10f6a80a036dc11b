//! The plugboard conformance suite for the GitHub connector.

use plugboard_testkit::conformance::{ConformanceSpec, MockedCall, PaginatedCall, WebhookCase};
use plugboard_testkit::webhooks;
use serde_json::{Value, json};

/// GitHub's documented example secret (and body, below).
const SECRET: &str = "It's a Secret to Everybody";
const DELIVERY: &str = "72d3162e-cc78-11e3-81ab-4c9367dc0958";

fn user() -> Value {
    json!({"login": "octocat", "id": 1, "type": "User", "site_admin": false})
}

fn issue(number: u64) -> Value {
    json!({
        "id": 1000 + number, "number": number, "title": format!("Issue {number}"),
        "state": "open", "body": null, "user": user(), "labels": [], "assignees": [],
        "html_url": format!("https://github.com/o/r/issues/{number}"), "comments": 0,
        "created_at": "2011-04-22T13:33:48Z", "updated_at": "2011-04-22T13:33:48Z"
    })
}

fn spec() -> ConformanceSpec {
    ConformanceSpec {
        descriptor: &plugboard_github::DESCRIPTOR,
        read: MockedCall {
            operation: "repos.get",
            input: json!({"owner": "o", "repo": "r"}),
            method: "GET",
            path: "/repos/o/r",
            response: json!({
                "id": 1296269, "name": "r", "full_name": "o/r", "private": false,
                "owner": user(), "default_branch": "main", "html_url": "https://github.com/o/r"
            }),
        },
        write: Some(MockedCall {
            operation: "issues.create",
            input: json!({"owner": "o", "repo": "r", "title": "Found a bug"}),
            method: "POST",
            path: "/repos/o/r/issues",
            response: issue(1),
        }),
        paginated: Some(PaginatedCall {
            operation: "issues.list",
            input: json!({"owner": "o", "repo": "r"}),
            expected_items: 5,
            mount: |mock| {
                Box::pin(mock.mount_link_header_pages(
                    "/repos/o/r/issues",
                    vec![
                        json!([issue(1), issue(2)]),
                        json!([issue(3), issue(4)]),
                        json!([issue(5)]),
                    ],
                ))
            },
        }),
        webhook: Some(WebhookCase {
            secret: SECRET,
            delivery: || webhooks::github(SECRET, "issues", DELIVERY, "Hello, World!"),
            now: 1_700_000_000,
            expected_event_id: DELIVERY,
            expected_event_type: "issues",
            replay_window_secs: None,
            signature_headers: &["X-Hub-Signature-256"],
            signs_body: true,
        }),
    }
}

plugboard_testkit::conformance_tests!(spec);
