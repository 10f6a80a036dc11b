//! Slack request verification over raw bytes: Slack's documented example at its time and ten
//! minutes later, the `url_verification` handshake, event ids and types of the Events API,
//! slash commands and interactivity, typed events with their `Unknown` arms, and rejections.

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::Method;
use plugboard_core::{
    VerifiedWebhook, WebhookError, WebhookEvent, WebhookRequest, WebhookSecrets, WebhookVerifier,
};
use plugboard_slack::SLACK_WEBHOOKS;
use plugboard_slack::events::{InnerEvent, SlackEvent};
use plugboard_testkit::{SignedDelivery, unix, webhooks};

/// The signing secret of Slack's "Verifying requests from Slack" example.
const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
/// Its timestamp.
const TIMESTAMP: u64 = 1531420618;
/// Its body: a slash command, form-encoded.
const BODY: &str = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
/// The signature Slack documents for it.
const SIGNATURE: &str = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

fn secrets(list: &[&str]) -> WebhookSecrets {
    WebhookSecrets::from_strs(list.iter().copied()).unwrap()
}

fn documented() -> SignedDelivery {
    SignedDelivery::new(BODY)
        .with_header("Content-Type", "application/x-www-form-urlencoded")
        .with_header("X-Slack-Request-Timestamp", &TIMESTAMP.to_string())
        .with_header("X-Slack-Signature", SIGNATURE)
}

fn verify_at(delivery: &SignedDelivery, now: u64) -> Result<VerifiedWebhook, WebhookError> {
    SLACK_WEBHOOKS.verify(&delivery.request(), &secrets(&[SECRET]), unix(now))
}

/// A delivery signed now-ish (at `TIMESTAMP`) with the documented secret.
fn signed(body: impl Into<Bytes>) -> SignedDelivery {
    webhooks::slack(SECRET, TIMESTAMP as i64, body)
}

fn form_payload(json: &str) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .append_pair("payload", json)
        .finish()
}

fn fixture_text(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).expect(&path)
}

#[test]
fn accepts_slacks_documented_example_at_its_time_and_rejects_it_ten_minutes_later() {
    let v = verify_at(&documented(), TIMESTAMP).unwrap();
    assert_eq!(
        v.event_id(),
        "398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
    );
    assert_eq!(v.event_type(), "slash_command:/webhook-collect");
    assert_eq!(v.body().as_ref(), BODY.as_bytes());
    assert_eq!(v.attributes()["team_id"], "T1DC2JH3J");
    assert_eq!(v.attributes()["channel_id"], "G8PSS9T3V");
    assert_eq!(v.attributes()["user_id"], "U2CERLKJA");

    // Inside the five-minute window on either side.
    assert!(verify_at(&documented(), TIMESTAMP + 299).is_ok());
    assert!(verify_at(&documented(), TIMESTAMP - 299).is_ok());
    assert!(matches!(
        verify_at(&documented(), TIMESTAMP + 600),
        Err(WebhookError::Stale {
            skew_secs: 600,
            tolerance_secs: 300
        })
    ));
    assert!(matches!(
        verify_at(&documented(), TIMESTAMP - 600),
        Err(WebhookError::Stale { .. })
    ));
}

#[test]
fn the_documented_slash_command_parses_into_a_typed_event_without_the_token() {
    let v = verify_at(&documented(), TIMESTAMP).unwrap();
    let SlackEvent::SlashCommand(command) = SlackEvent::from_verified(&v).unwrap() else {
        panic!("expected a slash command");
    };
    assert_eq!(command.command, "/webhook-collect");
    assert_eq!(command.text, "");
    assert_eq!(command.user_id, "U2CERLKJA");
    assert_eq!(
        command.response_url,
        "https://hooks.slack.com/commands/T1DC2JH3J/397700885554/96rGlfmibIGlgcZRskXaIFfN"
    );
    assert_eq!(command.extra["user_name"], "roadrunner");
    assert!(!command.extra.contains_key("token"));
    assert!(!format!("{command:?}").contains("xyzz0WbapA4vBCDEFasx0q6G"));
}

