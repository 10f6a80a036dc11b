//! The sprint report end to end — fetch from Jira and GitHub through the runtime, correlate,
//! compute, render HTML — for a sprint of 200 issues, 500 pull requests and 2 000 commits,
//! against mock platforms that answer every request after a realistic latency; the baseline is
//! a bare reqwest client replaying the same requests with the same dependencies (the sprint
//! first; then pages one after another, repositories and the Jira side at once, a repository's
//! reviews 16 at a time once its pull requests are listed, its commits alongside) and
//! doing nothing with the answers. Rounds alternate; the figures are medians. Output:
//!
//! ```text
//! sprint report: 200 issues, 500 PRs, 2000 commits, 120 ms latency: 1.82 s (budget 30 s); bare fetch of the same 534 requests: 1.73 s; ratio 1.05
//! ```
//!
//! `cargo bench -p plugboard-reports --bench sprint_report` or `cargo xtask bench report`.
//! `REPORT_LATENCY_MS` and `REPORT_ROUNDS` override the defaults. Without `--bench` (as under
//! `cargo test --all-targets`) it runs a small smoke sprint. It fails when the report takes
//! longer than the 30 s budget.

use std::time::{Duration, Instant};

use futures::{StreamExt, stream};
use plugboard_core::{ConnectorConfig, SecretString};
use plugboard_github::GithubClient;
use plugboard_jira::JiraClient;
use plugboard_reports::fetch::{SprintQuery, SprintSelector, fetch_sprint};
use plugboard_reports::{Format, build_report, render};
use plugboard_testkit::MockPlatform;
use plugboard_testkit::sprint::{BOARD_ID, SPRINT_ID, SprintFixture, SprintSpec, sprint_start};

const BUDGET: Duration = Duration::from_secs(30);

