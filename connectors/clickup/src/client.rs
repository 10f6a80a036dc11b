//! [`ClickupClient`]: the typed client, a handle per resource over one runtime.

use std::sync::Arc;
use std::time::Duration;

use http::{HeaderValue, Method};
use plugboard_core::runtime::Quota;
use plugboard_core::{
    ApiRequest, AuthProvider, ConnectorConfig, ExposeSecret, OperationDescriptor, Policy, Result,
    Runtime, SecretString, StaticToken,
};

use crate::api::comments::CommentsApi;
use crate::api::folders::FoldersApi;
use crate::api::lists::ListsApi;
use crate::api::members::MembersApi;
use crate::api::spaces::SpacesApi;
use crate::api::tasks::TasksApi;
use crate::api::teams::TeamsApi;
use crate::api::time_entries::TimeEntriesApi;
use crate::api::webhooks::WebhooksApi;
use crate::classify::ClickupClassifier;
use crate::connector::INFO;

/// The origin ClickUp's API is served from; `base_url` in the configuration replaces it (the
/// paths, `/api/v2/...`, stay as documented).
pub const API_ORIGIN: &str = "https://api.clickup.com";

/// The root of API v2; every operation's path is relative to it.
pub const API_BASE: &str = "https://api.clickup.com/api/v2";

/// ClickUp's per-token limit on the Free Forever, Unlimited and Business plans (Business Plus
/// allows 1 000, Enterprise 10 000: set `policy.requests_per_minute`).
pub const DEFAULT_REQUESTS_PER_MINUTE: u32 = 100;

/// A typed ClickUp client.
#[derive(Debug, Clone)]
pub struct ClickupClient {
    runtime: Runtime,
}

impl ClickupClient {
    /// ClickUp's default policy: 30 s total deadline, 100 requests per minute per token (the
    /// lowest plan's limit), then any overrides from the configuration
    /// (`policy.requests_per_minute = 1000` on Business Plus, `10000` on Enterprise).
    pub fn default_policy(config: &ConnectorConfig) -> Result<Policy> {
        Policy::default()
            .with_total_timeout(Duration::from_secs(30))
            .with_quota(Quota::per_minute(DEFAULT_REQUESTS_PER_MINUTE))
            .with_overrides(&config.policy)
    }

    /// A client from configuration: the host's credential provider, else the configured token
    /// (a personal `pk_...` token or an OAuth access token, see [`token_auth`]), the base URL
    /// override, and [`default_policy`](Self::default_policy).
    pub fn from_config(config: &ConnectorConfig) -> Result<Self> {
        Self::with_policy(config, Self::default_policy(config)?)
    }

    /// Like [`from_config`](Self::from_config) with a policy of the caller's (a quota over
    /// another window, a shared budget...).
    pub fn with_policy(config: &ConnectorConfig, policy: Policy) -> Result<Self> {
        let auth = config.auth_provider(|token| {
            Ok(Arc::new(token_auth(token, "default")?) as Arc<dyn AuthProvider>)
        })?;
        let runtime = Runtime::builder(INFO.id)
            .policy(policy)
            .origin(config.base_url.clone())
            .auth(auth)
            .classifier(Arc::new(ClickupClassifier))
            .build()?;
        Ok(Self::with_runtime(runtime))
    }

    /// A client over an existing runtime (custom auth, shared pools).
    pub fn with_runtime(runtime: Runtime) -> Self {
        Self { runtime }
    }

    /// The runtime.
    pub fn runtime(&self) -> &Runtime {
        &self.runtime
    }

    /// Workspaces (teams).
    pub fn teams(&self) -> TeamsApi<'_> {
        TeamsApi { client: self }
    }

    /// Spaces.
    pub fn spaces(&self) -> SpacesApi<'_> {
        SpacesApi { client: self }
    }

    /// Folders.
    pub fn folders(&self) -> FoldersApi<'_> {
        FoldersApi { client: self }
    }

    /// Lists.
    pub fn lists(&self) -> ListsApi<'_> {
        ListsApi { client: self }
    }

    /// Tasks.
    pub fn tasks(&self) -> TasksApi<'_> {
        TasksApi { client: self }
    }

    /// Task comments.
    pub fn comments(&self) -> CommentsApi<'_> {
        CommentsApi { client: self }
    }

    /// Time tracking.
    pub fn time_entries(&self) -> TimeEntriesApi<'_> {
        TimeEntriesApi { client: self }
    }

    /// List and task members.
    pub fn members(&self) -> MembersApi<'_> {
        MembersApi { client: self }
    }

    /// Webhook subscriptions.
    pub fn webhooks(&self) -> WebhooksApi<'_> {
        WebhooksApi { client: self }
    }

    /// A request for `op` under `/api/v2`, asking for JSON.
    pub(crate) fn request(&self, op: &OperationDescriptor, method: Method) -> Result<ApiRequest> {
        Ok(ApiRequest::new(op, method, API_BASE)?.header(
            http::header::ACCEPT,
            HeaderValue::from_static("application/json"),
        ))
    }
}

/// The credential for `token` as ClickUp expects it: a personal token (`pk_...`) is sent as
/// is (`Authorization: pk_...`), an OAuth access token as `Authorization: Bearer <token>`.
/// The header is marked sensitive and `Debug` never shows it.
pub fn token_auth(token: &SecretString, connection: &str) -> Result<StaticToken> {
    let prefix = if token.expose_secret().starts_with("pk_") {
        ""
    } else {
        "Bearer "
    };
    StaticToken::new(http::header::AUTHORIZATION, prefix, token, connection)
}

#[cfg(test)]
mod tests {
    use plugboard_core::AuthProvider;

    use super::*;

    async fn header(token: &str) -> String {
        let auth = token_auth(&SecretString::from(token), "default").unwrap();
        let mut headers = http::HeaderMap::new();
        auth.apply(&mut headers).await.unwrap();
        let value = headers.get("authorization").unwrap();
        assert!(value.is_sensitive());
        assert!(!format!("{auth:?}").contains(token));
        value.to_str().unwrap().to_string()
    }

    #[tokio::test]
    async fn personal_tokens_are_sent_raw_and_oauth_tokens_as_bearer() {
        assert_eq!(
            header("pk_123_ABCDEF").await,
            "pk_123_ABCDEF",
            "personal token, no scheme"
        );
        assert_eq!(
            header("61681706_dc3f1b4e").await,
            "Bearer 61681706_dc3f1b4e",
            "OAuth access token"
        );
    }

    #[test]
    fn the_default_quota_is_the_lowest_plan_and_overridable() {
        let config = ConnectorConfig::default();
        let policy = ClickupClient::default_policy(&config).unwrap();
        assert_eq!(policy.quota, Some(Quota::per_minute(100)));
        let mut config = ConnectorConfig::default();
        config.policy.requests_per_minute = Some(1000);
        let policy = ClickupClient::default_policy(&config).unwrap();
        assert_eq!(policy.quota, Some(Quota::per_minute(1000)));
    }
}