#[test]
fn rejects_tampering_wrong_secrets_and_other_versions() {
    let tampered = documented().with_body(BODY.replace("roadrunner", "coyote"));
    assert_eq!(
        verify_at(&tampered, TIMESTAMP).unwrap_err(),
        WebhookError::BadSignature
    );
    let wrong = SLACK_WEBHOOKS.verify(
        &documented().request(),
        &secrets(&["another-signing-secret"]),
        unix(TIMESTAMP),
    );
    assert_eq!(wrong.unwrap_err(), WebhookError::BadSignature);
    // Re-signing the same body with a different timestamp is a different signature.
    let moved = documented().with_header("X-Slack-Request-Timestamp", "1531420619");
    assert_eq!(
        verify_at(&moved, TIMESTAMP).unwrap_err(),
        WebhookError::BadSignature
    );
    let v1 = documented().with_header("X-Slack-Signature", &SIGNATURE.replace("v0=", "v1="));
    assert!(matches!(
        verify_at(&v1, TIMESTAMP),
        Err(WebhookError::UnsupportedAlgorithm(v)) if v == "v1"
    ));
    let bare = documented().with_header("X-Slack-Signature", &SIGNATURE[3..]);
    assert!(matches!(
        verify_at(&bare, TIMESTAMP),
        Err(WebhookError::Malformed(_))
    ));
    let words = documented().with_header("X-Slack-Request-Timestamp", "yesterday");
    assert!(matches!(
        verify_at(&words, TIMESTAMP),
        Err(WebhookError::Malformed(_))
    ));
    assert_eq!(
        verify_at(&documented().without_header("x-slack-signature"), TIMESTAMP).unwrap_err(),
        WebhookError::MissingHeader("x-slack-signature")
    );
    assert_eq!(
        verify_at(
            &documented().without_header("x-slack-request-timestamp"),
            TIMESTAMP
        )
        .unwrap_err(),
        WebhookError::MissingHeader("x-slack-request-timestamp")
    );
}

#[test]
fn accepts_the_previous_secret_during_rotation() {
    let v = SLACK_WEBHOOKS
        .verify(
            &documented().request(),
            &secrets(&["the-new-signing-secret", SECRET]),
            unix(TIMESTAMP),
        )
        .unwrap();
    assert_eq!(v.event_type(), "slash_command:/webhook-collect");
}

#[test]
fn verification_is_over_the_raw_form_bytes() {
    // The same fields encoded differently (`/` instead of `%2F`) are different bytes.
    let reencoded = documented().with_body(BODY.replace("%2Fwebhook-collect", "/webhook-collect"));
    assert_eq!(
        verify_at(&reencoded, TIMESTAMP).unwrap_err(),
        WebhookError::BadSignature
    );
}

#[test]
fn events_api_events_use_event_id_and_keep_the_retry_headers() {
    let body = fixture_text("event_callback_app_mention.json");
    let delivery = signed(body.clone())
        .with_header("X-Slack-Retry-Num", "1")
        .with_header("X-Slack-Retry-Reason", "http_timeout");
    let v = verify_at(&delivery, TIMESTAMP + 5).unwrap();
    assert_eq!(v.event_id(), "Ev123ABC456");
    assert_eq!(v.event_type(), "event_callback:app_mention");
    assert_eq!(v.attributes()["retry_num"], "1");
    assert_eq!(v.attributes()["retry_reason"], "http_timeout");
    assert_eq!(v.attributes()["team_id"], "T123ABC456");
    assert_eq!(v.attributes()["api_app_id"], "A123ABC456");
    assert_eq!(v.body().as_ref(), body.as_bytes());

    let SlackEvent::EventCallback(envelope) = SlackEvent::from_verified(&v).unwrap() else {
        panic!("expected an event_callback");
    };
    assert_eq!(envelope.event_id, "Ev123ABC456");
    assert_eq!(envelope.event.kind(), "app_mention");
    let InnerEvent::AppMention(mention) = &envelope.event else {
        panic!("expected app_mention");
    };
    assert_eq!(mention.channel, "C123ABC456");
    assert_eq!(mention.user, "U123ABC456");
    assert!(!envelope.extra.contains_key("token"));
    assert_eq!(envelope.extra["authed_users"][0], "U0LAN0Z89");
}

