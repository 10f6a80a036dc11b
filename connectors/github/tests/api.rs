//! The GitHub client against a mock of GitHub's REST API: each operation's request (method,
//! path, query, headers, body) and parsed result, pagination, and GitHub's error shapes.

use std::time::Duration;

use futures::TryStreamExt;
use plugboard_core::{CallContext, Connector, ConnectorConfig, ErrorKind, SecretString};
use plugboard_github::GithubConnector;
use plugboard_github::api::issues::{CreateIssue, GetIssue, ListIssues, StateFilter};
use plugboard_github::api::repos::GetRepo;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "ghp_test_token_0123456789";

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).expect(&path)).unwrap()
}

fn connector(server: &MockServer) -> GithubConnector {
    let mut config = ConnectorConfig {
        base_url: Some(server.uri().parse().unwrap()),
        token: Some(SecretString::from(TOKEN)),
        ..Default::default()
    };
    config.policy.total_timeout_secs = Some(5.0);
    GithubConnector::from_config(&config).unwrap()
}

fn github_headers(mock: wiremock::MockBuilder) -> wiremock::MockBuilder {
    mock.and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header("accept", "application/vnd.github+json"))
        .and(header("x-github-api-version", "2022-11-28"))
}

#[tokio::test]
async fn repos_get_sends_the_documented_request_and_parses_the_repository() {
    let server = MockServer::start().await;
    github_headers(Mock::given(method("GET")).and(path("/repos/octocat/Hello-World")))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("repo.json")))
        .expect(1)
        .mount(&server)
        .await;
    let gh = connector(&server);
    let repo = gh
        .client()
        .repos()
        .get(&GetRepo {
            owner: "octocat".into(),
            repo: "Hello-World".into(),
        })
        .await
        .unwrap();
    assert_eq!(repo.full_name, "octocat/Hello-World");
    assert_eq!(repo.owner.login, "octocat");
    assert_eq!(repo.default_branch.as_deref(), Some("master"));
    // Cached for an hour: the second call is served without a request (expect(1) above).
    let again = gh
        .call(
            &CallContext::default(),
            "repos.get",
            json!({"owner": "octocat", "repo": "Hello-World"}),
        )
        .await
        .unwrap();
    assert_eq!(
        again["topics"],
        json!(["octocat", "atom", "electron", "api"]),
        "unknown fields are kept"
    );
}

#[tokio::test]
async fn issues_list_sends_github_parameter_names() {
    let server = MockServer::start().await;
    github_headers(Mock::given(method("GET")).and(path("/repos/o/r/issues")))
        .and(query_param("state", "all"))
        .and(query_param("labels", "bug,ui"))
        .and(query_param("per_page", "2"))
        .and(query_param("sort", "updated"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([fixture("issue.json")])))
        .expect(1)
        .mount(&server)
        .await;
    let gh = connector(&server);
    let issues = gh
        .client()
        .issues()
        .list(&ListIssues {
            owner: "o".into(),
            repo: "r".into(),
            state: Some(StateFilter::All),
            labels: Some("bug,ui".into()),
            per_page: Some(2),
            sort: Some(plugboard_github::api::issues::Sort::Updated),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].number, 1347);
    assert_eq!(issues[0].labels[0].name, "bug");
}

#[tokio::test]
async fn issues_list_all_follows_link_headers_across_pages() {
    let server = MockServer::start().await;
    let uri = server.uri();
    for page in 1..=3u64 {
        let items: Vec<Value> = (0..2)
            .map(|i| {
                let mut issue = fixture("issue.json");
                issue["number"] = json!(page * 10 + i);
                issue["id"] = json!(page * 10 + i);
                issue
            })
            .collect();
        let mut response = ResponseTemplate::new(200).set_body_json(items);
        if page < 3 {
            response = response.insert_header(
                "link",
                format!(
                    "<{uri}/repositories/1/issues?per_page=2&page={}>; rel=\"next\", <{uri}/repositories/1/issues?per_page=2&page=3>; rel=\"last\"",
                    page + 1
                ),
            );
        }
        let mock = if page == 1 {
            Mock::given(method("GET"))
                .and(path("/repos/o/r/issues"))
                .and(query_param("per_page", "2"))
        } else {
            Mock::given(method("GET"))
                .and(path("/repositories/1/issues"))
                .and(query_param("page", page.to_string()))
        };
        // Once for the typed stream, once for the dynamic one.
        github_headers(mock)
            .respond_with(response)
            .expect(2)
            .mount(&server)
            .await;
    }
    let gh = connector(&server);
    let numbers: Vec<u64> = gh
        .client()
        .issues()
        .list_all(&ListIssues {
            owner: "o".into(),
            repo: "r".into(),
            per_page: Some(2),
            ..Default::default()
        })
        .map_ok(|i| i.number)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(numbers, vec![10, 11, 20, 21, 30, 31]);

    let raw: Vec<Value> = gh
        .call_all(
            &CallContext::default(),
            "issues.list",
            json!({"owner": "o", "repo": "r", "per_page": 2}),
        )
        .try_collect::<Vec<Value>>()
        .await
        .unwrap();
    assert_eq!(raw.len(), 6);
}

