//! `plugboard mcp`: the real binary driven over stdio by rmcp's client, against mock GitHub,
//! Slack, ClickUp and Jira platforms: initialize, list the tools, call one that succeeds (and
//! one across pages), one that hits a 429, bad arguments, and the `--read-only` / `--tools` /
//! `--connectors` filters.

use std::path::Path;
use std::process::Stdio;

use plugboard_testkit::MockPlatform;
use rmcp::model::{CallToolRequestParams, CallToolResult, Tool};
use rmcp::service::RunningService;
use rmcp::transport::TokioChildProcess;
use rmcp::{RoleClient, ServiceExt};
use serde_json::{Map, Value, json};
use tokio::io::AsyncReadExt;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::support::{TOKEN, assert_no_secret, plugboard, run};

const SLACK_TOKEN: &str = "xoxb-slack-secret-never-printed";
const CLICKUP_TOKEN: &str = "pk_clickup_secret_never_printed";
const JIRA_TOKEN: &str = "jira-api-token-never-printed";
const JIRA_EMAIL: &str = "dev@example.com";
const SECRETS: &[&str] = &[SLACK_TOKEN, CLICKUP_TOKEN, JIRA_TOKEN];

/// The four platforms the server is pointed at.
struct Platforms {
    github: MockPlatform,
    slack: MockPlatform,
    clickup: MockPlatform,
    jira: MockPlatform,
}

impl Platforms {
    async fn start() -> Self {
        Self {
            github: MockPlatform::start().await,
            slack: MockPlatform::start().await,
            clickup: MockPlatform::start().await,
            jira: MockPlatform::start().await,
        }
    }

    /// The environment that configures all four (and a store inside `dir`).
    fn env(&self, dir: &Path) -> Vec<(&'static str, String)> {
        vec![
            (
                "PLUGBOARD_STORE_URL",
                format!("sqlite://{}", dir.join("state.db").display()),
            ),
            ("PLUGBOARD_GITHUB_BASE_URL", self.github.uri()),
            ("PLUGBOARD_GITHUB_TOKEN", TOKEN.into()),
            ("PLUGBOARD_SLACK_BASE_URL", self.slack.uri()),
            ("PLUGBOARD_SLACK_TOKEN", SLACK_TOKEN.into()),
            ("PLUGBOARD_CLICKUP_BASE_URL", self.clickup.uri()),
            ("PLUGBOARD_CLICKUP_TOKEN", CLICKUP_TOKEN.into()),
            ("PLUGBOARD_JIRA_BASE_URL", self.jira.uri()),
            ("PLUGBOARD_JIRA_EMAIL", JIRA_EMAIL.into()),
            ("PLUGBOARD_JIRA_TOKEN", JIRA_TOKEN.into()),
        ]
    }
}

/// A running `plugboard mcp` session and what it writes to stderr.
struct Session {
    client: RunningService<RoleClient, ()>,
    stderr: tokio::task::JoinHandle<String>,
    _dir: tempfile::TempDir,
}

impl Session {
    /// Spawns `plugboard mcp <args>` in a fresh temporary directory with a clean environment
    /// and initializes an MCP session with it.
    async fn start(platforms: &Platforms, args: &[&str]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_plugboard"));
        cmd.arg("mcp")
            .args(args)
            .env_clear()
            .envs(platforms.env(dir.path()))
            .current_dir(dir.path());
        let (transport, stderr) = TokioChildProcess::builder(cmd)
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary runs");
        let mut stderr = stderr.expect("stderr is piped");
        let stderr = tokio::spawn(async move {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text).await;
            text
        });
        let client = ().serve(transport).await.expect("MCP initialize");
        Self {
            client,
            stderr,
            _dir: dir,
        }
    }

    async fn tools(&self) -> Vec<Tool> {
        self.client.list_all_tools().await.expect("tools/list")
    }

    async fn call(&self, name: &'static str, arguments: Value) -> CallToolResult {
        self.try_call(name, arguments)
            .await
            .unwrap_or_else(|e| panic!("tools/call {name}: {e}"))
    }

    async fn try_call(
        &self,
        name: &'static str,
        arguments: Value,
    ) -> Result<CallToolResult, rmcp::ServiceError> {
        let arguments: Map<String, Value> = arguments.as_object().unwrap().clone();
        self.client
            .call_tool(CallToolRequestParams::new(name).with_arguments(arguments))
            .await
    }

    /// Closes stdin, waits for the process to end, and checks that it printed no secret.
    async fn finish(self) {
        self.client.cancel().await.expect("the session closes");
        let stderr = self.stderr.await.unwrap();
        assert_no_secret(&stderr, SECRETS);
    }
}

