//! `plugboard call`: single calls, `--all` across Link-header pages, `--batch`, and the errors
//! for unknown names, bad input and bad configuration.

use std::time::Duration;

use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{TOKEN, plugboard, plugboard_github, run, run_with_stdin, scratch_dir};

fn issue(number: u64) -> Value {
    json!({
        "id": 1000 + number,
        "number": number,
        "title": format!("Issue {number}"),
        "state": "open",
        "html_url": format!("https://github.com/o/r/issues/{number}"),
        "labels": [],
        "assignees": [],
    })
}

/// Blocking tests run the binary with `std::process`, so the mock lives on its own runtime.
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn all_follows_link_headers_and_prints_every_issue_once_in_order() {
    let rt = runtime();
    let server = rt.block_on(MockServer::start());
    let origin = server.uri();
    let page = |issues: Vec<Value>, next: Option<u32>| {
        let mut response = ResponseTemplate::new(200).set_body_json(issues);
        if let Some(next) = next {
            response = response.insert_header(
                "link",
                format!(
                    "<{origin}/repos/o/r/issues?page={next}>; rel=\"next\", <{origin}/repos/o/r/issues?page=3>; rel=\"last\""
                ),
            );
        }
        response
    };
    rt.block_on(async {
        Mock::given(method("GET"))
            .and(path("/repos/o/r/issues"))
            .and(query_param_is_missing("page"))
            .respond_with(page(vec![issue(1), issue(2)], Some(2)))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/repos/o/r/issues"))
            .and(query_param("page", "2"))
            .respond_with(page(vec![issue(3), issue(4)], Some(3)))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/repos/o/r/issues"))
            .and(query_param("page", "3"))
            .respond_with(page(vec![issue(5)], None))
            .expect(1)
            .mount(&server)
            .await;
    });

    let out = run(
        &mut plugboard_github(
            &server.uri(),
            &[
                "call",
                "github",
                "issues.list",
                "--input",
                r#"{"owner":"o","repo":"r"}"#,
                "--all",
            ],
        ),
        &[],
    );
    out.assert_code(0);
    assert_eq!(
        out.stdout.lines().count(),
        5,
        "one line per issue: {}",
        out.stdout
    );
    let numbers: Vec<u64> = out
        .json_lines()
        .iter()
        .map(|i| i["number"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, [1, 2, 3, 4, 5]);

    let requests = rt.block_on(server.received_requests()).unwrap();
    assert_eq!(requests.len(), 3);
    for r in &requests {
        assert_eq!(r.url.path(), "/repos/o/r/issues");
        assert_eq!(
            r.headers.get("authorization").unwrap().to_str().unwrap(),
            format!("Bearer {TOKEN}")
        );
    }
    rt.block_on(server.verify());
}

#[test]
fn a_single_call_prints_one_compact_json_document() {
    let rt = runtime();
    let server = rt.block_on(MockServer::start());
    rt.block_on(
        Mock::given(method("GET"))
            .and(path("/repos/o/r/issues/7"))
            .respond_with(ResponseTemplate::new(200).set_body_json(issue(7)))
            .expect(1)
            .mount(&server),
    );
    let out = run(
        &mut plugboard_github(
            &server.uri(),
            &[
                "call",
                "github",
                "issues.get",
                "--input",
                r#"{"owner":"o","repo":"r","issue_number":7}"#,
            ],
        ),
        &[],
    );
    out.assert_code(0);
    assert_eq!(out.stdout.lines().count(), 1, "compact when not a terminal");
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["number"], 7);
    assert_eq!(v["title"], "Issue 7");
}

#[test]
fn unknown_names_list_what_exists_and_exit_2() {
    let out = run(
        &mut plugboard_github("http://127.0.0.1:9", &["call", "github", "issues.lst"]),
        &[],
    );
    out.assert_code(2);
    assert!(out.stderr.starts_with("error: "), "{}", out.stderr);
    assert!(out.stderr.contains("known operations: "), "{}", out.stderr);
    for op in [
        "issues.create",
        "issues.get",
        "issues.list",
        "rate_limit.get",
        "repos.get",
    ] {
        assert!(out.stderr.contains(op), "{op} not listed: {}", out.stderr);
    }

    let out = run(
        &mut plugboard_github("http://127.0.0.1:9", &["call", "gitlab", "issues.list"]),
        &[],
    );
    out.assert_code(2);
    assert!(out.stderr.contains("known connectors: "), "{}", out.stderr);
    assert!(out.stderr.contains("github"), "{}", out.stderr);
}

