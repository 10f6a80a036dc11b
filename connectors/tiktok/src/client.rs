//! [`TiktokClient`]: the typed client over two runtimes — the Display API v2
//! (`open.tiktokapis.com`, `Authorization: Bearer`) and the API for Business
//! (`business-api.tiktok.com`, `Access-Token`) — a handle per resource.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use futures::TryStreamExt;
use http::{HeaderName, HeaderValue, Method};
use plugboard_core::runtime::{ClassQuota, Quota};
use plugboard_core::{
    ApiRequest, AuthProvider, ConfigKey, ConnectorConfig, Error, NoAuth, OperationDescriptor,
    Policy, Result, Runtime, SecretString, StaticToken,
};
use url::Url;

use crate::api::advertisers::AdvertisersApi;
use crate::api::campaigns::CampaignsApi;
use crate::api::reports::ReportsApi;
use crate::api::user::{GetUserInfo, UserApi};
use crate::api::videos::VideosApi;
use crate::classify::TiktokClassifier;
use crate::connector::INFO;
use crate::models::{Advertiser, User};

/// The origin of the Display API v2 (Login Kit, user info, videos, OAuth); `base_url` in the
/// configuration replaces it.
pub const API_ORIGIN: &str = "https://open.tiktokapis.com";

/// The origin of the API for Business; `business_base_url` replaces it (else `base_url`).
pub const BUSINESS_API_ORIGIN: &str = "https://business-api.tiktok.com";

/// The API for Business version in every Business path (`/open_api/v1.3/...`).
pub const BUSINESS_API_VERSION: &str = "v1.3";

/// The rate class of the Display API v2: 600 requests per minute per endpoint.
pub const OPEN_API_CLASS: &str = "open_api";

/// The rate class of the API for Business.
pub const BUSINESS_CLASS: &str = "business";

/// `business_base_url`: the API for Business origin.
pub const BUSINESS_BASE_URL_KEY: ConfigKey = ConfigKey {
    name: "business_base_url",
    secret: false,
    doc: "API for Business origin (default https://business-api.tiktok.com, else base_url)",
};

/// `business_token`: the API for Business long-term access token.
pub const BUSINESS_TOKEN_KEY: ConfigKey = ConfigKey {
    name: "business_token",
    secret: true,
    doc: "API for Business access token, sent as Access-Token (default: token)",
};

/// `app_id`: the API for Business app id.
pub const APP_ID_KEY: ConfigKey = ConfigKey {
    name: "app_id",
    secret: false,
    doc: "API for Business app id (advertisers.list)",
};

/// `app_secret`: the API for Business app secret.
pub const APP_SECRET_KEY: ConfigKey = ConfigKey {
    name: "app_secret",
    secret: true,
    doc: "API for Business app secret (advertisers.list)",
};

/// `client_key`: the Login Kit client key.
pub const CLIENT_KEY_KEY: ConfigKey = ConfigKey {
    name: "client_key",
    secret: false,
    doc: "Login Kit client key (v2 token refresh)",
};

/// `client_secret`: the Login Kit client secret.
pub const CLIENT_SECRET_KEY: ConfigKey = ConfigKey {
    name: "client_secret",
    secret: true,
    doc: "Login Kit client secret (v2 token refresh; it also signs webhooks)",
};

/// Every TikTok-specific configuration key.
pub const CONFIG_KEYS: &[ConfigKey] = &[
    BUSINESS_BASE_URL_KEY,
    BUSINESS_TOKEN_KEY,
    APP_ID_KEY,
    APP_SECRET_KEY,
    CLIENT_KEY_KEY,
    CLIENT_SECRET_KEY,
];

/// A typed TikTok client.
#[derive(Clone)]
pub struct TiktokClient {
    open: Runtime,
    business: Runtime,
    app_id: Option<String>,
    app_secret: Option<SecretString>,
}

impl fmt::Debug for TiktokClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TiktokClient")
            .field("open", &self.open)
            .field("business", &self.business)
            .field("app_id", &self.app_id)
            .field(
                "app_secret",
                &self.app_secret.as_ref().map(|_| "[REDACTED]"),
            )
            .finish()
    }
}