fn names(tools: &[Tool]) -> Vec<&str> {
    tools.iter().map(|t| t.name.as_ref()).collect()
}

fn structured(result: &CallToolResult) -> &Value {
    result
        .structured_content
        .as_ref()
        .expect("structured content")
}

fn text(result: &CallToolResult) -> &str {
    &result.content[0].as_text().expect("text content").text
}

/// An issue as GitHub documents `POST /repos/{owner}/{repo}/issues` answering it.
fn created_issue() -> Value {
    json!({
        "id": 1,
        "node_id": "MDU6SXNzdWUx",
        "url": "https://api.github.com/repos/octo/hello/issues/1347",
        "html_url": "https://github.com/octo/hello/issues/1347",
        "number": 1347,
        "state": "open",
        "title": "Found a bug",
        "body": "It breaks on Mondays.",
        "user": {"login": "octocat", "id": 1, "type": "User", "site_admin": false},
        "labels": [{"id": 208045946, "name": "bug", "color": "f29513", "default": true}],
        "assignees": [],
        "milestone": null,
        "locked": false,
        "comments": 0,
        "closed_at": null,
        "created_at": "2011-04-22T13:33:48Z",
        "updated_at": "2011-04-22T13:33:48Z",
        "author_association": "OWNER"
    })
}

fn listed_issue(number: u64) -> Value {
    json!({
        "id": 1000 + number,
        "number": number,
        "title": format!("Issue {number}"),
        "state": "open",
        "html_url": format!("https://github.com/octo/hello/issues/{number}"),
        "labels": [],
        "assignees": [],
    })
}

