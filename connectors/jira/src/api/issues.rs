//! Issues: `issues.search` (JQL, page tokens), `issues.get`, `issues.create`, `issues.update`,
//! `issues.comment`, `issues.transition`, `transitions.list` and `issues.bulk_get` (any number
//! of keys, sent in batches of at most 100).

use futures::stream::{BoxStream, StreamExt, TryStreamExt};
use http::Method;
use plugboard_core::connector::schema_of;
use plugboard_core::{Error, OperationDescriptor, OperationId, RateClass, Result};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::adf::{RichText, wrap_text_fields};
use crate::api::comma;
use crate::client::{JiraClient, READ, WRITE};
use crate::models::{BulkIssues, Comment, CreatedIssue, Issue, Transitions};
use crate::paging::SEARCH_PAGES;

/// The most issues one `bulkfetch` request may name (Jira's limit for requests that expand
/// changelogs or ask for every field).
pub const BULK_BATCH: usize = 100;

/// `issues.search`.
pub const ISSUES_SEARCH: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("issues.search"),
    summary: "Search issues with JQL (enhanced search, page tokens)",
    docs_url: "https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-search/#api-rest-api-3-search-jql-get",
    idempotent: true,
    read_only: true,
    paginated: true,
    rate_class: RateClass(READ),
    cache_ttl: None,
    input_schema: schema_of::<SearchIssues>,
    output_schema: schema_of::<Issue>,
};

/// `issues.get`.
pub const ISSUES_GET: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("issues.get"),
    summary: "Get an issue (fields, changelog with expand=changelog)",
    docs_url: "https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-issueidorkey-get",
    idempotent: true,
    read_only: true,
    paginated: false,
    rate_class: RateClass(READ),
    cache_ttl: None,
    input_schema: schema_of::<GetIssue>,
    output_schema: schema_of::<Issue>,
};

/// `issues.create`: not idempotent, never retried once sent.
pub const ISSUES_CREATE: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("issues.create"),
    summary: "Create an issue (a plain-text description is wrapped into ADF)",
    docs_url: "https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-post",
    idempotent: false,
    read_only: false,
    paginated: false,
    rate_class: RateClass(WRITE),
    cache_ttl: None,
    input_schema: schema_of::<CreateIssue>,
    output_schema: schema_of::<CreatedIssue>,
};

/// `issues.update`: a PUT, but its `update` verbs (`add`, `remove`) are not idempotent, so it
/// is never retried once sent.
pub const ISSUES_UPDATE: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("issues.update"),
    summary: "Edit an issue's fields (null output unless returnIssue=true)",
    docs_url: "https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-issueidorkey-put",
    idempotent: false,
    read_only: false,
    paginated: false,
    rate_class: RateClass(WRITE),
    cache_ttl: None,
    input_schema: schema_of::<UpdateIssue>,
    output_schema: schema_of::<Option<Issue>>,
};

/// `issues.comment`.
pub const ISSUES_COMMENT: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("issues.comment"),
    summary: "Add a comment (plain text is wrapped into ADF; ADF is sent as is)",
    docs_url: "https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-comments/#api-rest-api-3-issue-issueidorkey-comment-post",
    idempotent: false,
    read_only: false,
    paginated: false,
    rate_class: RateClass(WRITE),
    cache_ttl: None,
    input_schema: schema_of::<CommentIssue>,
    output_schema: schema_of::<Comment>,
};

/// `issues.transition`.
pub const ISSUES_TRANSITION: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("issues.transition"),
    summary: "Move an issue through a workflow transition (null output)",
    docs_url: "https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-issueidorkey-transitions-post",
    idempotent: false,
    read_only: false,
    paginated: false,
    rate_class: RateClass(WRITE),
    cache_ttl: None,
    input_schema: schema_of::<TransitionIssue>,
    output_schema: schema_of::<Option<Value>>,
};

/// `transitions.list`.
pub const TRANSITIONS_LIST: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("transitions.list"),
    summary: "List the transitions available on an issue",
    docs_url: "https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-issueidorkey-transitions-get",
    idempotent: true,
    read_only: true,
    paginated: false,
    rate_class: RateClass(READ),
    cache_ttl: None,
    input_schema: schema_of::<ListTransitions>,
    output_schema: schema_of::<Transitions>,
};

