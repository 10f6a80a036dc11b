//! The Jira client against a mock of Jira Cloud: each operation's request (method, path,
//! query, headers, body) and parsed result, both auth modes and the cloud-id lookup, page
//! tokens and offset pages, bulk batches, and Jira's rate-limit and token quirks.

use std::time::{Duration, Instant};

use futures::TryStreamExt;
use plugboard_core::{CallContext, Connector, ConnectorConfig, ErrorKind, SecretString};
use plugboard_jira::api::agile::{GetBoard, GetSprint, ListBoards, ListSprints, SprintIssues};
use plugboard_jira::api::issues::{
    BulkGetIssues, CommentIssue, CreateIssue, GetIssue, ListTransitions, SearchIssues,
    TransitionIssue, TransitionRef, UpdateIssue,
};
use plugboard_jira::api::projects::{GetProject, ListProjects};
use plugboard_jira::{AuthMode, JiraConnector};
use serde_json::{Map, Value, json};
use wiremock::matchers::{body_json, header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const TOKEN: &str = "jira-api-token-0123456789";
const EMAIL: &str = "ops@example.com";
/// `ops@example.com:jira-api-token-0123456789` in base64.
const BASIC: &str = "Basic b3BzQGV4YW1wbGUuY29tOmppcmEtYXBpLXRva2VuLTAxMjM0NTY3ODk=";
const ACCESS_TOKEN: &str = "oauth-access-token-abcdef";
const CLOUD: &str = "1324a887-45db-1bf4-1e99-ef0ff456d421";

fn ctx() -> CallContext {
    CallContext::default()
}

/// Basic auth against the mock as the site.
fn basic(server: &MockServer) -> JiraConnector {
    let mut config = ConnectorConfig {
        base_url: Some(server.uri().parse().unwrap()),
        token: Some(SecretString::from(TOKEN)),
        ..Default::default()
    };
    config.settings.insert("email".into(), EMAIL.into());
    config.policy.total_timeout_secs = Some(5.0);
    JiraConnector::from_config(&config).unwrap()
}

/// OAuth 2.0 with a cloud id; the mock stands in for api.atlassian.com.
fn oauth_config(server: &MockServer, cloud_id: Option<&str>) -> ConnectorConfig {
    let mut config = ConnectorConfig {
        base_url: Some(server.uri().parse().unwrap()),
        token: Some(SecretString::from(ACCESS_TOKEN)),
        ..Default::default()
    };
    if let Some(id) = cloud_id {
        config.settings.insert("cloud_id".into(), id.into());
    }
    config.policy.total_timeout_secs = Some(5.0);
    config
}

fn oauth(server: &MockServer) -> JiraConnector {
    JiraConnector::from_config(&oauth_config(server, Some(CLOUD))).unwrap()
}

/// A gateway path for the test cloud id.
fn gw(rest: &str) -> String {
    format!("/ex/jira/{CLOUD}{rest}")
}

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).expect(&path)).unwrap()
}

fn basic_headers(mock: wiremock::MockBuilder) -> wiremock::MockBuilder {
    mock.and(header("authorization", BASIC))
        .and(header("accept", "application/json"))
}

fn bearer_headers(mock: wiremock::MockBuilder) -> wiremock::MockBuilder {
    mock.and(header(
        "authorization",
        format!("Bearer {ACCESS_TOKEN}").as_str(),
    ))
    .and(header("accept", "application/json"))
}

fn query_of(request: &Request) -> Vec<(String, String)> {
    request
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn issue(n: u64) -> Value {
    json!({
        "id": (10_000 + n).to_string(),
        "key": format!("ED-{n}"),
        "self": format!("https://your-domain.atlassian.net/rest/api/3/issue/{}", 10_000 + n),
        "fields": {"summary": format!("Issue {n}"), "customfield_10016": n as f64}
    })
}

// ---------------------------------------------------------------------------------------------
// Auth modes and the health check

#[tokio::test]
async fn server_info_with_basic_auth_goes_to_the_site() {
    let server = MockServer::start().await;
    basic_headers(Mock::given(method("GET")).and(path("/rest/api/3/serverInfo")))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("server_info.json")))
        .expect(2)
        .mount(&server)
        .await;
    let jira = basic(&server);
    assert_eq!(jira.client().auth_mode(), AuthMode::Basic);
    let info = jira.client().server_info().get().await.unwrap();
    assert_eq!(info.deployment_type.as_deref(), Some("Cloud"));
    assert_eq!(info.build_number, Some(100_287));
    assert_eq!(info.extra["serverTimeZone"], "Etc/UTC");
    let value = jira.health(&ctx()).await.unwrap();
    assert_eq!(value, fixture("server_info.json"), "every field is kept");
}

#[tokio::test]
async fn oauth_calls_go_through_the_gateway_with_the_cloud_id() {
    let server = MockServer::start().await;
    bearer_headers(Mock::given(method("GET")).and(path(gw("/rest/api/3/serverInfo"))))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("server_info.json")))
        .expect(1)
        .mount(&server)
        .await;
    let jira = oauth(&server);
    assert_eq!(jira.client().auth_mode(), AuthMode::OAuth);
    let value = jira
        .call(&ctx(), "server_info.get", json!({}))
        .await
        .unwrap();
    assert_eq!(value["serverTitle"], "Your Jira");
    assert_eq!(
        jira.client().cloud_id().await.unwrap().as_deref(),
        Some(CLOUD)
    );
}

