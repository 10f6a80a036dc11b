//! [`JiraClient`]: the typed client. It knows where requests go — the site itself with Basic
//! auth (email + API token), or Atlassian's API gateway
//! `https://api.atlassian.com/ex/jira/{cloudid}` with an OAuth 2.0 (3LO) token — and hands out
//! one API handle per resource.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use http::{HeaderValue, Method};
use plugboard_core::runtime::{ClassQuota, Quota};
use plugboard_core::{
    ApiRequest, AuthProvider, ConnectorConfig, Error, ExposeSecret, NoAuth, OperationDescriptor,
    Policy, Result, Runtime, SecretString, StaticToken,
};
use tokio::sync::OnceCell;
use url::Url;

use crate::api::agile::AgileApi;
use crate::api::issues::IssuesApi;
use crate::api::oauth::OauthApi;
use crate::api::projects::ProjectsApi;
use crate::api::server_info::ServerInfoApi;
use crate::classify::JiraClassifier;
use crate::connector::{CLOUD_ID, EMAIL, INFO};

/// The origin of Atlassian's API gateway, used with OAuth 2.0 tokens.
pub const GATEWAY_ORIGIN: &str = "https://api.atlassian.com";

/// The origin of Atlassian's authorization server (token refresh).
pub const AUTH_ORIGIN: &str = "https://auth.atlassian.com";

/// The site URL Atlassian's documentation uses; `base_url` names the real site.
pub const SITE_PLACEHOLDER: &str = "https://your-domain.atlassian.net";

/// The rate class of reads.
pub const READ: &str = "read";

/// The rate class of writes (issue edits, comments, transitions, creation).
pub const WRITE: &str = "write";

/// How the client authenticates, decided from the configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMode {
    /// `email` + API token (`token`) as HTTP Basic, against the site (`base_url`).
    Basic,
    /// An OAuth 2.0 (3LO) access token (`token`, or the host's token manager) as a Bearer,
    /// against `https://api.atlassian.com/ex/jira/{cloudid}`.
    OAuth,
    /// No credential: only anonymous endpoints (`server_info.get`) answer.
    Anonymous,
}

impl AuthMode {
    /// The mode `config` selects: the host's credential provider or a token without `email`
    /// is OAuth; a token with `email` is Basic; nothing is anonymous.
    pub fn of(config: &ConnectorConfig) -> Self {
        if config.auth.is_some() {
            Self::OAuth
        } else if config.token.is_some() {
            if config.setting(EMAIL.name).is_some() {
                Self::Basic
            } else {
                Self::OAuth
            }
        } else {
            Self::Anonymous
        }
    }
}

/// Where API requests go.
#[derive(Debug)]
struct Target {
    mode: AuthMode,
    /// The Atlassian site, when known (picks the cloud id among accessible resources).
    site: Option<Url>,
    /// The API base: the site, or the gateway URL with the cloud id once known.
    base: OnceCell<Url>,
}

/// A typed Jira Cloud client.
#[derive(Debug, Clone)]
pub struct JiraClient {
    runtime: Runtime,
    target: Arc<Target>,
}

/// Whether `url` is an Atlassian-hosted site (as opposed to a test server or proxy).
pub(crate) fn is_atlassian_site(url: &Url) -> bool {
    url.host_str().is_some_and(|h| {
        let h = h.to_ascii_lowercase();
        h.ends_with(".atlassian.net") || h.ends_with(".jira.com")
    })
}

/// Where the gateway and the authorization server are reached: `None` for Atlassian's own
/// hosts, or the configured `base_url` when it is not an Atlassian site (tests, proxies).
pub(crate) fn origin_override(config: &ConnectorConfig) -> Option<Url> {
    config
        .base_url
        .clone()
        .filter(|url| !is_atlassian_site(url))
}