/// `issues.bulk_get`: a read sent as POST, so it is idempotent.
pub const ISSUES_BULK_GET: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("issues.bulk_get"),
    summary: "Get many issues by id or key (batches of at most 100, results concatenated)",
    docs_url: "https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-bulkfetch-post",
    idempotent: true,
    read_only: true,
    paginated: false,
    rate_class: RateClass(READ),
    cache_ttl: None,
    input_schema: schema_of::<BulkGetIssues>,
    output_schema: schema_of::<BulkIssues>,
};

/// Input of `issues.search`, with Jira's parameter names.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SearchIssues {
    /// A bounded JQL query (`project = PROJ AND sprint in openSprints()`).
    pub jql: String,
    /// Fields to return (`summary`, `status`, `*navigable`, `-description`); Jira returns only
    /// the issue ids when omitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<String>>,
    /// Comma-separated expansions (`changelog`, `renderedFields`, `names`...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expand: Option<String>,
    /// Issue properties to return.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<Vec<String>>,
    /// Whether `fields` names fields by key rather than id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields_by_keys: Option<bool>,
    /// Fail when a requested field cannot be returned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_fast: Option<bool>,
    /// Issue ids to reconcile for read-after-write consistency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reconcile_issues: Option<Vec<u64>>,
    /// Issues per page (Jira's default 50; it may return fewer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 5000))]
    pub max_results: Option<u32>,
    /// The page to fetch (from a previous page's `nextPageToken`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

/// One page of `issues.search`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct IssuePage {
    /// The issues.
    #[serde(default)]
    pub issues: Vec<Issue>,
    /// The next page's token; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
    /// Whether this is the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_last: Option<bool>,
    /// Every other field Jira sent (`names`, `schema`).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Input of `issues.get`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GetIssue {
    /// The issue's id or key.
    pub issue_id_or_key: String,
    /// Fields to return (all by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<String>>,
    /// Whether `fields` names fields by key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields_by_keys: Option<bool>,
    /// Comma-separated expansions (`changelog`, `renderedFields`, `transitions`...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expand: Option<String>,
    /// Issue properties to return.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<Vec<String>>,
    /// Whether to add the issue to the user's history.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_history: Option<bool>,
    /// Fail when a requested field cannot be returned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_fast: Option<bool>,
}

/// Input of `issues.create`: Jira's request body, plus its query parameter.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CreateIssue {
    /// The fields (`project`, `issuetype`, `summary`, `description`...). A plain-text
    /// `description` or `environment` is wrapped into an ADF document.
    pub fields: Map<String, Value>,
    /// Field operations (`{"labels":[{"add":"triage"}]}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update: Option<Map<String, Value>>,
    /// A transition to apply on creation (`{"id":"11"}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transition: Option<Value>,
    /// Issue properties to set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<Vec<Value>>,
    /// Whether to add the project to the user's recent list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_history: Option<bool>,
}

/// Input of `issues.update`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UpdateIssue {
    /// The issue's id or key.
    pub issue_id_or_key: String,
    /// Fields to set. A plain-text `description` or `environment` is wrapped into ADF.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<Map<String, Value>>,
    /// Field operations (`set`, `add`, `remove`, `edit`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update: Option<Map<String, Value>>,
    /// Issue properties to set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<Vec<Value>>,
    /// Whether to notify watchers (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify_users: Option<bool>,
    /// Edit fields hidden from the screen (admin).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub override_screen_security: Option<bool>,
    /// Edit fields not editable in the workflow step (admin).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub override_editable_flag: Option<bool>,
    /// Answer with the edited issue instead of no content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_issue: Option<bool>,
    /// Expansions of the returned issue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expand: Option<String>,
}

/// Input of `issues.comment`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CommentIssue {
    /// The issue's id or key.
    pub issue_id_or_key: String,
    /// The comment: plain text (wrapped into ADF) or an ADF document.
    pub body: RichText,
    /// Who may see it (`{"type":"role","value":"Administrators"}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visibility: Option<Value>,
    /// Comment properties to set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<Vec<Value>>,
    /// `renderedBody` to get the comment rendered as HTML.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expand: Option<String>,
}

