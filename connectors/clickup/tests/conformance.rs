//! The plugboard conformance suite for the ClickUp connector.

use plugboard_testkit::conformance::{ConformanceSpec, MockedCall, PaginatedCall, WebhookCase};
use plugboard_testkit::webhooks;
use serde_json::{Value, json};

/// The secret the golden delivery is signed with (ClickUp returns one per webhook).
const SECRET: &str = "O94IM25S7PXBPYTMNXLLET230SRP0S89COR7B1YOJ2ZIE8WQNK5UUKEF26W0Z5GA";

fn task(id: &str) -> Value {
    let mut t = plugboard_testkit::fixture!("task.json");
    t["id"] = json!(id);
    t
}

fn spec() -> ConformanceSpec {
    ConformanceSpec {
        descriptor: &plugboard_clickup::DESCRIPTOR,
        read: MockedCall {
            operation: "tasks.get",
            input: json!({"task_id": "9hx"}),
            method: "GET",
            path: "/api/v2/task/9hx",
            response: task("9hx"),
        },
        write: Some(MockedCall {
            operation: "tasks.create",
            input: json!({"list_id": "124", "name": "Ship the ClickUp connector"}),
            method: "POST",
            path: "/api/v2/list/124/task",
            response: task("9hx"),
        }),
        paginated: Some(PaginatedCall {
            operation: "tasks.list",
            input: json!({"list_id": "124"}),
            expected_items: 5,
            mount: |mock| {
                Box::pin(mock.mount_page_number_pages(
                    "/api/v2/list/124/task",
                    "page",
                    0,
                    vec![
                        json!({"tasks": [task("a"), task("b")], "last_page": false}),
                        json!({"tasks": [task("c"), task("d")], "last_page": false}),
                        json!({"tasks": [task("e")], "last_page": true}),
                    ],
                ))
            },
        }),
        webhook: Some(WebhookCase {
            secret: SECRET,
            delivery: || {
                webhooks::hmac_hex_header(
                    "X-Signature",
                    "",
                    SECRET,
                    plugboard_testkit::fixture_bytes!("event_task_status_updated.json"),
                )
            },
            now: 1_642_736_400,
            expected_event_id: "7fa3ec74-69a8-4530-a251-8a13730bd204:taskStatusUpdated:2800787326994457227",
            expected_event_type: "taskStatusUpdated",
            replay_window_secs: None,
            signature_headers: &["X-Signature"],
            signs_body: true,
        }),
    }
}

plugboard_testkit::conformance_tests!(spec);
