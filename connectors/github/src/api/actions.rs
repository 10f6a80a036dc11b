//! GitHub Actions: `actions.dispatch_workflow`, `actions.list_runs` (Link-header pages over
//! `workflow_runs`), `actions.get_run`.

use std::collections::BTreeMap;
use std::time::Duration;

use futures::stream::BoxStream;
use http::Method;
use plugboard_core::connector::schema_of;
use plugboard_core::runtime::{PageSpec, Pagination};
use plugboard_core::{ApiRequest, Error, OperationDescriptor, OperationId, RateClass, Result};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{all_raw, all_typed, body_of, check_per_page};
use crate::client::GithubClient;
use crate::models::{WorkflowDispatch, WorkflowRun, WorkflowRuns};

/// `actions.dispatch_workflow`: each call starts a run, so it is never repeated.
pub const ACTIONS_DISPATCH_WORKFLOW: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("actions.dispatch_workflow"),
    summary: "Start a workflow that has a workflow_dispatch trigger",
    docs_url: "https://docs.github.com/rest/actions/workflows#create-a-workflow-dispatch-event",
    idempotent: false,
    read_only: false,
    paginated: false,
    rate_class: RateClass("core"),
    cache_ttl: None,
    input_schema: schema_of::<DispatchWorkflow>,
    output_schema: schema_of::<WorkflowDispatch>,
};

/// `actions.list_runs`, revalidated with its ETag on every call.
pub const ACTIONS_LIST_RUNS: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("actions.list_runs"),
    summary: "List workflow runs of a repository, or of one workflow",
    docs_url: "https://docs.github.com/rest/actions/workflow-runs#list-workflow-runs-for-a-repository",
    idempotent: true,
    read_only: true,
    paginated: true,
    rate_class: RateClass("core"),
    cache_ttl: Some(Duration::ZERO),
    input_schema: schema_of::<ListRuns>,
    output_schema: schema_of::<WorkflowRun>,
};

/// `actions.get_run`.
pub const ACTIONS_GET_RUN: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("actions.get_run"),
    summary: "Get a workflow run (status, conclusion)",
    docs_url: "https://docs.github.com/rest/actions/workflow-runs#get-a-workflow-run",
    idempotent: true,
    read_only: true,
    paginated: false,
    rate_class: RateClass("core"),
    cache_ttl: Some(Duration::ZERO),
    input_schema: schema_of::<GetRun>,
    output_schema: schema_of::<WorkflowRun>,
};

/// How GitHub pages workflow runs: `Link` headers, items under `workflow_runs`.
pub const RUNS_PAGES: PageSpec = PageSpec::new(Pagination::LinkHeader, "/workflow_runs");

/// Input of `actions.dispatch_workflow`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DispatchWorkflow {
    /// The account owner of the repository.
    pub owner: String,
    /// The repository's name.
    pub repo: String,
    /// The workflow's id or file name (`ci.yml`).
    pub workflow_id: String,
    /// The branch or tag whose workflow file runs.
    #[serde(rename = "ref")]
    pub git_ref: String,
    /// The workflow's inputs (at most 25), by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inputs: Option<BTreeMap<String, Value>>,
    /// Answer with the started run's id and URLs (HTTP 200) instead of an empty 204.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_run_details: Option<bool>,
}

/// Input of `actions.list_runs`, with GitHub's filter names.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListRuns {
    /// The account owner of the repository.
    pub owner: String,
    /// The repository's name.
    pub repo: String,
    /// Only this workflow's runs (id or file name); all of the repository's otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workflow_id: Option<String>,
    /// The login of the user whose push or action started the run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// The branch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
    /// The triggering event (`push`, `pull_request`...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    /// A status or conclusion: `completed`, `in_progress`, `queued`, `success`, `failure`...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// A creation date range in GitHub's search syntax (`>=2024-01-01`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    /// Leave out the `pull_requests` arrays.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclude_pull_requests: Option<bool>,
    /// Only runs of this check suite.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_suite_id: Option<u64>,
    /// Only runs of this head commit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head_sha: Option<String>,
    /// Results per page, 1 to 100 (GitHub's default 30).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 100))]
    pub per_page: Option<u32>,
    /// The page to start from (1-based).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub page: Option<u32>,
}

