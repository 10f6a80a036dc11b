//! [`MetaClient`]: the typed Graph API client, a handle per resource over one runtime, with the
//! API version, `appsecret_proof` and the Page access tokens learnt from `/me/accounts`.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use futures::TryStreamExt;
use http::header::AUTHORIZATION;
use http::{HeaderValue, Method};
use plugboard_core::{
    ApiRequest, AuthProvider, ConfigKey, ConnectorConfig, Error, ExposeSecret, OperationDescriptor,
    Policy, Result, Runtime, SecretString,
};

use crate::api::ad_accounts::{AdAccountsApi, ListAdAccounts};
use crate::api::insights::InsightsApi;
use crate::api::instagram::{InstagramApi, ListInstagramAccounts};
use crate::api::me::MeApi;
use crate::api::pages::{ListPages, PagesApi};
use crate::api::tokens::TokensApi;
use crate::auth::{GraphAuth, appsecret_proof, bearer};
use crate::classify::MetaClassifier;
use crate::connector::INFO;
use crate::models::{AdAccount, InstagramAccount, Page};

/// The origin of the Graph API; `base_url` in the configuration replaces it.
pub const API_ORIGIN: &str = "https://graph.facebook.com";

/// The Graph API version used unless `api_version` is configured.
pub const DEFAULT_API_VERSION: &str = "v21.0";

/// `api_version`: the Graph API version, e.g. `v21.0`.
pub const API_VERSION_KEY: ConfigKey = ConfigKey {
    name: "api_version",
    secret: false,
    doc: "Graph API version (default v21.0)",
};

/// `app_id`: the Meta app's id (`tokens.exchange`, the app token of `tokens.debug`).
pub const APP_ID_KEY: ConfigKey = ConfigKey {
    name: "app_id",
    secret: false,
    doc: "Meta app id (tokens.exchange, tokens.debug)",
};

/// `app_secret`: the Meta app's secret; when set, every call carries `appsecret_proof`.
pub const APP_SECRET_KEY: ConfigKey = ConfigKey {
    name: "app_secret",
    secret: true,
    doc: "Meta app secret: appsecret_proof on every call, tokens.exchange, tokens.debug",
};

/// `verify_token`: the token Meta echoes in the webhook subscription handshake.
pub const VERIFY_TOKEN_KEY: ConfigKey = ConfigKey {
    name: "verify_token",
    secret: true,
    doc: "webhook verify token (hub.verify_token of the subscription handshake)",
};

/// Every Meta-specific configuration key.
pub const CONFIG_KEYS: &[ConfigKey] = &[
    API_VERSION_KEY,
    APP_ID_KEY,
    APP_SECRET_KEY,
    VERIFY_TOKEN_KEY,
];

/// A typed Meta Graph API client.
#[derive(Clone)]
pub struct MetaClient {
    runtime: Runtime,
    version: String,
    token: Option<SecretString>,
    app_id: Option<String>,
    app_secret: Option<SecretString>,
    page_tokens: Arc<RwLock<HashMap<String, SecretString>>>,
}

impl fmt::Debug for MetaClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MetaClient")
            .field("runtime", &self.runtime)
            .field("version", &self.version)
            .field("token", &self.token.as_ref().map(|_| "[REDACTED]"))
            .field("app_id", &self.app_id)
            .field(
                "app_secret",
                &self.app_secret.as_ref().map(|_| "[REDACTED]"),
            )
            .field("page_tokens", &self.page_token_count())
            .finish()
    }
}

impl MetaClient {
    /// Meta's default policy: a 30 s total deadline and no fixed quota (Meta's budgets depend on
    /// the app's users and the business object; the usage headers pace calls instead), then any
    /// overrides from the configuration.
    pub fn default_policy(config: &ConnectorConfig) -> Result<Policy> {
        Policy::default()
            .with_total_timeout(Duration::from_secs(30))
            .with_overrides(&config.policy)
    }

