//! Every list operation over several `Link`-header pages, through the typed `list_all` stream
//! and the dynamic `call_all` (what `plugboard call --all` runs). Each page is requested once
//! per stream, with GitHub's headers; later pages follow the `rel="next"` URL exactly.

mod common;

use common::{connector, fixture, github, mount_link_pages};
use futures::TryStreamExt;
use plugboard_core::{CallContext, Connector};
use plugboard_github::api::actions::ListRuns;
use plugboard_github::api::branches::ListBranches;
use plugboard_github::api::commits::ListCommits;
use plugboard_github::api::labels::ListLabels;
use plugboard_github::api::milestones::ListMilestones;
use plugboard_github::api::pulls::{ListPulls, ListReviews};
use plugboard_testkit::MockPlatform;
use plugboard_testkit::wiremock::matchers::query_param;
use serde_json::{Value, json};

/// Five items in pages of 2, 2 and 1, made from `template` with `key` set to 1..=5.
fn pages(template: &str, key: &str) -> Vec<Vec<Value>> {
    let item = |n: u64| {
        let mut v = fixture(template);
        v[key] = json!(n);
        v
    };
    vec![
        vec![item(1), item(2)],
        vec![item(3), item(4)],
        vec![item(5)],
    ]
}

fn arrays(pages: Vec<Vec<Value>>) -> Vec<Value> {
    pages.into_iter().map(Value::from).collect()
}

async fn dynamic(mock: &MockPlatform, operation: &str, input: Value, key: &str) -> Vec<Value> {
    let gh = connector(mock);
    gh.call_all(&CallContext::default(), operation, input)
        .map_ok(|item| item[key].clone())
        .try_collect()
        .await
        .unwrap()
}

fn ids(range: std::ops::RangeInclusive<u64>) -> Vec<Value> {
    range.map(Value::from).collect()
}

