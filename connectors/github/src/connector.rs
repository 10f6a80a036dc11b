//! The dynamic side: [`GithubConnector`] maps operation ids to the typed client, and the
//! registry descriptor.

use std::sync::Arc;

use async_trait::async_trait;
use futures::stream::{self, BoxStream, StreamExt};
use plugboard_core::connector::find_operation;
use plugboard_core::dynamic::{parse_input, to_output, unknown_operation};
use plugboard_core::oauth2::OAuth2Refresher;
use plugboard_core::{
    ApiRequest, AuthKind, CallContext, Capabilities, Connector, ConnectorConfig,
    ConnectorDescriptor, ConnectorId, ConnectorInfo, OperationDescriptor, OperationId, PageSpec,
    Result, TokenRefresher, WebhookInfo, WebhookVerifier,
};
use serde_json::Value;

use crate::api::actions::RUNS_PAGES;
use crate::api::rate_limit::GetRateLimit;
use crate::api::{LINK_PAGES, all_raw};
use crate::client::{API_ORIGIN, GithubClient};
use crate::oauth::{CONFIG_KEYS, token_refresher};
use crate::operations::OPERATIONS;
use crate::webhook::GITHUB_WEBHOOKS;

/// GitHub's static description.
pub static INFO: ConnectorInfo = ConnectorInfo {
    id: ConnectorId::new("github"),
    name: "GitHub",
    docs_url: "https://docs.github.com/rest",
    default_base_url: API_ORIGIN,
    capabilities: Capabilities {
        webhooks: Some(WebhookInfo {
            scheme: "X-Hub-Signature-256 (HMAC-SHA256, hex)",
            event_id: "X-GitHub-Delivery",
            handshake: false,
        }),
        auth: &[AuthKind::Token, AuthKind::OAuth2],
        health_operation: Some(OperationId::new("rate_limit.get")),
    },
};

const EXAMPLE_CONFIG: &str = r#"# [connectors.github]
token = "ghp_your_personal_access_token"
webhook_secret = "the secret set on the webhook"
# base_url = "https://github.example.com"   # origin override (tests, proxies)
# client_id = "Iv1.8a61f9b3a7aba766"        # expiring user tokens: refreshed with the
# client_secret = "..."                     # GitHub App's client id and secret

[policy]
total_timeout_secs = 30
"#;

/// What the crate registers.
pub static DESCRIPTOR: ConnectorDescriptor = ConnectorDescriptor {
    info: &INFO,
    operations: OPERATIONS,
    webhook_verifier: Some(&GITHUB_WEBHOOKS),
    example_config: EXAMPLE_CONFIG,
    config_keys: CONFIG_KEYS,
    build,
};

fn build(config: ConnectorConfig) -> Result<Arc<dyn Connector>> {
    Ok(Arc::new(GithubConnector::from_config(&config)?))
}

/// The GitHub connector for one connection.
#[derive(Debug, Clone)]
pub struct GithubConnector {
    client: GithubClient,
    refresher: Option<Arc<OAuth2Refresher>>,
}

impl GithubConnector {
    /// Builds the connector from configuration; with `client_id` and `client_secret` it also
    /// refreshes expiring user access tokens.
    pub fn from_config(config: &ConnectorConfig) -> Result<Self> {
        Ok(Self {
            client: GithubClient::from_config(config)?,
            refresher: token_refresher(config)?,
        })
    }

    /// The typed client.
    pub fn client(&self) -> &GithubClient {
        &self.client
    }

    fn operation(name: &str) -> Result<&'static OperationDescriptor> {
        find_operation(OPERATIONS, name).ok_or_else(|| unknown_operation(&INFO, OPERATIONS, name))
    }

    /// The first page's request of a paginated operation, and how its pages follow.
    fn first_page(
        &self,
        op: &'static OperationDescriptor,
        input: Value,
    ) -> Result<(ApiRequest, PageSpec)> {
        let c = &self.client;
        let link = |request: Result<ApiRequest>| request.map(|r| (r, LINK_PAGES));
        match op.id.as_str() {
            "actions.list_runs" => Ok((
                c.actions().list_runs_request(&parse_input(op, input)?)?,
                RUNS_PAGES,
            )),
            "branches.list" => link(c.branches().list_request(&parse_input(op, input)?)),
            "commits.list" => link(c.commits().list_request(&parse_input(op, input)?)),
            "issues.list" => link(c.issues().list_request(&parse_input(op, input)?)),
            "labels.list" => link(c.labels().list_request(&parse_input(op, input)?)),
            "milestones.list" => link(c.milestones().list_request(&parse_input(op, input)?)),
            "pulls.list" => link(c.pulls().list_request(&parse_input(op, input)?)),
            "pulls.list_reviews" => link(c.pulls().list_reviews_request(&parse_input(op, input)?)),
            _ => Err(unknown_operation(&INFO, OPERATIONS, op.id.as_str())),
        }
    }
}