    /// A client from configuration: the user (or system user, or Page) token, the API
    /// version, the app id and secret, the base URL override and policy overrides.
    pub fn from_config(config: &ConnectorConfig) -> Result<Self> {
        let auth = config.auth_provider(|token| {
            Ok(Arc::new(GraphAuth::new(token, "default")?) as Arc<dyn AuthProvider>)
        })?;
        let runtime = Runtime::builder(INFO.id)
            .policy(Self::default_policy(config)?)
            .origin(config.base_url.clone())
            .auth(auth)
            .classifier(Arc::new(MetaClassifier))
            .build()?;
        Self::with_runtime(runtime, config)
    }

    /// A client over an existing runtime (custom auth, shared pools); the version, token (for
    /// `appsecret_proof` and `tokens.debug`) and app credentials come from `config`. A custom
    /// auth provider must leave an `Authorization` header a request already has in place.
    pub fn with_runtime(runtime: Runtime, config: &ConnectorConfig) -> Result<Self> {
        let version = config
            .setting(API_VERSION_KEY.name)
            .unwrap_or(DEFAULT_API_VERSION)
            .trim()
            .to_string();
        if !is_version(&version) {
            return Err(Error::config(format!(
                "connectors.meta.api_version must look like v21.0, got {version:?}"
            )));
        }
        Ok(Self {
            runtime,
            version,
            token: config.token.clone(),
            app_id: config.setting(APP_ID_KEY.name).map(str::to_string),
            app_secret: config.secret(APP_SECRET_KEY.name).cloned(),
            page_tokens: Arc::default(),
        })
    }

    /// The runtime.
    pub fn runtime(&self) -> &Runtime {
        &self.runtime
    }

    /// The Graph API version in use (`v21.0`).
    pub fn api_version(&self) -> &str {
        &self.version
    }