fn main() {
    let measuring = std::env::args().any(|a| a == "--bench");
    let latency = Duration::from_millis(env_u64("REPORT_LATENCY_MS", 120));
    let rounds = env_u64("REPORT_ROUNDS", if measuring { 3 } else { 1 }).max(1);
    let spec = if measuring {
        SprintSpec {
            issues: 200,
            pulls: 500,
            commits: 2_000,
            repos: vec!["acme/web".into(), "acme/api".into(), "acme/mobile".into()],
            latency,
        }
    } else {
        SprintSpec {
            latency: Duration::from_millis(5),
            ..SprintSpec::small()
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async move {
        let fixture = SprintFixture::generate(spec.clone());
        let (jira_mock, github_mock) = (MockPlatform::start().await, MockPlatform::start().await);
        fixture.mount_jira(&jira_mock).await;
        fixture.mount_github(&github_mock).await;
        let mut report_times = Vec::new();
        let mut bare_times = Vec::new();
        let mut requests = 0;
        for _ in 0..rounds {
            let jira_before = jira_mock.received_requests().await.len();
            let github_before = github_mock.received_requests().await.len();
            report_times.push(report_once(&fixture, &jira_mock, &github_mock).await);
            let plan = Plan::read(&jira_mock, &github_mock, jira_before, github_before).await;
            requests = plan.len();
            bare_times.push(plan.replay().await);
        }
        let report = median(&mut report_times);
        let bare = median(&mut bare_times);
        println!(
            "sprint report: {} issues, {} PRs, {} commits, {} ms latency: {:.2} s (budget {} s); \
             bare fetch of the same {requests} requests: {:.2} s; ratio {:.2}",
            spec.issues,
            spec.pulls,
            spec.commits,
            latency.as_millis(),
            report.as_secs_f64(),
            BUDGET.as_secs(),
            bare.as_secs_f64(),
            report.as_secs_f64() / bare.as_secs_f64().max(1e-9),
        );
        assert!(
            report < BUDGET,
            "the report took {report:?}, over the {BUDGET:?} budget"
        );
        jira_mock.assert_no_unexpected();
        github_mock.assert_no_unexpected();
    });
}

/// One report: fresh clients (no warm cache), fetch, compute, render HTML.
async fn report_once(
    fixture: &SprintFixture,
    jira_mock: &MockPlatform,
    github_mock: &MockPlatform,
) -> Duration {
    let started = Instant::now();
    let mut jira_config = ConnectorConfig {
        base_url: Some(jira_mock.uri().parse().expect("url")),
        token: Some(SecretString::from("jira-api-token")),
        ..Default::default()
    };
    jira_config
        .settings
        .insert("email".into(), "bench@example.com".into());
    let github_config = ConnectorConfig {
        base_url: Some(github_mock.uri().parse().expect("url")),
        token: Some(SecretString::from("ghp_bench")),
        ..Default::default()
    };
    let jira = JiraClient::from_config(&jira_config).expect("jira client");
    let github = GithubClient::from_config(&github_config).expect("github client");
    let repos = fixture
        .spec
        .repos
        .iter()
        .map(|r| r.parse().expect("owner/name"))
        .collect();
    let query = SprintQuery::new(BOARD_ID, SprintSelector::Id(SPRINT_ID), repos);
    let now = sprint_start() + time::Duration::days(30);
    let data = fetch_sprint(&jira, Some(&github), &query, now)
        .await
        .expect("fetch");
    assert_eq!(data.pulls.len(), fixture.pulls.len());
    let fetched = started.elapsed();
    let report = build_report(&data);
    let html = render(&report, Format::Html).expect("render");
    if std::env::var_os("REPORT_BREAKDOWN").is_some() {
        eprintln!(
            "fetch {fetched:?}, compute + render {:?}",
            started.elapsed() - fetched
        );
    }
    assert!(html.len() > 10_000);
    started.elapsed()
}

/// The requests one report made, grouped the way they depend on each other.
struct Plan {
    jira_chain: Vec<String>,
    /// Per repository: its pull pages in order, its commit pages, its review lists.
    repos: Vec<(Vec<String>, Vec<String>, Vec<String>)>,
    review_concurrency: usize,
}

impl Plan {
    /// The requests made after the first `jira_before` and `github_before` ones.
    async fn read(
        jira: &MockPlatform,
        github: &MockPlatform,
        jira_before: usize,
        github_before: usize,
    ) -> Self {
        let jira_requests = jira.received_requests().await;
        let github_requests = github.received_requests().await;
        // Addressed to the mock itself (the recorded URL's authority is the Host header).
        let at = |mock: &MockPlatform, url: &url::Url| match url.query() {
            Some(q) => format!("{}{}?{q}", mock.uri(), url.path()),
            None => format!("{}{}", mock.uri(), url.path()),
        };
        let jira_chain: Vec<String> = jira_requests[jira_before..]
            .iter()
            .map(|r| at(jira, &r.url))
            .collect();
        let github_round = &github_requests[github_before..];
        let mut repos = Vec::new();
        for repo in ["acme/web", "acme/api", "acme/mobile"] {
            let of = |suffix: &str| -> Vec<String> {
                github_round
                    .iter()
                    .filter(|r| {
                        let p = r.url.path();
                        p.starts_with(&format!("/repos/{repo}/")) && p.ends_with(suffix)
                    })
                    .map(|r| at(github, &r.url))
                    .collect()
            };
            let pulls = of("/pulls");
            if pulls.is_empty() {
                continue;
            }
            repos.push((pulls, of("/commits"), of("/reviews")));
        }
        Self {
            jira_chain,
            repos,
            review_concurrency: 16,
        }
    }

    fn len(&self) -> usize {
        self.jira_chain.len()
            + self
                .repos
                .iter()
                .map(|(p, c, r)| p.len() + c.len() + r.len())
                .sum::<usize>()
    }

    /// The same requests with bare reqwest: Jira's chain and each repository at once; within
    /// a repository pull pages then reviews (16 at a time), commit pages alongside.
    async fn replay(&self) -> Duration {
        let client = reqwest::Client::new();
        let get = |url: String| {
            let client = client.clone();
            async move {
                let response = client.get(url).send().await.expect("send");
                assert!(response.status().is_success());
                response.bytes().await.expect("body");
            }
        };
        let started = Instant::now();
        // The sprint (and, beside it, the board) comes first: its window bounds every other
        // request.
        let (board, chain): (Vec<&String>, Vec<&String>) = self
            .jira_chain
            .iter()
            .partition(|u| u.contains("/rest/agile/1.0/board/") && !u.contains("/sprint"));
        let (sprint, rest) = chain.split_first().expect("the sprint request");
        tokio::join!(
            futures::future::join_all(board.into_iter().map(|u| get(u.clone()))),
            get((*sprint).clone())
        );
        let jira = async {
            for url in rest {
                get((*url).clone()).await;
            }
        };
        let github =
            futures::future::join_all(self.repos.iter().map(|(pulls, commits, reviews)| {
                let get = &get;
                async move {
                    let pulls_then_reviews = async {
                        for url in pulls {
                            get(url.clone()).await;
                        }
                        stream::iter(reviews.iter().cloned())
                            .map(get)
                            .buffer_unordered(self.review_concurrency)
                            .collect::<Vec<()>>()
                            .await;
                    };
                    let commits = async {
                        for url in commits {
                            get(url.clone()).await;
                        }
                    };
                    tokio::join!(pulls_then_reviews, commits);
                }
            }));
        tokio::join!(jira, github);
        started.elapsed()
    }
}

fn median(values: &mut [Duration]) -> Duration {
    values.sort();
    values[values.len() / 2]
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
