//! The dynamic side: [`JiraConnector`] maps operation ids to the typed client; the registry
//! descriptor and the connector's declared configuration keys.

use std::sync::Arc;

use async_trait::async_trait;
use futures::stream::{self, BoxStream, StreamExt};
use plugboard_core::connector::find_operation;
use plugboard_core::dynamic::{parse_input, to_output, unknown_operation};
use plugboard_core::{
    AuthKind, CallContext, Capabilities, ConfigKey, Connector, ConnectorConfig,
    ConnectorDescriptor, ConnectorId, ConnectorInfo, OperationDescriptor, OperationId, Result,
    TokenRefresher, WebhookInfo, WebhookVerifier,
};
use serde_json::Value;

use crate::api::agile::{BOARDS_LIST, SPRINTS_ISSUES, SPRINTS_LIST};
use crate::api::issues::ISSUES_SEARCH;
use crate::api::oauth::ListAccessibleResources;
use crate::api::projects::PROJECTS_LIST;
use crate::api::server_info::GetServerInfo;
use crate::client::{JiraClient, SITE_PLACEHOLDER};
use crate::operations::OPERATIONS;
use crate::refresh::token_refresher;
use crate::webhook::JIRA_WEBHOOKS;

/// Jira's static description.
pub static INFO: ConnectorInfo = ConnectorInfo {
    id: ConnectorId::new("jira"),
    name: "Jira Cloud",
    docs_url: "https://developer.atlassian.com/cloud/jira/platform/rest/v3/",
    default_base_url: SITE_PLACEHOLDER,
    capabilities: Capabilities {
        webhooks: Some(WebhookInfo {
            scheme: "X-Hub-Signature: <method>=<hex HMAC of the raw body> (sha256; method parsed)",
            event_id: "X-Atlassian-Webhook-Identifier, else sha256 of the body",
            handshake: false,
        }),
        auth: &[AuthKind::Basic, AuthKind::OAuth2],
        health_operation: Some(OperationId::new("server_info.get")),
    },
};

/// `email`: the Atlassian account email; with an API token as `token`, calls use Basic auth.
pub const EMAIL: ConfigKey = ConfigKey {
    name: "email",
    secret: false,
    doc: "Atlassian account email; with an API token as `token`, calls use Basic auth against the site",
};

/// `cloud_id`: the site's cloud id for OAuth 2.0 calls.
pub const CLOUD_ID: ConfigKey = ConfigKey {
    name: "cloud_id",
    secret: false,
    doc: "the site's cloud id for OAuth 2.0 calls (api.atlassian.com/ex/jira/{cloud_id}); looked up from accessible-resources when absent",
};

/// `client_id`: the OAuth 2.0 (3LO) app's client id.
pub const CLIENT_ID: ConfigKey = ConfigKey {
    name: "client_id",
    secret: false,
    doc: "OAuth 2.0 (3LO) app client id, for refreshing access tokens",
};

/// `client_secret`: the OAuth 2.0 (3LO) app's client secret.
pub const CLIENT_SECRET: ConfigKey = ConfigKey {
    name: "client_secret",
    secret: true,
    doc: "OAuth 2.0 (3LO) app client secret, for refreshing access tokens",
};

/// Jira's declared configuration keys.
pub const CONFIG_KEYS: &[ConfigKey] = &[EMAIL, CLOUD_ID, CLIENT_ID, CLIENT_SECRET];

const EXAMPLE_CONFIG: &str = r#"# [connectors.jira]
# OAuth 2.0 (3LO): `token` is an access token, refreshed with the app's client id and secret;
# calls go to https://api.atlassian.com/ex/jira/{cloud_id}.
# API token instead: set settings.email and put the API token in `token` (Basic auth, site URL).
base_url = "https://your-domain.atlassian.net"
token = "your OAuth 2.0 access token (or an API token with settings.email)"
webhook_secret = "the secret set on the Jira admin webhook"

[settings]
cloud_id = "11223344-a1b2-3b33-c444-def123456789"
client_id = "your OAuth 2.0 app client id"
# email = "you@example.com"

[secrets]
client_secret = "your OAuth 2.0 app client secret"

[policy]
total_timeout_secs = 45
"#;

/// What the crate registers.
pub static DESCRIPTOR: ConnectorDescriptor = ConnectorDescriptor {
    info: &INFO,
    operations: OPERATIONS,
    webhook_verifier: Some(&JIRA_WEBHOOKS),
    example_config: EXAMPLE_CONFIG,
    config_keys: CONFIG_KEYS,
    build,
};

fn build(config: ConnectorConfig) -> Result<Arc<dyn Connector>> {
    Ok(Arc::new(JiraConnector::from_config(&config)?))
}

/// The Jira connector for one connection.
#[derive(Clone)]
pub struct JiraConnector {
    client: JiraClient,
    refresher: Option<Arc<dyn TokenRefresher>>,
}

