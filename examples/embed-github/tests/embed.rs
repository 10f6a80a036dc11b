//! The example's two halves against local stand-ins: the client against a mock GitHub
//! (wiremock on 127.0.0.1), the webhook receiver on 127.0.0.1:0 fed deliveries signed the
//! way GitHub signs them.

use std::time::Duration;

use example_embed_github::{on_event, open_issues, webhook_ingress};
use plugboard_core::{ConnectorConfig, SecretString, WebhookSecrets};
use plugboard_github::{GithubClient, GithubEvent};
use plugboard_ingress::{Delivery, Ingress, SinkError};
use plugboard_store::EntryFilter;
use plugboard_testkit::wiremock::matchers::{body_json, header, method, path};
use plugboard_testkit::wiremock::{Mock, ResponseTemplate};
use plugboard_testkit::{MockPlatform, SignedDelivery, webhooks};
use serde_json::{Value, json};
use tokio::sync::{mpsc, oneshot};

/// GitHub's documented example secret.
const SECRET: &str = "It's a Secret to Everybody";
const TOKEN: &str = "ghp_example_0123456789";

/// An `issues` `opened` payload, trimmed to what GitHub always sends.
const ISSUE_OPENED: &str = r#"{"action":"opened",
 "issue":{"id":1,"number":1347,"title":"Found a bug","state":"open",
          "html_url":"https://github.com/octocat/Hello-World/issues/1347"},
 "repository":{"id":1296269,"name":"Hello-World","full_name":"octocat/Hello-World",
               "owner":{"login":"octocat","id":1},"html_url":"https://github.com/octocat/Hello-World"},
 "sender":{"login":"monalisa","id":2}}"#;

fn client(mock: &MockPlatform) -> GithubClient {
    let config = ConnectorConfig {
        base_url: Some(mock.url()),
        token: Some(SecretString::from(TOKEN)),
        ..Default::default()
    };
    GithubClient::from_config(&config).unwrap()
}

fn issue(number: u64, title: &str) -> Value {
    json!({"id": number, "number": number, "title": title, "state": "open",
           "html_url": format!("https://github.com/octocat/Hello-World/issues/{number}")})
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
    /// POSTs `delivery` to `/webhooks/github`: the status and the JSON answer.
    async fn post(&self, delivery: &SignedDelivery) -> (u16, Value) {
        let response = reqwest::Client::new()
            .post(format!("{}/webhooks/github", self.base))
            .headers(delivery.headers.clone())
            .body(delivery.body.clone())
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.json().await.unwrap())
    }

    async fn stop(self) {
        self.stop.send(()).unwrap();
        self.task.await.unwrap();
    }
}

#[tokio::test]
async fn lists_open_issues_across_pages() {
    let mock = MockPlatform::start().await;
    let pages = vec![
        json!([issue(1, "first"), issue(2, "second")]),
        json!([issue(3, "third")]),
    ];
    mock.mount_link_header_pages("/repos/octocat/Hello-World/issues", pages)
        .await;

    let issues = open_issues(&client(&mock), "octocat", "Hello-World")
        .await
        .unwrap();

    let titles: Vec<&str> = issues.iter().map(|i| i.title.as_str()).collect();
    assert_eq!(titles, ["first", "second", "third"]);
    let sent = mock
        .requests_to("GET", "/repos/octocat/Hello-World/issues")
        .await;
    assert_eq!(sent.len(), 2, "one request per page");
    let first = &sent[0];
    let query: Vec<(String, String)> = first.url.query_pairs().into_owned().collect();
    assert!(
        query.contains(&("state".into(), "open".into())),
        "{query:?}"
    );
    assert!(
        query.contains(&("per_page".into(), "100".into())),
        "{query:?}"
    );
    assert_eq!(
        first.headers.get("authorization").unwrap(),
        &format!("Bearer {TOKEN}")
    );
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn a_signed_delivery_reaches_the_handler_as_a_typed_event() {
    let (seen, mut events) = mpsc::unbounded_channel::<(GithubEvent, Delivery)>();
    let secrets = WebhookSecrets::from_strs([SECRET]).unwrap();
    let ingress = webhook_ingress(secrets, move |event, delivery| {
        let seen = seen.clone();
        async move {
            seen.send((event, delivery))
                .map_err(|_| SinkError::permanent("the test stopped listening"))
        }
    })
    .unwrap();
    let store = ingress.store().clone();
    let server = serve(ingress).await;

    let delivery = webhooks::github(SECRET, "issues", "d-1347", ISSUE_OPENED);
    let (status, answer) = server.post(&delivery).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["status"], "accepted");
    assert_eq!(answer["event_id"], "d-1347");

    let (event, meta) = tokio::time::timeout(Duration::from_secs(10), events.recv())
        .await
        .expect("the handler was not called")
        .unwrap();
    match event {
        GithubEvent::Issues(e) => {
            assert_eq!(e.action, "opened");
            assert_eq!(e.issue.number, 1347);
            assert_eq!(e.sender.login, "monalisa");
        }
        other => panic!("expected an issues event, got {other:?}"),
    }
    assert_eq!(
        (
            meta.connector.as_str(),
            meta.event_type.as_str(),
            meta.event_id.as_str()
        ),
        ("github", "issues", "d-1347")
    );
    assert_eq!(meta.attempt, 1);

    // GitHub redelivers with the same X-GitHub-Delivery: acknowledged, not stored again.
    let (status, answer) = server.post(&delivery).await;
    assert_eq!(
        (status, answer["status"].as_str()),
        (200, Some("duplicate"))
    );
    // A body changed in transit fails verification and is not stored.
    let (status, answer) = server.post(&delivery.clone().tampered()).await;
    assert_eq!(
        (status, answer["error"].as_str()),
        (401, Some("bad_signature"))
    );
    let stored = store.list(&EntryFilter::default()).await.unwrap();
    assert_eq!(stored.len(), 1);

    server.stop().await;
}

#[tokio::test]
async fn a_new_issue_gets_a_thank_you_comment() {
    let mock = MockPlatform::start().await;
    let comments = "/repos/octocat/Hello-World/issues/1347/comments";
    Mock::given(method("POST"))
        .and(path(comments))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(body_json(
            json!({"body": "Thanks for the report, @monalisa!"}),
        ))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "id": 1, "body": "Thanks for the report, @monalisa!",
            "html_url": "https://github.com/octocat/Hello-World/issues/1347#issuecomment-1"
        })))
        .expect(1)
        .mount(mock.server())
        .await;
    let github = client(&mock);
    let secrets = WebhookSecrets::from_strs([SECRET]).unwrap();
    let ingress = webhook_ingress(secrets, move |event, delivery| {
        let github = github.clone();
        async move { on_event(&github, event, &delivery).await }
    })
    .unwrap();
    let server = serve(ingress).await;

    let delivery = webhooks::github(SECRET, "issues", "d-1", ISSUE_OPENED);
    assert_eq!(server.post(&delivery).await.0, 200);

    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while mock.requests_to("POST", comments).await.is_empty() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "no comment was posted"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server.stop().await;
    mock.assert_no_unexpected();
}
