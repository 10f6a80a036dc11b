//! `plugboard connectors [--json]`.

use serde_json::Value;

use crate::support::{plugboard, run};

#[test]
fn json_lists_github_with_its_operations_schemas_and_webhooks() {
    let out = run(&mut plugboard(&["connectors", "--json"]), &[]);
    out.assert_code(0);
    let all: Value = serde_json::from_str(&out.stdout).expect("one JSON document");
    let list = all.as_array().expect("an array");
    let gh = list
        .iter()
        .find(|c| c["id"] == "github")
        .expect("github is listed");
    assert_eq!(gh["name"], "GitHub");
    assert!(gh["docs_url"].as_str().unwrap().starts_with("https://"));
    assert!(
        gh["auth"]
            .as_array()
            .unwrap()
            .contains(&Value::from("token"))
    );

    let webhooks = &gh["webhooks"];
    assert!(webhooks.is_object(), "{webhooks}");
    assert!(
        webhooks["scheme"]
            .as_str()
            .unwrap()
            .contains("X-Hub-Signature-256")
    );
    assert_eq!(webhooks["event_id"], "X-GitHub-Delivery");
    assert_eq!(webhooks["handshake"], false);

    let ops = gh["operations"].as_array().unwrap();
    let ids: Vec<&str> = ops.iter().map(|o| o["id"].as_str().unwrap()).collect();
    // Every operation issue 5 lists (and the reviews list the sprint report reads), sorted as
    // the registry sorts them.
    assert_eq!(
        ids,
        [
            "actions.dispatch_workflow",
            "actions.get_run",
            "actions.list_runs",
            "branches.create",
            "branches.delete",
            "branches.list",
            "commits.list",
            "issues.comment",
            "issues.create",
            "issues.get",
            "issues.list",
            "issues.update",
            "labels.create",
            "labels.list",
            "milestones.create",
            "milestones.list",
            "pulls.create",
            "pulls.create_review",
            "pulls.dismiss_review",
            "pulls.get",
            "pulls.list",
            "pulls.list_reviews",
            "pulls.merge",
            "pulls.submit_review",
            "pulls.update",
            "rate_limit.get",
            "repos.get",
        ]
    );
    for op in ops {
        for key in ["summary", "idempotent", "read_only", "paginated"] {
            assert!(!op[key].is_null(), "{key} missing in {op}");
        }
        assert!(op.get("cache_ttl_secs").is_some(), "{op}");
        assert!(op["input_schema"].is_object(), "{op}");
        assert!(op["output_schema"].is_object(), "{op}");
    }
    let list_op = ops.iter().find(|o| o["id"] == "issues.list").unwrap();
    assert_eq!(list_op["paginated"], true);
    assert_eq!(list_op["idempotent"], true);
    let props = &list_op["input_schema"]["properties"];
    assert!(
        props["owner"].is_object() && props["repo"].is_object(),
        "{props}"
    );
    let create = ops.iter().find(|o| o["id"] == "issues.create").unwrap();
    assert_eq!(create["idempotent"], false);
    assert_eq!(create["read_only"], false);
    let repos_get = ops.iter().find(|o| o["id"] == "repos.get").unwrap();
    assert_eq!(repos_get["cache_ttl_secs"], 3600);
}

#[test]
fn the_table_names_connectors_and_operations() {
    let out = run(&mut plugboard(&["connectors"]), &[]);
    out.assert_code(0);
    assert!(out.stdout.contains("github (GitHub)"), "{}", out.stdout);
    assert!(out.stdout.contains("issues.list"), "{}", out.stdout);
    assert!(out.stdout.contains("X-Hub-Signature-256"), "{}", out.stdout);
    assert!(
        serde_json::from_str::<Value>(&out.stdout).is_err(),
        "the default output is a table"
    );
}

#[test]
fn a_usage_error_exits_2() {
    let out = run(&mut plugboard(&["connectors", "--jsn"]), &[]);
    out.assert_code(2);
    let out = run(&mut plugboard(&["no-such-command"]), &[]);
    out.assert_code(2);
}

/// Every operation the connector issues list, each with input and output schemas.
#[test]
fn json_lists_every_required_operation_of_every_connector_with_schemas() {
    let out = run(&mut plugboard(&["connectors", "--json"]), &[]);
    out.assert_code(0);
    let all: Value = serde_json::from_str(&out.stdout).unwrap();
    let required: &[(&str, &[&str])] = &[
        (
            "slack",
            &[
                "auth.test",
                "chat.delete",
                "chat.post_ephemeral",
                "chat.post_message",
                "chat.update",
                "conversations.history",
                "conversations.info",
                "conversations.list",
                "files.upload",
                "response_url.reply",
                "users.info",
                "users.list",
                "views.open",
            ],
        ),
        (
            "clickup",
            &[
                "comments.create",
                "comments.list",
                "folders.list",
                "lists.get",
                "lists.list",
                "members.list",
                "spaces.list",
                "tasks.create",
                "tasks.delete",
                "tasks.get",
                "tasks.list",
                "tasks.update",
                "teams.list",
                "time_entries.create",
                "time_entries.delete",
                "time_entries.list",
                "time_entries.update",
                "webhooks.create",
                "webhooks.delete",
                "webhooks.list",
            ],
        ),
        (
            "jira",
            &[
                "boards.list",
                "issues.bulk_get",
                "issues.comment",
                "issues.create",
                "issues.get",
                "issues.search",
                "issues.transition",
                "issues.update",
                "projects.get",
                "projects.list",
                "server_info.get",
                "sprints.get",
                "sprints.issues",
                "sprints.list",
                "transitions.list",
            ],
        ),
        (
            "meta",
            &[
                "ad_accounts.list",
                "insights.get",
                "instagram.accounts",
                "pages.list",
                "pages.publish",
                "tokens.debug",
                "tokens.exchange",
            ],
        ),
        (
            "google",
            &[
                "ads.customers.list_accessible",
                "ads.search",
                "userinfo.get",
                "youtube.channels.list",
            ],
        ),
        (
            "tiktok",
            &[
                "advertisers.list",
                "campaigns.list",
                "reports.integrated",
                "user.info",
                "videos.list",
            ],
        ),
    ];
    for (id, ops) in required {
        let connector = all
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == *id)
            .unwrap_or_else(|| panic!("{id} is listed"));
        let listed = connector["operations"].as_array().unwrap();
        for op in *ops {
            let found = listed
                .iter()
                .find(|o| o["id"] == *op)
                .unwrap_or_else(|| panic!("{id} lacks {op}"));
            assert!(found["input_schema"].is_object(), "{id} {op}");
            assert!(found["output_schema"].is_object(), "{id} {op}");
        }
        assert!(connector["webhooks"].is_object(), "{id} receives webhooks");
    }
}