impl std::fmt::Debug for JiraConnector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JiraConnector")
            .field("client", &self.client)
            .field("refreshes_tokens", &self.refresher.is_some())
            .finish()
    }
}

impl JiraConnector {
    /// Builds the connector from configuration (see [`JiraClient::from_config`]).
    pub fn from_config(config: &ConnectorConfig) -> Result<Self> {
        Ok(Self {
            client: JiraClient::from_config(config)?,
            refresher: token_refresher(config)?,
        })
    }

    /// The typed client.
    pub fn client(&self) -> &JiraClient {
        &self.client
    }

    fn operation(name: &str) -> Result<&'static OperationDescriptor> {
        find_operation(OPERATIONS, name).ok_or_else(|| unknown_operation(&INFO, OPERATIONS, name))
    }
}

#[async_trait]
impl Connector for JiraConnector {
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
            "accessible_resources.list" => {
                let _: ListAccessibleResources = parse_input(op, input)?;
                to_output(&c.oauth().accessible_resources().await?)
            }
            "boards.list" => to_output(
                &c.agile()
                    .boards(&parse_input(op, input)?)
                    .await?
                    .into_items(),
            ),
            "issues.bulk_get" => to_output(&c.issues().bulk_get(&parse_input(op, input)?).await?),
            "issues.comment" => to_output(&c.issues().comment(&parse_input(op, input)?).await?),
            "issues.create" => to_output(&c.issues().create(&parse_input(op, input)?).await?),
            "issues.get" => to_output(&c.issues().get(&parse_input(op, input)?).await?),
            "issues.search" => {
                to_output(&c.issues().search(&parse_input(op, input)?).await?.issues)
            }
            "issues.transition" => {
                c.issues().transition(&parse_input(op, input)?).await?;
                Ok(Value::Null)
            }
            "issues.update" => to_output(&c.issues().update(&parse_input(op, input)?).await?),
            "projects.get" => to_output(&c.projects().get(&parse_input(op, input)?).await?),
            "projects.list" => {
                to_output(&c.projects().list(&parse_input(op, input)?).await?.values)
            }
            "server_info.get" => {
                let _: GetServerInfo = parse_input(op, input)?;
                to_output(&c.server_info().get().await?)
            }
            "boards.get" => to_output(&c.agile().board(&parse_input(op, input)?).await?),
            "sprints.get" => to_output(&c.agile().sprint(&parse_input(op, input)?).await?),
            "sprints.issues" => to_output(
                &c.agile()
                    .sprint_issues(&parse_input(op, input)?)
                    .await?
                    .into_items(),
            ),
            "sprints.list" => to_output(
                &c.agile()
                    .sprints(&parse_input(op, input)?)
                    .await?
                    .into_items(),
            ),
            "transitions.list" => {
                to_output(&c.issues().transitions(&parse_input(op, input)?).await?)
            }
            _ => Err(unknown_operation(&INFO, OPERATIONS, operation)),
        }
    }

    fn call_all<'a>(
        &'a self,
        ctx: &'a CallContext,
        operation: &'a str,
        input: Value,
    ) -> BoxStream<'a, Result<Value>> {
        fn parsed<T: serde::de::DeserializeOwned>(
            op: &OperationDescriptor,
            input: Value,
            pages: impl FnOnce(&T) -> BoxStream<'static, Result<Value>>,
        ) -> BoxStream<'static, Result<Value>> {
            match parse_input::<T>(op, input) {
                Ok(input) => pages(&input),
                Err(e) => stream::once(async move { Err(e) }).boxed(),
            }
        }
        let c = &self.client;
        match operation {
            "issues.search" => parsed(&ISSUES_SEARCH, input, |i| c.issues().search_all_raw(i)),
            "projects.list" => parsed(&PROJECTS_LIST, input, |i| c.projects().list_all_raw(i)),
            "boards.list" => parsed(&BOARDS_LIST, input, |i| c.agile().boards_all_raw(i)),
            "sprints.list" => parsed(&SPRINTS_LIST, input, |i| c.agile().sprints_all_raw(i)),
            "sprints.issues" => parsed(&SPRINTS_ISSUES, input, |i| {
                c.agile().sprint_issues_all_raw(i)
            }),
            _ => stream::once(self.call(ctx, operation, input)).boxed(),
        }
    }

    async fn health(&self, _ctx: &CallContext) -> Result<Value> {
        to_output(&self.client.server_info().get().await?)
    }

    fn webhook_verifier(&self) -> Option<&'static dyn WebhookVerifier> {
        Some(&JIRA_WEBHOOKS)
    }

    fn token_refresher(&self) -> Option<Arc<dyn TokenRefresher>> {
        self.refresher.clone()
    }
}