#[tokio::test]
async fn pulls_list_pages() {
    let mock = MockPlatform::start().await;
    mount_link_pages(
        &mock,
        github("GET", "/repos/o/r/pulls")
            .and(query_param("state", "all"))
            .and(query_param("per_page", "2")),
        "/repositories/1296269/pulls",
        arrays(pages("pull.json", "number")),
        2,
    )
    .await;
    let gh = connector(&mock);
    let typed: Vec<u64> = gh
        .client()
        .pulls()
        .list_all(&ListPulls {
            owner: "o".into(),
            repo: "r".into(),
            state: Some(plugboard_github::api::StateFilter::All),
            per_page: Some(2),
            ..Default::default()
        })
        .map_ok(|p| p.number)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(typed, [1, 2, 3, 4, 5]);
    let raw = dynamic(
        &mock,
        "pulls.list",
        json!({"owner": "o", "repo": "r", "state": "all", "per_page": 2}),
        "number",
    )
    .await;
    assert_eq!(raw, ids(1..=5));
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn pulls_list_reviews_pages() {
    let mock = MockPlatform::start().await;
    mount_link_pages(
        &mock,
        github("GET", "/repos/o/r/pulls/12/reviews").and(query_param("per_page", "2")),
        "/repositories/1296269/pulls/12/reviews",
        arrays(pages("review.json", "id")),
        2,
    )
    .await;
    let gh = connector(&mock);
    let typed: Vec<(u64, String)> = gh
        .client()
        .pulls()
        .list_reviews_all(&ListReviews {
            owner: "o".into(),
            repo: "r".into(),
            pull_number: 12,
            per_page: Some(2),
            page: None,
        })
        .map_ok(|r| (r.id, r.state))
        .try_collect()
        .await
        .unwrap();
    let expected: Vec<(u64, String)> = (1..=5).map(|n| (n, "APPROVED".to_string())).collect();
    assert_eq!(typed, expected);
    let raw = dynamic(
        &mock,
        "pulls.list_reviews",
        json!({"owner": "o", "repo": "r", "pull_number": 12, "per_page": 2}),
        "id",
    )
    .await;
    assert_eq!(raw, ids(1..=5));
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn branches_list_pages() {
    let mock = MockPlatform::start().await;
    let named: Vec<Value> = pages("branch.json", "name")
        .into_iter()
        .map(|page| {
            page.into_iter()
                .map(|mut b| {
                    b["name"] = json!(format!("b{}", b["name"]));
                    b
                })
                .collect::<Vec<_>>()
                .into()
        })
        .collect();
    mount_link_pages(
        &mock,
        github("GET", "/repos/o/r/branches").and(query_param("per_page", "2")),
        "/repositories/1296269/branches",
        named,
        2,
    )
    .await;
    let gh = connector(&mock);
    let typed: Vec<String> = gh
        .client()
        .branches()
        .list_all(&ListBranches {
            owner: "o".into(),
            repo: "r".into(),
            per_page: Some(2),
            ..Default::default()
        })
        .map_ok(|b| b.name)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(typed, ["b1", "b2", "b3", "b4", "b5"]);
    let raw = dynamic(
        &mock,
        "branches.list",
        json!({"owner": "o", "repo": "r", "per_page": 2}),
        "name",
    )
    .await;
    assert_eq!(raw, ["b1", "b2", "b3", "b4", "b5"]);
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn labels_list_pages() {
    let mock = MockPlatform::start().await;
    mount_link_pages(
        &mock,
        github("GET", "/repos/o/r/labels").and(query_param("per_page", "2")),
        "/repositories/1296269/labels",
        arrays(pages("label.json", "id")),
        2,
    )
    .await;
    let gh = connector(&mock);
    let typed: Vec<Option<u64>> = gh
        .client()
        .labels()
        .list_all(&ListLabels {
            owner: "o".into(),
            repo: "r".into(),
            per_page: Some(2),
            page: None,
        })
        .map_ok(|l| l.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(typed, [Some(1), Some(2), Some(3), Some(4), Some(5)]);
    let raw = dynamic(
        &mock,
        "labels.list",
        json!({"owner": "o", "repo": "r", "per_page": 2}),
        "id",
    )
    .await;
    assert_eq!(raw, ids(1..=5));
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn milestones_list_pages() {
    let mock = MockPlatform::start().await;
    mount_link_pages(
        &mock,
        github("GET", "/repos/o/r/milestones")
            .and(query_param("state", "all"))
            .and(query_param("per_page", "2")),
        "/repositories/1296269/milestones",
        arrays(pages("milestone.json", "number")),
        2,
    )
    .await;
    let gh = connector(&mock);
    let typed: Vec<u64> = gh
        .client()
        .milestones()
        .list_all(&ListMilestones {
            owner: "o".into(),
            repo: "r".into(),
            state: Some(plugboard_github::api::StateFilter::All),
            per_page: Some(2),
            ..Default::default()
        })
        .map_ok(|m| m.number)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(typed, [1, 2, 3, 4, 5]);
    let raw = dynamic(
        &mock,
        "milestones.list",
        json!({"owner": "o", "repo": "r", "state": "all", "per_page": 2}),
        "number",
    )
    .await;
    assert_eq!(raw, ids(1..=5));
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn commits_list_pages() {
    let mock = MockPlatform::start().await;
    let shas: Vec<Value> = pages("commit.json", "sha")
        .into_iter()
        .map(|page| {
            page.into_iter()
                .map(|mut c| {
                    c["sha"] = json!(format!("sha{}", c["sha"]));
                    c
                })
                .collect::<Vec<_>>()
                .into()
        })
        .collect();
    mount_link_pages(
        &mock,
        github("GET", "/repos/o/r/commits")
            .and(query_param("path", "README.md"))
            .and(query_param("per_page", "2")),
        "/repositories/1296269/commits",
        shas,
        2,
    )
    .await;
    let gh = connector(&mock);
    let typed: Vec<String> = gh
        .client()
        .commits()
        .list_all(&ListCommits {
            owner: "o".into(),
            repo: "r".into(),
            path: Some("README.md".into()),
            per_page: Some(2),
            ..Default::default()
        })
        .map_ok(|c| c.sha)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(typed, ["sha1", "sha2", "sha3", "sha4", "sha5"]);
    let raw = dynamic(
        &mock,
        "commits.list",
        json!({"owner": "o", "repo": "r", "path": "README.md", "per_page": 2}),
        "sha",
    )
    .await;
    assert_eq!(raw, ["sha1", "sha2", "sha3", "sha4", "sha5"]);
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn actions_list_runs_pages_read_items_under_workflow_runs() {
    let mock = MockPlatform::start().await;
    let bodies: Vec<Value> = pages("workflow_run.json", "id")
        .into_iter()
        .map(|runs| json!({"total_count": 5, "workflow_runs": runs}))
        .collect();
    mount_link_pages(
        &mock,
        github("GET", "/repos/o/r/actions/runs")
            .and(query_param("status", "failure"))
            .and(query_param("per_page", "2")),
        "/repositories/1296269/actions/runs",
        bodies,
        2,
    )
    .await;
    let gh = connector(&mock);
    let typed: Vec<u64> = gh
        .client()
        .actions()
        .list_runs_all(&ListRuns {
            owner: "o".into(),
            repo: "r".into(),
            status: Some("failure".into()),
            per_page: Some(2),
            ..Default::default()
        })
        .map_ok(|r| r.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(typed, [1, 2, 3, 4, 5]);
    let raw = dynamic(
        &mock,
        "actions.list_runs",
        json!({"owner": "o", "repo": "r", "status": "failure", "per_page": 2}),
        "id",
    )
    .await;
    assert_eq!(raw, ids(1..=5));
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn call_all_on_a_single_result_operation_yields_it_once() {
    let mock = MockPlatform::start().await;
    github("GET", "/repos/o/r/pulls/7")
        .respond_with(
            plugboard_testkit::wiremock::ResponseTemplate::new(200)
                .set_body_json(fixture("pull.json")),
        )
        .expect(1)
        .mount(mock.server())
        .await;
    let out = dynamic(
        &mock,
        "pulls.get",
        json!({"owner": "o", "repo": "r", "pull_number": 7}),
        "number",
    )
    .await;
    assert_eq!(out, [json!(1347)]);
    let gh = connector(&mock);
    let e = gh
        .call_all(
            &CallContext::default(),
            "labels.list",
            json!({"owner": "o", "repo": "r", "per_page": 0}),
        )
        .try_collect::<Vec<Value>>()
        .await
        .unwrap_err();
    assert!(e.to_string().contains("per_page"), "{e}");
    mock.assert_no_unexpected();
}
