//! Branches, labels, milestones, commits and GitHub Actions against a mock GitHub: each
//! operation's request (method, path, query, headers, body) and parsed result.

mod common;

use std::collections::BTreeMap;

use common::{connector, fixture, github};
use plugboard_core::{CallContext, Connector, ErrorKind};
use plugboard_github::api::actions::{DispatchWorkflow, GetRun, ListRuns};
use plugboard_github::api::branches::{CreateBranch, DeleteBranch, ListBranches};
use plugboard_github::api::commits::ListCommits;
use plugboard_github::api::labels::{CreateLabel, ListLabels};
use plugboard_github::api::milestones::{CreateMilestone, ListMilestones, MilestoneSort};
use plugboard_github::api::{Direction, State, StateFilter};
use plugboard_testkit::MockPlatform;
use plugboard_testkit::wiremock::ResponseTemplate;
use plugboard_testkit::wiremock::matchers::{body_json, query_param, query_param_is_missing};
use serde_json::{Value, json};

#[tokio::test]
async fn branches_list_filters_protected_branches() {
    let mock = MockPlatform::start().await;
    github("GET", "/repos/octocat/Hello-World/branches")
        .and(query_param("protected", "true"))
        .and(query_param("per_page", "100"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([fixture("branch.json")])))
        .expect(1)
        .mount(mock.server())
        .await;
    let gh = connector(&mock);
    let branches = gh
        .client()
        .branches()
        .list(&ListBranches {
            owner: "octocat".into(),
            repo: "Hello-World".into(),
            protected: Some(true),
            per_page: Some(100),
            page: None,
        })
        .await
        .unwrap();
    assert_eq!(branches[0].name, "master");
    assert!(branches[0].protected);
    assert_eq!(
        branches[0].commit.sha,
        "c5b97d5ae6c19d5c5df71a34c7fbeeda2479ccbc"
    );
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn branches_create_posts_a_git_ref_under_refs_heads() {
    let mock = MockPlatform::start().await;
    github("POST", "/repos/octocat/Hello-World/git/refs")
        .and(body_json(json!({
            "ref": "refs/heads/featureA",
            "sha": "aa218f56b14c9653891f9e74264a383fa43fefbd"
        })))
        .respond_with(ResponseTemplate::new(201).set_body_json(fixture("git_ref.json")))
        .expect(2)
        .mount(mock.server())
        .await;
    let gh = connector(&mock);
    let created = gh
        .client()
        .branches()
        .create(&CreateBranch {
            owner: "octocat".into(),
            repo: "Hello-World".into(),
            branch: "featureA".into(),
            sha: "aa218f56b14c9653891f9e74264a383fa43fefbd".into(),
        })
        .await
        .unwrap();
    assert_eq!(created.git_ref, "refs/heads/featureA");
    assert_eq!(created.object.kind.as_deref(), Some("commit"));
    // A full ref name is accepted too, and not doubled.
    let out = gh
        .call(
            &CallContext::default(),
            "branches.create",
            json!({"owner": "octocat", "repo": "Hello-World", "branch": "refs/heads/featureA", "sha": "aa218f56b14c9653891f9e74264a383fa43fefbd"}),
        )
        .await
        .unwrap();
    assert_eq!(
        out["object"]["sha"],
        "aa218f56b14c9653891f9e74264a383fa43fefbd"
    );
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn branches_delete_sends_delete_on_the_heads_ref_keeping_slashes() {
    let mock = MockPlatform::start().await;
    github(
        "DELETE",
        "/repos/octocat/Hello-World/git/refs/heads/feature/login-form",
    )
    .respond_with(ResponseTemplate::new(204))
    .expect(1)
    .mount(mock.server())
    .await;
    github("DELETE", "/repos/octocat/Hello-World/git/refs/heads/gone")
        .respond_with(ResponseTemplate::new(422).set_body_json(json!({
            "message": "Reference does not exist",
            "documentation_url": "https://docs.github.com/rest/git/refs#delete-a-reference",
            "status": "422"
        })))
        .expect(1)
        .mount(mock.server())
        .await;
    let gh = connector(&mock);
    gh.client()
        .branches()
        .delete(&DeleteBranch {
            owner: "octocat".into(),
            repo: "Hello-World".into(),
            branch: "feature/login-form".into(),
        })
        .await
        .unwrap();
    let e = gh
        .call(
            &CallContext::default(),
            "branches.delete",
            json!({"owner": "octocat", "repo": "Hello-World", "branch": "gone"}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(e.to_string().contains("Reference does not exist"), "{e}");
    let e = gh
        .call(
            &CallContext::default(),
            "branches.delete",
            json!({"owner": "octocat", "repo": "Hello-World", "branch": "a//b"}),
        )
        .await
        .unwrap_err();
    assert!(e.to_string().contains("field `branch`"), "{e}");
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn branches_delete_outputs_null_through_the_dynamic_table() {
    let mock = MockPlatform::start().await;
    github("DELETE", "/repos/o/r/git/refs/heads/old")
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(mock.server())
        .await;
    let gh = connector(&mock);
    let out = gh
        .call(
            &CallContext::default(),
            "branches.delete",
            json!({"owner": "o", "repo": "r", "branch": "old"}),
        )
        .await
        .unwrap();
    assert_eq!(out, Value::Null);
}

#[tokio::test]
async fn labels_list_and_create() {
    let mock = MockPlatform::start().await;
    github("GET", "/repos/octocat/Hello-World/labels")
        .and(query_param("per_page", "30"))
        .and(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([fixture("label.json")])))
        .expect(1)
        .mount(mock.server())
        .await;
    github("POST", "/repos/octocat/Hello-World/labels")
        .and(body_json(json!({
            "name": "bug",
            "description": "Something isn't working",
            "color": "f29513"
        })))
        .respond_with(ResponseTemplate::new(201).set_body_json(fixture("label.json")))
        .expect(1)
        .mount(mock.server())
        .await;
    let gh = connector(&mock);
    let labels = gh
        .client()
        .labels()
        .list(&ListLabels {
            owner: "octocat".into(),
            repo: "Hello-World".into(),
            per_page: Some(30),
            page: Some(2),
        })
        .await
        .unwrap();
    assert_eq!(labels[0].color.as_deref(), Some("f29513"));
    assert_eq!(labels[0].extra["default"], true);
    let label = gh
        .client()
        .labels()
        .create(&CreateLabel {
            owner: "octocat".into(),
            repo: "Hello-World".into(),
            name: "bug".into(),
            color: Some("f29513".into()),
            description: Some("Something isn't working".into()),
        })
        .await
        .unwrap();
    assert_eq!(label.id, Some(208045946));
    assert_eq!(
        label.description.as_deref(),
        Some("Something isn't working")
    );
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn milestones_list_and_create() {
    let mock = MockPlatform::start().await;
    github("GET", "/repos/octocat/Hello-World/milestones")
        .and(query_param("state", "closed"))
        .and(query_param("sort", "due_on"))
        .and(query_param("direction", "desc"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([fixture("milestone.json")])))
        .expect(1)
        .mount(mock.server())
        .await;
    github("POST", "/repos/octocat/Hello-World/milestones")
        .and(body_json(json!({
            "title": "v1.0",
            "state": "open",
            "description": "Tracking milestone for version 1.0",
            "due_on": "2012-10-09T23:39:01Z"
        })))
        .respond_with(ResponseTemplate::new(201).set_body_json(fixture("milestone.json")))
        .expect(1)
        .mount(mock.server())
        .await;
    let gh = connector(&mock);
    let milestones = gh
        .client()
        .milestones()
        .list(&ListMilestones {
            owner: "octocat".into(),
            repo: "Hello-World".into(),
            state: Some(StateFilter::Closed),
            sort: Some(MilestoneSort::DueOn),
            direction: Some(Direction::Desc),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(milestones[0].number, 1);
    assert_eq!(milestones[0].open_issues, 4);
    assert_eq!(milestones[0].closed_issues, 8);
    let created = gh
        .client()
        .milestones()
        .create(&CreateMilestone {
            owner: "octocat".into(),
            repo: "Hello-World".into(),
            title: "v1.0".into(),
            state: Some(State::Open),
            description: Some("Tracking milestone for version 1.0".into()),
            due_on: Some("2012-10-09T23:39:01Z".into()),
        })
        .await
        .unwrap();
    assert_eq!(created.title, "v1.0");
    assert_eq!(created.due_on.as_deref(), Some("2012-10-09T23:39:01Z"));
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn commits_list_sends_sha_path_author_and_time_filters() {
    let mock = MockPlatform::start().await;
    github("GET", "/repos/octocat/Hello-World/commits")
        .and(query_param("sha", "release/1.x"))
        .and(query_param("path", "src/lib.rs"))
        .and(query_param("author", "octocat"))
        .and(query_param("since", "2011-04-01T00:00:00Z"))
        .and(query_param("until", "2011-05-01T00:00:00Z"))
        .and(query_param_is_missing("committer"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([fixture("commit.json")])))
        .expect(1)
        .mount(mock.server())
        .await;
    let gh = connector(&mock);
    let commits = gh
        .client()
        .commits()
        .list(&ListCommits {
            owner: "octocat".into(),
            repo: "Hello-World".into(),
            sha: Some("release/1.x".into()),
            path: Some("src/lib.rs".into()),
            author: Some("octocat".into()),
            since: Some("2011-04-01T00:00:00Z".into()),
            until: Some("2011-05-01T00:00:00Z".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let c = &commits[0];
    assert_eq!(c.sha, "6dcb09b5b57875f334f61aebed695e2e4193db5e");
    assert_eq!(c.commit.message, "Fix all the bugs");
    assert_eq!(
        c.commit.author.as_ref().unwrap().email.as_deref(),
        Some("support@github.com")
    );
    assert_eq!(c.author.as_ref().unwrap().login, "octocat");
    assert_eq!(c.parents.len(), 1);
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn actions_dispatch_workflow_posts_ref_and_inputs_and_accepts_204() {
    let mock = MockPlatform::start().await;
    github(
        "POST",
        "/repos/octocat/hello-world/actions/workflows/ci.yml/dispatches",
    )
    .and(body_json(
        json!({"ref": "topic-branch", "inputs": {"name": "Mona the Octocat", "home": "San Francisco, CA"}}),
    ))
    .respond_with(ResponseTemplate::new(204))
    .expect(1)
    .mount(mock.server())
    .await;
    let gh = connector(&mock);
    let answer = gh
        .client()
        .actions()
        .dispatch_workflow(&DispatchWorkflow {
            owner: "octocat".into(),
            repo: "hello-world".into(),
            workflow_id: "ci.yml".into(),
            git_ref: "topic-branch".into(),
            inputs: Some(BTreeMap::from([
                ("name".to_string(), json!("Mona the Octocat")),
                ("home".to_string(), json!("San Francisco, CA")),
            ])),
            return_run_details: None,
        })
        .await
        .unwrap();
    assert_eq!(answer.workflow_run_id, None);
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn actions_dispatch_workflow_returns_run_details_when_asked() {
    let mock = MockPlatform::start().await;
    github(
        "POST",
        "/repos/octocat/hello-world/actions/workflows/1296269/dispatches",
    )
    .and(body_json(
        json!({"ref": "main", "return_run_details": true}),
    ))
    .respond_with(ResponseTemplate::new(200).set_body_json(json!({
        "workflow_run_id": 30433642,
        "run_url": "https://api.github.com/repos/octocat/hello-world/actions/runs/30433642",
        "html_url": "https://github.com/octocat/hello-world/actions/runs/30433642"
    })))
    .expect(1)
    .mount(mock.server())
    .await;
    let gh = connector(&mock);
    let out = gh
        .call(
            &CallContext::default(),
            "actions.dispatch_workflow",
            json!({"owner": "octocat", "repo": "hello-world", "workflow_id": "1296269", "ref": "main", "return_run_details": true}),
        )
        .await
        .unwrap();
    assert_eq!(out["workflow_run_id"], 30433642);
    assert_eq!(
        out["html_url"],
        "https://github.com/octocat/hello-world/actions/runs/30433642"
    );
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn actions_list_runs_of_a_repository_or_of_one_workflow() {
    let mock = MockPlatform::start().await;
    let page = json!({"total_count": 1, "workflow_runs": [fixture("workflow_run.json")]});
    github("GET", "/repos/octo-org/octo-repo/actions/runs")
        .and(query_param("branch", "master"))
        .and(query_param("status", "completed"))
        .and(query_param("event", "push"))
        .and(query_param("actor", "octocat"))
        .and(query_param("exclude_pull_requests", "true"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page.clone()))
        .expect(1)
        .mount(mock.server())
        .await;
    github(
        "GET",
        "/repos/octo-org/octo-repo/actions/workflows/build.yml/runs",
    )
    .and(query_param(
        "head_sha",
        "acb5820ced9479c074f688cc328bf03f341a511d",
    ))
    .respond_with(ResponseTemplate::new(200).set_body_json(page))
    .expect(1)
    .mount(mock.server())
    .await;
    let gh = connector(&mock);
    let runs = gh
        .client()
        .actions()
        .list_runs(&ListRuns {
            owner: "octo-org".into(),
            repo: "octo-repo".into(),
            branch: Some("master".into()),
            status: Some("completed".into()),
            event: Some("push".into()),
            actor: Some("octocat".into()),
            exclude_pull_requests: Some(true),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(runs.total_count, 1);
    assert_eq!(runs.workflow_runs[0].run_number, 562);
    assert_eq!(runs.workflow_runs[0].conclusion, None);
    let items = gh
        .call(
            &CallContext::default(),
            "actions.list_runs",
            json!({"owner": "octo-org", "repo": "octo-repo", "workflow_id": "build.yml", "head_sha": "acb5820ced9479c074f688cc328bf03f341a511d"}),
        )
        .await
        .unwrap();
    assert_eq!(items.as_array().unwrap().len(), 1, "the page's items");
    assert_eq!(items[0]["id"], 30433642);
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn actions_get_run_parses_status_and_conclusion() {
    let mock = MockPlatform::start().await;
    let mut run = fixture("workflow_run.json");
    run["status"] = json!("completed");
    run["conclusion"] = json!("success");
    github("GET", "/repos/octo-org/octo-repo/actions/runs/30433642")
        .and(query_param("exclude_pull_requests", "true"))
        .respond_with(ResponseTemplate::new(200).set_body_json(run))
        .expect(1)
        .mount(mock.server())
        .await;
    let gh = connector(&mock);
    let run = gh
        .client()
        .actions()
        .get_run(&GetRun {
            owner: "octo-org".into(),
            repo: "octo-repo".into(),
            run_id: 30433642,
            exclude_pull_requests: Some(true),
        })
        .await
        .unwrap();
    assert_eq!(run.status.as_deref(), Some("completed"));
    assert_eq!(run.conclusion.as_deref(), Some("success"));
    assert_eq!(run.head_sha, "acb5820ced9479c074f688cc328bf03f341a511d");
    assert_eq!(run.workflow_id, 159038);
    mock.assert_no_unexpected();
}