impl JiraClient {
    /// Jira's default policy: a 45 s total deadline; 20 requests per second per credential
    /// (Jira's burst limits are per second); writes held to 20 per 2 s (Jira's per-issue write
    /// limit, so even writes to one issue stay under it); then configuration overrides.
    pub fn default_policy(config: &ConnectorConfig) -> Result<Policy> {
        Policy::default()
            .with_total_timeout(Duration::from_secs(45))
            .with_quota(Quota {
                requests: 20,
                per: Duration::from_secs(1),
            })
            .with_class_quota(ClassQuota {
                class: WRITE,
                quota: Quota {
                    requests: 20,
                    per: Duration::from_secs(2),
                },
                per_operation: false,
            })
            .with_overrides(&config.policy)
    }

    /// A client from configuration.
    ///
    /// - Basic: `email` setting + `token` (an API token) + `base_url` (the site).
    /// - OAuth 2.0: `token` (an access token) or the host's credential provider, and either the
    ///   `cloud_id` setting or a site to find it by: `base_url` when it is an Atlassian site,
    ///   else the only site the token can reach. A `base_url` that is not an Atlassian site
    ///   replaces the origin of every URL called (tests, proxies).
    pub fn from_config(config: &ConnectorConfig) -> Result<Self> {
        let mode = AuthMode::of(config);
        let (auth, origin, site, base): (Arc<dyn AuthProvider>, _, _, _) = match mode {
            AuthMode::Basic => {
                let site = require_site(config)?;
                let email = config.setting(EMAIL.name).unwrap_or_default();
                let token = config.require_token(INFO.id)?;
                let pair = SecretString::from(
                    base64::engine::general_purpose::STANDARD
                        .encode(format!("{email}:{}", token.expose_secret())),
                );
                let auth =
                    StaticToken::new(http::header::AUTHORIZATION, "Basic ", &pair, "default")?;
                (Arc::new(auth), None, Some(site.clone()), Some(site))
            }
            AuthMode::OAuth => {
                let auth = config.auth_provider(|token| {
                    Ok(Arc::new(StaticToken::bearer(token, "default")?) as Arc<dyn AuthProvider>)
                })?;
                let site = config.base_url.clone().filter(is_atlassian_site);
                let base = config
                    .setting(CLOUD_ID.name)
                    .filter(|id| !id.trim().is_empty())
                    .map(|id| gateway_base(id.trim()))
                    .transpose()?;
                (auth, origin_override(config), site, base)
            }
            AuthMode::Anonymous => {
                let site = require_site(config)?;
                (Arc::new(NoAuth), None, Some(site.clone()), Some(site))
            }
        };
        let runtime = Runtime::builder(INFO.id)
            .policy(Self::default_policy(config)?)
            .origin(origin)
            .auth(auth)
            .classifier(Arc::new(JiraClassifier))
            .build()?;
        Ok(Self {
            runtime,
            target: Arc::new(Target {
                mode,
                site,
                base: match base {
                    Some(url) => OnceCell::new_with(Some(url)),
                    None => OnceCell::new(),
                },
            }),
        })
    }

    /// A client over an existing runtime that sends requests to `api_base` (the site, or
    /// `https://api.atlassian.com/ex/jira/{cloudid}`).
    pub fn with_runtime(runtime: Runtime, mode: AuthMode, api_base: Url) -> Self {
        Self {
            runtime,
            target: Arc::new(Target {
                mode,
                site: None,
                base: OnceCell::new_with(Some(api_base)),
            }),
        }
    }

    /// The runtime.
    pub fn runtime(&self) -> &Runtime {
        &self.runtime
    }

    /// How the client authenticates.
    pub fn auth_mode(&self) -> AuthMode {
        self.target.mode
    }

    /// The API base every request goes to: the site, or the gateway URL with the cloud id —
    /// looked up from the accessible resources on first use when not configured.
    pub async fn api_base(&self) -> Result<Url> {
        self.target
            .base
            .get_or_try_init(|| async {
                let id = self.oauth().cloud_id_for(self.target.site.as_ref()).await?;
                gateway_base(&id)
            })
            .await
            .cloned()
    }