/// Input of `actions.get_run`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetRun {
    /// The account owner of the repository.
    pub owner: String,
    /// The repository's name.
    pub repo: String,
    /// The run's id.
    pub run_id: u64,
    /// Leave out the `pull_requests` array.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclude_pull_requests: Option<bool>,
}

/// The GitHub Actions API.
#[derive(Debug, Clone, Copy)]
pub struct ActionsApi<'a> {
    pub(crate) client: &'a GithubClient,
}

impl ActionsApi<'_> {
    /// `POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches`. GitHub answers
    /// 204 (an empty [`WorkflowDispatch`]) or, with `return_run_details`, 200 with the run.
    pub async fn dispatch_workflow(&self, input: &DispatchWorkflow) -> Result<WorkflowDispatch> {
        let request = self
            .client
            .request(&ACTIONS_DISPATCH_WORKFLOW, Method::POST)?
            .segments([
                "repos",
                &input.owner,
                &input.repo,
                "actions",
                "workflows",
                &input.workflow_id,
                "dispatches",
            ])
            .json(&body_of(input, &["owner", "repo", "workflow_id"])?)?;
        let response = self.client.runtime().execute(request).await?;
        if response.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(WorkflowDispatch::default());
        }
        response.json().map_err(|e: Error| {
            e.at(
                self.client.runtime().connector(),
                Some(ACTIONS_DISPATCH_WORKFLOW.id),
            )
        })
    }

    /// The request for the first page of `actions.list_runs`.
    pub fn list_runs_request(&self, input: &ListRuns) -> Result<ApiRequest> {
        check_per_page(&ACTIONS_LIST_RUNS, input.per_page)?;
        let request = self.client.request(&ACTIONS_LIST_RUNS, Method::GET)?;
        let request = match &input.workflow_id {
            Some(workflow) => request.segments([
                "repos",
                &input.owner,
                &input.repo,
                "actions",
                "workflows",
                workflow,
                "runs",
            ]),
            None => request.segments(["repos", &input.owner, &input.repo, "actions", "runs"]),
        };
        Ok(request
            .query_opt("actor", input.actor.as_deref())
            .query_opt("branch", input.branch.as_deref())
            .query_opt("event", input.event.as_deref())
            .query_opt("status", input.status.as_deref())
            .query_opt("created", input.created.as_deref())
            .query_opt("exclude_pull_requests", input.exclude_pull_requests)
            .query_opt("check_suite_id", input.check_suite_id)
            .query_opt("head_sha", input.head_sha.as_deref())
            .query_opt("per_page", input.per_page)
            .query_opt("page", input.page))
    }

    /// `GET /repos/{owner}/{repo}/actions/runs` (or `.../workflows/{workflow_id}/runs`): one
    /// page, with the total count.
    pub async fn list_runs(&self, input: &ListRuns) -> Result<WorkflowRuns> {
        self.client
            .runtime()
            .json(self.list_runs_request(input)?)
            .await
    }

    /// Every run across every page, newest first.
    pub fn list_runs_all(&self, input: &ListRuns) -> BoxStream<'static, Result<WorkflowRun>> {
        all_typed(self.client, self.list_runs_request(input), RUNS_PAGES)
    }

    /// Every run across every page as GitHub's JSON.
    pub fn list_runs_all_raw(&self, input: &ListRuns) -> BoxStream<'static, Result<Value>> {
        all_raw(self.client, self.list_runs_request(input), RUNS_PAGES)
    }

    /// `GET /repos/{owner}/{repo}/actions/runs/{run_id}`.
    pub async fn get_run(&self, input: &GetRun) -> Result<WorkflowRun> {
        let run = input.run_id.to_string();
        let request = self
            .client
            .request(&ACTIONS_GET_RUN, Method::GET)?
            .segments(["repos", &input.owner, &input.repo, "actions", "runs", &run])
            .query_opt("exclude_pull_requests", input.exclude_pull_requests);
        self.client.runtime().json(request).await
    }
}
