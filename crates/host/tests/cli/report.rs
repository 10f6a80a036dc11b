//! `plugboard report sprint` against mocks of Jira and GitHub in their documented shapes: the
//! HTML report opened in headless Chromium (charts and correlated rows present, platform text
//! escaped, a screenshot saved under `target/`), the JSON validated against its published
//! schema, markdown, PDF, and both platforms failing.

use std::path::{Path, PathBuf};
use std::process::Command;

use plugboard_reports::pdf::{CHROMIUM_ENV, Chromium};
use plugboard_testkit::MockPlatform;
use plugboard_testkit::sprint::{HOSTILE_SUMMARY, SprintFixture, SprintSpec};
use serde_json::Value;
use wiremock::matchers::any;
use wiremock::{Mock, ResponseTemplate};

use crate::support::{TOKEN, plugboard, run, scratch_dir};

const JIRA_TOKEN: &str = "jira-api-token-never-printed";

struct Platforms {
    jira: MockPlatform,
    github: MockPlatform,
    fixture: SprintFixture,
}

async fn platforms() -> Platforms {
    let fixture = SprintFixture::generate(SprintSpec::small());
    let (jira, github) = (MockPlatform::start().await, MockPlatform::start().await);
    fixture.mount_jira(&jira).await;
    fixture.mount_github(&github).await;
    Platforms {
        jira,
        github,
        fixture,
    }
}

/// The binary with both platforms configured, writing into `dir`.
fn report(p: &Platforms, dir: &Path, format: &str, output: &str) -> Command {
    let mut cmd = plugboard(&[
        "report", "sprint", "--board", "7", "--sprint", "42", "--repo", "acme/web", "--repo",
        "acme/api", "--format", format, "--output", output,
    ]);
    cmd.current_dir(dir)
        .env("HOME", dir)
        .env("PLUGBOARD_JIRA_BASE_URL", p.jira.uri())
        .env("PLUGBOARD_JIRA_EMAIL", "reporter@example.com")
        .env("PLUGBOARD_JIRA_TOKEN", JIRA_TOKEN)
        .env("PLUGBOARD_GITHUB_BASE_URL", p.github.uri())
        .env("PLUGBOARD_GITHUB_TOKEN", TOKEN)
        // Quick failures when a test makes a platform fail.
        .env("PLUGBOARD_GITHUB_TOTAL_TIMEOUT_SECS", "5")
        .env("PLUGBOARD_JIRA_TOTAL_TIMEOUT_SECS", "5");
    cmd
}

fn chromium() -> Chromium {
    // The test command installs Chromium (`cargo xtask test`); a missing one fails the test.
    Chromium::find().unwrap_or_else(|e| panic!("{e}"))
}

/// `target/sprint-report/` in the workspace, kept after the run.
fn artefacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/sprint-report");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test(flavor = "multi_thread")]
async fn the_html_report_opens_in_chromium_with_its_charts_and_correlated_rows() {
    let p = platforms().await;
    let dir = scratch_dir("report-html");
    let out = run(&mut report(&p, &dir, "html", "sprint.html"), &[JIRA_TOKEN]);
    out.assert_code(0);
    assert!(
        out.stderr.contains("written to sprint.html"),
        "{}",
        out.stderr
    );
    let html_path = dir.join("sprint.html");
    let html = std::fs::read_to_string(&html_path).unwrap();

    // Self-contained: nothing to fetch, no script at all.
    for needle in ["<script", "src=\"http", "href=\"//", "@import", "<link "] {
        assert!(!html.contains(needle), "the report references {needle}");
    }

    let chromium = chromium();
    let dom = chromium.dump_dom(&html_path).await.unwrap();
    for chart in [
        "chart-burndown",
        "chart-committed-completed",
        "chart-cycle-time",
    ] {
        let at = dom
            .find(&format!("id=\"{chart}\""))
            .unwrap_or_else(|| panic!("{chart} missing from the DOM"));
        let svg_start = dom[..at].rfind('<').unwrap();
        assert!(
            dom[svg_start..].starts_with("<svg"),
            "{chart} is not an svg"
        );
    }
    // The burndown draws lines with points.
    assert!(
        dom.contains("<polyline") || dom.contains("<path"),
        "no line in the burndown"
    );
    // One row per issue, PROJ-2 linked to the pull request naming it in its branch.
    for plan in &p.fixture.issues {
        assert!(
            dom.contains(&format!("data-issue=\"{}\"", plan.key)),
            "no row for {}",
            plan.key
        );
    }
    let row = row_of(&dom, "PROJ-2");
    assert!(row.contains("data-pr=\"acme/api#101\""), "{row}");
    assert!(
        row.contains("https://github.com/acme/api/pull/101"),
        "{row}"
    );
    // PROJ-1's summary is text, not markup: Chromium parsed no script element from it.
    assert!(!dom.contains("<script"), "a script element reached the DOM");
    assert!(dom.contains("&lt;script&gt;alert(\"pwned\")&lt;/script&gt;"));
    assert!(HOSTILE_SUMMARY.contains("<script>"));
    // The unlinked pull requests (every 9th names no issue) are listed as such.
    assert!(
        dom.contains("chore: bump dependencies (9)"),
        "unlinked PR missing"
    );

    let shot = artefacts().join("sprint-report.png");
    let _ = std::fs::remove_file(&shot);
    chromium
        .screenshot(&html_path, &shot, 1280, 2400)
        .await
        .unwrap();
    let png = std::fs::read(&shot).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    assert!(
        png.len() > 20_000,
        "a blank screenshot ({} bytes)",
        png.len()
    );
    std::fs::copy(&html_path, artefacts().join("sprint-report.html")).unwrap();
    p.jira.assert_no_unexpected();
    p.github.assert_no_unexpected();
}