#[test]
fn unknown_inner_events_and_envelopes_parse_into_unknown_arms() {
    let body = r#"{"token":"x","team_id":"T1","api_app_id":"A1","type":"event_callback","event_id":"Ev2","event_time":1,"event":{"type":"workflow_step_execute","callback_id":"cb"}}"#;
    let v = verify_at(&signed(body), TIMESTAMP).unwrap();
    assert_eq!(v.event_type(), "event_callback:workflow_step_execute");
    let SlackEvent::EventCallback(envelope) = SlackEvent::from_verified(&v).unwrap() else {
        panic!("expected an event_callback");
    };
    match &envelope.event {
        InnerEvent::Unknown { event, raw } => {
            assert_eq!(event, "workflow_step_execute");
            assert_eq!(raw["callback_id"], "cb");
        }
        other => panic!("expected Unknown, got {other:?}"),
    }

    let body = r#"{"token":"x","team_id":"T1","minute_rate_limited":1518467820,"api_app_id":"A1","type":"app_rate_limited"}"#;
    let v = verify_at(&signed(body), TIMESTAMP).unwrap();
    assert_eq!(v.event_type(), "app_rate_limited");
    assert!(v.event_id().starts_with("sha256:"), "no id of its own");
    match SlackEvent::from_verified(&v).unwrap() {
        SlackEvent::Unknown { event, raw } => {
            assert_eq!(event, "app_rate_limited");
            assert_eq!(raw["minute_rate_limited"], 1518467820);
            assert!(raw.get("token").is_none());
        }
        other => panic!("expected Unknown, got {other:?}"),
    }

    let suggestion = form_payload(
        r#"{"type":"block_suggestion","user":{"id":"U1"},"action_id":"a","block_id":"b","value":"pri","action_ts":"1.5"}"#,
    );
    let v = verify_at(&signed(suggestion), TIMESTAMP).unwrap();
    assert_eq!(v.event_type(), "interactive:block_suggestion");
    assert_eq!(v.event_id(), "block_suggestion:U1:1.5");
    assert!(matches!(
        SlackEvent::from_verified(&v).unwrap(),
        SlackEvent::Unknown { event, .. } if event == "interactive:block_suggestion"
    ));
}

