//! The dynamic side: [`TiktokConnector`] maps operation ids to the typed client, the token
//! refresher, and the registry descriptor.

use std::sync::Arc;

use async_trait::async_trait;
use futures::stream::{self, BoxStream, StreamExt};
use plugboard_core::connector::find_operation;
use plugboard_core::dynamic::{parse_input, to_output, to_output_stream, unknown_operation};
use plugboard_core::oauth2::OAuth2Refresher;
use plugboard_core::{
    AuthKind, CallContext, Capabilities, Connector, ConnectorConfig, ConnectorDescriptor,
    ConnectorId, ConnectorInfo, OperationDescriptor, OperationId, Result, TokenRefresher,
    WebhookInfo, WebhookVerifier,
};
use serde_json::Value;

use crate::api::advertisers::ListAdvertisers;
use crate::api::user::GetUserInfo;
use crate::client::{
    API_ORIGIN, CLIENT_KEY_KEY, CLIENT_SECRET_KEY, CONFIG_KEYS, TiktokClient, token_url,
};
use crate::operations::OPERATIONS;
use crate::webhook::TIKTOK_WEBHOOKS;

/// TikTok's static description.
pub static INFO: ConnectorInfo = ConnectorInfo {
    id: ConnectorId::new("tiktok"),
    name: "TikTok",
    docs_url: "https://developers.tiktok.com/doc/overview",
    default_base_url: API_ORIGIN,
    capabilities: Capabilities {
        webhooks: Some(WebhookInfo {
            scheme: "TikTok-Signature: t=<unix>,s=<hex HMAC-SHA256 of t.body> (client secret, 5-minute window)",
            event_id: "log_id, else event:user_openid:create_time:content digest",
            handshake: false,
        }),
        auth: &[AuthKind::OAuth2, AuthKind::Token],
        health_operation: Some(OperationId::new("user.info")),
    },
};

const EXAMPLE_CONFIG: &str = r#"# [connectors.tiktok]
token = "a Login Kit (v2) user access token"
webhook_secret = "the app's client secret (TikTok signs webhooks with it)"
# client_key = "aw1234567890"            # v2 token refresh
# client_secret = "the app's client secret"
# business_token = "an API for Business long-term access token"   # default: token
# app_id = "7012345678901234567"         # API for Business app (advertisers.list)
# app_secret = "the API for Business app secret"
# business_base_url = "https://business-api.tiktok.com"   # default: base_url, if set
# base_url = "https://open.tiktokapis.com"                 # origin override (tests, proxies)

[policy]
total_timeout_secs = 30
"#;

/// What the crate registers.
pub static DESCRIPTOR: ConnectorDescriptor = ConnectorDescriptor {
    info: &INFO,
    operations: OPERATIONS,
    webhook_verifier: Some(&TIKTOK_WEBHOOKS),
    example_config: EXAMPLE_CONFIG,
    config_keys: CONFIG_KEYS,
    build,
};

fn build(config: ConnectorConfig) -> Result<Arc<dyn Connector>> {
    Ok(Arc::new(TiktokConnector::from_config(&config)?))
}

/// The TikTok connector for one connection.
#[derive(Debug, Clone)]
pub struct TiktokConnector {
    client: TiktokClient,
    refresher: Option<Arc<OAuth2Refresher>>,
}

impl TiktokConnector {
    /// Builds the connector from configuration.
    pub fn from_config(config: &ConnectorConfig) -> Result<Self> {
        Ok(Self {
            client: TiktokClient::from_config(config)?,
            refresher: refresher(config)?.map(Arc::new),
        })
    }

    /// The typed client.
    pub fn client(&self) -> &TiktokClient {
        &self.client
    }

    fn operation(name: &str) -> Result<&'static OperationDescriptor> {
        find_operation(OPERATIONS, name).ok_or_else(|| unknown_operation(&INFO, OPERATIONS, name))
    }
}

/// The v2 refresh: `POST /v2/oauth/token/` with `client_key`, `client_secret`,
/// `grant_type=refresh_token` and the refresh token, form-encoded. TikTok rotates refresh
/// tokens: the answer's new one replaces the old. `None` without `client_key` and
/// `client_secret`.
pub fn refresher(config: &ConnectorConfig) -> Result<Option<OAuth2Refresher>> {
    let (Some(key), Some(secret)) = (
        config.setting(CLIENT_KEY_KEY.name),
        config.secret(CLIENT_SECRET_KEY.name),
    ) else {
        return Ok(None);
    };
    Ok(Some(
        OAuth2Refresher::new(INFO.id, token_url(config)?, key, Some(secret.clone()))
            .client_id_param("client_key"),
    ))
}

#[async_trait]
impl Connector for TiktokConnector {
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
            "advertisers.list" => {
                let _: ListAdvertisers = parse_input(op, input)?;
                to_output(&c.advertisers().list().await?)
            }
            "campaigns.list" => to_output(&c.campaigns().list(&parse_input(op, input)?).await?),
            "reports.integrated" => {
                to_output(&c.reports().integrated(&parse_input(op, input)?).await?)
            }
            "user.info" => to_output(&c.user().info(&parse_input(op, input)?).await?),
            "videos.list" => to_output(&c.videos().list(&parse_input(op, input)?).await?),
            _ => Err(unknown_operation(&INFO, OPERATIONS, operation)),
        }
    }

    fn call_all<'a>(
        &'a self,
        ctx: &'a CallContext,
        operation: &'a str,
        input: Value,
    ) -> BoxStream<'a, Result<Value>> {
        let op = match Self::operation(operation) {
            Ok(op) if op.paginated => op,
            _ => return stream::once(self.call(ctx, operation, input)).boxed(),
        };
        let c = &self.client;
        let streamed = (|| -> Result<BoxStream<'static, Result<Value>>> {
            Ok(match op.id.as_str() {
                "campaigns.list" => {
                    to_output_stream(c.campaigns().list_all(&parse_input(op, input)?))
                }
                "reports.integrated" => {
                    to_output_stream(c.reports().integrated_all(&parse_input(op, input)?))
                }
                "videos.list" => to_output_stream(c.videos().list_all(&parse_input(op, input)?)),
                _ => return Err(unknown_operation(&INFO, OPERATIONS, operation)),
            })
        })();
        match streamed {
            Ok(s) => s,
            Err(e) => stream::once(async move { Err(e) }).boxed(),
        }
    }

    async fn health(&self, _ctx: &CallContext) -> Result<Value> {
        to_output(&self.client.user().info(&GetUserInfo::default()).await?)
    }

    fn channel_source(&self) -> Option<&dyn plugboard_core::unified::ChannelSource> {
        Some(self)
    }

    fn ad_account_source(&self) -> Option<&dyn plugboard_core::unified::AdAccountSource> {
        Some(self)
    }

    fn webhook_verifier(&self) -> Option<&'static dyn WebhookVerifier> {
        Some(&TIKTOK_WEBHOOKS)
    }

    fn token_refresher(&self) -> Option<Arc<dyn TokenRefresher>> {
        self.refresher.clone().map(|r| r as Arc<dyn TokenRefresher>)
    }
}
