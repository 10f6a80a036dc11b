//! The Slack client against a mock of Slack's Web API: each operation's request (method,
//! path, query, headers, body) and parsed result, cursor pagination, the 30-minute directory
//! cache, the external upload flow, `response_url` replies, and Slack's `ok: false` errors and
//! rate limits.

use std::time::{Duration, Instant};

use futures::TryStreamExt;
use plugboard_core::{CallContext, Connector, ConnectorConfig, ErrorKind, SecretString};
use plugboard_slack::SlackConnector;
use plugboard_slack::api::chat::{DeleteMessage, PostEphemeral, PostMessage, UpdateMessage};
use plugboard_slack::api::conversations::{
    ConversationHistory, GetConversation, ListConversations,
};
use plugboard_slack::api::files::UploadFile;
use plugboard_slack::api::response_url::{Reply, ResponseType};
use plugboard_slack::api::users::{GetUser, ListUsers};
use plugboard_slack::api::views::OpenView;
use plugboard_testkit::MockPlatform;
use serde_json::{Value, json};
use wiremock::matchers::{
    body_json, body_string, header, method, path, query_param, query_param_is_missing,
};
use wiremock::{Mock, MockBuilder, ResponseTemplate};

const TOKEN: &str = "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy";

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).expect(&path)).unwrap()
}

fn connector_with(mock: &MockPlatform, total_timeout_secs: f64) -> SlackConnector {
    let mut config = ConnectorConfig {
        base_url: Some(mock.url()),
        token: Some(SecretString::from(TOKEN)),
        ..Default::default()
    };
    config.policy.total_timeout_secs = Some(total_timeout_secs);
    SlackConnector::from_config(&config).unwrap()
}

fn connector(mock: &MockPlatform) -> SlackConnector {
    connector_with(mock, 5.0)
}

/// `METHOD /api/<method>` with the bot token.
fn api(http_method: &str, slack_method: &str) -> MockBuilder {
    Mock::given(method(http_method))
        .and(path(format!("/api/{slack_method}")))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
}

/// A POST with Slack's JSON content type and exactly `body`.
fn json_call(slack_method: &str, body: Value) -> MockBuilder {
    api("POST", slack_method)
        .and(header("content-type", "application/json; charset=utf-8"))
        .and(body_json(body))
}

fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

fn ctx() -> CallContext {
    CallContext::default()
}

