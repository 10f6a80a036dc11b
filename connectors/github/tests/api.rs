//! The GitHub client against a mock of GitHub's REST API: each operation's request (method,
//! path, query, headers, body) and parsed result, pagination, and GitHub's error shapes.

use std::sync::Arc;
use std::time::Duration;

use futures::TryStreamExt;
use plugboard_core::{
    CacheStatus, CallContext, Connector, ConnectorConfig, ErrorKind, Runtime, SecretString,
    StaticToken,
};
use plugboard_github::api::issues::{
    CommentOnIssue, CreateIssue, GetIssue, ListIssues, State, StateFilter, UpdateIssue,
};
use plugboard_github::api::pulls::ListPulls;
use plugboard_github::api::repos::GetRepo;
use plugboard_github::{GithubClassifier, GithubClient, GithubConnector};
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
async fn issues_update_patches_given_fields_and_null_clears_the_milestone() {
    let server = MockServer::start().await;
    let mut closed = fixture("issue.json");
    closed["state"] = json!("closed");
    closed["state_reason"] = json!("completed");
    github_headers(
        Mock::given(method("PATCH")).and(path("/repos/octocat/Hello-World/issues/1347")),
    )
    .and(body_json(
        json!({"state": "closed", "state_reason": "completed", "labels": ["bug", "wontfix"]}),
    ))
    .respond_with(ResponseTemplate::new(200).set_body_json(closed.clone()))
    .expect(1)
    .mount(&server)
    .await;
    github_headers(
        Mock::given(method("PATCH")).and(path("/repos/octocat/Hello-World/issues/1347")),
    )
    .and(body_json(json!({"milestone": null, "assignees": []})))
    .respond_with(ResponseTemplate::new(200).set_body_json(closed))
    .expect(1)
    .mount(&server)
    .await;
    let gh = connector(&server);
    let issue = gh
        .client()
        .issues()
        .update(&UpdateIssue {
            owner: "octocat".into(),
            repo: "Hello-World".into(),
            issue_number: 1347,
            state: Some(State::Closed),
            state_reason: Some("completed".into()),
            labels: Some(vec!["bug".into(), "wontfix".into()]),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(issue.state, "closed");
    assert_eq!(issue.extra["state_reason"], "completed");
    let out = gh
        .call(
            &CallContext::default(),
            "issues.update",
            json!({"owner": "octocat", "repo": "Hello-World", "issue_number": 1347, "milestone": null, "assignees": []}),
        )
        .await
        .unwrap();
    assert_eq!(out["number"], 1347);
}

#[tokio::test]
async fn issues_comment_posts_the_body_and_parses_the_comment() {
    let server = MockServer::start().await;
    github_headers(
        Mock::given(method("POST")).and(path("/repos/octocat/Hello-World/issues/1347/comments")),
    )
    .and(body_json(json!({"body": "Me too"})))
    .respond_with(ResponseTemplate::new(201).set_body_json(fixture("issue_comment.json")))
    .expect(1)
    .mount(&server)
    .await;
    let gh = connector(&server);
    let comment = gh
        .client()
        .issues()
        .comment(&CommentOnIssue {
            owner: "octocat".into(),
            repo: "Hello-World".into(),
            issue_number: 1347,
            body: "Me too".into(),
        })
        .await
        .unwrap();
    assert_eq!(comment.id, 1);
    assert_eq!(comment.body.as_deref(), Some("Me too"));
    assert_eq!(comment.user.unwrap().login, "octocat");
    assert_eq!(
        comment.html_url,
        "https://github.com/octocat/Hello-World/issues/1347#issuecomment-1"
    );
}

#[tokio::test]
async fn content_creation_is_held_to_githubs_80_per_minute() {
    let server = MockServer::start().await;
    github_headers(Mock::given(method("POST")).and(path("/repos/o/r/issues/1/comments")))
        .respond_with(ResponseTemplate::new(201).set_body_json(fixture("issue_comment.json")))
        .expect(80)
        .mount(&server)
        .await;
    github_headers(Mock::given(method("GET")).and(path("/repos/o/r/issues/1")))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("issue.json")))
        .expect(1)
        .mount(&server)
        .await;
    let mut config = ConnectorConfig {
        base_url: Some(server.uri().parse().unwrap()),
        token: Some(SecretString::from(TOKEN)),
        ..Default::default()
    };
    config.policy.total_timeout_secs = Some(0.3);
    let gh = GithubConnector::from_config(&config).unwrap();
    let comment = CommentOnIssue {
        owner: "o".into(),
        repo: "r".into(),
        issue_number: 1,
        body: "+1".into(),
    };
    for _ in 0..80 {
        gh.client().issues().comment(&comment).await.unwrap();
    }
    // The 81st would wait ~0.75 s for the content bucket, past the 0.3 s deadline: it fails
    // before reaching GitHub.
    let e = gh.client().issues().comment(&comment).await.unwrap_err();
    assert!(
        matches!(
            e.kind(),
            ErrorKind::RateLimited {
                retry_after: Some(_)
            }
        ),
        "{e}"
    );
    // Reads are not in the content class.
    gh.client()
        .issues()
        .get(&GetIssue {
            owner: "o".into(),
            repo: "r".into(),
            issue_number: 1,
        })
        .await
        .unwrap();
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
        e.to_string().contains(
            "issues.comment, issues.create, issues.get, issues.list, issues.update, labels.create"
        ),
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

/// A client over a runtime whose breaker opens after a single counted failure, so a test can
/// tell "not counted" from "counted".
fn hair_trigger_client(server: &MockServer) -> GithubClient {
    let config = ConnectorConfig {
        token: Some(SecretString::from(TOKEN)),
        ..Default::default()
    };
    let mut policy = GithubClient::default_policy(&config).unwrap();
    policy.breaker.consecutive_failures = 1;
    policy.total_timeout = Duration::from_secs(5);
    let runtime = Runtime::builder(plugboard_github::INFO.id)
        .policy(policy)
        .origin(Some(server.uri().parse().unwrap()))
        .auth(Arc::new(
            StaticToken::bearer(&SecretString::from(TOKEN), "default").unwrap(),
        ))
        .classifier(Arc::new(GithubClassifier))
        .build()
        .unwrap();
    GithubClient::with_runtime(runtime)
}

fn host(server: &MockServer) -> String {
    format!("127.0.0.1:{}", server.address().port())
}

#[tokio::test]
async fn a_secondary_limit_403_with_retry_after_is_waited_out_without_tripping_the_breaker() {
    let server = MockServer::start().await;
    github_headers(Mock::given(method("GET")).and(path("/repos/o/r/issues/1")))
        .respond_with(
            ResponseTemplate::new(403)
                .insert_header("retry-after", "1")
                .insert_header("x-ratelimit-limit", "5000")
                .insert_header("x-ratelimit-remaining", "4990")
                .set_body_json(json!({"message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.", "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"})),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(&server)
        .await;
    github_headers(Mock::given(method("GET")).and(path("/repos/o/r/issues/1")))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("issue.json")))
        .with_priority(2)
        .expect(1)
        .mount(&server)
        .await;
    let gh = hair_trigger_client(&server);
    let started = std::time::Instant::now();
    let issue = gh
        .issues()
        .get(&GetIssue {
            owner: "o".into(),
            repo: "r".into(),
            issue_number: 1,
        })
        .await
        .unwrap();
    assert_eq!(issue.number, 1347);
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "retry-after was honoured: {:?}",
        started.elapsed()
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
    assert_eq!(
        gh.runtime().breaker_state(&host(&server)).as_str(),
        "closed"
    );

    // The control: with the same hair trigger, one counted failure (a 502) opens the breaker,
    // so the retry fails fast instead of reaching GitHub.
    let failing = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(502).set_body_string("Bad Gateway"))
        .expect(1)
        .mount(&failing)
        .await;
    let gh = hair_trigger_client(&failing);
    let e = gh
        .issues()
        .get(&GetIssue {
            owner: "o".into(),
            repo: "r".into(),
            issue_number: 1,
        })
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::CircuitOpen, "{e}");
    assert_eq!(gh.runtime().breaker_state(&host(&failing)).as_str(), "open");
}

