//! [`GoogleClient`]: the typed client, a handle per API over one runtime. Google's APIs live on
//! several hosts (OpenID Connect userinfo, `www.googleapis.com` for YouTube, `googleads` for
//! Google Ads); requests are built with each one's documented URL and a configured `base_url`
//! replaces all of their origins at once (the runtime's origin rewrite).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::{HeaderName, HeaderValue, Method};
use plugboard_core::runtime::{ClassQuota, Quota};
use plugboard_core::{
    ApiRequest, ConnectorConfig, Error, ExposeSecret, OperationDescriptor, Policy, Result, Runtime,
    SecretString, StaticToken,
};

use crate::api::ads::AdsApi;
use crate::api::userinfo::UserinfoApi;
use crate::api::youtube::YoutubeApi;
use crate::classify::GoogleClassifier;
use crate::config::{ADS_API_VERSION, DEVELOPER_TOKEN, LOGIN_CUSTOMER_ID};
use crate::connector::INFO;

/// The origin of the YouTube Data API (and of Google's OAuth 2.0 signing keys); `base_url`
/// in the configuration replaces it and every other Google origin.
pub const API_ORIGIN: &str = "https://www.googleapis.com";

/// The origin of the OpenID Connect userinfo endpoint.
pub const USERINFO_ORIGIN: &str = "https://openidconnect.googleapis.com";

/// The origin of the Google Ads API.
pub const ADS_ORIGIN: &str = "https://googleads.googleapis.com";

/// The Google Ads API version used unless `ads_api_version` says otherwise.
pub const DEFAULT_ADS_API_VERSION: &str = "v26";

/// The rate class of YouTube Data API calls.
pub const YOUTUBE_CLASS: &str = "youtube";

/// The rate class of Google Ads API calls.
pub const ADS_CLASS: &str = "ads";

/// The YouTube Data API's default quota: 10 000 units a day per project (`channels.list`
/// costs 1 unit per page), kept client-side as a bucket that refills over the day.
pub const YOUTUBE_QUOTA: ClassQuota = ClassQuota {
    class: YOUTUBE_CLASS,
    quota: Quota {
        requests: 10_000,
        per: Duration::from_secs(86_400),
    },
    per_operation: false,
};

/// Google Ads Basic access: 15 000 operations a day per developer token (a search page or a
/// `listAccessibleCustomers` call is one).
pub const ADS_QUOTA: ClassQuota = ClassQuota {
    class: ADS_CLASS,
    quota: Quota {
        requests: 15_000,
        per: Duration::from_secs(86_400),
    },
    per_operation: false,
};

/// What Google Ads calls need besides the OAuth token.
#[derive(Clone, Default)]
pub struct AdsSettings {
    /// The developer token (`developer-token` header); Ads calls fail without it.
    pub developer_token: Option<SecretString>,
    /// The manager account to log in as (`login-customer-id` header), digits only.
    pub login_customer_id: Option<String>,
    /// The API version path segment (`v26`); [`DEFAULT_ADS_API_VERSION`] when `None`.
    pub api_version: Option<String>,
}

impl fmt::Debug for AdsSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AdsSettings")
            .field(
                "developer_token",
                &self
                    .developer_token
                    .as_ref()
                    .map(|_| plugboard_core::config::REDACTED),
            )
            .field("login_customer_id", &self.login_customer_id)
            .field("api_version", &self.api_version)
            .finish()
    }
}

impl AdsSettings {
    /// The settings declared in `config` (`developer_token`, `login_customer_id`,
    /// `ads_api_version`), validated.
    pub fn from_config(config: &ConnectorConfig) -> Result<Self> {
        let login_customer_id = config
            .setting(LOGIN_CUSTOMER_ID.name)
            .filter(|s| !s.trim().is_empty())
            .map(|s| {
                customer_id(s).map_err(|_| {
                    Error::config(format!(
                        "connectors.google.{}: expected a customer id such as 123-456-7890",
                        LOGIN_CUSTOMER_ID.name
                    ))
                })
            })
            .transpose()?;
        let api_version = config
            .setting(ADS_API_VERSION.name)
            .filter(|s| !s.trim().is_empty())
            .map(|v| {
                let v = v.trim();
                let ok = v.len() > 1
                    && v.starts_with('v')
                    && v[1..].bytes().all(|b| b.is_ascii_digit());
                if ok {
                    Ok(v.to_string())
                } else {
                    Err(Error::config(format!(
                        "connectors.google.{}: expected a version such as {DEFAULT_ADS_API_VERSION}, got {v:?}",
                        ADS_API_VERSION.name
                    )))
                }
            })
            .transpose()?;
        Ok(Self {
            developer_token: config
                .secret(DEVELOPER_TOKEN.name)
                .filter(|s| !s.expose_secret().is_empty())
                .cloned(),
            login_customer_id,
            api_version,
        })
    }

    /// The API version in force.
    pub fn version(&self) -> &str {
        self.api_version
            .as_deref()
            .unwrap_or(DEFAULT_ADS_API_VERSION)
    }
}

/// A Google Ads customer id as the API wants it: digits only (`123-456-7890` → `1234567890`).
pub fn customer_id(text: &str) -> Result<String> {
    let text = text.trim();
    let text = text.strip_prefix("customers/").unwrap_or(text);
    let digits: String = text.chars().filter(|c| *c != '-').collect();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::invalid_input(format!(
            "invalid Google Ads customer id {text:?}: expected digits, optionally as 123-456-7890"
        )));
    }
    Ok(digits)
}

/// A typed Google client.
#[derive(Debug, Clone)]
pub struct GoogleClient {
    runtime: Runtime,
    ads: Arc<AdsSettings>,
}

