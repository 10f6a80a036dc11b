//! Gathering a sprint from mocked Jira and GitHub in their documented shapes: what is asked
//! for (paths, fields, expansions, sort order, pages), what is parsed (scope added and
//! removed, done dates, reviews, commits), and how each platform's failure is treated.

use std::collections::BTreeSet;

use plugboard_core::{ConnectorConfig, SecretString};
use plugboard_github::GithubClient;
use plugboard_jira::JiraClient;
use plugboard_reports::fetch::{FetchError, SprintQuery, SprintSelector, fetch_sprint};
use plugboard_testkit::MockPlatform;
use plugboard_testkit::sprint::{
    BOARD_ID, BOARD_NAME, SPRINT_ID, SprintFixture, SprintSpec, sprint_start,
};
use plugboard_testkit::wiremock::{Mock, ResponseTemplate, matchers};
use time::OffsetDateTime;

fn jira(mock: &MockPlatform) -> JiraClient {
    let mut config = ConnectorConfig {
        base_url: Some(mock.uri().parse().unwrap()),
        token: Some(SecretString::from("jira-api-token")),
        ..Default::default()
    };
    config
        .settings
        .insert("email".into(), "reporter@example.com".into());
    config.policy.total_timeout_secs = Some(5.0);
    JiraClient::from_config(&config).unwrap()
}

fn github(mock: &MockPlatform) -> GithubClient {
    let mut config = ConnectorConfig {
        base_url: Some(mock.uri().parse().unwrap()),
        token: Some(SecretString::from("ghp_report_token")),
        ..Default::default()
    };
    config.policy.total_timeout_secs = Some(3.0);
    config.policy.max_retries = Some(1);
    GithubClient::from_config(&config).unwrap()
}

fn query(fixture: &SprintFixture, sprint: SprintSelector) -> SprintQuery {
    let repos = fixture
        .spec
        .repos
        .iter()
        .map(|r| r.parse().unwrap())
        .collect();
    SprintQuery::new(BOARD_ID, sprint, repos)
}

fn now() -> OffsetDateTime {
    sprint_start() + time::Duration::days(30)
}