/// A transition reference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionRef {
    /// The transition's id (from `transitions.list`).
    pub id: String,
}

/// Input of `issues.transition`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TransitionIssue {
    /// The issue's id or key.
    pub issue_id_or_key: String,
    /// The transition (`{"id":"31"}`).
    pub transition: TransitionRef,
    /// Fields to set on the transition screen (`resolution`...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<Map<String, Value>>,
    /// Field operations (`{"comment":[{"add":{"body":...}}]}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update: Option<Map<String, Value>>,
    /// History metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history_metadata: Option<Value>,
    /// Issue properties to set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<Vec<Value>>,
}

/// Input of `transitions.list`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ListTransitions {
    /// The issue's id or key.
    pub issue_id_or_key: String,
    /// `transitions.fields` to include each transition's screen fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expand: Option<String>,
    /// Only this transition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transition_id: Option<String>,
    /// Skip remote-only conditions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skip_remote_only_condition: Option<bool>,
    /// Include transitions whose conditions fail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_unavailable_transitions: Option<bool>,
    /// Sort as the issue view's operations bar does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort_by_ops_bar_and_status: Option<bool>,
}

/// Input of `issues.bulk_get`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BulkGetIssues {
    /// Issue ids or keys, any number; sent in batches of at most 100.
    pub issue_ids_or_keys: Vec<String>,
    /// Fields to return (`*navigable` by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<String>>,
    /// Expansions (`changelog`, `names`...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expand: Option<Vec<String>>,
    /// Issue properties to return.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<Vec<String>>,
    /// Whether `fields` names fields by key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields_by_keys: Option<bool>,
}

/// The issues API.
#[derive(Debug, Clone, Copy)]
pub struct IssuesApi<'a> {
    pub(crate) client: &'a JiraClient,
}

