//! The example end to end against mocked Jira, GitHub and Slack in their documented shapes:
//! the report's markdown, and one Slack message with the headline numbers.

use example_sprint_report::{headline, report_and_post};
use plugboard_core::{ConnectorConfig, SecretString};
use plugboard_github::GithubClient;
use plugboard_jira::JiraClient;
use plugboard_reports::fetch::{SprintQuery, SprintSelector};
use plugboard_slack::SlackClient;
use plugboard_testkit::MockPlatform;
use plugboard_testkit::sprint::{BOARD_ID, SprintFixture, SprintSpec};
use plugboard_testkit::wiremock::matchers::{header, method, path};
use plugboard_testkit::wiremock::{Mock, ResponseTemplate};
use serde_json::{Value, json};

fn config(mock: &MockPlatform, token: &str) -> ConnectorConfig {
    ConnectorConfig {
        base_url: Some(mock.uri().parse().unwrap()),
        token: Some(SecretString::from(token)),
        ..Default::default()
    }
}

#[tokio::test]
async fn the_active_sprint_is_reported_and_its_headline_posted_once() {
    let fixture = SprintFixture::generate(SprintSpec::small());
    let (jira_mock, github_mock, slack_mock) = (
        MockPlatform::start().await,
        MockPlatform::start().await,
        MockPlatform::start().await,
    );
    fixture.mount_jira(&jira_mock).await;
    fixture.mount_github(&github_mock).await;
    Mock::given(method("POST"))
        .and(path("/api/chat.postMessage"))
        .and(header("authorization", "Bearer xoxb-example"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "ok": true,
            "channel": "C0123456789",
            "ts": "1772700000.000100",
            "message": {"type": "message", "text": "...", "ts": "1772700000.000100"}
        })))
        .expect(1)
        .mount(slack_mock.server())
        .await;

    let mut jira_config = config(&jira_mock, "jira-token");
    jira_config
        .settings
        .insert("email".into(), "lead@example.com".into());
    let jira = JiraClient::from_config(&jira_config).unwrap();
    let github = GithubClient::from_config(&config(&github_mock, "ghp_example")).unwrap();
    let slack = SlackClient::from_config(&config(&slack_mock, "xoxb-example")).unwrap();
    let repos = fixture
        .spec
        .repos
        .iter()
        .map(|r| r.parse().unwrap())
        .collect();
    let query = SprintQuery::new(BOARD_ID, SprintSelector::Active, repos);

    let outcome = report_and_post(&jira, Some(&github), Some((&slack, "C0123456789")), &query)
        .await
        .unwrap();
    assert_eq!(outcome.posted.as_deref(), Some("1772700000.000100"));
    assert!(
        outcome.markdown.contains("| [PROJ-2]"),
        "{}",
        outcome.markdown
    );
    assert_eq!(outcome.report.issues.len(), fixture.issues.len());

    let sent = slack_mock
        .requests_to("POST", "/api/chat.postMessage")
        .await;
    assert_eq!(sent.len(), 1);
    let body: Value = serde_json::from_slice(&sent[0].body).unwrap();
    assert_eq!(body["channel"], "C0123456789");
    assert_eq!(body["unfurl_links"], false);
    let text = body["text"].as_str().unwrap();
    assert_eq!(text, headline(&outcome.report));
    let s = &outcome.report.summary;
    assert!(
        text.starts_with(&format!(
            "*Sprint 42*: {} of {} points done",
            s.completed.points, s.scope_at_end.points
        )),
        "{text}"
    );
    assert!(text.contains("Scope: +1 / -1 issues."), "{text}");
    assert!(text.contains("pull requests"), "{text}");
}