impl TiktokClient {
    /// TikTok's default policy: a 30 s total deadline and the Display API's 600 requests per
    /// minute per endpoint (class `open_api`, one budget per operation), then any overrides from
    /// the configuration. The API for Business publishes no fixed quota; its `40100` answers
    /// close the pause gate.
    pub fn default_policy(config: &ConnectorConfig) -> Result<Policy> {
        Policy::default()
            .with_total_timeout(Duration::from_secs(30))
            .with_class_quota(ClassQuota {
                class: OPEN_API_CLASS,
                quota: Quota::per_minute(600),
                per_operation: true,
            })
            .with_overrides(&config.policy)
    }

    /// A client from configuration: the v2 user token (`token`), the Business token
    /// (`business_token`, else `token`), the Business app credentials, origin overrides and
    /// policy overrides.
    pub fn from_config(config: &ConnectorConfig) -> Result<Self> {
        let open_auth = config.auth_provider(|token| {
            Ok(Arc::new(StaticToken::bearer(token, "default")?) as Arc<dyn AuthProvider>)
        })?;
        let business_token = config
            .secret(BUSINESS_TOKEN_KEY.name)
            .or(config.token.as_ref());
        let business_auth: Arc<dyn AuthProvider> = match business_token {
            Some(token) => Arc::new(StaticToken::new(
                HeaderName::from_static("access-token"),
                "",
                token,
                "business",
            )?),
            None => Arc::new(NoAuth),
        };
        let policy = Self::default_policy(config)?;
        let open = Runtime::builder(INFO.id)
            .policy(policy.clone())
            .origin(config.base_url.clone())
            .auth(open_auth)
            .classifier(Arc::new(TiktokClassifier))
            .build()?;
        let business = Runtime::builder(INFO.id)
            .policy(policy)
            .origin(business_origin(config)?)
            .auth(business_auth)
            .classifier(Arc::new(TiktokClassifier))
            .build()?;
        Ok(Self::with_runtimes(open, business, config))
    }

    /// A client over existing runtimes (custom auth, shared pools); the Business app
    /// credentials come from `config`.
    pub fn with_runtimes(open: Runtime, business: Runtime, config: &ConnectorConfig) -> Self {
        Self {
            open,
            business,
            app_id: config.setting(APP_ID_KEY.name).map(str::to_string),
            app_secret: config.secret(APP_SECRET_KEY.name).cloned(),
        }
    }

    /// The Display API v2 runtime.
    pub fn runtime(&self) -> &Runtime {
        &self.open
    }

    /// The API for Business runtime.
    pub fn business_runtime(&self) -> &Runtime {
        &self.business
    }

