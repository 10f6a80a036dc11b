//! The dynamic side: [`GoogleConnector`] maps operation ids to the typed client, and the
//! registry descriptor.

use std::sync::Arc;

use async_trait::async_trait;
use futures::stream::{self, BoxStream, StreamExt};
use plugboard_core::connector::find_operation;
use plugboard_core::dynamic::{parse_input, to_output, unknown_operation};
use plugboard_core::oauth2::OAuth2Refresher;
use plugboard_core::unified::{AdAccountSource, ChannelSource};
use plugboard_core::{
    ApiRequest, AuthKind, CallContext, Capabilities, Connector, ConnectorConfig,
    ConnectorDescriptor, ConnectorId, ConnectorInfo, OperationDescriptor, OperationId, PageSpec,
    Result, TokenRefresher, WebhookInfo, WebhookVerifier,
};
use serde_json::Value;

use crate::api::ads::{ListAccessibleCustomers, SEARCH_PAGES};
use crate::api::all_raw;
use crate::api::userinfo::GetUserinfo;
use crate::api::youtube::CHANNELS_PAGES;
use crate::client::{API_ORIGIN, GoogleClient};
use crate::config::CONFIG_KEYS;
use crate::oauth::token_refresher;
use crate::operations::OPERATIONS;
use crate::webhook::{GOOGLE_WEBHOOKS, PubSubPushVerifier};

/// Google's static description.
pub static INFO: ConnectorInfo = ConnectorInfo {
    id: ConnectorId::new("google"),
    name: "Google",
    docs_url: "https://developers.google.com/apis-explorer",
    default_base_url: API_ORIGIN,
    capabilities: Capabilities {
        webhooks: Some(WebhookInfo {
            scheme: "WebSub X-Hub-Signature (HMAC-SHA1, hex); X-Goog-Channel-Token; Pub/Sub OIDC bearer (RS256)",
            event_id: "yt:videoId + updated; X-Goog-Channel-ID:X-Goog-Message-Number; message.messageId",
            handshake: true,
        }),
        auth: &[AuthKind::Token, AuthKind::OAuth2, AuthKind::ServiceAccount],
        health_operation: Some(OperationId::new("userinfo.get")),
    },
};

const EXAMPLE_CONFIG: &str = r#"# [connectors.google]
token = "ya29.an-oauth-access-token"
webhook_secret = "the WebSub hub.secret / channel token / optional Pub/Sub push_token"
# base_url = "http://127.0.0.1:8080"       # replaces every Google origin (tests, proxies)
# client_id = "1234-abc.apps.googleusercontent.com"   # refresh user tokens
# client_secret = "GOCSPX-..."
# developer_token = "..."                  # Google Ads (developer-token header)
# login_customer_id = "123-456-7890"       # Google Ads manager account (login-customer-id)
# ads_api_version = "v26"
# pubsub_audience = "https://hooks.example.com/webhooks/google"
# pubsub_service_account = "push@my-project.iam.gserviceaccount.com"

[policy]
total_timeout_secs = 30
"#;

/// What the crate registers.
pub static DESCRIPTOR: ConnectorDescriptor = ConnectorDescriptor {
    info: &INFO,
    operations: OPERATIONS,
    webhook_verifier: Some(&GOOGLE_WEBHOOKS),
    example_config: EXAMPLE_CONFIG,
    config_keys: CONFIG_KEYS,
    build,
};

fn build(config: ConnectorConfig) -> Result<Arc<dyn Connector>> {
    Ok(Arc::new(GoogleConnector::from_config(&config)?))
}

/// The Google connector for one connection.
#[derive(Debug, Clone)]
pub struct GoogleConnector {
    client: GoogleClient,
    refresher: Option<Arc<OAuth2Refresher>>,
    pubsub: Option<PubSubPushVerifier>,
}

impl GoogleConnector {
    /// Builds the connector from configuration. With `client_id` and `client_secret` it also
    /// refreshes user tokens; with `pubsub_audience` it verifies Pub/Sub pushes and installs
    /// that verifier for the connector's static webhook verifier.
    pub fn from_config(config: &ConnectorConfig) -> Result<Self> {
        let pubsub = PubSubPushVerifier::from_config(config)?;
        if let Some(verifier) = &pubsub {
            verifier.install();
        }
        Ok(Self {
            client: GoogleClient::from_config(config)?,
            refresher: token_refresher(config)?,
            pubsub,
        })
    }

    /// The typed client.
    pub fn client(&self) -> &GoogleClient {
        &self.client
    }

    /// The Pub/Sub push verifier, when `pubsub_audience` is configured.
    pub fn pubsub_verifier(&self) -> Option<&PubSubPushVerifier> {
        self.pubsub.as_ref()
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
        match op.id.as_str() {
            "ads.search" => Ok((
                c.ads().search_request(&parse_input(op, input)?)?,
                SEARCH_PAGES,
            )),
            "youtube.channels.list" => Ok((
                c.youtube()
                    .channels_list_request(&parse_input(op, input)?)?,
                CHANNELS_PAGES,
            )),
            _ => Err(unknown_operation(&INFO, OPERATIONS, op.id.as_str())),
        }
    }
}

#[async_trait]
impl Connector for GoogleConnector {
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
            "ads.customers.list_accessible" => {
                let _: ListAccessibleCustomers = parse_input(op, input)?;
                to_output(&c.ads().list_accessible_customers().await?)
            }
            "ads.search" => to_output(&c.ads().search(&parse_input(op, input)?).await?.results),
            "userinfo.get" => {
                let _: GetUserinfo = parse_input(op, input)?;
                to_output(&c.userinfo().get().await?)
            }
            "youtube.channels.list" => to_output(
                &c.youtube()
                    .channels_list(&parse_input(op, input)?)
                    .await?
                    .items,
            ),
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
                let spec = request.as_ref().map_or(CHANNELS_PAGES, |(_, spec)| *spec);
                all_raw(&self.client, request.map(|(r, _)| r), spec)
            }
            _ => stream::once(self.call(ctx, operation, input)).boxed(),
        }
    }

    async fn health(&self, _ctx: &CallContext) -> Result<Value> {
        to_output(&self.client.userinfo().get().await?)
    }

    fn webhook_verifier(&self) -> Option<&'static dyn WebhookVerifier> {
        Some(&GOOGLE_WEBHOOKS)
    }

    fn token_refresher(&self) -> Option<Arc<dyn TokenRefresher>> {
        self.refresher.clone().map(|r| r as Arc<dyn TokenRefresher>)
    }

    fn channel_source(&self) -> Option<&dyn ChannelSource> {
        Some(self)
    }

    fn ad_account_source(&self) -> Option<&dyn AdAccountSource> {
        self.client
            .ads_settings()
            .developer_token
            .is_some()
            .then_some(self as &dyn AdAccountSource)
    }
}
