//! The example's two halves against local stand-ins: the client against a mock Slack
//! (wiremock on 127.0.0.1), the Events API receiver on 127.0.0.1:0 fed requests signed the
//! way Slack signs them (`v0`, current timestamp).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use example_embed_slack::{events_ingress, on_event, post};
use plugboard_core::{ConnectorConfig, SecretString, WebhookSecrets};
use plugboard_ingress::{Delivery, Ingress, SinkError};
use plugboard_slack::events::InnerEvent;
use plugboard_slack::{SlackClient, SlackEvent};
use plugboard_testkit::wiremock::matchers::{body_json, header, method, path};
use plugboard_testkit::wiremock::{Mock, ResponseTemplate};
use plugboard_testkit::{MockPlatform, SignedDelivery, webhooks};
use serde_json::{Value, json};
use tokio::sync::{mpsc, oneshot};

/// Slack's documented example signing secret.
const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
const TOKEN: &str = "xoxb-example-0123456789";

/// An Events API delivery: the app was mentioned in a channel.
const MENTION: &str = r#"{"type":"event_callback","team_id":"T123ABC456","api_app_id":"A123ABC456",
 "event_id":"Ev123ABC456","event_time":1515449522,
 "event":{"type":"app_mention","user":"U123ABC456","text":"<@U0LAN0Z89> status?",
          "ts":"1515449522.000016","channel":"C123ABC456","event_ts":"1515449522.000016"}}"#;

fn client(mock: &MockPlatform) -> SlackClient {
    let config = ConnectorConfig {
        base_url: Some(mock.url()),
        token: Some(SecretString::from(TOKEN)),
        ..Default::default()
    };
    SlackClient::from_config(&config).unwrap()
}

/// `body` signed with [`SECRET`] at the current time.
fn signed(body: &str) -> SignedDelivery {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    webhooks::slack(SECRET, now as i64, body.to_string())
}

/// Mounts `chat.postMessage`, requiring the token, JSON and `expected` as the body.
async fn mount_post_message(mock: &MockPlatform, expected: Value) {
    Mock::given(method("POST"))
        .and(path("/api/chat.postMessage"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header("content-type", "application/json; charset=utf-8"))
        .and(body_json(expected))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "ok": true, "channel": "C123ABC456", "ts": "1503435956.000247",
            "message": {"type": "message", "text": "posted", "ts": "1503435956.000247"}
        })))
        .expect(1)
        .mount(mock.server())
        .await;
}

/// An ingress served on a free loopback port until [`Server::stop`].
struct Server {
    base: String,
    stop: oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

async fn serve(ingress: Ingress) -> Server {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let shutdown = async {
            let _ = stopped.await;
        };
        ingress.serve(listener, shutdown).await.unwrap();
    });
    Server { base, stop, task }
}

impl Server {
    /// POSTs `delivery` to `/webhooks/slack`: the status, content type and body.
    async fn post(&self, delivery: &SignedDelivery) -> (u16, String, String) {
        let response = reqwest::Client::new()
            .post(format!("{}/webhooks/slack", self.base))
            .headers(delivery.headers.clone())
            .body(delivery.body.clone())
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let content_type = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_string();
        (status, content_type, response.text().await.unwrap())
    }

    async fn stop(self) {
        self.stop.send(()).unwrap();
        self.task.await.unwrap();
    }
}

/// An ingress whose handler forwards every event to the returned receiver.
fn recording_ingress() -> (Ingress, mpsc::UnboundedReceiver<(SlackEvent, Delivery)>) {
    let (seen, events) = mpsc::unbounded_channel();
    let secrets = WebhookSecrets::from_strs([SECRET]).unwrap();
    let ingress = events_ingress(secrets, move |event, delivery| {
        let seen = seen.clone();
        async move {
            seen.send((event, delivery))
                .map_err(|_| SinkError::permanent("the test stopped listening"))
        }
    })
    .unwrap();
    (ingress, events)
}

#[tokio::test]
async fn posts_a_message() {
    let mock = MockPlatform::start().await;
    mount_post_message(&mock, json!({"channel": "C123ABC456", "text": "hello"})).await;

    let posted = post(&client(&mock), "C123ABC456", "hello", None)
        .await
        .unwrap();

    assert_eq!(posted.channel, "C123ABC456");
    assert_eq!(posted.ts, "1503435956.000247");
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn answers_the_url_verification_handshake_once_signed() {
    let (ingress, _events) = recording_ingress();
    let store = ingress.store().clone();
    let server = serve(ingress).await;
    let handshake = r#"{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","type":"url_verification",
        "challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}"#;

    let (status, content_type, body) = server.post(&signed(handshake)).await;
    assert_eq!(status, 200);
    assert_eq!(content_type, "text/plain");
    assert_eq!(body, "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P");

    // Without a valid signature the challenge is not echoed.
    let unsigned = signed(handshake).without_header("X-Slack-Signature");
    let (status, _, body) = server.post(&unsigned).await;
    assert_eq!(status, 401, "{body}");
    assert!(body.contains("missing_signature"), "{body}");
    // A handshake is answered, never stored.
    let stored = store.list(&Default::default()).await.unwrap();
    assert!(stored.is_empty(), "{stored:?}");

    server.stop().await;
}

#[tokio::test]
async fn an_event_reaches_the_handler_as_a_typed_event() {
    let (ingress, mut events) = recording_ingress();
    let server = serve(ingress).await;

    let (status, _, body) = server.post(&signed(MENTION)).await;
    assert_eq!(status, 200, "{body}");
    let answer: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(answer["status"], "accepted");

    let (event, meta) = tokio::time::timeout(Duration::from_secs(10), events.recv())
        .await
        .expect("the handler was not called")
        .unwrap();
    let SlackEvent::EventCallback(callback) = event else {
        panic!("expected an event_callback, got {event:?}");
    };
    let InnerEvent::AppMention(mention) = &callback.event else {
        panic!("expected an app_mention, got {:?}", callback.event);
    };
    assert_eq!(mention.user, "U123ABC456");
    assert_eq!(mention.channel, "C123ABC456");
    assert_eq!(meta.event_id, "Ev123ABC456");
    assert_eq!(meta.event_type, "event_callback:app_mention");

    // Slack retries an event it thinks failed: same event_id, acknowledged as a duplicate.
    let retry = signed(MENTION).with_header("X-Slack-Retry-Num", "1");
    let (status, _, body) = server.post(&retry).await;
    assert_eq!(status, 200);
    assert!(body.contains(r#""status":"duplicate""#), "{body}");

    server.stop().await;
}

#[tokio::test]
async fn a_mention_gets_a_reply_in_its_thread() {
    let mock = MockPlatform::start().await;
    let reply = json!({
        "channel": "C123ABC456",
        "text": "Hi <@U123ABC456>, I'm on it.",
        "thread_ts": "1515449522.000016"
    });
    mount_post_message(&mock, reply).await;
    let slack = client(&mock);
    let secrets = WebhookSecrets::from_strs([SECRET]).unwrap();
    let ingress = events_ingress(secrets, move |event, delivery| {
        let slack = slack.clone();
        async move { on_event(&slack, event, &delivery).await }
    })
    .unwrap();
    let server = serve(ingress).await;

    assert_eq!(server.post(&signed(MENTION)).await.0, 200);

    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while mock
        .requests_to("POST", "/api/chat.postMessage")
        .await
        .is_empty()
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "no reply was posted"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server.stop().await;
    mock.assert_no_unexpected();
}
