//! The [`Connector`] contract: static descriptors of what a platform offers, and the dynamic
//! entry points the CLI and MCP use.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use futures::stream::{self, BoxStream, StreamExt};
use serde_json::Value;

use crate::auth::TokenRefresher;
use crate::error::Result;
use crate::ids::{ConnectorId, OperationId};
use crate::webhook::WebhookVerifier;

/// The rate class an operation is counted in, as the platform names it (GitHub `core` or
/// `search`, Slack `tier3`...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RateClass(pub &'static str);

/// A static description of one operation.
#[derive(Debug, Clone, Copy)]
pub struct OperationDescriptor {
    /// `resource.action`.
    pub id: OperationId,
    /// One line on what it does.
    pub summary: &'static str,
    /// The platform's reference page.
    pub docs_url: &'static str,
    /// Whether repeating the request is safe (retries are only made for idempotent operations).
    pub idempotent: bool,
    /// Whether the operation changes nothing on the platform.
    pub read_only: bool,
    /// Whether the operation returns a list that `call_all` pages through.
    pub paginated: bool,
    /// The platform's rate class.
    pub rate_class: RateClass,
    /// How long a response may be served from cache.
    pub cache_ttl: Option<Duration>,
    /// The JSON Schema of the input.
    pub input_schema: fn() -> schemars::Schema,
    /// The JSON Schema of the output (of one item, for paginated operations).
    pub output_schema: fn() -> schemars::Schema,
}

/// The JSON Schema of `T`, usable as a descriptor's schema function.
pub fn schema_of<T: schemars::JsonSchema>() -> schemars::Schema {
    schemars::schema_for!(T)
}

/// How a connector authenticates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthKind {
    /// A static token or API key.
    Token,
    /// OAuth 2.0 authorization code with refresh.
    OAuth2,
    /// GitHub App installation tokens.
    GithubApp,
    /// Google service-account JWT bearer.
    ServiceAccount,
    /// HTTP basic (email and API token).
    Basic,
}

impl AuthKind {
    /// The kind's name in listings.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Token => "token",
            Self::OAuth2 => "oauth2",
            Self::GithubApp => "github_app",
            Self::ServiceAccount => "service_account",
            Self::Basic => "basic",
        }
    }
}

/// How a connector's webhooks are verified and identified.
#[derive(Debug, Clone, Copy)]
pub struct WebhookInfo {
    /// The signature scheme, e.g. `X-Hub-Signature-256 (HMAC-SHA256, hex)`.
    pub scheme: &'static str,
    /// Where the event id comes from.
    pub event_id: &'static str,
    /// Whether the platform sends a handshake to answer.
    pub handshake: bool,
}

/// What a connector supports.
#[derive(Debug, Clone, Copy)]
pub struct Capabilities {
    /// Webhook support, if any.
    pub webhooks: Option<WebhookInfo>,
    /// Supported auth kinds.
    pub auth: &'static [AuthKind],
    /// The operation that checks the connection's health.
    pub health_operation: Option<OperationId>,
}

/// A connector's static description.
#[derive(Debug, Clone, Copy)]
pub struct ConnectorInfo {
    /// The id.
    pub id: ConnectorId,
    /// The platform's display name.
    pub name: &'static str,
    /// The platform's API documentation.
    pub docs_url: &'static str,
    /// The origin every endpoint is documented under, e.g. `https://api.github.com`.
    pub default_base_url: &'static str,
    /// What it supports.
    pub capabilities: Capabilities,
}

/// Per-call context.
#[derive(Debug, Clone, Default)]
pub struct CallContext {
    /// The named connection the call uses (`default` when absent).
    pub connection: Option<String>,
}

/// A platform connector bound to one connection's configuration.
///
/// Object-safe: the CLI, the ingress and MCP hold `Arc<dyn Connector>`.
#[async_trait]
pub trait Connector: Send + Sync + 'static {
    /// The static description.
    fn info(&self) -> &'static ConnectorInfo;

    /// Every operation, sorted by id.
    fn operations(&self) -> &'static [OperationDescriptor];

    /// Runs one operation with JSON input (validated against the operation's input type) and
    /// returns its JSON output. For paginated operations this is the first page's items.
    async fn call(&self, ctx: &CallContext, operation: &str, input: Value) -> Result<Value>;

    /// Runs one operation and streams its items across every page. Operations that do not
    /// paginate yield their single result.
    fn call_all<'a>(
        &'a self,
        ctx: &'a CallContext,
        operation: &'a str,
        input: Value,
    ) -> BoxStream<'a, Result<Value>> {
        stream::once(self.call(ctx, operation, input)).boxed()
    }

    /// Checks the connection (credential valid, platform reachable).
    async fn health(&self, ctx: &CallContext) -> Result<Value>;

    /// The webhook verifier, for connectors that receive webhooks.
    fn webhook_verifier(&self) -> Option<&'static dyn WebhookVerifier> {
        None
    }

    /// The token refresher, for connectors whose tokens expire.
    fn token_refresher(&self) -> Option<Arc<dyn TokenRefresher>> {
        None
    }

    /// A verifier built from this connection's configuration, for platforms whose handshake
    /// needs a configured value besides the webhook secrets (Meta's `verify_token`). The host
    /// prefers it to [`webhook_verifier`](Self::webhook_verifier) when present.
    fn configured_webhook_verifier(&self) -> Option<Arc<dyn WebhookVerifier>> {
        None
    }

    /// The unified channel view, for connectors whose platform has channels or accounts to
    /// publish to (Slack, Meta, Google, TikTok).
    fn channel_source(&self) -> Option<&dyn crate::unified::ChannelSource> {
        None
    }

    /// The unified ad-account view, for advertising platforms (Meta, Google Ads, TikTok).
    fn ad_account_source(&self) -> Option<&dyn crate::unified::AdAccountSource> {
        None
    }
}

/// Finds an operation by id.
pub fn find_operation(
    operations: &'static [OperationDescriptor],
    id: &str,
) -> Option<&'static OperationDescriptor> {
    operations.iter().find(|op| op.id.as_str() == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[allow(dead_code)]
    fn assert_object_safe(_: &dyn Connector) {}

    #[test]
    fn auth_kind_names() {
        assert_eq!(AuthKind::GithubApp.as_str(), "github_app");
    }
}