#[tokio::test]
async fn every_configured_connector_is_served_and_tools_call_through_the_runtime() {
    let p = Platforms::start().await;
    Mock::given(method("POST"))
        .and(path("/repos/octo/hello/issues"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(body_json(json!({
            "title": "Found a bug",
            "body": "It breaks on Mondays.",
            "labels": ["bug"]
        })))
        .respond_with(ResponseTemplate::new(201).set_body_json(created_issue()))
        .expect(1)
        .mount(p.github.server())
        .await;
    p.github
        .mount_link_header_pages(
            "/repos/octo/hello/issues",
            vec![
                json!([listed_issue(1), listed_issue(2)]),
                json!([listed_issue(3)]),
            ],
        )
        .await;
    Mock::given(method("GET"))
        .and(path("/rest/agile/1.0/sprint/42"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "120")
                .set_body_json(json!({"errorMessages": ["Rate limit exceeded."], "errors": {}})),
        )
        .mount(p.jira.server())
        .await;
    // A wait that fits the deadline: without the MCP wait cap the runtime would sleep it out
    // and send the request again.
    Mock::given(method("GET"))
        .and(path("/repos/octo/busy"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "10")
                .set_body_json(json!({"message": "API rate limit exceeded"})),
        )
        .mount(p.github.server())
        .await;

    let session = Session::start(&p, &[]).await;

    // initialize
    let info = session.client.peer_info().expect("initialized");
    let server = info.server_info.as_ref().expect("server info");
    assert_eq!(server.name, "plugboard");
    assert_eq!(server.version, env!("CARGO_PKG_VERSION"));
    assert!(info.capabilities.tools.is_some());

    // tools/list: the four configured connectors, none of the others.
    let tools = session.tools().await;
    let listed = names(&tools);
    for name in [
        "github_issues_create",
        "github_issues_list",
        "slack_chat_post_message",
        "slack_conversations_list",
        "clickup_tasks_create",
        "clickup_tasks_list",
        "jira_sprints_issues",
        "jira_sprints_get",
    ] {
        assert!(listed.contains(&name), "{name} missing from {listed:?}");
    }
    for prefix in ["github_", "slack_", "clickup_", "jira_"] {
        assert!(listed.iter().any(|n| n.starts_with(prefix)), "{prefix}");
    }
    for unconfigured in ["meta_", "google_", "tiktok_"] {
        assert!(
            !listed.iter().any(|n| n.starts_with(unconfigured)),
            "{unconfigured} has no credentials: {listed:?}"
        );
    }
    for tool in &tools {
        assert_eq!(tool.input_schema["type"], "object", "{}", tool.name);
    }
    let create = tools
        .iter()
        .find(|t| t.name == "github_issues_create")
        .unwrap();
    let a = create.annotations.as_ref().unwrap();
    assert_eq!(
        (a.read_only_hint, a.destructive_hint, a.open_world_hint),
        (Some(false), Some(true), Some(true))
    );
    assert!(
        create.input_schema["properties"]
            .as_object()
            .unwrap()
            .contains_key("title")
    );

    // A call that succeeds: the request the platform got, and the structured result.
    let created = session
        .call(
            "github_issues_create",
            json!({
                "owner": "octo",
                "repo": "hello",
                "title": "Found a bug",
                "body": "It breaks on Mondays.",
                "labels": ["bug"]
            }),
        )
        .await;
    assert_eq!(created.is_error, Some(false), "{}", text(&created));
    let issue = structured(&created);
    assert_eq!(issue["number"], 1347);
    assert_eq!(issue["title"], "Found a bug");
    assert_eq!(
        issue["html_url"],
        "https://github.com/octo/hello/issues/1347"
    );
    assert_eq!(
        &serde_json::from_str::<Value>(text(&created)).unwrap(),
        issue
    );
    let sent = p
        .github
        .requests_to("POST", "/repos/octo/hello/issues")
        .await;
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0].headers.get("authorization").unwrap(),
        &format!("Bearer {TOKEN}")
    );
    assert_eq!(
        serde_json::from_slice::<Value>(&sent[0].body).unwrap(),
        json!({"title": "Found a bug", "body": "It breaks on Mondays.", "labels": ["bug"]})
    );

    // Every page, with the query GitHub documents.
    let all = session
        .call(
            "github_issues_list",
            json!({"owner": "octo", "repo": "hello", "state": "open", "all": true}),
        )
        .await;
    assert_eq!(all.is_error, Some(false), "{}", text(&all));
    let numbers: Vec<u64> = structured(&all)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["number"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, [1, 2, 3]);
    let pages = p
        .github
        .requests_to("GET", "/repos/octo/hello/issues")
        .await;
    assert_eq!(pages.len(), 2);
    assert!(
        pages[0]
            .url
            .query_pairs()
            .any(|(k, v)| k == "state" && v == "open"),
        "{}",
        pages[0].url
    );
    assert_eq!(
        pages[1]
            .url
            .query_pairs()
            .find(|(k, _)| k == "page")
            .unwrap()
            .1,
        "2"
    );

    // A 429 with Retry-After: 120 comes back at once as a tool error carrying the wait.
    let limited = session
        .call("jira_sprints_get", json!({"sprintId": 42}))
        .await;
    assert_eq!(limited.is_error, Some(true));
    let e = &structured(&limited)["error"];
    assert_eq!(e["kind"], "rate_limited", "{e}");
    assert_eq!(e["retry_after_secs"], 120, "{e}");
    assert_eq!(e["status"], 429, "{e}");
    assert_eq!(e["connector"], "jira");
    assert_eq!(e["operation"], "sprints.get");
    assert!(
        text(&limited).contains("rate_limited"),
        "{}",
        text(&limited)
    );
    assert_eq!(p.jira.received_requests().await.len(), 1, "no retry");
    let sent = &p.jira.received_requests().await[0];
    assert!(
        sent.headers
            .get("authorization")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("Basic "),
        "Jira basic auth"
    );

    // A wait under the deadline but over the MCP cap is not slept out either.
    let busy = session
        .call("github_repos_get", json!({"owner": "octo", "repo": "busy"}))
        .await;
    let e = &structured(&busy)["error"];
    assert_eq!(e["kind"], "rate_limited", "{e}");
    assert_eq!(e["retry_after_secs"], 10, "{e}");
    assert_eq!(
        p.github.requests_to("GET", "/repos/octo/busy").await.len(),
        1,
        "returned instead of waiting 10 s and retrying"
    );

    // Invalid arguments: a tool error naming the field; nothing is sent.
    let before = p.github.received_requests().await.len();
    let invalid = session
        .call(
            "github_issues_create",
            json!({"owner": "octo", "repo": "hello"}),
        )
        .await;
    assert_eq!(invalid.is_error, Some(true));
    let e = &structured(&invalid)["error"];
    assert_eq!(e["kind"], "invalid_input", "{e}");
    assert!(e["message"].as_str().unwrap().contains("title"), "{e}");
    assert_eq!(p.github.received_requests().await.len(), before);

    // An unknown tool is a protocol error.
    let unknown = session.try_call("github_nope", json!({})).await;
    assert!(unknown.is_err(), "{unknown:?}");

    session.finish().await;
    p.github.assert_no_unexpected();
    p.jira.assert_no_unexpected();
    assert!(p.slack.received_requests().await.is_empty());
    assert!(p.clickup.received_requests().await.is_empty());
}