#[tokio::test]
async fn without_a_cloud_id_the_only_accessible_site_is_looked_up_once() {
    let server = MockServer::start().await;
    let only = json!([fixture("accessible_resources.json")[0].clone()]);
    bearer_headers(Mock::given(method("GET")).and(path("/oauth/token/accessible-resources")))
        .respond_with(ResponseTemplate::new(200).set_body_json(only))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(gw("/rest/api/3/serverInfo")))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("server_info.json")))
        .expect(2)
        .mount(&server)
        .await;
    let jira = JiraConnector::from_config(&oauth_config(&server, None)).unwrap();
    jira.health(&ctx()).await.unwrap();
    jira.health(&ctx()).await.unwrap();
    assert_eq!(
        jira.client().cloud_id().await.unwrap().as_deref(),
        Some(CLOUD)
    );
}

#[tokio::test]
async fn several_accessible_sites_without_a_cloud_id_is_a_config_error_naming_them() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/oauth/token/accessible-resources"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(fixture("accessible_resources.json")),
        )
        .mount(&server)
        .await;
    let jira = JiraConnector::from_config(&oauth_config(&server, None)).unwrap();
    let e = jira.health(&ctx()).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Config);
    assert!(e.to_string().contains("your-sandbox.atlassian.net"), "{e}");
    assert!(e.to_string().contains("PLUGBOARD_JIRA_CLOUD_ID"), "{e}");

    let listed = jira
        .call(&ctx(), "accessible_resources.list", json!({}))
        .await
        .unwrap();
    assert_eq!(listed, fixture("accessible_resources.json"));
    let resources = jira.client().oauth().accessible_resources().await.unwrap();
    assert_eq!(resources[1].id, "9a8b7c6d-0000-1111-2222-333344445555");
    assert!(resources[0].scopes.contains(&"offline_access".to_string()));
}

#[test]
fn basic_auth_needs_the_site() {
    let mut config = ConnectorConfig {
        token: Some(SecretString::from(TOKEN)),
        ..Default::default()
    };
    config.settings.insert("email".into(), EMAIL.into());
    let e = JiraConnector::from_config(&config).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Config);
    assert!(e.to_string().contains("PLUGBOARD_JIRA_BASE_URL"), "{e}");
    assert!(!format!("{e:?}").contains(TOKEN));
}