#[tokio::test]
async fn chat_post_message_sends_json_with_slack_argument_names() {
    let mock = MockPlatform::start().await;
    json_call(
        "chat.postMessage",
        json!({"channel": "C123ABC456", "text": "Here's a message for you", "thread_ts": "1503435950.000100", "unfurl_links": false}),
    )
    .respond_with(ok(fixture("chat_post_message.json")))
    .expect(2)
    .mount(mock.server())
    .await;
    let slack = connector(&mock);
    let posted = slack
        .client()
        .chat()
        .post_message(&PostMessage {
            channel: "C123ABC456".into(),
            text: Some("Here's a message for you".into()),
            thread_ts: Some("1503435950.000100".into()),
            unfurl_links: Some(false),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(posted.ts, "1503435956.000247");
    assert_eq!(posted.channel, "C123ABC456");
    let message = posted.message.unwrap();
    assert_eq!(message.bot_id.as_deref(), Some("B123ABC456"));
    assert_eq!(message.extra["subtype"], "bot_message");

    let value = slack
        .call(
            &ctx(),
            "chat.post_message",
            json!({"channel": "C123ABC456", "text": "Here's a message for you", "thread_ts": "1503435950.000100", "unfurl_links": false}),
        )
        .await
        .unwrap();
    assert_eq!(
        value,
        fixture("chat_post_message.json"),
        "Slack's JSON comes back unchanged"
    );
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn chat_post_message_needs_content_before_sending() {
    let mock = MockPlatform::start().await;
    let e = connector(&mock)
        .call(&ctx(), "chat.post_message", json!({"channel": "C1"}))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(
        e.to_string().contains("`text`, `blocks` or `attachments`"),
        "{e}"
    );
    assert!(mock.received_requests().await.is_empty());
}

#[tokio::test]
async fn chat_update_delete_and_post_ephemeral() {
    let mock = MockPlatform::start().await;
    let blocks = json!([{"type": "section", "text": {"type": "mrkdwn", "text": "*Updated*"}}]);
    json_call(
        "chat.update",
        json!({"channel": "C123ABC456", "ts": "1401383885.000061", "text": "Updated text you carefully authored", "blocks": blocks}),
    )
    .respond_with(ok(fixture("chat_update.json")))
    .expect(1)
    .mount(mock.server())
    .await;
    json_call(
        "chat.delete",
        json!({"channel": "C123ABC456", "ts": "1401383885.000061"}),
    )
    .respond_with(ok(fixture("chat_delete.json")))
    .expect(1)
    .mount(mock.server())
    .await;
    json_call(
        "chat.postEphemeral",
        json!({"channel": "C123ABC456", "user": "U0BPQUNTA", "text": "Only you can see this"}),
    )
    .respond_with(ok(fixture("chat_post_ephemeral.json")))
    .expect(1)
    .mount(mock.server())
    .await;

    let slack = connector(&mock);
    let chat = slack.client().chat();
    let updated = chat
        .update(&UpdateMessage {
            channel: "C123ABC456".into(),
            ts: "1401383885.000061".into(),
            text: Some("Updated text you carefully authored".into()),
            blocks: Some(blocks.clone()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        updated.text.as_deref(),
        Some("Updated text you carefully authored")
    );
    assert_eq!(updated.message.unwrap().user.as_deref(), Some("U34567890"));
    let deleted = chat
        .delete(&DeleteMessage {
            channel: "C123ABC456".into(),
            ts: "1401383885.000061".into(),
        })
        .await
        .unwrap();
    assert_eq!(deleted.ts, "1401383885.000061");
    let ephemeral = chat
        .post_ephemeral(&PostEphemeral {
            channel: "C123ABC456".into(),
            user: "U0BPQUNTA".into(),
            text: Some("Only you can see this".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(ephemeral.message_ts, "1502210682.580145");
    mock.assert_no_unexpected();
}

fn channel(id: &str) -> Value {
    let mut c = fixture("conversations_list.json")["channels"][0].clone();
    c["id"] = json!(id);
    c["name"] = json!(format!("channel-{id}"));
    c
}

fn page(items_key: &str, items: Vec<Value>, next_cursor: &str) -> Value {
    json!({"ok": true, items_key: items, "response_metadata": {"next_cursor": next_cursor}})
}

#[tokio::test]
async fn conversations_list_pages_with_cursors_and_is_cached_for_30_minutes() {
    let mock = MockPlatform::start().await;
    let pages = [
        (
            None,
            page(
                "channels",
                vec![channel("C1"), channel("C2")],
                "dGVhbTpDMg==",
            ),
        ),
        (
            Some("dGVhbTpDMg=="),
            page(
                "channels",
                vec![channel("C3"), channel("C4")],
                "dGVhbTpDNA==",
            ),
        ),
        (
            Some("dGVhbTpDNA=="),
            page("channels", vec![channel("C5")], ""),
        ),
    ];
    for (cursor, body) in pages {
        let mock_builder = api("GET", "conversations.list")
            .and(query_param("limit", "2"))
            .and(query_param("types", "public_channel,private_channel"))
            .and(query_param("exclude_archived", "true"));
        let mock_builder = match cursor {
            None => mock_builder.and(query_param_is_missing("cursor")),
            Some(c) => mock_builder.and(query_param("cursor", c)),
        };
        // Once: the dynamic run below is served from the cache.
        mock_builder
            .respond_with(ok(body))
            .expect(1)
            .mount(mock.server())
            .await;
    }
    let slack = connector(&mock);
    let input = ListConversations {
        limit: Some(2),
        types: Some("public_channel,private_channel".into()),
        exclude_archived: Some(true),
        ..Default::default()
    };
    let ids: Vec<String> = slack
        .client()
        .conversations()
        .list_all(&input)
        .map_ok(|c| c.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["C1", "C2", "C3", "C4", "C5"]);

    let raw: Vec<Value> = slack
        .call_all(
            &ctx(),
            "conversations.list",
            json!({"limit": 2, "types": "public_channel,private_channel", "exclude_archived": true}),
        )
        .try_collect()
        .await
        .unwrap();
    assert_eq!(raw.len(), 5);
    assert_eq!(raw[4]["name"], "channel-C5");
    assert_eq!(raw[0]["num_members"], 4, "unknown fields are kept");

    let first = slack
        .call(
            &ctx(),
            "conversations.list",
            json!({"limit": 2, "types": "public_channel,private_channel", "exclude_archived": true}),
        )
        .await
        .unwrap();
    assert_eq!(
        first.as_array().unwrap().len(),
        2,
        "call returns the first page's items"
    );
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn conversations_history_pages_until_has_more_is_false() {
    let mock = MockPlatform::start().await;
    let message = |ts: &str| json!({"type": "message", "user": "U123ABC456", "text": format!("message {ts}"), "ts": ts});
    let first = fixture("conversations_history.json");
    let second = json!({"ok": true, "messages": [message("1512085000.000100")], "has_more": false, "pin_count": 0, "response_metadata": {"next_cursor": ""}});
    api("GET", "conversations.history")
        .and(query_param("channel", "C123ABC456"))
        .and(query_param("oldest", "1512000000.000000"))
        .and(query_param("limit", "2"))
        .and(query_param_is_missing("cursor"))
        .respond_with(ok(first))
        .expect(2)
        .mount(mock.server())
        .await;
    api("GET", "conversations.history")
        .and(query_param("channel", "C123ABC456"))
        .and(query_param("cursor", "bmV4dF90czoxNTEyMDg1ODYxMDAwNTQz"))
        .respond_with(ok(second))
        .expect(2)
        .mount(mock.server())
        .await;
    let slack = connector(&mock);
    let input = ConversationHistory {
        channel: "C123ABC456".into(),
        oldest: Some("1512000000.000000".into()),
        limit: Some(2),
        ..Default::default()
    };
    let page = slack
        .client()
        .conversations()
        .history(&input)
        .await
        .unwrap();
    assert!(page.has_more);
    assert_eq!(page.messages[0].user.as_deref(), Some("U123ABC456"));
    assert_eq!(page.extra["pin_count"], 0);
    let all: Vec<String> = slack
        .client()
        .conversations()
        .history_all(&input)
        .map_ok(|m| m.ts.unwrap())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        all,
        [
            "1512085950.000216",
            "1512104434.000490",
            "1512085000.000100"
        ]
    );
    // History is never cached: the second page is fetched again.
    let raw: Vec<Value> = slack
        .call_all(
            &ctx(),
            "conversations.history",
            json!({"channel": "C123ABC456", "oldest": "1512000000.000000", "limit": 2, "cursor": "bmV4dF90czoxNTEyMDg1ODYxMDAwNTQz"}),
        )
        .try_collect()
        .await
        .unwrap();
    assert_eq!(raw.len(), 1, "a given cursor starts there");
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn conversations_info_is_parsed_and_cached() {
    let mock = MockPlatform::start().await;
    api("GET", "conversations.info")
        .and(query_param("channel", "C012AB3CD"))
        .and(query_param("include_num_members", "true"))
        .and(header("accept", "application/json"))
        .respond_with(ok(fixture("conversations_info.json")))
        .expect(1)
        .mount(mock.server())
        .await;
    let slack = connector(&mock);
    let input = GetConversation {
        channel: "C012AB3CD".into(),
        include_num_members: Some(true),
        ..Default::default()
    };
    let info = slack.client().conversations().info(&input).await.unwrap();
    assert_eq!(info.channel.name.as_deref(), Some("general"));
    assert_eq!(info.channel.is_member, Some(true));
    assert_eq!(
        info.channel.extra["topic"]["value"],
        "For public discussion of generalities"
    );
    let again = slack
        .call(
            &ctx(),
            "conversations.info",
            json!({"channel": "C012AB3CD", "include_num_members": true}),
        )
        .await
        .unwrap();
    assert_eq!(again, fixture("conversations_info.json"));
}

#[tokio::test]
async fn users_list_pages_with_cursors() {
    let mock = MockPlatform::start().await;
    let fixture_page = fixture("users_list.json");
    let members = fixture_page["members"].as_array().unwrap().clone();
    let mut last = members[0].clone();
    last["id"] = json!("W0LAST");
    api("GET", "users.list")
        .and(query_param("limit", "2"))
        .and(query_param_is_missing("cursor"))
        .respond_with(ok(fixture_page))
        .expect(1)
        .mount(mock.server())
        .await;
    api("GET", "users.list")
        .and(query_param("limit", "2"))
        .and(query_param("cursor", "dXNlcjpVMEc5V0ZYTlo="))
        .respond_with(ok(page("members", vec![last], "")))
        .expect(1)
        .mount(mock.server())
        .await;
    let slack = connector(&mock);
    let first = slack
        .client()
        .users()
        .list(&ListUsers {
            limit: Some(2),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(first.members.len(), 2);
    assert_eq!(
        first.response_metadata.unwrap().next_cursor.as_deref(),
        Some("dXNlcjpVMEc5V0ZYTlo=")
    );
    let ids: Vec<Value> = slack
        .call_all(&ctx(), "users.list", json!({"limit": 2}))
        .map_ok(|u| u["id"].clone())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        ids,
        [json!("W012A3CDE"), json!("W07QCRPA4"), json!("W0LAST")]
    );
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn users_info_is_parsed_and_cached() {
    let mock = MockPlatform::start().await;
    api("GET", "users.info")
        .and(query_param("user", "W012A3CDE"))
        .and(query_param("include_locale", "true"))
        .respond_with(ok(fixture("users_info.json")))
        .expect(1)
        .mount(mock.server())
        .await;
    let slack = connector(&mock);
    let input = GetUser {
        user: "W012A3CDE".into(),
        include_locale: Some(true),
    };
    let user = slack.client().users().info(&input).await.unwrap().user;
    assert_eq!(user.real_name.as_deref(), Some("Egon Spengler"));
    let profile = user.profile.unwrap();
    assert_eq!(
        profile.email.as_deref(),
        Some("spengler@ghostbusters.example.com")
    );
    let cached = slack.client().users().info(&input).await.unwrap();
    assert_eq!(cached.user.extra["tz"], "America/Los_Angeles");
}

async fn mount_upload_flow(mock: &MockPlatform, expected_body: &'static str, complete: Value) {
    api("POST", "files.getUploadURLExternal")
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string(format!(
            "filename=report.csv&length={}",
            expected_body.len()
        )))
        .respond_with(ok(fixture("files_get_upload_url_external.json")))
        .expect(1)
        .mount(mock.server())
        .await;
    // `https://files.slack.com/upload/v1/...` from the answer, with the origin override.
    Mock::given(method("POST"))
        .and(path("/upload/v1/CwABAAAAXAoAAZnBg"))
        .and(header("content-type", "application/octet-stream"))
        .and(body_string(expected_body))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(format!("OK - {}", expected_body.len())),
        )
        .expect(1)
        .mount(mock.server())
        .await;
    json_call("files.completeUploadExternal", complete)
        .respond_with(ok(fixture("files_complete_upload_external.json")))
        .expect(1)
        .mount(mock.server())
        .await;
}

#[tokio::test]
async fn files_upload_runs_the_external_upload_flow() {
    let mock = MockPlatform::start().await;
    mount_upload_flow(
        &mock,
        "id,total\n1,42\n",
        json!({"files": [{"id": "F123ABC456", "title": "slack-test"}], "channel_id": "C123ABC456", "initial_comment": "The numbers", "thread_ts": "1524523204.000192"}),
    )
    .await;
    let slack = connector(&mock);
    let done = slack
        .client()
        .files()
        .upload(&UploadFile {
            filename: "report.csv".into(),
            content: Some("id,total\n1,42\n".into()),
            title: Some("slack-test".into()),
            channel_id: Some("C123ABC456".into()),
            initial_comment: Some("The numbers".into()),
            thread_ts: Some("1524523204.000192".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(done.files[0].id, "F123ABC456");
    assert_eq!(done.files[0].title.as_deref(), Some("slack-test"));

    let requests = mock.received_requests().await;
    let order: Vec<&str> = requests.iter().map(|r| r.url.path()).collect();
    assert_eq!(
        order,
        [
            "/api/files.getUploadURLExternal",
            "/upload/v1/CwABAAAAXAoAAZnBg",
            "/api/files.completeUploadExternal"
        ]
    );
    assert!(
        !requests[1].headers.contains_key("authorization"),
        "the token never goes to upload_url"
    );
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn files_upload_takes_base64_content_in_dynamic_calls() {
    let mock = MockPlatform::start().await;
    mount_upload_flow(
        &mock,
        "hello world",
        json!({"files": [{"id": "F123ABC456"}], "channels": "C1,C2"}),
    )
    .await;
    let value = connector(&mock)
        .call(
            &ctx(),
            "files.upload",
            json!({"filename": "report.csv", "content_base64": "aGVsbG8gd29ybGQ=", "channels": "C1,C2"}),
        )
        .await
        .unwrap();
    assert_eq!(value, fixture("files_complete_upload_external.json"));
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn files_upload_refuses_an_upload_url_outside_slack() {
    let mock = MockPlatform::start().await;
    api("POST", "files.getUploadURLExternal")
        .respond_with(ok(json!({"ok": true, "upload_url": "https://files.example.net/upload/v1/x", "file_id": "F1"})))
        .expect(1)
        .mount(mock.server())
        .await;
    let e = connector(&mock)
        .call(
            &ctx(),
            "files.upload",
            json!({"filename": "a.txt", "content": "secret report"}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Upstream);
    assert!(e.to_string().contains("upload_url"), "{e}");
    assert_eq!(
        mock.received_requests().await.len(),
        1,
        "no bytes sent, nothing completed"
    );
    let e = connector(&mock)
        .call(
            &ctx(),
            "files.upload",
            json!({"filename": "a.txt", "content": "x", "content_base64": "eA=="}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
}

#[tokio::test]
async fn views_open_posts_the_view() {
    let mock = MockPlatform::start().await;
    let view = json!({
        "type": "modal", "callback_id": "identify_your_modals",
        "title": {"type": "plain_text", "text": "Quite a plain modal"},
        "submit": {"type": "plain_text", "text": "Create"},
        "blocks": [{"type": "input", "block_id": "a_block_id", "label": {"type": "plain_text", "text": "A simple label", "emoji": true}, "optional": false, "element": {"type": "plain_text_input", "action_id": "an_action_id"}}]
    });
    json_call(
        "views.open",
        json!({"trigger_id": "12345.98765.abcd2358fdea", "view": view}),
    )
    .respond_with(ok(fixture("views_open.json")))
    .expect(1)
    .mount(mock.server())
    .await;
    let slack = connector(&mock);
    let opened = slack
        .client()
        .views()
        .open(&OpenView {
            trigger_id: Some("12345.98765.abcd2358fdea".into()),
            interactivity_pointer: None,
            view,
        })
        .await
        .unwrap();
    assert_eq!(opened.view.id, "VMHU10V25");
    assert_eq!(opened.view.hash.as_deref(), Some("156772938.1827394"));
    let e = slack
        .call(&ctx(), "views.open", json!({"view": {"type": "modal"}}))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn auth_test_is_the_health_check() {
    let mock = MockPlatform::start().await;
    api("POST", "auth.test")
        .respond_with(ok(fixture("auth_test.json")))
        .expect(2)
        .mount(mock.server())
        .await;
    let slack = connector(&mock);
    let me = slack.client().auth().test().await.unwrap();
    assert_eq!(me.team_id, "T12345678");
    assert_eq!(me.user.as_deref(), Some("grace"));
    let health = slack.health(&ctx()).await.unwrap();
    assert_eq!(health["url"], "https://subarachnoid.slack.com/");
}

#[tokio::test]
async fn response_url_reply_posts_the_message_without_the_token() {
    let mock = MockPlatform::start().await;
    Mock::given(method("POST"))
        .and(path("/commands/T1DC2JH3J/397700885554/96rGlfmibIGlgcZRskXaIFfN"))
        .and(header("content-type", "application/json; charset=utf-8"))
        .and(body_json(json!({"text": "Deployed :rocket:", "response_type": "in_channel", "replace_original": false})))
        .respond_with(ok(json!({"ok": true})))
        .expect(2)
        .mount(mock.server())
        .await;
    let slack = connector(&mock);
    // Slack's own URL: accepted, and sent to the configured origin.
    let answer = slack
        .client()
        .response_url()
        .reply(&Reply {
            response_url:
                "https://hooks.slack.com/commands/T1DC2JH3J/397700885554/96rGlfmibIGlgcZRskXaIFfN"
                    .into(),
            text: Some("Deployed :rocket:".into()),
            response_type: Some(ResponseType::InChannel),
            replace_original: Some(false),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(answer.ok);
    // The configured origin itself (tests, proxies): accepted.
    let url = format!(
        "{}/commands/T1DC2JH3J/397700885554/96rGlfmibIGlgcZRskXaIFfN",
        mock.uri()
    );
    let value = slack
        .call(
            &ctx(),
            "response_url.reply",
            json!({"response_url": url, "text": "Deployed :rocket:", "response_type": "in_channel", "replace_original": false}),
        )
        .await
        .unwrap();
    assert_eq!(value, json!({"ok": true}));
    // A plain-text answer reads as `{"ok": true}`.
    Mock::given(method("POST"))
        .and(path("/actions/T1/2/xyz"))
        .and(body_json(json!({"delete_original": true})))
        .respond_with(ResponseTemplate::new(200).set_body_string("ok"))
        .expect(1)
        .mount(mock.server())
        .await;
    let value = slack
        .call(
            &ctx(),
            "response_url.reply",
            json!({"response_url": "https://hooks.slack.com/actions/T1/2/xyz", "delete_original": true}),
        )
        .await
        .unwrap();
    assert_eq!(value, json!({"ok": true}));
    for request in mock.received_requests().await {
        assert!(!request.headers.contains_key("authorization"));
    }
    for bad in [
        "https://hooks.slack.com.evil.example/commands/1",
        "http://hooks.slack.com/commands/1",
        "https://example.com/commands/1",
        "not a url",
    ] {
        let e = slack
            .call(
                &ctx(),
                "response_url.reply",
                json!({"response_url": bad, "text": "x"}),
            )
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput, "{bad}: {e}");
    }
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn ok_false_answers_become_typed_errors_after_one_request() {
    let mock = MockPlatform::start().await;
    let cases = [
        (
            "C0NOPE",
            json!({"ok": false, "error": "channel_not_found"}),
            ErrorKind::NotFound,
        ),
        (
            "C0AUTH",
            json!({"ok": false, "error": "invalid_auth"}),
            ErrorKind::Unauthorized,
        ),
        (
            "C0SCOPE",
            json!({"ok": false, "error": "missing_scope", "needed": "channels:read", "provided": "chat:write"}),
            ErrorKind::Forbidden,
        ),
        (
            "C0EXP",
            json!({"ok": false, "error": "token_expired"}),
            ErrorKind::TokenExpired,
        ),
    ];
    for (channel, body, _) in &cases {
        api("GET", "conversations.info")
            .and(query_param("channel", *channel))
            .respond_with(ok(body.clone()))
            .expect(1)
            .mount(mock.server())
            .await;
    }
    let slack = connector(&mock);
    for (channel, body, kind) in cases {
        let e = slack
            .call(&ctx(), "conversations.info", json!({"channel": channel}))
            .await
            .unwrap_err();
        assert_eq!(e.kind(), kind, "{channel}: {e}");
        assert_eq!(e.status(), Some(200));
        assert_eq!(
            e.context_value(plugboard_slack::ERROR_CODE),
            body["error"].as_str()
        );
        assert!(!e.to_string().contains(TOKEN));
    }
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn a_ratelimited_answer_is_waited_out_without_tripping_the_breaker() {
    let mock = MockPlatform::start().await;
    api("GET", "conversations.info")
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "1")
                .set_body_json(json!({"ok": false, "error": "ratelimited"})),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(mock.server())
        .await;
    api("GET", "conversations.info")
        .respond_with(ok(fixture("conversations_info.json")))
        .with_priority(2)
        .mount(mock.server())
        .await;
    let slack = connector(&mock);
    let started = Instant::now();
    let info = slack
        .client()
        .conversations()
        .info(&GetConversation {
            channel: "C012AB3CD".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(info.channel.id, "C012AB3CD");
    assert!(started.elapsed() >= Duration::from_millis(950));
    assert_eq!(mock.received_requests().await.len(), 2);
    let host = format!("127.0.0.1:{}", mock.url().port().unwrap());
    assert_eq!(
        slack.client().runtime().breaker_state(&host).as_str(),
        "closed"
    );
}

#[tokio::test]
async fn a_ratelimited_ok_false_is_honoured_even_for_a_post() {
    let mock = MockPlatform::start().await;
    api("POST", "chat.postMessage")
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("retry-after", "1")
                .set_body_json(json!({"ok": false, "error": "ratelimited"})),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(mock.server())
        .await;
    api("POST", "chat.postMessage")
        .respond_with(ok(fixture("chat_post_message.json")))
        .with_priority(2)
        .mount(mock.server())
        .await;
    let slack = connector(&mock);
    let started = Instant::now();
    let posted = slack
        .call(
            &ctx(),
            "chat.post_message",
            json!({"channel": "C123ABC456", "text": "hi"}),
        )
        .await
        .unwrap();
    assert_eq!(posted["ts"], "1503435956.000247");
    assert!(started.elapsed() >= Duration::from_millis(950));
    assert_eq!(mock.received_requests().await.len(), 2);
    let host = format!("127.0.0.1:{}", mock.url().port().unwrap());
    assert_eq!(
        slack.client().runtime().breaker_state(&host).as_str(),
        "closed"
    );
}

#[tokio::test]
async fn a_long_retry_after_fails_fast_with_the_wait() {
    let mock = MockPlatform::start().await;
    api("GET", "users.info")
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "30")
                .set_body_json(json!({"ok": false, "error": "ratelimited"})),
        )
        .expect(1)
        .mount(mock.server())
        .await;
    let e = connector(&mock)
        .call(&ctx(), "users.info", json!({"user": "W1"}))
        .await
        .unwrap_err();
    assert_eq!(e.retry_after(), Some(Duration::from_secs(30)));
    assert!(matches!(e.kind(), ErrorKind::RateLimited { .. }));
}

#[tokio::test]
async fn each_method_has_its_own_tier_bucket() {
    let mock = MockPlatform::start().await;
    api("GET", "users.list")
        .respond_with(ok(page("members", vec![], "")))
        .expect(20)
        .mount(mock.server())
        .await;
    api("GET", "conversations.list")
        .respond_with(ok(page("channels", vec![], "")))
        .expect(1)
        .mount(mock.server())
        .await;
    // A 1 s deadline: the 21st Tier 2 call in a minute would have to wait 3 s, so it fails
    // at once without a request.
    let slack = connector_with(&mock, 1.0);
    for n in 0..20 {
        slack
            .call(&ctx(), "users.list", json!({"cursor": format!("c{n}")}))
            .await
            .unwrap();
    }
    let e = slack
        .call(&ctx(), "users.list", json!({"cursor": "c20"}))
        .await
        .unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::RateLimited { .. }), "{e}");
    // conversations.list is Tier 2 too, with a budget of its own.
    slack
        .call(&ctx(), "conversations.list", json!({}))
        .await
        .unwrap();
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn dynamic_calls_validate_input_before_sending() {
    let mock = MockPlatform::start().await;
    let slack = connector(&mock);
    let e = slack
        .call(&ctx(), "chat.schedule_message", json!({}))
        .await
        .unwrap_err();
    assert!(
        e.to_string().contains("auth.test, chat.delete, chat.post_ephemeral, chat.post_message, chat.update, conversations.history, conversations.info, conversations.list, files.upload, response_url.reply, users.info, users.list, views.open"),
        "{e}"
    );
    let e = slack
        .call(&ctx(), "conversations.list", json!({"limit": 5000}))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("limit"), "{e}");
    let e = slack
        .call(&ctx(), "users.info", json!({"user": "W1", "bogus": true}))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("bogus"), "{e}");
    let e = slack
        .call_all(&ctx(), "users.list", json!({"limit": 0}))
        .try_collect::<Vec<Value>>()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(mock.received_requests().await.is_empty());
}

#[test]
fn descriptors_carry_tiers_idempotency_and_caching() {
    use plugboard_slack::OPERATIONS;
    let expected = [
        // (id, rate class, idempotent, read_only, paginated, cached 30 min)
        ("auth.test", "special_auth_test", true, true, false, false),
        ("chat.delete", "tier3", true, false, false, false),
        ("chat.post_ephemeral", "tier4", false, false, false, false),
        (
            "chat.post_message",
            "special_post_message",
            false,
            false,
            false,
            false,
        ),
        ("chat.update", "tier3", true, false, false, false),
        ("conversations.history", "tier3", true, true, true, false),
        ("conversations.info", "tier3", true, true, false, true),
        ("conversations.list", "tier2", true, true, true, true),
        ("files.upload", "tier4", false, false, false, false),
        ("response_url.reply", "hooks", false, false, false, false),
        ("users.info", "tier4", true, true, false, true),
        ("users.list", "tier2", true, true, true, true),
        ("views.open", "tier4", false, false, false, false),
    ];
    assert_eq!(OPERATIONS.len(), expected.len());
    for (op, (id, class, idempotent, read_only, paginated, cached)) in
        OPERATIONS.iter().zip(expected)
    {
        assert_eq!(op.id.as_str(), id);
        assert_eq!(op.rate_class.0, class, "{id}");
        assert_eq!(op.idempotent, idempotent, "{id}");
        assert_eq!(op.read_only, read_only, "{id}");
        assert_eq!(op.paginated, paginated, "{id}");
        assert_eq!(
            op.cache_ttl,
            cached.then_some(Duration::from_secs(1800)),
            "{id}"
        );
    }
}

#[tokio::test]
async fn channel_source_lists_every_channel_as_the_unified_model() {
    use plugboard_core::unified::{ChannelKind, ChannelSource};
    let mock = MockPlatform::start().await;
    api("GET", "conversations.list")
        .and(query_param("types", "public_channel,private_channel"))
        .and(query_param("exclude_archived", "true"))
        .and(query_param("limit", "200"))
        .and(query_param_is_missing("cursor"))
        .respond_with(ok(fixture("conversations_list.json")))
        .expect(1)
        .mount(mock.server())
        .await;
    api("GET", "conversations.list")
        .and(query_param("cursor", "dGVhbTpDMDYxRkE1UEI="))
        .respond_with(ok(page("channels", vec![channel("C3")], "")))
        .expect(1)
        .mount(mock.server())
        .await;
    let channels = connector(&mock).channels(&ctx()).await.unwrap();
    let names: Vec<&str> = channels.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["general", "random", "channel-C3"]);
    assert!(
        channels
            .iter()
            .all(|c| c.platform == "slack" && c.kind == ChannelKind::SlackChannel)
    );
    assert_eq!(channels[0].id, "C012AB3CD");
    assert_eq!(channels[0].raw["num_members"], 4);
    mock.assert_no_unexpected();
}