#[test]
fn bad_input_names_the_field_and_sends_nothing() {
    let rt = runtime();
    let server = rt.block_on(MockServer::start());
    let out = run(
        &mut plugboard_github(
            &server.uri(),
            &["call", "github", "issues.list", "--input", r#"{"owner":1}"#],
        ),
        &[],
    );
    out.assert_code(1);
    assert!(out.stderr.starts_with("error: "), "{}", out.stderr);
    assert!(out.stderr.contains("owner"), "{}", out.stderr);
    assert!(out.stderr.contains("invalid_input"), "{}", out.stderr);

    let out = run(
        &mut plugboard_github(
            &server.uri(),
            &[
                "call",
                "github",
                "issues.list",
                "--input",
                r#"{"owner":"o""#,
            ],
        ),
        &[],
    );
    out.assert_code(2);
    assert!(out.stderr.contains("--input is not JSON"), "{}", out.stderr);

    assert!(rt.block_on(server.received_requests()).unwrap().is_empty());
}

#[test]
fn platform_errors_exit_1_with_the_status() {
    let rt = runtime();
    let server = rt.block_on(MockServer::start());
    rt.block_on(
        Mock::given(method("GET"))
            .and(path("/repos/o/missing"))
            .respond_with(ResponseTemplate::new(404).set_body_json(json!({
                "message": "Not Found",
                "documentation_url": "https://docs.github.com/rest/repos/repos#get-a-repository"
            })))
            .mount(&server),
    );
    let out = run(
        &mut plugboard_github(
            &server.uri(),
            &[
                "call",
                "github",
                "repos.get",
                "--input",
                r#"{"owner":"o","repo":"missing"}"#,
            ],
        ),
        &[],
    );
    out.assert_code(1);
    assert!(out.stderr.contains("not_found"), "{}", out.stderr);
    assert!(out.stderr.contains("404"), "{}", out.stderr);
    assert!(out.stdout.is_empty());
}

#[test]
fn batch_prints_results_in_input_order() {
    let rt = runtime();
    let server = rt.block_on(MockServer::start());
    rt.block_on(async {
        // The first input answers last: completion order would be 3, 2, 1.
        for (n, delay_ms) in [(1u64, 600u64), (2, 300), (3, 0)] {
            Mock::given(method("GET"))
                .and(path(format!("/repos/o/r/issues/{n}")))
                .respond_with(
                    ResponseTemplate::new(200)
                        .set_body_json(issue(n))
                        .set_delay(Duration::from_millis(delay_ms)),
                )
                .expect(1)
                .mount(&server)
                .await;
        }
    });
    let dir = scratch_dir("batch");
    let file = dir.join("inputs.jsonl");
    std::fs::write(
        &file,
        "{\"owner\":\"o\",\"repo\":\"r\",\"issue_number\":1}\n\
         {\"owner\":\"o\",\"repo\":\"r\",\"issue_number\":2}\n\
         {\"owner\":\"o\",\"repo\":\"r\",\"issue_number\":3}\n",
    )
    .unwrap();
    let out = run(
        &mut plugboard_github(
            &server.uri(),
            &[
                "call",
                "github",
                "issues.get",
                "--batch",
                file.to_str().unwrap(),
            ],
        ),
        &[],
    );
    out.assert_code(0);
    let lines = out.json_lines();
    assert_eq!(lines.len(), 3, "{}", out.stdout);
    let numbers: Vec<u64> = lines
        .iter()
        .map(|l| l["ok"]["number"].as_u64().expect("an ok line"))
        .collect();
    assert_eq!(numbers, [1, 2, 3]);
    assert!(
        !out.stderr.contains('\u{1b}'),
        "no progress bar off a terminal"
    );
    rt.block_on(server.verify());
}

#[test]
fn batch_failures_are_lines_too_and_exit_1() {
    let rt = runtime();
    let server = rt.block_on(MockServer::start());
    rt.block_on(async {
        Mock::given(method("GET"))
            .and(path("/repos/o/r/issues/1"))
            .respond_with(ResponseTemplate::new(200).set_body_json(issue(1)))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/repos/o/r/issues/404"))
            .respond_with(ResponseTemplate::new(404).set_body_json(json!({"message": "Not Found"})))
            .mount(&server)
            .await;
    });
    let stdin = "{\"owner\":\"o\",\"repo\":\"r\",\"issue_number\":404}\n\
                 \n\
                 not json\n\
                 {\"owner\":\"o\",\"repo\":\"r\",\"issue_number\":1}\n";
    let out = run_with_stdin(
        &mut plugboard_github(
            &server.uri(),
            &["call", "github", "issues.get", "--batch", "-"],
        ),
        stdin.as_bytes(),
        &[],
    );
    out.assert_code(1);
    let lines = out.json_lines();
    assert_eq!(lines.len(), 3, "blank lines are skipped: {}", out.stdout);
    assert_eq!(lines[0]["error"]["kind"], "not_found");
    assert_eq!(lines[0]["error"]["status"], 404);
    assert_eq!(lines[1]["error"]["kind"], "invalid_input");
    assert!(
        lines[1]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("line 3")
    );
    assert_eq!(lines[2]["ok"]["number"], 1);
    assert!(out.stderr.contains("2 of 3 calls failed"), "{}", out.stderr);
}

#[test]
fn bad_configuration_names_the_key_and_exits_2() {
    let dir = scratch_dir("config");
    std::fs::write(
        dir.join("plugboard.toml"),
        format!("[connectors.github]\ntokn = \"{TOKEN}\"\n"),
    )
    .unwrap();
    let out = run(
        plugboard(&["call", "github", "rate_limit.get"]).current_dir(&dir),
        &[],
    );
    out.assert_code(2);
    assert!(
        out.stderr.contains("connectors.github.tokn: unknown field"),
        "{}",
        out.stderr
    );

    std::fs::write(dir.join("other.toml"), "[connectors.gitlab]\n").unwrap();
    let out = run(
        plugboard(&["call", "github", "rate_limit.get", "--config", "other.toml"])
            .current_dir(&dir),
        &[],
    );
    out.assert_code(2);
    assert!(
        out.stderr.contains("known connectors: ") && out.stderr.contains("github"),
        "{}",
        out.stderr
    );

    let out = run(
        plugboard(&[
            "call",
            "github",
            "rate_limit.get",
            "--config",
            "missing.toml",
        ])
        .current_dir(&dir),
        &[],
    );
    out.assert_code(2);
    assert!(out.stderr.contains("missing.toml"), "{}", out.stderr);
}

#[test]
fn the_config_file_supplies_base_url_and_token() {
    let rt = runtime();
    let server = rt.block_on(MockServer::start());
    rt.block_on(
        Mock::given(method("GET"))
            .and(path("/repos/o/r/issues/2"))
            .and(wiremock::matchers::bearer_token(TOKEN))
            .respond_with(ResponseTemplate::new(200).set_body_json(issue(2)))
            .expect(1)
            .mount(&server),
    );
    let dir = scratch_dir("config-ok");
    std::fs::write(
        dir.join("plugboard.toml"),
        format!(
            "[connectors.github]\nbase_url = \"{}\"\ntoken = \"{TOKEN}\"\n",
            server.uri()
        ),
    )
    .unwrap();
    let out = run(
        plugboard(&[
            "call",
            "github",
            "issues.get",
            "--input",
            r#"{"owner":"o","repo":"r","issue_number":2}"#,
        ])
        .current_dir(&dir),
        &[],
    );
    out.assert_code(0);
    assert_eq!(out.json_lines()[0]["number"], 2);
    rt.block_on(server.verify());
}