    /// The user (`/v2/user/info/`).
    pub fn user(&self) -> UserApi<'_> {
        UserApi { client: self }
    }

    /// The user's videos (`/v2/video/list/`).
    pub fn videos(&self) -> VideosApi<'_> {
        VideosApi { client: self }
    }

    /// Advertisers authorised for the Business token.
    pub fn advertisers(&self) -> AdvertisersApi<'_> {
        AdvertisersApi { client: self }
    }

    /// Campaigns of an advertiser.
    pub fn campaigns(&self) -> CampaignsApi<'_> {
        CampaignsApi { client: self }
    }

    /// Synchronous reports.
    pub fn reports(&self) -> ReportsApi<'_> {
        ReportsApi { client: self }
    }

    /// The user's profile with the default fields (`open_id`, `union_id`, `avatar_url`,
    /// `display_name`).
    pub async fn user_info(&self) -> Result<User> {
        self.user().info(&GetUserInfo::default()).await
    }

    /// Every advertiser the Business token is authorised for.
    pub async fn advertisers_list(&self) -> Result<Vec<Advertiser>> {
        self.advertisers().list().await
    }

    /// Every campaign of `advertiser_id`, across all pages.
    pub async fn campaigns_list_all(
        &self,
        advertiser_id: &str,
    ) -> Result<Vec<crate::models::Campaign>> {
        self.campaigns()
            .list_all(&crate::api::campaigns::ListCampaigns {
                advertiser_id: advertiser_id.to_string(),
                ..Default::default()
            })
            .try_collect()
            .await
    }

    /// The Business app id and secret, or a configuration error naming what is missing.
    pub(crate) fn app_credentials(&self) -> Result<(&str, &SecretString)> {
        let id = self.app_id.as_deref().ok_or_else(|| missing(&APP_ID_KEY))?;
        let secret = self
            .app_secret
            .as_ref()
            .ok_or_else(|| missing(&APP_SECRET_KEY))?;
        Ok((id, secret))
    }

    /// A Display API v2 request to `/v2/{path...}/`.
    pub(crate) fn open_request(
        &self,
        op: &OperationDescriptor,
        method: Method,
        path: &[&str],
    ) -> Result<ApiRequest> {
        Ok(ApiRequest::new(op, method, API_ORIGIN)?
            .segments(
                std::iter::once("v2")
                    .chain(path.iter().copied())
                    .chain(std::iter::once("")),
            )
            .header(
                http::header::ACCEPT,
                HeaderValue::from_static("application/json"),
            ))
    }

    /// An API for Business request to `/open_api/v1.3/{path...}/`.
    pub(crate) fn business_request(
        &self,
        op: &OperationDescriptor,
        path: &[&str],
    ) -> Result<ApiRequest> {
        Ok(ApiRequest::new(op, Method::GET, BUSINESS_API_ORIGIN)?
            .segments(
                ["open_api", BUSINESS_API_VERSION]
                    .into_iter()
                    .chain(path.iter().copied())
                    .chain(std::iter::once("")),
            )
            .header(
                http::header::ACCEPT,
                HeaderValue::from_static("application/json"),
            ))
    }
}

fn business_origin(config: &ConnectorConfig) -> Result<Option<Url>> {
    match config.setting(BUSINESS_BASE_URL_KEY.name) {
        Some(text) => {
            let url = Url::parse(text).map_err(|e| {
                Error::config(format!(
                    "connectors.tiktok.business_base_url is not a URL ({e}): {text:?}"
                ))
            })?;
            if url.host_str().is_none() {
                return Err(Error::config(format!(
                    "connectors.tiktok.business_base_url has no host: {text:?}"
                )));
            }
            Ok(Some(url))
        }
        None => Ok(config.base_url.clone()),
    }
}

/// The v2 token endpoint, under the configured origin (so tests and proxies can serve it).
pub fn token_url(config: &ConnectorConfig) -> Result<Url> {
    let origin = config
        .base_url
        .clone()
        .map_or_else(|| Url::parse(API_ORIGIN), Ok)
        .map_err(|e| Error::config(format!("invalid base URL: {e}")))?;
    origin
        .join("/v2/oauth/token/")
        .map_err(|e| Error::config(format!("invalid base URL: {e}")))
}

fn missing(key: &ConfigKey) -> Error {
    Error::config(format!(
        "no {} for tiktok: set {} or connectors.tiktok.{}",
        key.name,
        key.env_var(INFO.id),
        key.name
    ))
}

#[cfg(test)]
mod tests {
    use plugboard_core::ErrorKind;

    use super::*;

    #[test]
    fn business_origin_prefers_its_own_key_then_base_url() {
        let mut config = ConnectorConfig::default();
        assert_eq!(business_origin(&config).unwrap(), None);
        config.base_url = Some(Url::parse("http://127.0.0.1:9").unwrap());
        assert_eq!(
            business_origin(&config).unwrap().unwrap().as_str(),
            "http://127.0.0.1:9/"
        );
        config
            .settings
            .insert("business_base_url".into(), "http://127.0.0.1:10".into());
        assert_eq!(
            business_origin(&config).unwrap().unwrap().as_str(),
            "http://127.0.0.1:10/"
        );
        config
            .settings
            .insert("business_base_url".into(), "nope".into());
        let e = business_origin(&config).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Config);
        assert!(e.to_string().contains("business_base_url"), "{e}");
        assert_eq!(
            token_url(&ConnectorConfig::default()).unwrap().as_str(),
            "https://open.tiktokapis.com/v2/oauth/token/"
        );
    }
}