#[tokio::test]
async fn unknown_input_fields_are_named_before_any_request() {
    let server = MockServer::start().await;
    let e = basic(&server)
        .call(
            &ctx(),
            "issues.get",
            json!({"issueIdOrKey": "ED-1", "bogus": 1}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(e.to_string().contains("bogus"), "{e}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

// ---------------------------------------------------------------------------------------------
// Issues

#[tokio::test]
async fn issues_get_sends_jira_parameters_and_keeps_sprint_report_data() {
    let server = MockServer::start().await;
    basic_headers(Mock::given(method("GET")).and(path("/rest/api/3/issue/ED-1")))
        .and(query_param(
            "fields",
            "summary,status,customfield_10016,customfield_10020",
        ))
        .and(query_param("expand", "changelog"))
        .and(query_param("updateHistory", "false"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("issue.json")))
        .expect(2)
        .mount(&server)
        .await;
    let jira = basic(&server);
    let input = GetIssue {
        issue_id_or_key: "ED-1".into(),
        fields: Some(vec![
            "summary".into(),
            "status".into(),
            "customfield_10016".into(),
            "customfield_10020".into(),
        ]),
        expand: Some("changelog".into()),
        update_history: Some(false),
        ..Default::default()
    };
    let issue = jira.client().issues().get(&input).await.unwrap();
    assert_eq!(issue.key, "ED-1");
    let f = &issue.fields;
    assert_eq!(
        f.summary.as_deref(),
        Some("Checkout fails with an expired card")
    );
    assert_eq!(
        f.status
            .as_ref()
            .and_then(|s| s.status_category.as_ref())
            .and_then(|c| c.key.as_deref()),
        Some("indeterminate")
    );
    assert_eq!(f.number("customfield_10016"), Some(5.0));
    let sprints = f.sprints("customfield_10020");
    assert_eq!(sprints.len(), 1);
    assert_eq!(sprints[0].id, 37);
    assert!(sprints[0].started().is_some() && sprints[0].ends().is_some());
    assert_eq!(f.labels(), vec!["checkout", "payments"]);
    assert_eq!(
        f.assignee().unwrap().display_name.as_deref(),
        Some("Mia Krystof")
    );
    assert!(f.resolution_date().is_none());
    assert!(f.created().unwrap() < f.updated().unwrap());
    let changes = issue.status_changes();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].from.as_deref(), Some("To Do"));
    assert_eq!(changes[0].to.as_deref(), Some("In Progress"));
    assert_eq!(changes[0].to_id.as_deref(), Some("3"));

    let value = jira
        .call(&ctx(), "issues.get", serde_json::to_value(&input).unwrap())
        .await
        .unwrap();
    assert_eq!(
        value,
        fixture("issue.json"),
        "the platform's JSON, nulls included"
    );
}

async fn mount_search_pages(server: &MockServer, pages: Vec<Value>) {
    for (i, body) in pages.into_iter().enumerate() {
        let mock = Mock::given(method("GET")).and(path(gw("/rest/api/3/search/jql")));
        let mock = if i == 0 {
            mock.and(query_param_is_missing("nextPageToken"))
        } else {
            mock.and(query_param("nextPageToken", format!("tok-{}", i + 1)))
        };
        mock.respond_with(ResponseTemplate::new(200).set_body_json(body))
            .expect(1)
            .mount(server)
            .await;
    }
}

#[tokio::test]
async fn issues_search_follows_next_page_tokens_to_is_last() {
    let server = MockServer::start().await;
    mount_search_pages(
        &server,
        vec![
            json!({"issues": [issue(1), issue(2)], "nextPageToken": "tok-2", "isLast": false}),
            json!({"issues": [issue(3), issue(4)], "nextPageToken": "tok-3", "isLast": false}),
            json!({"issues": [issue(5)], "isLast": true}),
        ],
    )
    .await;
    let jira = oauth(&server);
    let input = json!({
        "jql": "project = ED AND sprint in openSprints()",
        "fields": ["summary", "customfield_10016"],
        "expand": "changelog",
        "maxResults": 2
    });
    let items: Vec<Value> = jira
        .call_all(&ctx(), "issues.search", input)
        .try_collect()
        .await
        .unwrap();
    let keys: Vec<&str> = items.iter().map(|i| i["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["ED-1", "ED-2", "ED-3", "ED-4", "ED-5"]);
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 3);
    let base = [
        ("jql", "project = ED AND sprint in openSprints()"),
        ("maxResults", "2"),
        ("fields", "summary,customfield_10016"),
        ("expand", "changelog"),
    ];
    assert_eq!(query_of(&requests[0]), pairs(&base));
    let mut second = pairs(&base);
    second.push(("nextPageToken".into(), "tok-2".into()));
    assert_eq!(query_of(&requests[1]), second);
    assert_eq!(
        requests[2].headers.get("authorization").unwrap(),
        format!("Bearer {ACCESS_TOKEN}").as_str()
    );
}

#[tokio::test]
async fn issues_search_first_page_and_a_last_page_without_token() {
    let server = MockServer::start().await;
    mount_search_pages(
        &server,
        vec![
            json!({"issues": [issue(1)], "nextPageToken": "tok-2"}),
            json!({"issues": [issue(2)]}),
        ],
    )
    .await;
    let jira = oauth(&server);
    let page = jira
        .client()
        .issues()
        .search(&SearchIssues {
            jql: "assignee = currentUser()".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(page.issues[0].key, "ED-1");
    assert_eq!(page.next_page_token.as_deref(), Some("tok-2"));
    let all: Vec<_> = jira
        .client()
        .issues()
        .search_all(&SearchIssues {
            jql: "assignee = currentUser()".into(),
            next_page_token: Some("tok-2".into()),
            ..Default::default()
        })
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 1, "starts at the given token, ends without one");
    assert_eq!(all[0].fields.number("customfield_10016"), Some(2.0));
    let e = jira
        .call(&ctx(), "issues.search", json!({"jql": "  "}))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
}

#[tokio::test]
async fn issues_create_wraps_a_plain_description_into_adf() {
    let server = MockServer::start().await;
    basic_headers(Mock::given(method("POST")).and(path("/rest/api/3/issue")))
        .and(query_param("updateHistory", "true"))
        .and(body_json(json!({
            "fields": {
                "project": {"key": "ED"},
                "issuetype": {"name": "Bug"},
                "summary": "Card declined twice",
                "description": {"type": "doc", "version": 1, "content": [
                    {"type": "paragraph", "content": [{"type": "text", "text": "Seen in prod."}]}
                ]},
                "customfield_10016": 3
            },
            "update": {"labels": [{"add": "triage"}]}
        })))
        .respond_with(ResponseTemplate::new(201).set_body_json(fixture("created_issue.json")))
        .expect(1)
        .mount(&server)
        .await;
    let mut fields = Map::new();
    fields.insert("project".into(), json!({"key": "ED"}));
    fields.insert("issuetype".into(), json!({"name": "Bug"}));
    fields.insert("summary".into(), json!("Card declined twice"));
    fields.insert("description".into(), json!("Seen in prod."));
    fields.insert("customfield_10016".into(), json!(3));
    let mut update = Map::new();
    update.insert("labels".into(), json!([{"add": "triage"}]));
    let created = basic(&server)
        .client()
        .issues()
        .create(&CreateIssue {
            fields,
            update: Some(update),
            update_history: Some(true),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(created.key, "ED-24");
    assert_eq!(created.id, "10000");
}

#[tokio::test]
async fn issues_update_answers_null_on_204_and_the_issue_when_asked() {
    let server = MockServer::start().await;
    basic_headers(Mock::given(method("PUT")).and(path("/rest/api/3/issue/ED-1")))
        .and(query_param("notifyUsers", "false"))
        .and(query_param_is_missing("returnIssue"))
        .and(body_json(
            json!({"fields": {"summary": "Renamed", "customfield_10016": 8}}),
        ))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    basic_headers(Mock::given(method("PUT")).and(path("/rest/api/3/issue/ED-1")))
        .and(query_param("returnIssue", "true"))
        .and(body_json(
            json!({"update": {"labels": [{"remove": "triage"}]}}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("issue.json")))
        .expect(1)
        .mount(&server)
        .await;
    let jira = basic(&server);
    let out = jira
        .call(
            &ctx(),
            "issues.update",
            json!({"issueIdOrKey": "ED-1", "notifyUsers": false,
                   "fields": {"summary": "Renamed", "customfield_10016": 8}}),
        )
        .await
        .unwrap();
    assert_eq!(out, Value::Null);
    let mut update = Map::new();
    update.insert("labels".into(), json!([{"remove": "triage"}]));
    let issue = jira
        .client()
        .issues()
        .update(&UpdateIssue {
            issue_id_or_key: "ED-1".into(),
            update: Some(update),
            return_issue: Some(true),
            ..Default::default()
        })
        .await
        .unwrap()
        .unwrap();
    assert_eq!(issue.key, "ED-1");
    let e = jira
        .call(&ctx(), "issues.update", json!({"issueIdOrKey": "ED-1"}))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
}

#[tokio::test]
async fn issues_comment_wraps_plain_text_and_sends_adf_as_is() {
    let server = MockServer::start().await;
    let adf = json!({"type": "doc", "version": 1, "content": [
        {"type": "paragraph", "content": [
            {"type": "text", "text": "Deployed to staging."},
            {"type": "hardBreak"},
            {"type": "text", "text": "Checks green."}
        ]}
    ]});
    basic_headers(Mock::given(method("POST")).and(path("/rest/api/3/issue/ED-1/comment")))
        .and(body_json(json!({
            "body": adf,
            "visibility": {"type": "role", "value": "Developers"}
        })))
        .respond_with(ResponseTemplate::new(201).set_body_json(fixture("comment.json")))
        .expect(2)
        .mount(&server)
        .await;
    let jira = basic(&server);
    let comment = jira
        .client()
        .issues()
        .comment(&CommentIssue {
            issue_id_or_key: "ED-1".into(),
            body: "Deployed to staging.\nChecks green.".into(),
            visibility: Some(json!({"type": "role", "value": "Developers"})),
            properties: None,
            expand: None,
        })
        .await
        .unwrap();
    assert_eq!(comment.id, "10000");
    assert_eq!(
        plugboard_jira::adf::plain_text(comment.body.as_ref().unwrap()),
        "Deployed to staging.\nChecks green."
    );
    let value = jira
        .call(
            &ctx(),
            "issues.comment",
            json!({"issueIdOrKey": "ED-1", "body": adf,
                   "visibility": {"type": "role", "value": "Developers"}}),
        )
        .await
        .unwrap();
    assert_eq!(value, fixture("comment.json"));
}

#[tokio::test]
async fn transitions_are_listed_and_applied() {
    let server = MockServer::start().await;
    basic_headers(Mock::given(method("GET")).and(path("/rest/api/3/issue/ED-1/transitions")))
        .and(query_param("expand", "transitions.fields"))
        .and(query_param("includeUnavailableTransitions", "true"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("transitions.json")))
        .expect(1)
        .mount(&server)
        .await;
    basic_headers(Mock::given(method("POST")).and(path("/rest/api/3/issue/ED-1/transitions")))
        .and(body_json(json!({
            "transition": {"id": "31"},
            "fields": {"resolution": {"name": "Done"}}
        })))
        .respond_with(ResponseTemplate::new(204))
        .expect(2)
        .mount(&server)
        .await;
    let jira = basic(&server);
    let listed = jira
        .client()
        .issues()
        .transitions(&ListTransitions {
            issue_id_or_key: "ED-1".into(),
            expand: Some("transitions.fields".into()),
            include_unavailable_transitions: Some(true),
            ..Default::default()
        })
        .await
        .unwrap();
    let done = listed
        .transitions
        .iter()
        .find(|t| t.name.as_deref() == Some("Done"))
        .unwrap();
    assert_eq!(done.id, "31");
    assert_eq!(
        done.to
            .as_ref()
            .unwrap()
            .status_category
            .as_ref()
            .unwrap()
            .key
            .as_deref(),
        Some("done")
    );
    let mut fields = Map::new();
    fields.insert("resolution".into(), json!({"name": "Done"}));
    jira.client()
        .issues()
        .transition(&TransitionIssue {
            issue_id_or_key: "ED-1".into(),
            transition: TransitionRef {
                id: done.id.clone(),
            },
            fields: Some(fields),
            update: None,
            history_metadata: None,
            properties: None,
        })
        .await
        .unwrap();
    let out = jira
        .call(
            &ctx(),
            "issues.transition",
            json!({"issueIdOrKey": "ED-1", "transition": {"id": "31"},
                   "fields": {"resolution": {"name": "Done"}}}),
        )
        .await
        .unwrap();
    assert_eq!(out, Value::Null);
}

/// Answers `bulkfetch` with one issue per requested key, and `ED-13` as an issue error.
struct BulkResponder;

impl Respond for BulkResponder {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        let keys = body["issueIdsOrKeys"].as_array().unwrap();
        let mut issues = Vec::new();
        let mut errors = Vec::new();
        for key in keys {
            let key = key.as_str().unwrap();
            let n: u64 = key.trim_start_matches("ED-").parse().unwrap();
            if n == 13 {
                errors.push(
                    json!({"id": "10013", "errorMessage": "Issue could not be loaded; retry."}),
                );
            } else {
                issues.push(issue(n));
            }
        }
        ResponseTemplate::new(200).set_body_json(json!({"issues": issues, "issueErrors": errors}))
    }
}

#[tokio::test]
async fn issues_bulk_get_with_250_keys_makes_exactly_three_requests() {
    let server = MockServer::start().await;
    basic_headers(Mock::given(method("POST")).and(path("/rest/api/3/issue/bulkfetch")))
        .respond_with(BulkResponder)
        .expect(3)
        .mount(&server)
        .await;
    let keys: Vec<String> = (1..=250).map(|n| format!("ED-{n}")).collect();
    let out = basic(&server)
        .call(
            &ctx(),
            "issues.bulk_get",
            json!({"issueIdsOrKeys": keys, "fields": ["summary", "customfield_10016"],
                   "expand": ["changelog"]}),
        )
        .await
        .unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 3);
    let sizes: Vec<usize> = requests
        .iter()
        .map(|r| {
            let body: Value = serde_json::from_slice(&r.body).unwrap();
            assert_eq!(body["fields"], json!(["summary", "customfield_10016"]));
            assert_eq!(body["expand"], json!(["changelog"]));
            body["issueIdsOrKeys"].as_array().unwrap().len()
        })
        .collect();
    assert_eq!(sizes, [100, 100, 50]);
    let first: Value = serde_json::from_slice(&requests[1].body).unwrap();
    assert_eq!(
        first["issueIdsOrKeys"][0], "ED-101",
        "batches keep the order"
    );
    let issues = out["issues"].as_array().unwrap();
    assert_eq!(issues.len(), 249);
    assert_eq!(issues[0]["key"], "ED-1");
    assert_eq!(issues[248]["key"], "ED-250");
    assert_eq!(
        out["issueErrors"][0]["errorMessage"],
        "Issue could not be loaded; retry."
    );
}

#[tokio::test]
async fn issues_bulk_get_typed_keeps_issue_errors() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/rest/api/3/issue/bulkfetch"))
        .and(body_json(
            json!({"issueIdsOrKeys": ["ED-12", "ED-13"], "fieldsByKeys": false}),
        ))
        .respond_with(BulkResponder)
        .expect(1)
        .mount(&server)
        .await;
    let out = basic(&server)
        .client()
        .issues()
        .bulk_get(&BulkGetIssues {
            issue_ids_or_keys: vec!["ED-12".into(), "ED-13".into()],
            fields_by_keys: Some(false),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(out.issues.len(), 1);
    assert_eq!(out.issues[0].key, "ED-12");
    assert_eq!(
        out.issue_errors[0].error_message.as_deref(),
        Some("Issue could not be loaded; retry.")
    );
}

#[tokio::test]
async fn issues_bulk_get_with_no_keys_sends_nothing() {
    let server = MockServer::start().await;
    let out = basic(&server)
        .call(&ctx(), "issues.bulk_get", json!({"issueIdsOrKeys": []}))
        .await
        .unwrap();
    assert_eq!(out, json!({"issues": [], "issueErrors": []}));
    assert!(server.received_requests().await.unwrap().is_empty());
}

// ---------------------------------------------------------------------------------------------
// Projects

#[tokio::test]
async fn projects_list_sends_jira_parameters_and_returns_values() {
    let server = MockServer::start().await;
    basic_headers(Mock::given(method("GET")).and(path("/rest/api/3/project/search")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "self": "https://your-domain.atlassian.net/rest/api/3/project/search?startAt=0&maxResults=2",
            "maxResults": 2, "startAt": 0, "total": 2, "isLast": true,
            "values": [fixture("project.json"),
                       {"id": "10001", "key": "OPS", "name": "Operations", "projectTypeKey": "business"}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let out = basic(&server)
        .call(
            &ctx(),
            "projects.list",
            json!({"startAt": 0, "maxResults": 2, "orderBy": "-lastIssueUpdatedTime",
                   "keys": ["ED", "OPS"], "typeKey": "software", "expand": "lead",
                   "status": ["live", "archived"]}),
        )
        .await
        .unwrap();
    assert_eq!(out.as_array().unwrap().len(), 2);
    assert_eq!(out[0]["key"], "ED");
    assert_eq!(out[0]["lead"]["displayName"], "Mia Krystof");
    let request = &server.received_requests().await.unwrap()[0];
    assert_eq!(
        query_of(request),
        pairs(&[
            ("startAt", "0"),
            ("maxResults", "2"),
            ("orderBy", "-lastIssueUpdatedTime"),
            ("typeKey", "software"),
            ("expand", "lead"),
            ("keys", "ED"),
            ("keys", "OPS"),
            ("status", "live"),
            ("status", "archived"),
        ])
    );
}

#[tokio::test]
async fn offset_lists_follow_start_at_until_the_last_page() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/rest/api/3/project/search"))
        .and(query_param("startAt", "2"))
        .and(query_param("maxResults", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "startAt": 2, "maxResults": 2, "total": 5, "isLast": false,
            "values": [{"id": "3", "key": "C", "name": "C"}, {"id": "4", "key": "D", "name": "D"}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/rest/api/3/project/search"))
        .and(query_param("startAt", "4"))
        .and(query_param("maxResults", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "startAt": 4, "maxResults": 2, "total": 5, "isLast": true,
            "values": [{"id": "5", "key": "E", "name": "E"}]
        })))
        .expect(2)
        .mount(&server)
        .await;
    let jira = basic(&server);
    let all: Vec<Value> = jira
        .call_all(
            &ctx(),
            "projects.list",
            json!({"startAt": 2, "maxResults": 2}),
        )
        .try_collect()
        .await
        .unwrap();
    let keys: Vec<&str> = all.iter().map(|p| p["key"].as_str().unwrap()).collect();
    assert_eq!(
        keys,
        ["C", "D", "E"],
        "pages followed in order, the last ends the list"
    );

    let typed: Vec<_> = jira
        .client()
        .projects()
        .list_all(&ListProjects {
            start_at: Some(4),
            max_results: Some(2),
            ..Default::default()
        })
        .try_collect()
        .await
        .unwrap();
    assert_eq!(typed.len(), 1);
    assert_eq!(typed[0].key, "E");
}

#[tokio::test]
async fn projects_get_is_cached_for_four_hours() {
    let server = MockServer::start().await;
    basic_headers(Mock::given(method("GET")).and(path("/rest/api/3/project/ED")))
        .and(query_param("expand", "issueTypes,lead"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("project.json")))
        .expect(1)
        .mount(&server)
        .await;
    let jira = basic(&server);
    let input = GetProject {
        project_id_or_key: "ED".into(),
        expand: Some("issueTypes,lead".into()),
        properties: None,
    };
    let project = jira.client().projects().get(&input).await.unwrap();
    assert_eq!(project.name, "Edison");
    assert_eq!(project.style.as_deref(), Some("classic"));
    let again = jira
        .call(
            &ctx(),
            "projects.get",
            serde_json::to_value(&input).unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(again, fixture("project.json"));
    let op = plugboard_jira::OPERATIONS
        .iter()
        .find(|o| o.id.as_str() == "projects.get")
        .unwrap();
    assert_eq!(op.cache_ttl, Some(Duration::from_secs(4 * 3600)));
}

// ---------------------------------------------------------------------------------------------
// Agile

#[tokio::test]
async fn boards_list_sends_agile_parameters() {
    let server = MockServer::start().await;
    bearer_headers(Mock::given(method("GET")).and(path(gw("/rest/agile/1.0/board"))))
        .and(query_param("type", "scrum"))
        .and(query_param("projectKeyOrId", "ED"))
        .and(query_param("maxResults", "50"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "maxResults": 50, "startAt": 0, "total": 2, "isLast": true,
            "values": [
                {"id": 3, "self": "https://your-domain.atlassian.net/rest/agile/1.0/board/3", "name": "ED board", "type": "scrum",
                 "location": {"projectId": 10000, "projectKey": "ED", "projectName": "Edison", "projectTypeKey": "software"}},
                {"id": 4, "self": "https://your-domain.atlassian.net/rest/agile/1.0/board/4", "name": "ED triage", "type": "scrum"}
            ]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let page = oauth(&server)
        .client()
        .agile()
        .boards(&ListBoards {
            kind: Some("scrum".into()),
            project_key_or_id: Some("ED".into()),
            max_results: Some(50),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(page.is_last, Some(true));
    let boards = page.into_items();
    assert_eq!(boards[0].kind.as_deref(), Some("scrum"));
    assert_eq!(boards[0].extra["location"]["projectKey"], "ED");
}

#[tokio::test]
async fn sprints_list_filters_by_state_and_keeps_dates() {
    let server = MockServer::start().await;
    basic_headers(Mock::given(method("GET")).and(path("/rest/agile/1.0/board/3/sprint")))
        .and(query_param("state", "active,closed"))
        .and(query_param("startAt", "0"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "maxResults": 50, "startAt": 0, "isLast": true,
            "values": [fixture("sprint.json"),
                       {"id": 38, "self": "https://your-domain.atlassian.net/rest/agile/1.0/sprint/38", "state": "active",
                        "name": "ED Sprint 13", "startDate": "2026-11-16T08:00:00.000Z", "endDate": "2026-11-30T08:00:00.000Z",
                        "originBoardId": 3}]
        })))
        .expect(2)
        .mount(&server)
        .await;
    let jira = basic(&server);
    let input = ListSprints {
        board_id: 3,
        state: Some("active,closed".into()),
        start_at: Some(0),
        max_results: None,
    };
    let sprints = jira
        .client()
        .agile()
        .sprints(&input)
        .await
        .unwrap()
        .into_items();
    assert_eq!(sprints.len(), 2);
    assert!(sprints[0].completed().is_some());
    assert!(sprints[1].completed().is_none());
    let all: Vec<Value> = jira
        .call_all(
            &ctx(),
            "sprints.list",
            serde_json::to_value(&input).unwrap(),
        )
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all[0], fixture("sprint.json"));
}

#[tokio::test]
async fn sprints_get_reads_dates_and_goal() {
    let server = MockServer::start().await;
    basic_headers(Mock::given(method("GET")).and(path("/rest/agile/1.0/sprint/37")))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("sprint.json")))
        .expect(1)
        .mount(&server)
        .await;
    let sprint = basic(&server)
        .client()
        .agile()
        .sprint(&GetSprint { sprint_id: 37 })
        .await
        .unwrap();
    assert_eq!(sprint.state.as_deref(), Some("closed"));
    assert_eq!(sprint.goal.as_deref(), Some("Ship checkout v2"));
    assert_eq!(sprint.origin_board_id, Some(3));
    let length = sprint
        .ends()
        .unwrap()
        .duration_since(sprint.started().unwrap())
        .unwrap();
    assert_eq!(length, Duration::from_secs(14 * 86_400));
    assert_eq!(sprint.extra["createdDate"], "2026-10-30T12:00:00.000Z");
}

#[tokio::test]
async fn boards_get_reads_the_board_and_is_cached_like_configuration() {
    let server = MockServer::start().await;
    basic_headers(Mock::given(method("GET")).and(path("/rest/agile/1.0/board/84")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": 84,
            "self": "https://your-domain.atlassian.net/rest/agile/1.0/board/84",
            "name": "scrum board",
            "type": "scrum",
            "location": {"projectId": 10040, "projectKey": "SCR", "displayName": "Scrum (SCR)",
                         "projectName": "Scrum", "projectTypeKey": "software"}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let jira = basic(&server);
    for _ in 0..2 {
        let board = jira
            .client()
            .agile()
            .board(&GetBoard { board_id: 84 })
            .await
            .unwrap();
        assert_eq!(board.name, "scrum board");
        assert_eq!(board.kind.as_deref(), Some("scrum"));
        assert_eq!(board.extra["location"]["projectKey"], "SCR");
    }
    // The second read came from the cache (`expect(1)` is checked when the server drops).
    let dynamic = jira
        .call(&ctx(), "boards.get", json!({"boardId": 84}))
        .await
        .unwrap();
    assert_eq!(dynamic["name"], "scrum board");
}

#[tokio::test]
async fn sprints_issues_pages_by_total() {
    let server = MockServer::start().await;
    basic_headers(Mock::given(method("GET")).and(path("/rest/agile/1.0/sprint/37/issue")))
        .and(query_param("fields", "summary,status,customfield_10016"))
        .and(query_param("expand", "changelog"))
        .and(query_param("jql", "issuetype = Story"))
        .and(query_param("maxResults", "2"))
        .and(query_param_is_missing("startAt"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "expand": "schema,names", "startAt": 0, "maxResults": 2, "total": 3,
            "issues": [issue(1), issue(2)]
        })))
        .expect(2)
        .mount(&server)
        .await;
    basic_headers(Mock::given(method("GET")).and(path("/rest/agile/1.0/sprint/37/issue")))
        .and(query_param("startAt", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "expand": "schema,names", "startAt": 2, "maxResults": 2, "total": 3,
            "issues": [issue(3)]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let jira = basic(&server);
    let input = SprintIssues {
        sprint_id: 37,
        jql: Some("issuetype = Story".into()),
        fields: Some(vec![
            "summary".into(),
            "status".into(),
            "customfield_10016".into(),
        ]),
        expand: Some("changelog".into()),
        max_results: Some(2),
        ..Default::default()
    };
    let page = jira.client().agile().sprint_issues(&input).await.unwrap();
    assert_eq!(page.total, Some(3));
    let points: f64 = page
        .into_items()
        .iter()
        .filter_map(|i| i.fields.number("customfield_10016"))
        .sum();
    assert_eq!(points, 3.0);
    let all: Vec<Value> = jira
        .call_all(
            &ctx(),
            "sprints.issues",
            serde_json::to_value(&input).unwrap(),
        )
        .try_collect()
        .await
        .unwrap();
    let keys: Vec<&str> = all.iter().map(|i| i["key"].as_str().unwrap()).collect();
    assert_eq!(
        keys,
        ["ED-1", "ED-2", "ED-3"],
        "startAt + items reaching total ends the list"
    );
}

// ---------------------------------------------------------------------------------------------
// Rate limits and tokens

#[tokio::test]
async fn a_quota_429_fails_at_once_with_the_wait_until_the_reset() {
    let server = MockServer::start().await;
    let reset = std::time::SystemTime::now() + Duration::from_secs(1800);
    let reset = iso_minute(reset);
    Mock::given(method("GET"))
        .and(path(gw("/rest/api/3/search/jql")))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "1")
                .insert_header("ratelimit-reason", "jira-quota-tenant-based")
                .insert_header("x-ratelimit-reset", reset.as_str())
                .set_body_json(json!({"errorMessages": ["Rate limit exceeded."]})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let started = Instant::now();
    let e = oauth(&server)
        .call(&ctx(), "issues.search", json!({"jql": "project = ED"}))
        .await
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_millis(900),
        "no hot retry"
    );
    let wait = e.retry_after().unwrap();
    assert!(
        wait > Duration::from_secs(1700) && wait <= Duration::from_secs(1860),
        "{wait:?}"
    );
    assert_eq!(e.context_value("limit"), Some("quota"));
    assert!(matches!(e.kind(), ErrorKind::RateLimited { .. }));
}

/// `t` as `YYYY-MM-DDTHH:MMZ`, rounded up to the next minute.
fn iso_minute(t: std::time::SystemTime) -> String {
    let secs = t
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .div_ceil(60)
        * 60;
    let days = secs / 86_400;
    let rem = secs % 86_400;
    // Civil date from days since 1970 (Howard Hinnant's civil_from_days).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60
    )
}

#[tokio::test]
async fn a_per_issue_write_limit_is_waited_out_and_the_write_sent_again() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/rest/api/3/issue/ED-1/comment"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "1")
                .insert_header("ratelimit-reason", "jira-per-issue-on-write"),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/rest/api/3/issue/ED-1/comment"))
        .respond_with(ResponseTemplate::new(201).set_body_json(fixture("comment.json")))
        .with_priority(2)
        .expect(1)
        .mount(&server)
        .await;
    let started = Instant::now();
    let out = basic(&server)
        .call(
            &ctx(),
            "issues.comment",
            json!({"issueIdOrKey": "ED-1", "body": "hi"}),
        )
        .await
        .unwrap();
    assert!(started.elapsed() >= Duration::from_millis(900));
    assert_eq!(out["id"], "10000");
}

#[tokio::test]
async fn an_expired_token_answered_as_403_is_token_expired_and_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(gw("/rest/api/3/issue/ED-1")))
        .respond_with(ResponseTemplate::new(403).set_body_json(
            json!({"code": 403, "message": "The access token has expired or been revoked"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let e = oauth(&server)
        .call(&ctx(), "issues.get", json!({"issueIdOrKey": "ED-1"}))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::TokenExpired);
    assert_eq!(e.status(), Some(403));
    assert!(!e.to_string().contains(ACCESS_TOKEN));
}

#[tokio::test]
async fn field_errors_name_the_field() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/rest/api/3/issue"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "errorMessages": [], "errors": {"summary": "You must specify a summary of the issue."}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let e = basic(&server)
        .call(
            &ctx(),
            "issues.create",
            json!({"fields": {"project": {"key": "ED"}}}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(
        e.to_string()
            .contains("summary: You must specify a summary"),
        "{e}"
    );
}

#[tokio::test]
async fn boards_and_sprints_lists_follow_every_offset_page() {
    let server = MockServer::start().await;
    for (start, ids, last) in [(0u64, vec![1u64, 2], false), (2, vec![3], true)] {
        let boards: Vec<Value> = ids
            .iter()
            .map(|id| json!({"id": id, "name": format!("Board {id}"), "type": "scrum"}))
            .collect();
        let sprints: Vec<Value> = ids
            .iter()
            .map(|id| json!({"id": 100 + id, "name": format!("Sprint {id}"), "state": "closed"}))
            .collect();
        let page = |values: Vec<Value>| json!({"maxResults": 2, "startAt": start, "isLast": last, "values": values});
        Mock::given(method("GET"))
            .and(path("/rest/agile/1.0/board"))
            .and(query_param("maxResults", "2"))
            .and(StartAt(start))
            .respond_with(ResponseTemplate::new(200).set_body_json(page(boards)))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/rest/agile/1.0/board/7/sprint"))
            .and(query_param("maxResults", "2"))
            .and(StartAt(start))
            .respond_with(ResponseTemplate::new(200).set_body_json(page(sprints)))
            .expect(1)
            .mount(&server)
            .await;
    }
    let jira = basic(&server);
    let boards: Vec<Value> = jira
        .call_all(&ctx(), "boards.list", json!({"maxResults": 2}))
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<u64> = boards.iter().map(|b| b["id"].as_u64().unwrap()).collect();
    assert_eq!(ids, [1, 2, 3]);
    let sprints: Vec<Value> = jira
        .call_all(
            &ctx(),
            "sprints.list",
            json!({"boardId": 7, "maxResults": 2}),
        )
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<u64> = sprints.iter().map(|s| s["id"].as_u64().unwrap()).collect();
    assert_eq!(ids, [101, 102, 103]);
}

/// Matches the `startAt` of an offset page: absent or `0` for the first page.
struct StartAt(u64);

impl wiremock::Match for StartAt {
    fn matches(&self, request: &wiremock::Request) -> bool {
        let found = request
            .url
            .query_pairs()
            .find(|(k, _)| k == "startAt")
            .and_then(|(_, v)| v.parse::<u64>().ok());
        match found {
            Some(n) => n == self.0,
            None => self.0 == 0,
        }
    }
}