    /// Pages (`/me/accounts`, `/{page-id}/feed`).
    pub fn pages(&self) -> PagesApi<'_> {
        PagesApi { client: self }
    }

    /// Instagram business accounts linked to the user's Pages.
    pub fn instagram(&self) -> InstagramApi<'_> {
        InstagramApi { client: self }
    }

    /// Ad accounts (`/me/adaccounts`).
    pub fn ad_accounts(&self) -> AdAccountsApi<'_> {
        AdAccountsApi { client: self }
    }

    /// Ad account insights.
    pub fn insights(&self) -> InsightsApi<'_> {
        InsightsApi { client: self }
    }

    /// Token exchange and inspection.
    pub fn tokens(&self) -> TokensApi<'_> {
        TokensApi { client: self }
    }

    /// The token's user (`/me`).
    pub fn me(&self) -> MeApi<'_> {
        MeApi { client: self }
    }

    /// Every Page the user has a role on, across all pages of results, each with its Page
    /// access token (also remembered for [`PagesApi::publish`]).
    pub async fn pages_list(&self) -> Result<Vec<Page>> {
        self.pages()
            .list_all(&ListPages::default())
            .try_collect()
            .await
    }

    /// Every Instagram business account linked to one of the user's Pages.
    pub async fn instagram_accounts(&self) -> Result<Vec<InstagramAccount>> {
        self.instagram()
            .accounts_all(&ListInstagramAccounts::default())
            .try_collect()
            .await
    }

    /// Every ad account the user can reach, across all pages of results.
    pub async fn ad_accounts_list(&self) -> Result<Vec<AdAccount>> {
        self.ad_accounts()
            .list_all(&ListAdAccounts::default())
            .try_collect()
            .await
    }

    /// The Page access token learnt for `page_id` from a Pages listing, if any.
    pub fn page_token(&self, page_id: &str) -> Option<SecretString> {
        self.page_tokens
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(page_id)
            .cloned()
    }

    fn page_token_count(&self) -> usize {
        self.page_tokens
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .len()
    }

    /// Keeps a Page's access token as a sub-credential of this connection.
    pub(crate) fn remember_page_token(&self, page: &Page) {
        if let Some(token) = &page.access_token {
            self.page_tokens
                .write()
                .unwrap_or_else(|e| e.into_inner())
                .insert(page.id.clone(), token.clone());
        }
    }

    /// The app access token `{app-id}|{app-secret}`, when both are configured.
    pub(crate) fn app_token(&self) -> Option<SecretString> {
        let (id, secret) = (self.app_id.as_ref()?, self.app_secret.as_ref()?);
        Some(SecretString::from(format!(
            "{id}|{}",
            secret.expose_secret()
        )))
    }

    /// The app id and secret, or a configuration error naming what is missing.
    pub(crate) fn app_credentials(&self) -> Result<(&str, &SecretString)> {
        let id = self.app_id.as_deref().ok_or_else(|| missing(&APP_ID_KEY))?;
        let secret = self
            .app_secret
            .as_ref()
            .ok_or_else(|| missing(&APP_SECRET_KEY))?;
        Ok((id, secret))
    }

    /// The connection's token, when configured.
    pub(crate) fn token(&self) -> Option<&SecretString> {
        self.token.as_ref()
    }

    /// A request for `op` to `/{version}/{path...}` authenticated with the connection's token.
    pub(crate) fn request(
        &self,
        op: &OperationDescriptor,
        method: Method,
        path: &[&str],
    ) -> Result<ApiRequest> {
        let request = self.bare(op, method, path)?;
        Ok(match &self.token {
            Some(token) => self.prove(request, token),
            None => request,
        })
    }

    /// A request for `op` authenticated with another token (a Page token, the app token).
    pub(crate) fn request_as(
        &self,
        op: &OperationDescriptor,
        method: Method,
        path: &[&str],
        token: &SecretString,
    ) -> Result<ApiRequest> {
        let request = self
            .bare(op, method, path)?
            .header(AUTHORIZATION, bearer(token)?);
        Ok(self.prove(request, token))
    }

    fn bare(&self, op: &OperationDescriptor, method: Method, path: &[&str]) -> Result<ApiRequest> {
        Ok(ApiRequest::new(op, method, API_ORIGIN)?
            .segments(std::iter::once(self.version.as_str()).chain(path.iter().copied()))
            .header(
                http::header::ACCEPT,
                HeaderValue::from_static("application/json"),
            ))
    }

    /// Adds `appsecret_proof` for `token` when an app secret is configured.
    fn prove(&self, request: ApiRequest, token: &SecretString) -> ApiRequest {
        match &self.app_secret {
            Some(secret) => request.query("appsecret_proof", appsecret_proof(secret, token)),
            None => request,
        }
    }
}

fn missing(key: &ConfigKey) -> Error {
    Error::config(format!(
        "no {} for meta: set {} or connectors.meta.{}",
        key.name,
        key.env_var(INFO.id),
        key.name
    ))
}

fn is_version(v: &str) -> bool {
    let Some(rest) = v.strip_prefix('v') else {
        return false;
    };
    let mut parts = rest.split('.');
    matches!(
        (parts.next(), parts.next(), parts.next()),
        (Some(a), Some(b), None)
            if !a.is_empty() && !b.is_empty()
                && a.bytes().all(|c| c.is_ascii_digit())
                && b.bytes().all(|c| c.is_ascii_digit())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_checked() {
        assert!(is_version("v21.0"));
        assert!(is_version("v3.3"));
        for bad in ["21.0", "v21", "v21.0.1", "vx.0", "v21.", ""] {
            assert!(!is_version(bad), "{bad}");
        }
        let mut config = ConnectorConfig::default();
        config
            .settings
            .insert("api_version".into(), "latest".into());
        let e = MetaClient::from_config(&config).unwrap_err();
        assert!(e.to_string().contains("api_version"), "{e}");
    }
}
