//! The ClickUp client against a mock of ClickUp's API v2: each operation's request (method,
//! path, exact query, headers, body) and parsed result, pagination over several pages, and
//! ClickUp's error shapes.

use futures::TryStreamExt;
use plugboard_clickup::ClickupConnector;
use plugboard_clickup::api::comments::{CreateComment, ListComments};
use plugboard_clickup::api::lists::{GetList, ListLists};
use plugboard_clickup::api::members::ListMembers;
use plugboard_clickup::api::tasks::{AddRem, CreateTask, GetTask, ListTasks, OrderBy, UpdateTask};
use plugboard_clickup::api::time_entries::{
    CreateTimeEntry, DeleteTimeEntry, ListTimeEntries, TagAction, TimeTag, UpdateTimeEntry,
};
use plugboard_clickup::api::webhooks::CreateWebhook;
use plugboard_core::{CallContext, Connector, ConnectorConfig, ErrorKind, SecretString};
use plugboard_testkit::MockPlatform;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Match, Mock, MockBuilder, Request, ResponseTemplate};

const TOKEN: &str = "pk_183_TESTTOKEN0123456789";
const TEAM: &str = "9011234080";

fn connector_with(mock: &MockPlatform, token: &str) -> ClickupConnector {
    let mut config = ConnectorConfig {
        base_url: Some(mock.url()),
        token: Some(SecretString::from(token)),
        ..Default::default()
    };
    config.policy.total_timeout_secs = Some(5.0);
    ClickupConnector::from_config(&config).unwrap()
}

fn connector(mock: &MockPlatform) -> ClickupConnector {
    connector_with(mock, TOKEN)
}

/// A mock for `method path` (under `/api/v2`) that requires the personal token, sent raw.
fn clickup(method_name: &str, path_str: &str) -> MockBuilder {
    Mock::given(method(method_name))
        .and(path(format!("/api/v2{path_str}")))
        .and(header("authorization", TOKEN))
        .and(header("accept", "application/json"))
}

