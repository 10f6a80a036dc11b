//! Pull requests and reviews against a mock GitHub: each operation's request (method, path,
//! query, headers, body) and parsed result, through the typed client and the dynamic table.

mod common;

use common::{connector, fixture, github};
use plugboard_core::{CallContext, Connector, ErrorKind};
use plugboard_github::api::pulls::{
    CreatePull, CreateReview, DismissReview, DraftReviewComment, GetPull, ListPulls, MergeMethod,
    MergePull, PullSort, ReviewEvent, SubmitReview, UpdatePull,
};
use plugboard_github::api::{Direction, State, StateFilter};
use plugboard_testkit::MockPlatform;
use plugboard_testkit::wiremock::ResponseTemplate;
use plugboard_testkit::wiremock::matchers::{body_json, query_param};
use serde_json::json;

#[tokio::test]
async fn pulls_list_sends_githubs_filters_and_parses_pull_requests() {
    let mock = MockPlatform::start().await;
    github("GET", "/repos/octocat/Hello-World/pulls")
        .and(query_param("state", "all"))
        .and(query_param("head", "octocat:new-topic"))
        .and(query_param("base", "master"))
        .and(query_param("sort", "long-running"))
        .and(query_param("direction", "asc"))
        .and(query_param("per_page", "50"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([fixture("pull.json")])))
        .expect(1)
        .mount(mock.server())
        .await;
    let gh = connector(&mock);
    let pulls = gh
        .client()
        .pulls()
        .list(&ListPulls {
            owner: "octocat".into(),
            repo: "Hello-World".into(),
            state: Some(StateFilter::All),
            head: Some("octocat:new-topic".into()),
            base: Some("master".into()),
            sort: Some(PullSort::LongRunning),
            direction: Some(Direction::Asc),
            per_page: Some(50),
            page: None,
        })
        .await
        .unwrap();
    assert_eq!(pulls.len(), 1);
    assert_eq!(pulls[0].number, 1347);
    assert_eq!(pulls[0].head.git_ref, "new-topic");
    assert_eq!(pulls[0].base.git_ref, "master");
    assert_eq!(pulls[0].labels[0].name, "bug");
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn pulls_get_parses_heads_bases_and_merge_state() {
    let mock = MockPlatform::start().await;
    github("GET", "/repos/octocat/Hello-World/pulls/1347")
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("pull.json")))
        .expect(1)
        .mount(mock.server())
        .await;
    let gh = connector(&mock);
    let pull = gh
        .client()
        .pulls()
        .get(&GetPull {
            owner: "octocat".into(),
            repo: "Hello-World".into(),
            pull_number: 1347,
        })
        .await
        .unwrap();
    assert_eq!(pull.title, "Amazing new feature");
    assert_eq!(pull.user.as_ref().unwrap().login, "octocat");
    assert_eq!(pull.head.sha, "6dcb09b5b57875f334f61aebed695e2e4193db5e");
    assert_eq!(pull.head.label.as_deref(), Some("octocat:new-topic"));
    assert_eq!(
        pull.base.repo.as_ref().unwrap().full_name,
        "octocat/Hello-World"
    );
    assert_eq!(pull.merged, Some(false));
    assert_eq!(pull.draft, Some(false));
    assert_eq!(pull.extra["mergeable_state"], "clean");
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn pulls_create_posts_githubs_body() {
    let mock = MockPlatform::start().await;
    github("POST", "/repos/octocat/Hello-World/pulls")
        .and(body_json(json!({
            "title": "Amazing new feature",
            "head": "octocat:new-topic",
            "base": "master",
            "body": "Please pull these awesome changes in!",
            "draft": true,
            "maintainer_can_modify": true
        })))
        .respond_with(ResponseTemplate::new(201).set_body_json(fixture("pull.json")))
        .expect(1)
        .mount(mock.server())
        .await;
    let gh = connector(&mock);
    let pull = gh
        .client()
        .pulls()
        .create(&CreatePull {
            owner: "octocat".into(),
            repo: "Hello-World".into(),
            title: Some("Amazing new feature".into()),
            head: "octocat:new-topic".into(),
            base: "master".into(),
            body: Some("Please pull these awesome changes in!".into()),
            draft: Some(true),
            maintainer_can_modify: Some(true),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(pull.number, 1347);
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn pulls_update_patches_only_the_given_fields() {
    let mock = MockPlatform::start().await;
    let mut closed = fixture("pull.json");
    closed["state"] = json!("closed");
    github("PATCH", "/repos/octocat/Hello-World/pulls/1347")
        .and(body_json(json!({"state": "closed", "title": "new title"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(closed))
        .expect(2)
        .mount(mock.server())
        .await;
    let gh = connector(&mock);
    let pull = gh
        .client()
        .pulls()
        .update(&UpdatePull {
            owner: "octocat".into(),
            repo: "Hello-World".into(),
            pull_number: 1347,
            title: Some("new title".into()),
            state: Some(State::Closed),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(pull.state, "closed");
    let out = gh
        .call(
            &CallContext::default(),
            "pulls.update",
            json!({"owner": "octocat", "repo": "Hello-World", "pull_number": 1347, "state": "closed", "title": "new title"}),
        )
        .await
        .unwrap();
    assert_eq!(out["state"], "closed");
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn pulls_merge_puts_the_method_and_guarding_sha() {
    let mock = MockPlatform::start().await;
    github("PUT", "/repos/octocat/Hello-World/pulls/1347/merge")
        .and(body_json(json!({
            "commit_title": "Amazing new feature (#1347)",
            "sha": "6dcb09b5b57875f334f61aebed695e2e4193db5e",
            "merge_method": "squash"
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "sha": "6dcb09b5b57875f334f61aebed695e2e4193db5e",
            "merged": true,
            "message": "Pull Request successfully merged"
        })))
        .expect(1)
        .mount(mock.server())
        .await;
    let gh = connector(&mock);
    let merged = gh
        .client()
        .pulls()
        .merge(&MergePull {
            owner: "octocat".into(),
            repo: "Hello-World".into(),
            pull_number: 1347,
            commit_title: Some("Amazing new feature (#1347)".into()),
            commit_message: None,
            sha: Some("6dcb09b5b57875f334f61aebed695e2e4193db5e".into()),
            merge_method: Some(MergeMethod::Squash),
        })
        .await
        .unwrap();
    assert!(merged.merged);
    assert_eq!(merged.message, "Pull Request successfully merged");
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn a_merge_is_sent_once_even_when_github_fails() {
    let mock = MockPlatform::start().await;
    github("PUT", "/repos/o/r/pulls/1/merge")
        .respond_with(ResponseTemplate::new(502).set_body_string("Bad Gateway"))
        .expect(1)
        .mount(mock.server())
        .await;
    let gh = connector(&mock);
    let e = gh
        .call(
            &CallContext::default(),
            "pulls.merge",
            json!({"owner": "o", "repo": "r", "pull_number": 1}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Upstream);
    let e = gh
        .call(
            &CallContext::default(),
            "pulls.merge",
            json!({"owner": "o", "repo": "r", "pull_number": 1, "merge_method": "octopus"}),
        )
        .await
        .unwrap_err();
    assert!(e.to_string().contains("merge_method"), "{e}");
}

#[tokio::test]
async fn pulls_create_review_posts_the_verdict_and_line_comments() {
    let mock = MockPlatform::start().await;
    github("POST", "/repos/octocat/Hello-World/pulls/12/reviews")
        .and(body_json(json!({
            "commit_id": "ecdd80bb57125d7ba9641ffaa4d7d2c19d3f3091",
            "body": "This is close to perfect! Please address the suggested inline change.",
            "event": "REQUEST_CHANGES",
            "comments": [{"path": "file.md", "line": 6, "side": "RIGHT", "body": "Please add more information here, and fix this typo."}]
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json({
            let mut r = fixture("review.json");
            r["state"] = json!("CHANGES_REQUESTED");
            r
        }))
        .expect(1)
        .mount(mock.server())
        .await;
    let gh = connector(&mock);
    let review = gh
        .client()
        .pulls()
        .create_review(&CreateReview {
            owner: "octocat".into(),
            repo: "Hello-World".into(),
            pull_number: 12,
            commit_id: Some("ecdd80bb57125d7ba9641ffaa4d7d2c19d3f3091".into()),
            body: Some(
                "This is close to perfect! Please address the suggested inline change.".into(),
            ),
            event: Some(ReviewEvent::RequestChanges),
            comments: Some(vec![DraftReviewComment {
                path: "file.md".into(),
                body: "Please add more information here, and fix this typo.".into(),
                line: Some(6),
                side: Some("RIGHT".into()),
                start_line: None,
                start_side: None,
                position: None,
            }]),
        })
        .await
        .unwrap();
    assert_eq!(review.id, 80);
    assert_eq!(review.state, "CHANGES_REQUESTED");
    assert_eq!(review.user.unwrap().login, "octocat");
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn pulls_submit_review_posts_to_the_events_endpoint() {
    let mock = MockPlatform::start().await;
    github(
        "POST",
        "/repos/octocat/Hello-World/pulls/12/reviews/80/events",
    )
    .and(body_json(
        json!({"body": "Here is the body for the review.", "event": "APPROVE"}),
    ))
    .respond_with(ResponseTemplate::new(200).set_body_json(fixture("review.json")))
    .expect(1)
    .mount(mock.server())
    .await;
    let gh = connector(&mock);
    let review = gh
        .client()
        .pulls()
        .submit_review(&SubmitReview {
            owner: "octocat".into(),
            repo: "Hello-World".into(),
            pull_number: 12,
            review_id: 80,
            body: Some("Here is the body for the review.".into()),
            event: ReviewEvent::Approve,
        })
        .await
        .unwrap();
    assert_eq!(review.state, "APPROVED");
    assert_eq!(review.submitted_at.as_deref(), Some("2019-11-17T17:43:43Z"));
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn pulls_dismiss_review_puts_the_message_with_the_dismiss_event() {
    let mock = MockPlatform::start().await;
    let mut dismissed = fixture("review.json");
    dismissed["state"] = json!("DISMISSED");
    github(
        "PUT",
        "/repos/octocat/Hello-World/pulls/12/reviews/80/dismissals",
    )
    .and(body_json(
        json!({"message": "Superseded by the new commits", "event": "DISMISS"}),
    ))
    .respond_with(ResponseTemplate::new(200).set_body_json(dismissed))
    .expect(2)
    .mount(mock.server())
    .await;
    let gh = connector(&mock);
    let review = gh
        .client()
        .pulls()
        .dismiss_review(&DismissReview {
            owner: "octocat".into(),
            repo: "Hello-World".into(),
            pull_number: 12,
            review_id: 80,
            message: "Superseded by the new commits".into(),
        })
        .await
        .unwrap();
    assert_eq!(review.state, "DISMISSED");
    let out = gh
        .call(
            &CallContext::default(),
            "pulls.dismiss_review",
            json!({"owner": "octocat", "repo": "Hello-World", "pull_number": 12, "review_id": 80, "message": "Superseded by the new commits"}),
        )
        .await
        .unwrap();
    assert_eq!(out["id"], 80);
    mock.assert_no_unexpected();
}
