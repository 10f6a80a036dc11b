//! The plugboard conformance suite for the Slack connector.

use plugboard_testkit::MockPlatform;
use plugboard_testkit::conformance::{ConformanceSpec, MockedCall, PaginatedCall, WebhookCase};
use plugboard_testkit::webhooks::{self, SignedDelivery};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, ResponseTemplate};

/// The signing secret, timestamp and body of Slack's "Verifying requests from Slack" example.
const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
const TIMESTAMP: u64 = 1531420618;
const BODY: &str = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";

fn golden() -> SignedDelivery {
    webhooks::slack(SECRET, TIMESTAMP as i64, BODY)
        .with_header("Content-Type", "application/x-www-form-urlencoded")
}

fn channel(n: u32) -> Value {
    json!({"id": format!("C{n:08}"), "name": format!("channel-{n}"), "is_channel": true, "is_private": false, "is_archived": false, "num_members": 3})
}

async fn mount_cursor_pages(mock: &MockPlatform) {
    let pages = [
        (None, vec![channel(1), channel(2)], "Y3Vyc29yOjI="),
        (
            Some("Y3Vyc29yOjI="),
            vec![channel(3), channel(4)],
            "Y3Vyc29yOjQ=",
        ),
        (Some("Y3Vyc29yOjQ="), vec![channel(5)], ""),
    ];
    for (cursor, channels, next) in pages {
        let body =
            json!({"ok": true, "channels": channels, "response_metadata": {"next_cursor": next}});
        let mock_builder = Mock::given(method("GET")).and(path("/api/conversations.list"));
        let mock_builder = match cursor {
            None => mock_builder.and(query_param_is_missing("cursor")),
            Some(c) => mock_builder.and(query_param("cursor", c)),
        };
        mock_builder
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .mount(mock.server())
            .await;
    }
}

fn spec() -> ConformanceSpec {
    ConformanceSpec {
        descriptor: &plugboard_slack::DESCRIPTOR,
        read: MockedCall {
            operation: "conversations.info",
            input: json!({"channel": "C012AB3CD"}),
            method: "GET",
            path: "/api/conversations.info",
            response: plugboard_testkit::fixture!("conversations_info.json"),
        },
        write: Some(MockedCall {
            operation: "chat.post_message",
            input: json!({"channel": "C123ABC456", "text": "Here's a message for you"}),
            method: "POST",
            path: "/api/chat.postMessage",
            response: plugboard_testkit::fixture!("chat_post_message.json"),
        }),
        paginated: Some(PaginatedCall {
            operation: "conversations.list",
            input: json!({"limit": 2}),
            expected_items: 5,
            mount: |mock| Box::pin(mount_cursor_pages(mock)),
        }),
        webhook: Some(WebhookCase {
            secret: SECRET,
            delivery: golden,
            now: TIMESTAMP,
            expected_event_id: "398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c",
            expected_event_type: "slash_command:/webhook-collect",
            replay_window_secs: Some(300),
            signature_headers: &["X-Slack-Signature"],
            signs_body: true,
        }),
    }
}

plugboard_testkit::conformance_tests!(spec);