#[tokio::test]
async fn issues_get_and_create() {
    let server = MockServer::start().await;
    github_headers(Mock::given(method("GET")).and(path("/repos/octocat/Hello-World/issues/1347")))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("issue.json")))
        .expect(1)
        .mount(&server)
        .await;
    github_headers(Mock::given(method("POST")).and(path("/repos/octocat/Hello-World/issues")))
        .and(body_json(json!({"title": "Found a bug", "body": "I'm having a problem with this.", "labels": ["bug"], "assignees": ["octocat"]})))
        .respond_with(ResponseTemplate::new(201).set_body_json(fixture("issue.json")))
        .expect(1)
        .mount(&server)
        .await;
    let gh = connector(&server);
    let issue = gh
        .client()
        .issues()
        .get(&GetIssue {
            owner: "octocat".into(),
            repo: "Hello-World".into(),
            issue_number: 1347,
        })
        .await
        .unwrap();
    assert_eq!(issue.title, "Found a bug");
    assert_eq!(issue.assignees[0].login, "octocat");
    let created = gh
        .client()
        .issues()
        .create(&CreateIssue {
            owner: "octocat".into(),
            repo: "Hello-World".into(),
            title: "Found a bug".into(),
            body: Some("I'm having a problem with this.".into()),
            labels: Some(vec!["bug".into()]),
            assignees: Some(vec!["octocat".into()]),
            milestone: None,
        })
        .await
        .unwrap();
    assert_eq!(created.number, 1347);
}

#[tokio::test]
async fn rate_limit_get_is_the_health_check() {
    let server = MockServer::start().await;
    github_headers(Mock::given(method("GET")).and(path("/rate_limit")))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("rate_limit.json")))
        .expect(2)
        .mount(&server)
        .await;
    let gh = connector(&server);
    let limits = gh.client().rate_limit().get().await.unwrap();
    assert_eq!(limits.resources["core"].remaining, 4999);
    let health = gh.health(&CallContext::default()).await.unwrap();
    assert_eq!(health["resources"]["search"]["limit"], 30);
}

#[tokio::test]
async fn dynamic_calls_validate_input_and_list_operations() {
    let server = MockServer::start().await;
    let gh = connector(&server);
    let ctx = CallContext::default();
    let e = gh.call(&ctx, "issues.delete", json!({})).await.unwrap_err();
    assert!(
        e.to_string()
            .contains("issues.create, issues.get, issues.list, rate_limit.get, repos.get"),
        "{e}"
    );
    let e = gh
        .call(
            &ctx,
            "issues.get",
            json!({"owner": "o", "repo": "r", "issue_number": "x"}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(e.to_string().contains("issue_number"), "{e}");
    let e = gh
        .call(
            &ctx,
            "issues.list",
            json!({"owner": "o", "repo": "r", "per_page": 500}),
        )
        .await
        .unwrap_err();
    assert!(e.to_string().contains("per_page"), "{e}");
    assert!(
        server.received_requests().await.unwrap().is_empty(),
        "invalid input sends nothing"
    );
}

#[tokio::test]
async fn not_found_and_validation_errors_carry_github_messages() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"message": "Not Found", "documentation_url": "https://docs.github.com/rest/issues/issues#get-an-issue", "status": "404"})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(422).set_body_json(json!({"message": "Validation Failed", "errors": [{"resource": "Issue", "field": "title", "code": "missing_field"}], "documentation_url": "https://docs.github.com/rest/issues/issues#create-an-issue"})))
        .mount(&server)
        .await;
    let gh = connector(&server);
    let ctx = CallContext::default();
    let e = gh
        .call(
            &ctx,
            "issues.get",
            json!({"owner": "o", "repo": "r", "issue_number": 1}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert!(
        e.to_string()
            .contains("github issues.get: not_found (HTTP 404): Not Found"),
        "{e}"
    );
    let e = gh
        .call(
            &ctx,
            "issues.create",
            json!({"owner": "o", "repo": "r", "title": ""}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert_eq!(e.status(), Some(422));
}

#[tokio::test]
async fn a_secondary_limit_403_with_retry_after_is_waited_out_without_tripping_the_breaker() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(403)
                .insert_header("retry-after", "1")
                .set_body_json(json!({"message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.", "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"})),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("issue.json")))
        .with_priority(2)
        .mount(&server)
        .await;
    let gh = connector(&server);
    let started = std::time::Instant::now();
    let issue = gh
        .client()
        .issues()
        .get(&GetIssue {
            owner: "o".into(),
            repo: "r".into(),
            issue_number: 1,
        })
        .await
        .unwrap();
    assert_eq!(issue.number, 1347);
    assert!(started.elapsed() >= Duration::from_millis(950));
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
    let host = format!("127.0.0.1:{}", server.address().port());
    assert_eq!(
        gh.client().runtime().breaker_state(&host).as_str(),
        "closed"
    );
}

#[tokio::test]
async fn a_spent_primary_limit_fails_fast_with_the_reset_time() {
    let server = MockServer::start().await;
    let reset = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 1800;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(403)
                .insert_header("x-ratelimit-limit", "5000")
                .insert_header("x-ratelimit-remaining", "0")
                .insert_header("x-ratelimit-reset", reset.to_string())
                .set_body_json(json!({"message": "API rate limit exceeded for user ID 1.", "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"})),
        )
        .mount(&server)
        .await;
    let gh = connector(&server);
    let e = gh
        .call(
            &CallContext::default(),
            "issues.get",
            json!({"owner": "o", "repo": "r", "issue_number": 1}),
        )
        .await
        .unwrap_err();
    match e.kind() {
        ErrorKind::RateLimited {
            retry_after: Some(wait),
        } => {
            assert!(
                wait > Duration::from_secs(1700) && wait <= Duration::from_secs(1800),
                "{wait:?}"
            )
        }
        other => panic!("expected RateLimited, got {other:?}"),
    }
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}