#[tokio::test]
async fn a_secondary_limit_429_without_retry_after_waits_a_minute_or_fails_fast() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).set_body_json(json!({"message": "You have exceeded a secondary rate limit and have been temporarily blocked from content creation. Please retry your request again later.", "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"})))
        .expect(1)
        .mount(&server)
        .await;
    let gh = hair_trigger_client(&server);
    let e = gh
        .issues()
        .get(&GetIssue {
            owner: "o".into(),
            repo: "r".into(),
            issue_number: 1,
        })
        .await
        .unwrap_err();
    // The minute GitHub asks for does not fit a 5 s deadline: fail at once, saying how long.
    assert_eq!(e.retry_after(), Some(Duration::from_secs(60)), "{e}");
    assert_eq!(e.context_value("limit"), Some("secondary"));
    assert_eq!(
        gh.runtime().breaker_state(&host(&server)).as_str(),
        "closed"
    );
}

#[tokio::test]
async fn etag_revalidation_answers_304_from_cache_without_spending_githubs_quota() {
    let server = MockServer::start().await;
    let etag = "\"644b5b0155e6404a9cc4bd9d8b1ae730\"";
    // Conditional requests carrying the ETag get 304 with the budget unchanged (GitHub does
    // not count them); unconditional ones get the issue and spend one request.
    github_headers(Mock::given(method("GET")).and(path("/repos/o/r/issues/1347")))
        .and(header("if-none-match", etag))
        .respond_with(
            ResponseTemplate::new(304)
                .insert_header("etag", etag)
                .insert_header("x-ratelimit-limit", "5000")
                .insert_header("x-ratelimit-remaining", "4999")
                .insert_header("x-ratelimit-used", "1"),
        )
        .with_priority(1)
        .expect(2)
        .mount(&server)
        .await;
    github_headers(Mock::given(method("GET")).and(path("/repos/o/r/issues/1347")))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("etag", etag)
                .insert_header("x-ratelimit-limit", "5000")
                .insert_header("x-ratelimit-remaining", "4999")
                .insert_header("x-ratelimit-used", "1")
                .set_body_json(fixture("issue.json")),
        )
        .with_priority(2)
        .expect(1)
        .mount(&server)
        .await;
    let gh = connector(&server);
    let input = GetIssue {
        owner: "o".into(),
        repo: "r".into(),
        issue_number: 1347,
    };
    let first = gh.client().issues().get(&input).await.unwrap();
    let second = gh.client().issues().get(&input).await.unwrap();
    assert_eq!(first, second, "the 304 is answered with the cached issue");
    let third = gh
        .call(
            &CallContext::default(),
            "issues.get",
            json!({"owner": "o", "repo": "r", "issue_number": 1347}),
        )
        .await
        .unwrap();
    assert_eq!(third["title"], "Found a bug");
    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        requests.len(),
        3,
        "every GET asks GitHub (TTL 0), conditionally"
    );
    assert!(requests[0].headers.get("if-none-match").is_none());
}