impl IssuesApi<'_> {
    /// The request for the page of `issues.search` that `input` names.
    pub async fn search_request(&self, input: &SearchIssues) -> Result<plugboard_core::ApiRequest> {
        if input.jql.trim().is_empty() {
            return Err(Error::invalid_input(
                "invalid input for issues.search: field `jql`: must not be empty",
            ));
        }
        Ok(self
            .client
            .request(
                &ISSUES_SEARCH,
                Method::GET,
                &["rest", "api", "3", "search", "jql"],
            )
            .await?
            .query("jql", &input.jql)
            .query_opt("nextPageToken", input.next_page_token.as_deref())
            .query_opt("maxResults", input.max_results)
            .query_opt("fields", comma(input.fields.as_ref()))
            .query_opt("expand", input.expand.as_deref())
            .query_opt("properties", comma(input.properties.as_ref()))
            .query_opt("fieldsByKeys", input.fields_by_keys)
            .query_opt("failFast", input.fail_fast)
            .query_opt(
                "reconcileIssues",
                input
                    .reconcile_issues
                    .as_ref()
                    .map(|ids| ids.iter().map(u64::to_string).collect::<Vec<_>>().join(",")),
            ))
    }

    /// `GET /rest/api/3/search/jql`: one page, with its `nextPageToken`.
    pub async fn search(&self, input: &SearchIssues) -> Result<IssuePage> {
        let request = self.search_request(input).await?;
        self.client.runtime().json(request).await
    }

    /// Every issue the query matches, across every page, in order.
    pub fn search_all(&self, input: &SearchIssues) -> BoxStream<'static, Result<Issue>> {
        self.search_all_raw(input)
            .and_then(|v| async move { serde_json::from_value(v).map_err(Error::from) })
            .boxed()
    }

    /// Every issue the query matches as Jira's JSON.
    pub fn search_all_raw(&self, input: &SearchIssues) -> BoxStream<'static, Result<Value>> {
        let client = self.client.clone();
        let input = input.clone();
        futures::stream::once(async move {
            let request = client.issues().search_request(&input).await?;
            Ok::<_, Error>(client.runtime().paginate(request, SEARCH_PAGES))
        })
        .map(|r| match r {
            Ok(pages) => pages,
            Err(e) => futures::stream::once(async move { Err(e) }).boxed(),
        })
        .flatten()
        .boxed()
    }

    /// `GET /rest/api/3/issue/{issueIdOrKey}`.
    pub async fn get(&self, input: &GetIssue) -> Result<Issue> {
        let request = self
            .client
            .request(
                &ISSUES_GET,
                Method::GET,
                &["rest", "api", "3", "issue", &input.issue_id_or_key],
            )
            .await?
            .query_opt("fields", comma(input.fields.as_ref()))
            .query_opt("fieldsByKeys", input.fields_by_keys)
            .query_opt("expand", input.expand.as_deref())
            .query_opt("properties", comma(input.properties.as_ref()))
            .query_opt("updateHistory", input.update_history)
            .query_opt("failFast", input.fail_fast);
        self.client.runtime().json(request).await
    }

    /// `POST /rest/api/3/issue`.
    pub async fn create(&self, input: &CreateIssue) -> Result<CreatedIssue> {
        #[derive(Serialize)]
        struct Body<'a> {
            fields: Map<String, Value>,
            #[serde(skip_serializing_if = "Option::is_none")]
            update: Option<&'a Map<String, Value>>,
            #[serde(skip_serializing_if = "Option::is_none")]
            transition: Option<&'a Value>,
            #[serde(skip_serializing_if = "Option::is_none")]
            properties: Option<&'a Vec<Value>>,
        }
        let mut fields = input.fields.clone();
        wrap_text_fields(&mut fields, &["description", "environment"]);
        let request = self
            .client
            .request(&ISSUES_CREATE, Method::POST, &["rest", "api", "3", "issue"])
            .await?
            .query_opt("updateHistory", input.update_history)
            .json(&Body {
                fields,
                update: input.update.as_ref(),
                transition: input.transition.as_ref(),
                properties: input.properties.as_ref(),
            })?;
        self.client.runtime().json(request).await
    }

    /// `PUT /rest/api/3/issue/{issueIdOrKey}`: `None` (204) unless `returnIssue` is set.
    pub async fn update(&self, input: &UpdateIssue) -> Result<Option<Issue>> {
        #[derive(Serialize)]
        struct Body<'a> {
            #[serde(skip_serializing_if = "Option::is_none")]
            fields: Option<Map<String, Value>>,
            #[serde(skip_serializing_if = "Option::is_none")]
            update: Option<&'a Map<String, Value>>,
            #[serde(skip_serializing_if = "Option::is_none")]
            properties: Option<&'a Vec<Value>>,
        }
        if input.fields.is_none() && input.update.is_none() && input.properties.is_none() {
            return Err(Error::invalid_input(
                "invalid input for issues.update: give `fields`, `update` or `properties`",
            ));
        }
        let fields = input.fields.clone().map(|mut f| {
            wrap_text_fields(&mut f, &["description", "environment"]);
            f
        });
        let request = self
            .client
            .request(
                &ISSUES_UPDATE,
                Method::PUT,
                &["rest", "api", "3", "issue", &input.issue_id_or_key],
            )
            .await?
            .query_opt("notifyUsers", input.notify_users)
            .query_opt("overrideScreenSecurity", input.override_screen_security)
            .query_opt("overrideEditableFlag", input.override_editable_flag)
            .query_opt("returnIssue", input.return_issue)
            .query_opt("expand", input.expand.as_deref())
            .json(&Body {
                fields,
                update: input.update.as_ref(),
                properties: input.properties.as_ref(),
            })?;
        let response = self.client.runtime().execute(request).await?;
        if response.body.is_empty() {
            return Ok(None);
        }
        response.json().map(Some)
    }

    /// `POST /rest/api/3/issue/{issueIdOrKey}/comment`.
    pub async fn comment(&self, input: &CommentIssue) -> Result<Comment> {
        #[derive(Serialize)]
        struct Body<'a> {
            body: Value,
            #[serde(skip_serializing_if = "Option::is_none")]
            visibility: Option<&'a Value>,
            #[serde(skip_serializing_if = "Option::is_none")]
            properties: Option<&'a Vec<Value>>,
        }
        let request = self
            .client
            .request(
                &ISSUES_COMMENT,
                Method::POST,
                &[
                    "rest",
                    "api",
                    "3",
                    "issue",
                    &input.issue_id_or_key,
                    "comment",
                ],
            )
            .await?
            .query_opt("expand", input.expand.as_deref())
            .json(&Body {
                body: input.body.to_adf(),
                visibility: input.visibility.as_ref(),
                properties: input.properties.as_ref(),
            })?;
        self.client.runtime().json(request).await
    }

    /// `POST /rest/api/3/issue/{issueIdOrKey}/transitions` (204, no content).
    pub async fn transition(&self, input: &TransitionIssue) -> Result<()> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Body<'a> {
            transition: &'a TransitionRef,
            #[serde(skip_serializing_if = "Option::is_none")]
            fields: Option<&'a Map<String, Value>>,
            #[serde(skip_serializing_if = "Option::is_none")]
            update: Option<&'a Map<String, Value>>,
            #[serde(skip_serializing_if = "Option::is_none")]
            history_metadata: Option<&'a Value>,
            #[serde(skip_serializing_if = "Option::is_none")]
            properties: Option<&'a Vec<Value>>,
        }
        let request = self
            .client
            .request(
                &ISSUES_TRANSITION,
                Method::POST,
                &[
                    "rest",
                    "api",
                    "3",
                    "issue",
                    &input.issue_id_or_key,
                    "transitions",
                ],
            )
            .await?
            .json(&Body {
                transition: &input.transition,
                fields: input.fields.as_ref(),
                update: input.update.as_ref(),
                history_metadata: input.history_metadata.as_ref(),
                properties: input.properties.as_ref(),
            })?;
        self.client.runtime().execute(request).await?;
        Ok(())
    }

    /// `GET /rest/api/3/issue/{issueIdOrKey}/transitions`.
    pub async fn transitions(&self, input: &ListTransitions) -> Result<Transitions> {
        let request = self
            .client
            .request(
                &TRANSITIONS_LIST,
                Method::GET,
                &[
                    "rest",
                    "api",
                    "3",
                    "issue",
                    &input.issue_id_or_key,
                    "transitions",
                ],
            )
            .await?
            .query_opt("expand", input.expand.as_deref())
            .query_opt("transitionId", input.transition_id.as_deref())
            .query_opt("skipRemoteOnlyCondition", input.skip_remote_only_condition)
            .query_opt(
                "includeUnavailableTransitions",
                input.include_unavailable_transitions,
            )
            .query_opt("sortByOpsBarAndStatus", input.sort_by_ops_bar_and_status);
        self.client.runtime().json(request).await
    }

    /// `POST /rest/api/3/issue/bulkfetch`, once per batch of at most [`BULK_BATCH`] ids or
    /// keys, one batch after the other; issues and errors are concatenated in batch order.
    pub async fn bulk_get(&self, input: &BulkGetIssues) -> Result<BulkIssues> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Body<'a> {
            issue_ids_or_keys: &'a [String],
            #[serde(skip_serializing_if = "Option::is_none")]
            fields: Option<&'a Vec<String>>,
            #[serde(skip_serializing_if = "Option::is_none")]
            expand: Option<&'a Vec<String>>,
            #[serde(skip_serializing_if = "Option::is_none")]
            properties: Option<&'a Vec<String>>,
            #[serde(skip_serializing_if = "Option::is_none")]
            fields_by_keys: Option<bool>,
        }
        let mut all = BulkIssues::default();
        for batch in input.issue_ids_or_keys.chunks(BULK_BATCH) {
            let request = self
                .client
                .request(
                    &ISSUES_BULK_GET,
                    Method::POST,
                    &["rest", "api", "3", "issue", "bulkfetch"],
                )
                .await?
                .json(&Body {
                    issue_ids_or_keys: batch,
                    fields: input.fields.as_ref(),
                    expand: input.expand.as_ref(),
                    properties: input.properties.as_ref(),
                    fields_by_keys: input.fields_by_keys,
                })?;
            let page: BulkIssues = self.client.runtime().json(request).await?;
            all.issues.extend(page.issues);
            all.issue_errors.extend(page.issue_errors);
        }
        Ok(all)
    }
}