impl GoogleClient {
    /// Google's default policy: 30 s total deadline, 600 requests per minute per credential,
    /// YouTube's 10 000 units and Google Ads Basic access's 15 000 operations per day, then any
    /// overrides from the configuration.
    pub fn default_policy(config: &ConnectorConfig) -> Result<Policy> {
        Policy::default()
            .with_total_timeout(Duration::from_secs(30))
            .with_quota(Quota::per_minute(600))
            .with_class_quota(YOUTUBE_QUOTA)
            .with_class_quota(ADS_QUOTA)
            .with_overrides(&config.policy)
    }

    /// A client from configuration: the host's credential provider or a static OAuth access
    /// token (or anonymous), the base URL override, Google Ads settings and policy overrides.
    pub fn from_config(config: &ConnectorConfig) -> Result<Self> {
        let auth = config.auth_provider(|token| {
            Ok(Arc::new(StaticToken::bearer(token, "default")?)
                as Arc<dyn plugboard_core::AuthProvider>)
        })?;
        let runtime = Runtime::builder(INFO.id)
            .policy(Self::default_policy(config)?)
            .origin(config.base_url.clone())
            .auth(auth)
            .classifier(Arc::new(GoogleClassifier))
            .build()?;
        Ok(Self::with_runtime(runtime).with_ads(AdsSettings::from_config(config)?))
    }

    /// A client over an existing runtime (custom auth, shared pools), without Ads settings.
    pub fn with_runtime(runtime: Runtime) -> Self {
        Self {
            runtime,
            ads: Arc::new(AdsSettings::default()),
        }
    }

    /// The same client with these Google Ads settings.
    pub fn with_ads(mut self, ads: AdsSettings) -> Self {
        self.ads = Arc::new(ads);
        self
    }

    /// The runtime.
    pub fn runtime(&self) -> &Runtime {
        &self.runtime
    }

    /// The Google Ads settings.
    pub fn ads_settings(&self) -> &AdsSettings {
        &self.ads
    }

    /// OpenID Connect userinfo.
    pub fn userinfo(&self) -> UserinfoApi<'_> {
        UserinfoApi { client: self }
    }

    /// The YouTube Data API.
    pub fn youtube(&self) -> YoutubeApi<'_> {
        YoutubeApi { client: self }
    }

    /// The Google Ads API.
    pub fn ads(&self) -> AdsApi<'_> {
        AdsApi { client: self }
    }

    /// A request for `op` to `origin`, asking for JSON.
    pub(crate) fn request(
        &self,
        op: &OperationDescriptor,
        method: Method,
        origin: &str,
    ) -> Result<ApiRequest> {
        Ok(ApiRequest::new(op, method, origin)?.header(
            http::header::ACCEPT,
            HeaderValue::from_static("application/json"),
        ))
    }

    /// A Google Ads request for `op`: the version path segment, `developer-token` and, when
    /// one is given, `login-customer-id`.
    pub(crate) fn ads_request(
        &self,
        op: &OperationDescriptor,
        method: Method,
        login_customer_id: Option<&str>,
    ) -> Result<ApiRequest> {
        let token = self.ads.developer_token.as_ref().ok_or_else(|| {
            Error::config(format!(
                "Google Ads calls need a developer token: set {} or connectors.google.{}",
                DEVELOPER_TOKEN.env_var(INFO.id),
                DEVELOPER_TOKEN.name
            ))
            .at(INFO.id, Some(op.id))
        })?;
        let mut value = HeaderValue::from_str(token.expose_secret()).map_err(|_| {
            Error::config("the developer token has characters a header cannot hold")
        })?;
        value.set_sensitive(true);
        let mut request = self
            .request(op, method, ADS_ORIGIN)?
            .segments([self.ads.version()])
            .header(HeaderName::from_static("developer-token"), value);
        if let Some(login) = login_customer_id {
            let login = HeaderValue::from_str(login)
                .map_err(|_| Error::invalid_input("invalid login-customer-id"))?;
            request = request.header(HeaderName::from_static("login-customer-id"), login);
        }
        Ok(request)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn customer_ids_lose_their_dashes_and_prefix() {
        assert_eq!(customer_id("123-456-7890").unwrap(), "1234567890");
        assert_eq!(customer_id("customers/1234567890").unwrap(), "1234567890");
        assert!(customer_id("12a").is_err());
        assert!(customer_id("").is_err());
        assert!(customer_id("../x").is_err());
    }

    #[test]
    fn ads_settings_are_validated_and_hide_the_token() {
        let mut c = ConnectorConfig::default();
        c.settings
            .insert("login_customer_id".into(), "111-222-3333".into());
        c.settings.insert("ads_api_version".into(), "v25".into());
        c.secrets.insert(
            "developer_token".into(),
            SecretString::from("dev-tok-SECRET"),
        );
        let s = AdsSettings::from_config(&c).unwrap();
        assert_eq!(s.login_customer_id.as_deref(), Some("1112223333"));
        assert_eq!(s.version(), "v25");
        assert!(!format!("{s:?}").contains("dev-tok-SECRET"));

        c.settings.insert("ads_api_version".into(), "21".into());
        let e = AdsSettings::from_config(&c).unwrap_err();
        assert!(e.to_string().contains("ads_api_version"), "{e}");
        c.settings.remove("ads_api_version");
        assert_eq!(AdsSettings::from_config(&c).unwrap().version(), "v26");
        c.settings.insert("login_customer_id".into(), "acme".into());
        let e = AdsSettings::from_config(&c).unwrap_err();
        assert!(e.to_string().contains("login_customer_id"), "{e}");
    }
}