#[tokio::test]
async fn read_only_hides_mutating_tools_and_they_cannot_be_called() {
    let p = Platforms::start().await;
    let session = Session::start(&p, &["--read-only"]).await;
    let tools = session.tools().await;
    let listed = names(&tools);
    assert!(listed.contains(&"github_issues_list"), "{listed:?}");
    assert!(listed.contains(&"jira_sprints_issues"), "{listed:?}");
    for mutating in [
        "github_issues_create",
        "slack_chat_post_message",
        "clickup_tasks_delete",
        "jira_issues_transition",
    ] {
        assert!(!listed.contains(&mutating), "{mutating} listed: {listed:?}");
    }
    for tool in &tools {
        let a = tool.annotations.as_ref().unwrap();
        assert_eq!(a.read_only_hint, Some(true), "{}", tool.name);
    }
    let refused = session
        .try_call(
            "github_issues_create",
            json!({"owner": "octo", "repo": "hello", "title": "t"}),
        )
        .await;
    assert!(refused.is_err(), "a hidden tool is unknown: {refused:?}");
    session.finish().await;
    assert!(
        p.github.received_requests().await.is_empty(),
        "nothing sent"
    );
}

#[tokio::test]
async fn tools_and_connectors_filters_keep_only_what_they_name() {
    let p = Platforms::start().await;
    let session = Session::start(
        &p,
        &[
            "--tools",
            "github_issues_list,jira_sprints_get",
            "--tools",
            "slack_auth_test",
            "--connectors",
            "github,jira",
        ],
    )
    .await;
    let tools = session.tools().await;
    assert_eq!(
        names(&tools),
        ["github_issues_list", "jira_sprints_get"],
        "slack is not among --connectors"
    );
    session.finish().await;

    let session = Session::start(&p, &["--connectors", "clickup"]).await;
    let tools = session.tools().await;
    assert!(!tools.is_empty());
    assert!(names(&tools).iter().all(|n| n.starts_with("clickup_")));
    session.finish().await;
}

#[test]
fn unknown_filter_names_are_usage_errors_naming_them() {
    for (flag, value) in [
        ("--tools", "github_issues_list,github_nope"),
        ("--connectors", "gitlab"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let mut cmd = plugboard(&["mcp", flag, value]);
        cmd.current_dir(dir.path())
            .env(
                "PLUGBOARD_STORE_URL",
                format!("sqlite://{}", dir.path().join("state.db").display()),
            )
            .env("PLUGBOARD_GITHUB_TOKEN", TOKEN)
            .env("PLUGBOARD_GITHUB_BASE_URL", "http://127.0.0.1:9");
        let out = run(&mut cmd, &[]);
        out.assert_code(2);
        let wrong = value.rsplit(',').next().unwrap();
        assert!(out.stderr.contains(wrong), "{}", out.stderr);
        assert!(
            out.stdout.is_empty(),
            "stdout is the protocol: {}",
            out.stdout
        );
    }
}

#[tokio::test]
async fn the_sprint_report_is_a_tool_answering_the_documented_json_or_markdown() {
    use plugboard_testkit::sprint::{SprintFixture, SprintSpec};
    let p = Platforms::start().await;
    let fixture = SprintFixture::generate(SprintSpec::small());
    fixture.mount_jira(&p.jira).await;
    fixture.mount_github(&p.github).await;
    let session = Session::start(&p, &["--read-only"]).await;
    let tools = session.tools().await;
    let report_tool = tools
        .iter()
        .find(|t| t.name == "report_sprint")
        .expect("report_sprint is listed under --read-only");
    assert_eq!(report_tool.input_schema["required"], json!(["board"]));

    let result = session
        .call(
            "report_sprint",
            json!({"board": 7, "sprint": 42, "repos": ["acme/web", "acme/api"]}),
        )
        .await;
    assert_ne!(result.is_error, Some(true), "{}", text(&result));
    let report = structured(&result);
    let schema_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/schemas/sprint-report.schema.json");
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    assert!(
        validator.is_valid(report),
        "the tool's report breaks the schema"
    );
    assert_eq!(
        report["issues"].as_array().unwrap().len(),
        fixture.issues.len()
    );
    assert_eq!(report["github_available"], true);

    let result = session
        .call(
            "report_sprint",
            json!({"board": 7, "sprint": "42", "format": "markdown"}),
        )
        .await;
    let markdown = structured(&result)["markdown"].as_str().unwrap();
    assert!(markdown.contains("| [PROJ-2]"), "{markdown}");

    let result = session
        .call("report_sprint", json!({"board": 7, "repos": ["nope"]}))
        .await;
    assert_eq!(result.is_error, Some(true));
    assert_eq!(structured(&result)["error"]["field"], "repos");
    session.finish().await;
}