#[tokio::test]
async fn list_pages_are_revalidated_with_their_etags() {
    let server = MockServer::start().await;
    let etag = "W/\"a7c1b9\"";
    github_headers(Mock::given(method("GET")).and(path("/repos/o/r/pulls")))
        .and(header("if-none-match", etag))
        .respond_with(ResponseTemplate::new(304).insert_header("etag", etag))
        .with_priority(1)
        .expect(2)
        .mount(&server)
        .await;
    github_headers(Mock::given(method("GET")).and(path("/repos/o/r/pulls")))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("etag", etag)
                .set_body_json(json!([fixture("pull.json")])),
        )
        .with_priority(2)
        .expect(1)
        .mount(&server)
        .await;
    let gh = connector(&server);
    let pulls = gh.client().pulls();
    let input = ListPulls {
        owner: "o".into(),
        repo: "r".into(),
        ..Default::default()
    };
    let runtime = gh.client().runtime();
    let first = runtime
        .execute(pulls.list_request(&input).unwrap())
        .await
        .unwrap();
    assert_eq!(first.cache, CacheStatus::Miss);
    let second = runtime
        .execute(pulls.list_request(&input).unwrap())
        .await
        .unwrap();
    assert_eq!(second.cache, CacheStatus::Revalidated);
    assert_eq!(second.body, first.body);
    let typed = pulls.list(&input).await.unwrap();
    assert_eq!(typed[0].number, 1347, "the typed call is revalidated too");
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