/// Matches the raw query string exactly, byte for byte (`None`: no query at all).
struct RawQuery(Option<&'static str>);

impl Match for RawQuery {
    fn matches(&self, request: &Request) -> bool {
        request.url.query() == self.0
    }
}

fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

fn ctx() -> CallContext {
    CallContext::default()
}

fn task(id: &str) -> Value {
    let mut t = plugboard_testkit::fixture!("task.json");
    t["id"] = json!(id);
    t
}

#[tokio::test]
async fn teams_list_sends_the_personal_token_raw_and_is_cached() {
    let mock = MockPlatform::start().await;
    clickup("GET", "/team")
        .and(RawQuery(None))
        .respond_with(ok(plugboard_testkit::fixture!("teams.json")))
        .expect(1)
        .mount(mock.server())
        .await;
    let c = connector(&mock);
    let teams = c.client().teams().list().await.unwrap();
    assert_eq!(teams.len(), 1);
    assert_eq!(teams[0].id, TEAM);
    assert_eq!(teams[0].name, "Acme Workspace");
    // Cached for five minutes: served without a second request (expect(1) above).
    let again = c.call(&ctx(), "teams.list", json!({})).await.unwrap();
    assert_eq!(
        again[0]["members"][0]["user"]["id"], 183,
        "every field kept"
    );
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn oauth_access_tokens_are_sent_as_bearer_and_health_lists_teams() {
    let mock = MockPlatform::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/team"))
        .and(header("authorization", "Bearer 61681706_oauth_access"))
        .respond_with(ok(plugboard_testkit::fixture!("teams.json")))
        .expect(1)
        .mount(mock.server())
        .await;
    let c = connector_with(&mock, "61681706_oauth_access");
    let health = c.health(&ctx()).await.unwrap();
    assert_eq!(health[0]["id"], TEAM);
    assert!(
        c.token_refresher().is_none(),
        "ClickUp tokens do not expire"
    );
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn spaces_and_folders_list_accept_numeric_ids() {
    let mock = MockPlatform::start().await;
    clickup("GET", &format!("/team/{TEAM}/space"))
        .and(RawQuery(Some("archived=false")))
        .respond_with(ok(plugboard_testkit::fixture!("spaces.json")))
        .expect(1)
        .mount(mock.server())
        .await;
    clickup("GET", "/space/790/folder")
        .and(RawQuery(None))
        .respond_with(ok(plugboard_testkit::fixture!("folders.json")))
        .expect(1)
        .mount(mock.server())
        .await;
    let c = connector(&mock);
    let spaces = c
        .call(
            &ctx(),
            "spaces.list",
            json!({"team_id": 9011234080u64, "archived": false}),
        )
        .await
        .unwrap();
    assert_eq!(spaces[0]["name"], "Engineering");
    assert_eq!(spaces[0]["statuses"][1]["type"], "closed");
    assert_eq!(spaces[0]["features"]["time_tracking"]["enabled"], true);
    let folders = c
        .call(&ctx(), "folders.list", json!({"space_id": "790"}))
        .await
        .unwrap();
    assert_eq!(folders[0]["id"], "457");
    assert_eq!(folders[0]["task_count"], "12");
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn lists_list_covers_folder_and_folderless_lists_and_lists_get_has_statuses() {
    let mock = MockPlatform::start().await;
    clickup("GET", "/folder/457/list")
        .and(RawQuery(None))
        .respond_with(ok(plugboard_testkit::fixture!("lists.json")))
        .expect(1)
        .mount(mock.server())
        .await;
    clickup("GET", "/space/790/list")
        .and(RawQuery(Some("archived=true")))
        .respond_with(ok(json!({"lists": []})))
        .expect(1)
        .mount(mock.server())
        .await;
    clickup("GET", "/list/124")
        .respond_with(ok(plugboard_testkit::fixture!("list.json")))
        .expect(1)
        .mount(mock.server())
        .await;
    let c = connector(&mock);
    let lists = c
        .client()
        .lists()
        .list(&ListLists {
            folder_id: Some("457".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(lists[0].name, "Sprint 42");
    assert_eq!(lists[0].extra["folder"]["id"], "457");
    let folderless = c
        .call(
            &ctx(),
            "lists.list",
            json!({"space_id": 790, "archived": true}),
        )
        .await
        .unwrap();
    assert_eq!(folderless, json!([]));
    for bad in [json!({}), json!({"folder_id": "1", "space_id": "2"})] {
        let e = c.call(&ctx(), "lists.list", bad).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert!(e.to_string().contains("folder_id"), "{e}");
    }
    let list = c
        .client()
        .lists()
        .get(&GetList {
            list_id: "124".into(),
        })
        .await
        .unwrap();
    let statuses: Vec<&str> = list
        .statuses
        .as_ref()
        .unwrap()
        .iter()
        .map(|s| s.status.as_str())
        .collect();
    assert_eq!(statuses, ["to do", "in progress", "complete"]);
    assert_eq!(list.statuses.unwrap()[2].kind.as_deref(), Some("closed"));
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn tasks_list_sends_array_filters_the_clickup_way() {
    let mock = MockPlatform::start().await;
    clickup("GET", "/list/124/task")
        .and(RawQuery(Some(
            "page=0&order_by=updated&reverse=true&statuses[]=to%20do&statuses[]=in%20progress\
             &include_closed=true&assignees[]=183&assignees[]=184&tags[]=backend&tags[]=needs%20review\
             &due_date_gt=1508369194377&due_date_lt=1508369194999&date_updated_gt=1567780450202",
        )))
        .respond_with(ok(json!({"tasks": [task("9hx"), task("9hz")], "last_page": true})))
        .expect(2)
        .mount(mock.server())
        .await;
    let c = connector(&mock);
    let input = ListTasks {
        list_id: "124".into(),
        order_by: Some(OrderBy::Updated),
        reverse: Some(true),
        statuses: Some(vec!["to do".into(), "in progress".into()]),
        include_closed: Some(true),
        assignees: Some(vec![183u64.into(), "184".into()]),
        tags: Some(vec!["backend".into(), "needs review".into()]),
        due_date_gt: Some(1508369194377),
        due_date_lt: Some(1508369194999),
        date_updated_gt: Some(1567780450202),
        ..Default::default()
    };
    let page = c.client().tasks().list(&input).await.unwrap();
    assert_eq!(page.last_page, Some(true));
    let ids: Vec<&str> = page.tasks.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["9hx", "9hz"]);
    assert_eq!(page.tasks[0].status.as_ref().unwrap().status, "in progress");
    assert_eq!(page.tasks[0].assignees[0].id, 183);
    assert_eq!(page.tasks[0].tags[0].name, "backend");
    // The dynamic call takes ClickUp's bracketed names too and returns the page's tasks.
    let tasks = c
        .call(
            &ctx(),
            "tasks.list",
            json!({
                "list_id": 124, "order_by": "updated", "reverse": true,
                "statuses[]": ["to do", "in progress"], "include_closed": true,
                "assignees[]": [183, 184], "tags": ["backend", "needs review"],
                "due_date_gt": 1508369194377u64, "due_date_lt": 1508369194999u64,
                "date_updated_gt": 1567780450202u64
            }),
        )
        .await
        .unwrap();
    assert_eq!(tasks.as_array().unwrap().len(), 2);
    assert_eq!(tasks[1]["priority"]["priority"], "high");
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn tasks_list_all_pages_until_last_page_keeping_the_filters() {
    let mock = MockPlatform::start().await;
    let page = |n: u32, count: u32, last: bool| {
        let tasks: Vec<Value> = (0..count).map(|i| task(&format!("p{n}t{i}"))).collect();
        json!({"tasks": tasks, "last_page": last})
    };
    for (n, count, last) in [(0, 100, false), (1, 100, false), (2, 5, true)] {
        let query: &'static str =
            Box::leak(format!("page={n}&statuses[]=in%20progress&tags[]=a%20b").into_boxed_str());
        clickup("GET", "/list/124/task")
            .and(RawQuery(Some(query)))
            .respond_with(ok(page(n, count, last)))
            // Once for the typed stream, once for the dynamic one.
            .expect(2)
            .mount(mock.server())
            .await;
    }
    let c = connector(&mock);
    let input = ListTasks {
        list_id: "124".into(),
        statuses: Some(vec!["in progress".into()]),
        tags: Some(vec!["a b".into()]),
        ..Default::default()
    };
    let tasks: Vec<_> = c
        .client()
        .tasks()
        .list_all(&input)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(tasks.len(), 205);
    assert_eq!(tasks[0].id, "p0t0");
    assert_eq!(tasks[100].id, "p1t0");
    assert_eq!(tasks[204].id, "p2t4");
    let raw: Vec<Value> = c
        .call_all(
            &ctx(),
            "tasks.list",
            json!({"list_id": "124", "statuses": ["in progress"], "tags": ["a b"]}),
        )
        .try_collect()
        .await
        .unwrap();
    assert_eq!(raw.len(), 205);
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn tasks_list_all_stops_on_an_empty_page_without_last_page() {
    let mock = MockPlatform::start().await;
    clickup("GET", "/list/124/task")
        .and(RawQuery(Some("page=3")))
        .respond_with(ok(json!({"tasks": [task("a"), task("b")]})))
        .expect(1)
        .mount(mock.server())
        .await;
    clickup("GET", "/list/124/task")
        .and(RawQuery(Some("page=4")))
        .respond_with(ok(json!({"tasks": []})))
        .expect(1)
        .mount(mock.server())
        .await;
    let c = connector(&mock);
    let raw: Vec<Value> = c
        .call_all(&ctx(), "tasks.list", json!({"list_id": "124", "page": 3}))
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<&str> = raw.iter().map(|t| t["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["a", "b"]);
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn tasks_get_with_custom_ids_needs_the_workspace() {
    let mock = MockPlatform::start().await;
    clickup("GET", "/task/ENG-42")
        .and(RawQuery(Some(
            "custom_task_ids=true&team_id=9011234080&include_subtasks=true",
        )))
        .respond_with(ok(task("9hx")))
        .expect(1)
        .mount(mock.server())
        .await;
    let c = connector(&mock);
    let t = c
        .client()
        .tasks()
        .get(&GetTask {
            task_id: "ENG-42".into(),
            custom_task_ids: Some(true),
            team_id: Some(TEAM.into()),
            include_subtasks: Some(true),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(t.name, "Ship the ClickUp connector");
    assert_eq!(t.url.as_deref(), Some("https://app.clickup.com/t/9hx"));
    assert_eq!(t.extra["time_spent"], 7200000);
    let e = c
        .call(
            &ctx(),
            "tasks.get",
            json!({"task_id": "ENG-42", "custom_task_ids": true}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(e.to_string().contains("team_id"), "{e}");
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn tasks_create_posts_clickups_body() {
    let mock = MockPlatform::start().await;
    clickup("POST", "/list/124/task")
        .and(RawQuery(None))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({
            "name": "Ship the ClickUp connector",
            "markdown_content": "All **operations**",
            "assignees": [183],
            "tags": ["backend"],
            "status": "to do",
            "priority": 2,
            "due_date": 1508369194377u64,
            "due_date_time": false,
            "notify_all": true,
            "custom_fields": [{"id": "0a52c486-5f05-403b-b4fd-c512ff05131c", "value": 23}]
        })))
        .respond_with(ok(task("9hx")))
        .expect(1)
        .mount(mock.server())
        .await;
    let c = connector(&mock);
    let created = c
        .client()
        .tasks()
        .create(&CreateTask {
            list_id: "124".into(),
            name: "Ship the ClickUp connector".into(),
            markdown_content: Some("All **operations**".into()),
            assignees: Some(vec![183]),
            tags: Some(vec!["backend".into()]),
            status: Some("to do".into()),
            priority: Some(2),
            due_date: Some(1508369194377),
            due_date_time: Some(false),
            notify_all: Some(true),
            custom_fields: Some(vec![
                json!({"id": "0a52c486-5f05-403b-b4fd-c512ff05131c", "value": 23}),
            ]),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(created.id, "9hx");
    for bad in [
        json!({"list_id": "124", "name": "x", "priority": 5}),
        json!({"list_id": "124", "name": "  "}),
        json!({"list_id": "124", "name": "x", "bogus": 1}),
    ] {
        let e = c.call(&ctx(), "tasks.create", bad).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
    }
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn tasks_update_changes_the_status_and_assignees() {
    let mock = MockPlatform::start().await;
    clickup("PUT", "/task/9hx")
        .and(body_json(json!({
            "status": "complete",
            "assignees": {"add": [184], "rem": [183]}
        })))
        .respond_with(ok({
            let mut t = task("9hx");
            t["status"] = json!({"status": "complete", "color": "#6bc950", "orderindex": 2, "type": "closed"});
            t
        }))
        .expect(2)
        .mount(mock.server())
        .await;
    let c = connector(&mock);
    let updated = c
        .client()
        .tasks()
        .update(&UpdateTask {
            task_id: "9hx".into(),
            status: Some("complete".into()),
            assignees: Some(AddRem {
                add: vec![184],
                rem: vec![183],
            }),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(updated.status.unwrap().kind.as_deref(), Some("closed"));
    let value = c
        .call(
            &ctx(),
            "tasks.update",
            json!({"task_id": "9hx", "status": "complete", "assignees": {"add": [184], "rem": [183]}}),
        )
        .await
        .unwrap();
    assert_eq!(value["status"]["status"], "complete");
    let e = c
        .call(&ctx(), "tasks.update", json!({"task_id": "9hx"}))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn tasks_delete_returns_clickups_answer() {
    let mock = MockPlatform::start().await;
    clickup("DELETE", "/task/9hx")
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(mock.server())
        .await;
    clickup("DELETE", "/task/9hz")
        .respond_with(ok(json!({})))
        .expect(1)
        .mount(mock.server())
        .await;
    let c = connector(&mock);
    let gone = c
        .call(&ctx(), "tasks.delete", json!({"task_id": "9hx"}))
        .await
        .unwrap();
    assert_eq!(gone, Value::Null);
    let gone = c
        .call(&ctx(), "tasks.delete", json!({"task_id": "9hz"}))
        .await
        .unwrap();
    assert_eq!(gone, json!({}));
    mock.assert_no_unexpected();
}

fn comment(id: u32, date: u64) -> Value {
    let mut c = plugboard_testkit::fixture!("comment.json");
    c["id"] = json!(id.to_string());
    c["date"] = json!(date.to_string());
    c
}

#[tokio::test]
async fn comments_list_one_page_from_a_cursor() {
    let mock = MockPlatform::start().await;
    clickup("GET", "/task/9hx/comment")
        .and(RawQuery(Some("start=1568036964079&start_id=458")))
        .respond_with(ok(json!({"comments": [comment(457, 1568036964000)]})))
        .expect(1)
        .mount(mock.server())
        .await;
    let c = connector(&mock);
    let comments = c
        .client()
        .comments()
        .list(&ListComments {
            task_id: "9hx".into(),
            start: Some(1568036964079),
            start_id: Some("458".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(comments[0].id, "457");
    assert_eq!(
        comments[0].comment_text.as_deref(),
        Some("Task comment content")
    );
    assert_eq!(comments[0].user.as_ref().unwrap().id, 183);
    assert_eq!(comments[0].date_text().as_deref(), Some("1568036964000"));
    let e = c
        .call(
            &ctx(),
            "comments.list",
            json!({"task_id": "9hx", "start": 1}),
        )
        .await
        .unwrap_err();
    assert!(e.to_string().contains("start_id"), "{e}");
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn comments_list_all_walks_back_from_the_oldest_comment_of_each_page() {
    let mock = MockPlatform::start().await;
    // Newest first: page 1 holds comments 100..=76, page 2 75..=51, page 3 50..=48.
    let page = |from: u32, count: u32| -> Value {
        let comments: Vec<Value> = (0..count)
            .map(|i| comment(from - i, 1_700_000_000_000 + u64::from(from - i)))
            .collect();
        json!({ "comments": comments })
    };
    let pages: [(Option<&'static str>, Value); 4] = [
        (None, page(100, 25)),
        (Some("start=1700000000076&start_id=76"), page(75, 25)),
        (Some("start=1700000000051&start_id=51"), page(50, 3)),
        (
            Some("start=1700000000048&start_id=48"),
            json!({"comments": []}),
        ),
    ];
    for (query, body) in pages {
        clickup("GET", "/task/9hx/comment")
            .and(RawQuery(query))
            .respond_with(ok(body))
            .expect(2)
            .mount(mock.server())
            .await;
    }
    let c = connector(&mock);
    let typed: Vec<_> = c
        .client()
        .comments()
        .list_all(&ListComments {
            task_id: "9hx".into(),
            ..Default::default()
        })
        .try_collect()
        .await
        .unwrap();
    assert_eq!(typed.len(), 53);
    assert_eq!(typed[0].id, "100");
    assert_eq!(typed[52].id, "48");
    let raw: Vec<Value> = c
        .call_all(&ctx(), "comments.list", json!({"task_id": "9hx"}))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(raw.len(), 53);
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn comments_create_posts_text_and_notify_all() {
    let mock = MockPlatform::start().await;
    clickup("POST", "/task/9hx/comment")
        .and(body_json(json!({
            "comment_text": "Deployed to staging",
            "notify_all": false,
            "assignee": 183
        })))
        .respond_with(ok(plugboard_testkit::fixture!("comment_created.json")))
        .expect(1)
        .mount(mock.server())
        .await;
    let c = connector(&mock);
    let created = c
        .client()
        .comments()
        .create(&CreateComment {
            task_id: "9hx".into(),
            comment_text: "Deployed to staging".into(),
            assignee: Some(183),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(created.id, json!(458));
    assert_eq!(created.hist_id.as_deref(), Some("26508"));
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn time_entries_list_filters_by_range_assignees_and_task() {
    let mock = MockPlatform::start().await;
    clickup("GET", &format!("/team/{TEAM}/time_entries"))
        .and(RawQuery(Some(
            "start_date=1592841559000&end_date=1592845899999&assignee=183,184\
             &include_location_names=true&task_id=ENG-42&custom_task_ids=true&team_id=9011234080",
        )))
        .respond_with(ok(plugboard_testkit::fixture!("time_entries.json")))
        .expect(1)
        .mount(mock.server())
        .await;
    let c = connector(&mock);
    let entries = c
        .client()
        .time_entries()
        .list(&ListTimeEntries {
            team_id: TEAM.into(),
            start_date: Some(1592841559000),
            end_date: Some(1592845899999),
            assignee: Some(vec![183u64.into(), 184u64.into()]),
            include_location_names: Some(true),
            task_id: Some("ENG-42".into()),
            custom_task_ids: Some(true),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(entries[0].id.as_deref(), Some("1963465985517105840"));
    assert_eq!(
        entries[0].user.as_ref().unwrap().username.as_deref(),
        Some("John Doe")
    );
    assert_eq!(entries[0].extra["duration"], "4339892");
    let e = c
        .call(
            &ctx(),
            "time_entries.list",
            json!({"team_id": TEAM, "list_id": "1", "task_id": "2"}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn time_entries_create_update_and_delete() {
    let mock = MockPlatform::start().await;
    clickup("POST", &format!("/team/{TEAM}/time_entries"))
        .and(RawQuery(None))
        .and(body_json(json!({
            "description": "from api",
            "tags": [{"name": "name of tag", "tag_bg": "#BF55EC", "tag_fg": "#FFFFFF"}],
            "start": 1595282645000u64,
            "billable": true,
            "duration": 50000,
            "tid": "9hx"
        })))
        .respond_with(ok(plugboard_testkit::fixture!("time_entry_created.json")))
        .expect(1)
        .mount(mock.server())
        .await;
    clickup(
        "PUT",
        &format!("/team/{TEAM}/time_entries/2004673344540003570"),
    )
    .and(body_json(json!({
        "tags": [{"name": "overtime"}],
        "tag_action": "add",
        "billable": false
    })))
    .respond_with(ok(
        json!({"data": [{"id": "2004673344540003570", "billable": false}]}),
    ))
    .expect(1)
    .mount(mock.server())
    .await;
    clickup(
        "DELETE",
        &format!("/team/{TEAM}/time_entries/2004673344540003570"),
    )
    .respond_with(ok(
        json!({"data": {"id": "2004673344540003570", "wid": TEAM}}),
    ))
    .expect(1)
    .mount(mock.server())
    .await;
    let c = connector(&mock);
    let entry = c
        .client()
        .time_entries()
        .create(&CreateTimeEntry {
            team_id: TEAM.into(),
            description: Some("from api".into()),
            tags: Some(vec![TimeTag {
                name: "name of tag".into(),
                tag_fg: Some("#FFFFFF".into()),
                tag_bg: Some("#BF55EC".into()),
            }]),
            start: 1595282645000,
            billable: Some(true),
            duration: Some(50000),
            tid: Some("9hx".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(entry.id.as_deref(), Some("2004673344540003570"));
    assert_eq!(entry.billable, Some(true));
    let updated = c
        .client()
        .time_entries()
        .update(&UpdateTimeEntry {
            team_id: TEAM.into(),
            timer_id: "2004673344540003570".into(),
            tags: Some(vec![TimeTag {
                name: "overtime".into(),
                ..Default::default()
            }]),
            tag_action: Some(TagAction::Add),
            billable: Some(false),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(updated["data"][0]["billable"], false);
    let deleted = c
        .client()
        .time_entries()
        .delete(&DeleteTimeEntry {
            team_id: TEAM.into(),
            timer_id: "2004673344540003570".into(),
        })
        .await
        .unwrap();
    assert_eq!(deleted["data"]["id"], "2004673344540003570");
    for (op, bad) in [
        ("time_entries.create", json!({"team_id": TEAM, "start": 1})),
        (
            "time_entries.update",
            json!({"team_id": TEAM, "timer_id": "1", "start": 1}),
        ),
        (
            "time_entries.update",
            json!({"team_id": TEAM, "timer_id": "1"}),
        ),
    ] {
        let e = c.call(&ctx(), op, bad).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput, "{op}: {e}");
    }
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn members_list_of_a_list_or_a_task() {
    let mock = MockPlatform::start().await;
    for parent in ["/list/124/member", "/task/9hx/member"] {
        clickup("GET", parent)
            .respond_with(ok(plugboard_testkit::fixture!("members.json")))
            .expect(1)
            .mount(mock.server())
            .await;
    }
    let c = connector(&mock);
    let members = c
        .client()
        .members()
        .list(&ListMembers {
            list_id: Some("124".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(members[0].id, 812);
    assert_eq!(members[0].email.as_deref(), Some("jane@example.com"));
    let members = c
        .call(&ctx(), "members.list", json!({"task_id": "9hx"}))
        .await
        .unwrap();
    assert_eq!(members[0]["initials"], "JR");
    let e = c.call(&ctx(), "members.list", json!({})).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn webhooks_create_returns_the_secret_but_never_shows_it_in_debug() {
    let mock = MockPlatform::start().await;
    clickup("POST", &format!("/team/{TEAM}/webhook"))
        .and(body_json(json!({
            "endpoint": "https://hooks.example.com/webhooks/clickup",
            "events": ["taskCreated", "taskStatusUpdated"],
            "space_id": 790
        })))
        .respond_with(ok(plugboard_testkit::fixture!("webhook_created.json")))
        .expect(2)
        .mount(mock.server())
        .await;
    let c = connector(&mock);
    let input = CreateWebhook {
        team_id: TEAM.into(),
        endpoint: "https://hooks.example.com/webhooks/clickup".into(),
        events: vec!["taskCreated".into(), "taskStatusUpdated".into()],
        space_id: Some("790".into()),
        ..Default::default()
    };
    let created = c.client().webhooks().create(&input).await.unwrap();
    assert_eq!(created.id, "4b67ac88-e506-4a29-9d42-26e504e3435e");
    assert_eq!(created.webhook.events, ["taskCreated", "taskStatusUpdated"]);
    let secret = "O94IM25S7PXBPYTMNXLLET230SRP0S89COR7B1YOJ2ZIE8WQNK5UUKEF26W0Z5GA";
    assert!(!format!("{created:?}").contains(secret));
    // The dynamic output shows it: it is what the operator configures as webhook_secret.
    let value = c
        .call(
            &ctx(),
            "webhooks.create",
            serde_json::to_value(&input).unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(value["webhook"]["secret"], secret);
    assert_eq!(value["webhook"]["health"]["status"], "active");
    let e = c
        .call(
            &ctx(),
            "webhooks.create",
            json!({"team_id": TEAM, "endpoint": "https://x", "events": []}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn webhooks_list_and_delete() {
    let mock = MockPlatform::start().await;
    clickup("GET", &format!("/team/{TEAM}/webhook"))
        .respond_with(ok(plugboard_testkit::fixture!("webhooks.json")))
        .expect(1)
        .mount(mock.server())
        .await;
    clickup("DELETE", "/webhook/4b67ac88-e506-4a29-9d42-26e504e3435e")
        .respond_with(ok(json!({})))
        .expect(1)
        .mount(mock.server())
        .await;
    let c = connector(&mock);
    let hooks = c
        .call(&ctx(), "webhooks.list", json!({"team_id": TEAM}))
        .await
        .unwrap();
    assert_eq!(hooks[0]["health"]["fail_count"], 5);
    assert!(hooks[0].get("secret").is_none());
    let gone = c
        .call(
            &ctx(),
            "webhooks.delete",
            json!({"webhook_id": "4b67ac88-e506-4a29-9d42-26e504e3435e"}),
        )
        .await
        .unwrap();
    assert_eq!(gone, json!({}));
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn clickup_errors_keep_their_message_and_ecode() {
    let mock = MockPlatform::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/api/v2/team/{TEAM}/space")))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"err": "Team not authorized", "ECODE": "OAUTH_027"})),
        )
        .expect(1)
        .mount(mock.server())
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/task/nope"))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(json!({"err": "Task not found, deleted", "ECODE": "ITEM_013"})),
        )
        .expect(1)
        .mount(mock.server())
        .await;
    let c = connector(&mock);
    let e = c
        .call(&ctx(), "spaces.list", json!({"team_id": TEAM}))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Forbidden);
    assert_eq!(e.context_value("ecode"), Some("OAUTH_027"));
    assert!(e.to_string().contains("Team not authorized"), "{e}");
    let e = c
        .call(&ctx(), "tasks.get", json!({"task_id": "nope"}))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert!(
        e.to_string()
            .contains("clickup tasks.get: not_found (HTTP 404): Task not found, deleted"),
        "{e}"
    );
    assert!(!format!("{e:?}").contains(TOKEN));
    mock.assert_no_unexpected();
}

#[tokio::test]
async fn dynamic_calls_name_unknown_operations_and_bad_fields() {
    let mock = MockPlatform::start().await;
    let c = connector(&mock);
    let e = c
        .call(&ctx(), "tasks.archive", json!({}))
        .await
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("tasks.create, tasks.delete, tasks.get"),
        "{e}"
    );
    let e = c
        .call(&ctx(), "tasks.list", json!({"list_id": "1", "page": "x"}))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(e.to_string().contains("page"), "{e}");
    let e = c
        .call(&ctx(), "spaces.list", json!({"team_id": -3}))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("team_id"), "{e}");
    assert!(
        mock.received_requests().await.is_empty(),
        "invalid input sends nothing"
    );
}