#[tokio::test]
async fn a_sprint_is_gathered_with_its_scope_changes_pulls_reviews_and_commits() {
    let fixture = SprintFixture::generate(SprintSpec::small());
    let (jira_mock, github_mock) = (MockPlatform::start().await, MockPlatform::start().await);
    fixture.mount_jira(&jira_mock).await;
    fixture.mount_github(&github_mock).await;
    let data = fetch_sprint(
        &jira(&jira_mock),
        Some(&github(&github_mock)),
        &query(&fixture, SprintSelector::Id(SPRINT_ID)),
        now(),
    )
    .await
    .unwrap();

    assert_eq!(data.sprint.id, SPRINT_ID);
    assert_eq!(data.board.name.as_deref(), Some(BOARD_NAME));
    assert_eq!(data.sprint.state, "closed");
    assert_eq!(data.sprint.start, sprint_start());
    assert!(data.github_available);
    assert!(data.warnings.is_empty(), "{:?}", data.warnings);
    assert_eq!(
        data.jira_base_url.as_deref(),
        Some(jira_mock.uri().as_str())
    );

    // Every planned issue once, the removed one found by the search, not the in-sprint
    // issues the search also returned.
    let keys: Vec<&str> = data.issues.iter().map(|i| i.key.as_str()).collect();
    let planned: Vec<&str> = fixture.issues.iter().map(|i| i.key.as_str()).collect();
    assert_eq!(keys, planned);
    for (got, plan) in data.issues.iter().zip(&fixture.issues) {
        assert_eq!(got.points, plan.points, "{}", plan.key);
        assert_eq!(got.done.is_some(), plan.done, "{}", plan.key);
        assert_eq!(got.added_to_sprint.is_some(), plan.added, "{}", plan.key);
        assert_eq!(
            got.removed_from_sprint.is_some(),
            plan.removed,
            "{}",
            plan.key
        );
        assert!(got.started.is_some(), "{}", plan.key);
    }
    let removed = data.issues.iter().find(|i| i.key == "PROJ-15").unwrap();
    assert_eq!(
        removed.removed_from_sprint,
        Some(sprint_start() + time::Duration::days(3))
    );
    let added = data.issues.iter().find(|i| i.key == "PROJ-10").unwrap();
    assert_eq!(
        added.added_to_sprint,
        Some(sprint_start() + time::Duration::days(2))
    );

    // The pull requests in the window (not the two older ones), each with its review.
    let numbers: BTreeSet<(String, u64)> = data
        .pulls
        .iter()
        .map(|p| (p.repo.clone(), p.number))
        .collect();
    let planned: BTreeSet<(String, u64)> = fixture
        .pulls
        .iter()
        .map(|p| (p.repo.clone(), p.number))
        .collect();
    assert_eq!(numbers, planned);
    assert!(data.pulls.iter().all(|p| p.reviews.len() == 1));
    let first = data.pulls.iter().find(|p| p.number == 101).unwrap();
    assert_eq!(first.branch, "feature/PROJ-2-work-1");
    assert_eq!(first.reviews[0].state, "APPROVED");
    assert_eq!(data.commits.len(), 20);
    assert!(data.commits.iter().any(|c| c.message.starts_with("PROJ-")));

    // What was asked: the sprint's issues with the report's fields and their changelogs.
    let asked = jira_mock
        .requests_to("GET", &format!("/rest/agile/1.0/sprint/{SPRINT_ID}/issue"))
        .await;
    assert_eq!(asked.len(), 1);
    let query: Vec<(String, String)> = asked[0].url.query_pairs().into_owned().collect();
    let fields = &query.iter().find(|(k, _)| k == "fields").unwrap().1;
    for field in [
        "summary",
        "status",
        "customfield_10016",
        "customfield_10020",
    ] {
        assert!(fields.split(',').any(|f| f == field), "{fields}");
    }
    assert!(query.contains(&("expand".into(), "changelog".into())));
    let search = jira_mock.requests_to("GET", "/rest/api/3/search/jql").await;
    assert_eq!(search.len(), 1);
    let jql = search[0]
        .url
        .query_pairs()
        .find(|(k, _)| k == "jql")
        .unwrap()
        .1
        .into_owned();
    assert_eq!(
        jql,
        "project in (PROJ) AND updated >= \"2026-03-02 09:00\" ORDER BY key"
    );
    // GitHub: most recently updated first, and one reviews request per pull request.
    for repo in &fixture.spec.repos {
        let pulls = github_mock
            .requests_to("GET", &format!("/repos/{repo}/pulls"))
            .await;
        assert_eq!(pulls.len(), 1, "{repo}");
        let q: Vec<(String, String)> = pulls[0].url.query_pairs().into_owned().collect();
        for pair in [("state", "all"), ("sort", "updated"), ("direction", "desc")] {
            assert!(q.contains(&(pair.0.into(), pair.1.into())), "{q:?}");
        }
        let commits = github_mock
            .requests_to("GET", &format!("/repos/{repo}/commits"))
            .await;
        let q: Vec<(String, String)> = commits[0].url.query_pairs().into_owned().collect();
        assert!(
            q.contains(&("since".into(), "2026-03-02T09:00:00Z".into())),
            "{q:?}"
        );
        assert!(
            q.contains(&("until".into(), "2026-03-16T10:00:00Z".into())),
            "{q:?}"
        );
    }
    let reviews = github_mock
        .received_requests()
        .await
        .into_iter()
        .filter(|r| r.url.path().ends_with("/reviews"))
        .count();
    assert_eq!(reviews, fixture.pulls.len());
    jira_mock.assert_no_unexpected();
    github_mock.assert_no_unexpected();
}