#[test]
fn url_verification_is_answered_only_after_the_signature_checks() {
    let body = r#"{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}"#;
    let delivery = signed(body);
    let answer = SLACK_WEBHOOKS
        .handshake(&delivery.request(), &secrets(&[SECRET]), unix(TIMESTAMP))
        .expect("a handshake")
        .unwrap();
    assert_eq!(answer.status, 200);
    assert_eq!(answer.content_type, "text/plain");
    assert_eq!(
        answer.body.as_ref(),
        b"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    );

    let forged = delivery.clone().with_header(
        "X-Slack-Signature",
        "v0=0000000000000000000000000000000000000000000000000000000000000000",
    );
    assert_eq!(
        SLACK_WEBHOOKS
            .handshake(&forged.request(), &secrets(&[SECRET]), unix(TIMESTAMP))
            .expect("still a handshake")
            .unwrap_err(),
        WebhookError::BadSignature
    );
    assert!(matches!(
        SLACK_WEBHOOKS
            .handshake(
                &delivery.request(),
                &secrets(&[SECRET]),
                unix(TIMESTAMP + 600)
            )
            .unwrap()
            .unwrap_err(),
        WebhookError::Stale { .. }
    ));
    assert!(
        SLACK_WEBHOOKS
            .handshake(
                &documented().request(),
                &secrets(&[SECRET]),
                unix(TIMESTAMP)
            )
            .is_none(),
        "ordinary deliveries are not handshakes"
    );
    let event = signed(fixture_text("event_callback_app_mention.json"));
    assert!(
        SLACK_WEBHOOKS
            .handshake(&event.request(), &secrets(&[SECRET]), unix(TIMESTAMP))
            .is_none()
    );

    let v = verify_at(&delivery, TIMESTAMP).unwrap();
    assert_eq!(v.event_type(), "url_verification");
    assert!(matches!(
        SlackEvent::from_verified(&v).unwrap(),
        SlackEvent::UrlVerification(u) if u.challenge.starts_with("3eZbrw1a")
    ));
}

#[test]
fn block_actions_use_the_trigger_id_and_parse_typed() {
    let body = form_payload(&fixture_text("block_actions_payload.json"));
    let v = verify_at(&signed(body), TIMESTAMP).unwrap();
    assert_eq!(
        v.event_id(),
        "12321423423.333649436676.d8c1bb837935619ccad0f624c448ffb3"
    );
    assert_eq!(v.event_type(), "interactive:block_actions");
    assert_eq!(v.attributes()["user_id"], "U123ABC456");
    assert_eq!(v.attributes()["channel_id"], "C123ABC456");
    assert_eq!(v.attributes()["team_id"], "T123ABC456");
    let SlackEvent::BlockActions(actions) = SlackEvent::from_verified(&v).unwrap() else {
        panic!("expected block_actions");
    };
    assert_eq!(actions.actions[0].action_id, "WaXA");
    assert_eq!(actions.actions[0].value.as_deref(), Some("click_me_123"));
    assert_eq!(actions.actions[0].kind.as_deref(), Some("button"));
    assert_eq!(actions.channel.as_ref().unwrap().id, "C123ABC456");
    assert!(
        actions
            .response_url
            .as_deref()
            .unwrap()
            .starts_with("https://hooks.slack.com/actions/")
    );
    assert!(!actions.extra.contains_key("token"));
}

#[test]
fn view_submissions_shortcuts_and_message_actions_parse_typed() {
    let body = form_payload(&fixture_text("view_submission_payload.json"));
    let v = verify_at(&signed(body), TIMESTAMP).unwrap();
    assert_eq!(v.event_type(), "interactive:view_submission");
    assert_eq!(v.event_id(), "1234567890.1234567890.abcdef0123456789abcdef");
    let SlackEvent::ViewSubmission(submission) = SlackEvent::from_verified(&v).unwrap() else {
        panic!("expected view_submission");
    };
    assert_eq!(submission.view.callback_id.as_deref(), Some("ticket_form"));
    assert_eq!(
        submission.view.state.as_ref().unwrap()["values"]["title_block"]["title"]["value"],
        "Printer on fire"
    );

    let shortcut = form_payload(
        r#"{"type":"shortcut","token":"XXXX","action_ts":"1581106241.371594","team":{"id":"TXXXXXXXX","domain":"shortcuts-test"},"user":{"id":"UXXXXXXXXX","username":"aman","team_id":"TXXXXXXXX"},"callback_id":"shortcut_create_task","trigger_id":"944799105734.773906753841.38b5894552bdd4a780554ee59d1f3638"}"#,
    );
    let v = verify_at(&signed(shortcut), TIMESTAMP).unwrap();
    assert_eq!(v.event_type(), "interactive:shortcut");
    assert_eq!(
        v.event_id(),
        "944799105734.773906753841.38b5894552bdd4a780554ee59d1f3638"
    );
    let SlackEvent::Shortcut(shortcut) = SlackEvent::from_verified(&v).unwrap() else {
        panic!("expected shortcut");
    };
    assert_eq!(shortcut.callback_id, "shortcut_create_task");

    let message_action = form_payload(
        r#"{"type":"message_action","token":"XXXX","action_ts":"1607081569.852971","team":{"id":"T111"},"user":{"id":"W111"},"channel":{"id":"C1111","name":"general"},"callback_id":"unique-id-for-message-shortcut","trigger_id":"111.222.xxx","message_ts":"1607081562.000400","message":{"type":"message","text":"hello","user":"W222","ts":"1607081562.000400"},"response_url":"https://hooks.slack.com/app/T111/123/xyz"}"#,
    );
    let v = verify_at(&signed(message_action), TIMESTAMP).unwrap();
    assert_eq!(v.event_type(), "interactive:message_action");
    let SlackEvent::MessageAction(action) = SlackEvent::from_verified(&v).unwrap() else {
        panic!("expected message_action");
    };
    assert_eq!(action.message.as_ref().unwrap()["text"], "hello");
    assert_eq!(action.channel.as_ref().unwrap().id, "C1111");
}

#[test]
fn a_form_body_without_command_or_payload_is_unknown_with_a_digest_id() {
    let v = verify_at(&signed("foo=bar&baz=1"), TIMESTAMP).unwrap();
    assert_eq!(v.event_type(), "unknown");
    assert!(v.event_id().starts_with("sha256:"));
    match SlackEvent::parse(v.event_type(), v.body()).unwrap() {
        SlackEvent::Unknown { raw, .. } => assert_eq!(raw["foo"], "bar"),
        other => panic!("expected Unknown, got {other:?}"),
    }
}

#[test]
fn the_replay_window_is_five_minutes_both_ways_around_now() {
    let now = SystemTime::now();
    let ts = now
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let delivery = webhooks::slack(SECRET, ts, "command=%2Fx&trigger_id=1");
    let request = WebhookRequest {
        method: &Method::POST,
        headers: &delivery.headers,
        query: None,
        body: &delivery.body,
    };
    let s = secrets(&[SECRET]);
    assert!(SLACK_WEBHOOKS.verify(&request, &s, now).is_ok());
    assert!(
        SLACK_WEBHOOKS
            .verify(&request, &s, now + Duration::from_secs(301))
            .is_err()
    );
    assert!(
        SLACK_WEBHOOKS
            .verify(&request, &s, now - Duration::from_secs(301))
            .is_err()
    );
}