    /// The cloud id in use with OAuth 2.0 (looked up when needed); `None` with Basic auth.
    pub async fn cloud_id(&self) -> Result<Option<String>> {
        if self.target.mode != AuthMode::OAuth {
            return Ok(None);
        }
        let base = self.api_base().await?;
        Ok(base
            .path_segments()
            .and_then(|mut s| s.nth(2).map(str::to_string)))
    }

    /// The server information (health check).
    pub fn server_info(&self) -> ServerInfoApi<'_> {
        ServerInfoApi { client: self }
    }

    /// Issues: search, read, create, edit, comment, transition, bulk fetch.
    pub fn issues(&self) -> IssuesApi<'_> {
        IssuesApi { client: self }
    }

    /// Projects.
    pub fn projects(&self) -> ProjectsApi<'_> {
        ProjectsApi { client: self }
    }

    /// Boards and sprints (the agile API).
    pub fn agile(&self) -> AgileApi<'_> {
        AgileApi { client: self }
    }

    /// The OAuth 2.0 gateway's own endpoints (accessible resources).
    pub fn oauth(&self) -> OauthApi<'_> {
        OauthApi { client: self }
    }

    /// A request for `op` under the API base, at `segments` (each percent-encoded).
    pub(crate) async fn request<S: AsRef<str>>(
        &self,
        op: &OperationDescriptor,
        method: Method,
        segments: &[S],
    ) -> Result<ApiRequest> {
        let base = self.api_base().await?;
        Ok(self
            .request_at(op, method, base.as_str())?
            .segments(segments))
    }

    /// A request for `op` under any base (the gateway's own endpoints).
    pub(crate) fn request_at(
        &self,
        op: &OperationDescriptor,
        method: Method,
        base: &str,
    ) -> Result<ApiRequest> {
        Ok(ApiRequest::new(op, method, base)?.header(
            http::header::ACCEPT,
            HeaderValue::from_static("application/json"),
        ))
    }
}

fn require_site(config: &ConnectorConfig) -> Result<Url> {
    config.base_url.clone().ok_or_else(|| {
        Error::config(format!(
            "no site for jira: set PLUGBOARD_JIRA_BASE_URL or connectors.jira.base_url to your \
             site ({SITE_PLACEHOLDER})"
        ))
    })
}

/// `https://api.atlassian.com/ex/jira/{cloud_id}`.
fn gateway_base(cloud_id: &str) -> Result<Url> {
    let mut url =
        Url::parse(GATEWAY_ORIGIN).map_err(|e| Error::internal(format!("gateway origin: {e}")))?;
    url.path_segments_mut()
        .map_err(|_| Error::internal("gateway origin cannot have a path"))?
        .clear()
        .extend(["ex", "jira", cloud_id]);
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gateway_urls_and_site_detection() {
        assert_eq!(
            gateway_base("11223344-a1b2-3b33-c444-def123456789")
                .unwrap()
                .as_str(),
            "https://api.atlassian.com/ex/jira/11223344-a1b2-3b33-c444-def123456789"
        );
        assert!(is_atlassian_site(
            &"https://acme.atlassian.net".parse().unwrap()
        ));
        assert!(!is_atlassian_site(&"http://127.0.0.1:9".parse().unwrap()));
    }

    #[test]
    fn modes_follow_the_configuration() {
        let mut c = ConnectorConfig::default();
        assert_eq!(AuthMode::of(&c), AuthMode::Anonymous);
        c.token = Some(SecretString::from("t"));
        assert_eq!(AuthMode::of(&c), AuthMode::OAuth);
        c.settings.insert("email".into(), "a@example.com".into());
        assert_eq!(AuthMode::of(&c), AuthMode::Basic);
        let e = JiraClient::from_config(&c).unwrap_err();
        assert!(e.to_string().contains("PLUGBOARD_JIRA_BASE_URL"), "{e}");
    }
}