/// The `<tr>` of `key` in the DOM.
fn row_of<'a>(dom: &'a str, key: &str) -> &'a str {
    let at = dom
        .find(&format!("data-issue=\"{key}\""))
        .unwrap_or_else(|| panic!("no row for {key}"));
    let start = dom[..at].rfind("<tr").unwrap();
    let end = at + dom[at..].find("</tr>").unwrap();
    &dom[start..end]
}

#[tokio::test(flavor = "multi_thread")]
async fn the_json_report_validates_against_the_published_schema() {
    let p = platforms().await;
    let dir = scratch_dir("report-json");
    run(&mut report(&p, &dir, "json", "-"), &[JIRA_TOKEN]).assert_code(0);
    let out = run(&mut report(&p, &dir, "json", "-"), &[JIRA_TOKEN]);
    out.assert_code(0);
    let document: Value = serde_json::from_str(&out.stdout).unwrap();
    let schema_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/schemas/sprint-report.schema.json");
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&document)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(document["sprint"]["id"], 42);
    assert_eq!(
        document["issues"].as_array().unwrap().len(),
        p.fixture.issues.len()
    );
    assert_eq!(document["github_available"], true);
    let removed = document["issues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["key"] == "PROJ-15")
        .unwrap();
    assert_eq!(removed["removed"], true);
}

#[tokio::test(flavor = "multi_thread")]
async fn markdown_suits_a_pull_request_comment() {
    let p = platforms().await;
    let dir = scratch_dir("report-md");
    let out = run(&mut report(&p, &dir, "markdown", "-"), &[JIRA_TOKEN]);
    out.assert_code(0);
    let md = &out.stdout;
    assert!(md.starts_with('#'), "{md}");
    assert!(md.contains("| [PROJ-2]"), "{md}");
    assert!(!md.contains("<script>"), "{md}");
}

#[tokio::test(flavor = "multi_thread")]
async fn pdf_is_printed_by_headless_chromium() {
    let p = platforms().await;
    let dir = scratch_dir("report-pdf");
    let chromium = chromium();
    let mut cmd = report(&p, &dir, "pdf", "sprint.pdf");
    cmd.env(CHROMIUM_ENV, chromium.binary());
    run(&mut cmd, &[JIRA_TOKEN]).assert_code(0);
    let pdf = std::fs::read(dir.join("sprint.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    assert!(pdf.len() > 10_000);
}

#[tokio::test(flavor = "multi_thread")]
async fn pdf_without_chromium_says_how_to_install_it_before_calling_anything() {
    let p = platforms().await;
    let dir = scratch_dir("report-nochrome");
    let mut cmd = report(&p, &dir, "pdf", "sprint.pdf");
    cmd.env("PATH", &dir);
    let out = run(&mut cmd, &[JIRA_TOKEN]);
    out.assert_code(1);
    assert!(
        out.stderr.contains("apt-get install -y chromium"),
        "{}",
        out.stderr
    );
    assert!(p.jira.received_requests().await.is_empty());
    assert!(!dir.join("sprint.pdf").exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn github_down_still_renders_from_jira_with_a_visible_warning() {
    let fixture = SprintFixture::generate(SprintSpec::small());
    let (jira, github) = (MockPlatform::start().await, MockPlatform::start().await);
    fixture.mount_jira(&jira).await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(503))
        .mount(github.server())
        .await;
    let p = Platforms {
        jira,
        github,
        fixture,
    };
    let dir = scratch_dir("report-nogithub");
    let out = run(&mut report(&p, &dir, "html", "sprint.html"), &[JIRA_TOKEN]);
    out.assert_code(0);
    assert!(
        out.stderr.contains("warning: GitHub is unavailable"),
        "{}",
        out.stderr
    );
    let html = std::fs::read_to_string(dir.join("sprint.html")).unwrap();
    assert!(
        html.contains("GitHub is unavailable"),
        "no warning in the report"
    );
    assert!(html.contains("data-issue=\"PROJ-2\""));
}

#[tokio::test(flavor = "multi_thread")]
async fn jira_down_fails_with_a_clear_error_and_writes_nothing() {
    let (jira, github) = (MockPlatform::start().await, MockPlatform::start().await);
    Mock::given(any())
        .respond_with(ResponseTemplate::new(503))
        .mount(jira.server())
        .await;
    let p = Platforms {
        jira,
        github,
        fixture: SprintFixture::generate(SprintSpec::small()),
    };
    let dir = scratch_dir("report-nojira");
    let out = run(&mut report(&p, &dir, "html", "sprint.html"), &[JIRA_TOKEN]);
    out.assert_code(1);
    assert!(out.stderr.contains("Jira is unavailable"), "{}", out.stderr);
    assert!(!dir.join("sprint.html").exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_arguments_are_usage_errors() {
    let dir = scratch_dir("report-usage");
    for (args, says) in [
        (&["--sprint", "next"][..], "--sprint"),
        (&["--repo", "not-a-repo"][..], "--repo"),
    ] {
        let mut all = vec!["report", "sprint", "--board", "7"];
        all.extend_from_slice(args);
        let mut cmd = plugboard(&all);
        cmd.current_dir(&dir);
        let out = run(&mut cmd, &[]);
        out.assert_code(2);
        assert!(out.stderr.contains(says), "{}", out.stderr);
    }
    // No Jira configured: named, exit 2.
    let mut cmd = plugboard(&["report", "sprint", "--board", "7"]);
    cmd.current_dir(&dir);
    let out = run(&mut cmd, &[]);
    out.assert_code(2);
    assert!(
        out.stderr.contains("PLUGBOARD_JIRA_BASE_URL"),
        "{}",
        out.stderr
    );
}