#[tokio::test]
async fn the_active_sprint_is_looked_up_on_the_board() {
    let fixture = SprintFixture::generate(SprintSpec::small());
    let (jira_mock, github_mock) = (MockPlatform::start().await, MockPlatform::start().await);
    fixture.mount_jira(&jira_mock).await;
    let mut query = query(&fixture, SprintSelector::Active);
    query.repositories.clear();
    let data = fetch_sprint(
        &jira(&jira_mock),
        Some(&github(&github_mock)),
        &query,
        now(),
    )
    .await
    .unwrap();
    assert_eq!(data.sprint.id, SPRINT_ID);
    assert_eq!(data.sprint.state, "active");
    // GitHub is configured but no repository was asked for: it is not called, the report
    // does not claim to know about code, and there is nothing to warn about.
    assert!(!data.github_available);
    assert!(github_mock.received_requests().await.is_empty());
    assert!(data.warnings.is_empty(), "{:?}", data.warnings);
}

#[tokio::test]
async fn github_down_leaves_a_jira_only_report_with_a_warning() {
    let fixture = SprintFixture::generate(SprintSpec::small());
    let (jira_mock, github_mock) = (MockPlatform::start().await, MockPlatform::start().await);
    fixture.mount_jira(&jira_mock).await;
    Mock::given(matchers::any())
        .respond_with(ResponseTemplate::new(503).set_body_string("unavailable"))
        .mount(github_mock.server())
        .await;
    let data = fetch_sprint(
        &jira(&jira_mock),
        Some(&github(&github_mock)),
        &query(&fixture, SprintSelector::Id(SPRINT_ID)),
        now(),
    )
    .await
    .unwrap();
    assert!(!data.github_available);
    assert!(data.pulls.is_empty() && data.commits.is_empty());
    assert_eq!(data.issues.len(), fixture.issues.len());
    assert_eq!(data.warnings.len(), 1, "{:?}", data.warnings);
    assert!(
        data.warnings[0].starts_with("GitHub is unavailable"),
        "{}",
        data.warnings[0]
    );
}

#[tokio::test]
async fn a_missing_repository_is_a_warning_not_a_failure() {
    let fixture = SprintFixture::generate(SprintSpec::small());
    let (jira_mock, github_mock) = (MockPlatform::start().await, MockPlatform::start().await);
    fixture.mount_jira(&jira_mock).await;
    fixture.mount_github(&github_mock).await;
    for route in ["/repos/acme/gone/pulls", "/repos/acme/gone/commits"] {
        Mock::given(matchers::path(route))
            .respond_with(ResponseTemplate::new(404).set_body_json(serde_json::json!({
                "message": "Not Found",
                "documentation_url": "https://docs.github.com/rest"
            })))
            .mount(github_mock.server())
            .await;
    }
    let mut query = query(&fixture, SprintSelector::Id(SPRINT_ID));
    query.repositories.push("acme/gone".parse().unwrap());
    let data = fetch_sprint(
        &jira(&jira_mock),
        Some(&github(&github_mock)),
        &query,
        now(),
    )
    .await
    .unwrap();
    assert!(data.github_available);
    assert_eq!(data.pulls.len(), fixture.pulls.len());
    assert_eq!(
        data.warnings,
        ["GitHub repository acme/gone was not found (or the token cannot see it)"]
    );
}

#[tokio::test]
async fn jira_down_fails_the_fetch_naming_jira() {
    let jira_mock = MockPlatform::start().await;
    Mock::given(matchers::any())
        .respond_with(ResponseTemplate::new(503))
        .mount(jira_mock.server())
        .await;
    let fixture = SprintFixture::generate(SprintSpec::small());
    let error = fetch_sprint(
        &jira(&jira_mock),
        None,
        &query(&fixture, SprintSelector::Id(SPRINT_ID)),
        now(),
    )
    .await
    .unwrap_err();
    assert!(matches!(error, FetchError::Jira(_)), "{error:?}");
    assert!(
        error.to_string().starts_with("Jira is unavailable"),
        "{error}"
    );
}