#[async_trait]
impl Connector for GithubConnector {
    fn info(&self) -> &'static ConnectorInfo {
        &INFO
    }

    fn operations(&self) -> &'static [OperationDescriptor] {
        OPERATIONS
    }

    async fn call(&self, _ctx: &CallContext, operation: &str, input: Value) -> Result<Value> {
        let op = Self::operation(operation)?;
        let c = &self.client;
        match op.id.as_str() {
            "actions.dispatch_workflow" => to_output(
                &c.actions()
                    .dispatch_workflow(&parse_input(op, input)?)
                    .await?,
            ),
            "actions.get_run" => to_output(&c.actions().get_run(&parse_input(op, input)?).await?),
            "actions.list_runs" => to_output(
                &c.actions()
                    .list_runs(&parse_input(op, input)?)
                    .await?
                    .workflow_runs,
            ),
            "branches.create" => to_output(&c.branches().create(&parse_input(op, input)?).await?),
            "branches.delete" => to_output(&c.branches().delete(&parse_input(op, input)?).await?),
            "branches.list" => to_output(&c.branches().list(&parse_input(op, input)?).await?),
            "commits.list" => to_output(&c.commits().list(&parse_input(op, input)?).await?),
            "issues.comment" => to_output(&c.issues().comment(&parse_input(op, input)?).await?),
            "issues.create" => to_output(&c.issues().create(&parse_input(op, input)?).await?),
            "issues.get" => to_output(&c.issues().get(&parse_input(op, input)?).await?),
            "issues.list" => to_output(&c.issues().list(&parse_input(op, input)?).await?),
            "issues.update" => to_output(&c.issues().update(&parse_input(op, input)?).await?),
            "labels.create" => to_output(&c.labels().create(&parse_input(op, input)?).await?),
            "labels.list" => to_output(&c.labels().list(&parse_input(op, input)?).await?),
            "milestones.create" => {
                to_output(&c.milestones().create(&parse_input(op, input)?).await?)
            }
            "milestones.list" => to_output(&c.milestones().list(&parse_input(op, input)?).await?),
            "pulls.create" => to_output(&c.pulls().create(&parse_input(op, input)?).await?),
            "pulls.create_review" => {
                to_output(&c.pulls().create_review(&parse_input(op, input)?).await?)
            }
            "pulls.dismiss_review" => {
                to_output(&c.pulls().dismiss_review(&parse_input(op, input)?).await?)
            }
            "pulls.get" => to_output(&c.pulls().get(&parse_input(op, input)?).await?),
            "pulls.list" => to_output(&c.pulls().list(&parse_input(op, input)?).await?),
            "pulls.list_reviews" => {
                to_output(&c.pulls().list_reviews(&parse_input(op, input)?).await?)
            }
            "pulls.merge" => to_output(&c.pulls().merge(&parse_input(op, input)?).await?),
            "pulls.submit_review" => {
                to_output(&c.pulls().submit_review(&parse_input(op, input)?).await?)
            }
            "pulls.update" => to_output(&c.pulls().update(&parse_input(op, input)?).await?),
            "rate_limit.get" => {
                let _: GetRateLimit = parse_input(op, input)?;
                to_output(&c.rate_limit().get().await?)
            }
            "repos.get" => to_output(&c.repos().get(&parse_input(op, input)?).await?),
            _ => Err(unknown_operation(&INFO, OPERATIONS, operation)),
        }
    }

    fn call_all<'a>(
        &'a self,
        ctx: &'a CallContext,
        operation: &'a str,
        input: Value,
    ) -> BoxStream<'a, Result<Value>> {
        match find_operation(OPERATIONS, operation) {
            Some(op) if op.paginated => {
                let request = self.first_page(op, input);
                let spec = request.as_ref().map_or(LINK_PAGES, |(_, spec)| *spec);
                all_raw(&self.client, request.map(|(r, _)| r), spec)
            }
            _ => stream::once(self.call(ctx, operation, input)).boxed(),
        }
    }

    async fn health(&self, _ctx: &CallContext) -> Result<Value> {
        to_output(&self.client.rate_limit().get().await?)
    }

    fn webhook_verifier(&self) -> Option<&'static dyn WebhookVerifier> {
        Some(&GITHUB_WEBHOOKS)
    }

    fn token_refresher(&self) -> Option<Arc<dyn TokenRefresher>> {
        self.refresher.clone().map(|r| r as Arc<dyn TokenRefresher>)
    }
}
