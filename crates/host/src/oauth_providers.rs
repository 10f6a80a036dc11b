//! Each connector's OAuth 2.0 application: where the user authorizes, where the code is
//! exchanged, the default scopes, PKCE, extra authorize parameters and the token request's
//! quirks — turned into a [`ProviderConfig`] from the connector's configured client id and
//! secret. The token endpoint's origin follows `PLUGBOARD_<ID>_BASE_URL` when it is set (tests
//! and proxies); the authorize page is always the platform's own, since a browser opens it.

use plugboard_core::oauth2::{BodyFormat, ClientAuth, ResponseCheck};
use plugboard_core::{ConnectorConfig, ConnectorDescriptor};
use plugboard_credentials::ProviderConfig;
use url::Url;

/// `{version}` in a URL is replaced with Meta's configured Graph API version.
const VERSION: &str = "{version}";

/// One platform's OAuth application, as plain data.
#[derive(Debug)]
pub struct OAuthApp {
    /// The connector id.
    pub connector: &'static str,
    /// The authorization page.
    pub authorize_url: &'static str,
    /// The token endpoint.
    pub token_url: &'static str,
    /// The declared configuration key holding the client id (`client_key` for TikTok,
    /// `app_id` for Meta).
    pub client_id_key: &'static str,
    /// The declared configuration key holding the client secret.
    pub client_secret_key: &'static str,
    /// The name of the client id parameter at both endpoints.
    pub client_id_param: &'static str,
    /// Scopes requested unless the caller names others.
    pub scopes: &'static [&'static str],
    /// How scopes are joined in the `scope` parameter.
    pub scope_separator: &'static str,
    /// Whether a PKCE S256 challenge is sent.
    pub pkce: bool,
    /// More authorize parameters.
    pub authorize_params: &'static [(&'static str, &'static str)],
    /// How the token request is encoded.
    pub body_format: BodyFormat,
    /// A check of token answers that carry errors in HTTP 200 bodies.
    pub response_check: Option<ResponseCheck>,
    /// Whether a `base_url` on an Atlassian site (not a proxy) leaves the token endpoint alone.
    pub site_base_url: bool,
}

/// Every linked connector's OAuth application, by connector id.
pub static APPS: &[OAuthApp] = &[
    OAuthApp {
        connector: "clickup",
        authorize_url: "https://app.clickup.com/api",
        token_url: "https://api.clickup.com/api/v2/oauth/token",
        client_id_key: "client_id",
        client_secret_key: "client_secret",
        client_id_param: "client_id",
        scopes: &[],
        scope_separator: " ",
        pkce: false,
        authorize_params: &[],
        body_format: BodyFormat::Form,
        response_check: None,
        site_base_url: false,
    },
    OAuthApp {
        connector: "github",
        authorize_url: "https://github.com/login/oauth/authorize",
        token_url: "https://github.com/login/oauth/access_token",
        client_id_key: "client_id",
        client_secret_key: "client_secret",
        client_id_param: "client_id",
        scopes: &["repo", "read:org"],
        scope_separator: " ",
        pkce: false,
        authorize_params: &[],
        body_format: BodyFormat::Form,
        response_check: Some(plugboard_github::oauth::github_token_errors),
        site_base_url: false,
    },
    OAuthApp {
        connector: "google",
        authorize_url: "https://accounts.google.com/o/oauth2/v2/auth",
        token_url: "https://oauth2.googleapis.com/token",
        client_id_key: "client_id",
        client_secret_key: "client_secret",
        client_id_param: "client_id",
        scopes: &[
            "https://www.googleapis.com/auth/youtube.readonly",
            "https://www.googleapis.com/auth/adwords",
        ],
        scope_separator: " ",
        pkce: true,
        authorize_params: &[
            ("access_type", "offline"),
            ("prompt", "consent"),
            ("include_granted_scopes", "true"),
        ],
        body_format: BodyFormat::Form,
        response_check: Some(plugboard_google::oauth::google_token_errors),
        site_base_url: false,
    },
    OAuthApp {
        connector: "jira",
        authorize_url: "https://auth.atlassian.com/authorize",
        token_url: "https://auth.atlassian.com/oauth/token",
        client_id_key: "client_id",
        client_secret_key: "client_secret",
        client_id_param: "client_id",
        scopes: &[
            "read:jira-work",
            "write:jira-work",
            "read:jira-user",
            "offline_access",
        ],
        scope_separator: " ",
        pkce: false,
        authorize_params: &[("audience", "api.atlassian.com"), ("prompt", "consent")],
        body_format: BodyFormat::Json,
        response_check: None,
        site_base_url: true,
    },
    OAuthApp {
        connector: "meta",
        authorize_url: "https://www.facebook.com/{version}/dialog/oauth",
        token_url: "https://graph.facebook.com/{version}/oauth/access_token",
        client_id_key: "app_id",
        client_secret_key: "app_secret",
        client_id_param: "client_id",
        scopes: &[
            "pages_show_list",
            "pages_read_engagement",
            "instagram_basic",
            "ads_read",
        ],
        scope_separator: ",",
        pkce: false,
        authorize_params: &[],
        body_format: BodyFormat::Form,
        response_check: None,
        site_base_url: false,
    },
    OAuthApp {
        connector: "slack",
        authorize_url: "https://slack.com/oauth/v2/authorize",
        token_url: "https://slack.com/api/oauth.v2.access",
        client_id_key: "client_id",
        client_secret_key: "client_secret",
        client_id_param: "client_id",
        scopes: &["channels:read", "groups:read", "chat:write", "users:read"],
        scope_separator: ",",
        pkce: false,
        authorize_params: &[],
        body_format: BodyFormat::Form,
        response_check: None,
        site_base_url: false,
    },
    OAuthApp {
        connector: "tiktok",
        authorize_url: "https://www.tiktok.com/v2/auth/authorize/",
        token_url: "https://open.tiktokapis.com/v2/oauth/token/",
        client_id_key: "client_key",
        client_secret_key: "client_secret",
        client_id_param: "client_key",
        scopes: &["user.info.basic", "video.list"],
        scope_separator: ",",
        pkce: true,
        authorize_params: &[],
        body_format: BodyFormat::Form,
        response_check: None,
        site_base_url: false,
    },
];

/// The OAuth application of `connector`, if plugboard knows one.
pub fn app(connector: &str) -> Option<&'static OAuthApp> {
    APPS.iter().find(|a| a.connector == connector)
}

/// Why a connector has no usable OAuth provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unavailable {
    /// plugboard knows no OAuth application for the connector.
    NoOAuth,
    /// The client id or secret is not configured: the environment variables to set.
    MissingKeys(Vec<String>),
    /// A URL could not be built (bad `base_url`, bad Meta version).
    Invalid(String),
}

impl Unavailable {
    /// A sentence for a usage error or a log line.
    pub fn explain(&self, connector: &str) -> String {
        match self {
            Self::NoOAuth => format!("connector {connector} has no OAuth connect flow"),
            Self::MissingKeys(vars) => format!(
                "no OAuth client configured for {connector}: set {} (or the same keys in \
                 [connectors.{connector}])",
                vars.join(" and ")
            ),
            Self::Invalid(message) => format!("OAuth for {connector}: {message}"),
        }
    }
}

impl OAuthApp {
    /// The provider for `config`, redirecting to `{redirect_base}/oauth/{connector}/callback`.
    pub fn provider(
        &self,
        descriptor: &ConnectorDescriptor,
        config: &ConnectorConfig,
        redirect_base: &Url,
    ) -> Result<ProviderConfig, Unavailable> {
        let client_id = config
            .setting(self.client_id_key)
            .map(str::trim)
            .filter(|v| !v.is_empty());
        let secret = config.secret(self.client_secret_key);
        if client_id.is_none() || secret.is_none() {
            let var = |name: &str| {
                descriptor
                    .config_keys
                    .iter()
                    .find(|k| k.name == name)
                    .map(|k| k.env_var(descriptor.id()))
                    .unwrap_or_else(|| {
                        format!(
                            "PLUGBOARD_{}_{}",
                            descriptor.id().env_prefix(),
                            name.to_ascii_uppercase()
                        )
                    })
            };
            return Err(Unavailable::MissingKeys(vec![
                var(self.client_id_key),
                var(self.client_secret_key),
            ]));
        }
        let version = meta_version(config);
        let authorize = Url::parse(&self.authorize_url.replace(VERSION, &version))
            .map_err(|e| Unavailable::Invalid(format!("authorize URL: {e}")))?;
        let token = self.token_endpoint(config, &version)?;
        let redirect = redirect_uri(redirect_base, self.connector)
            .map_err(|e| Unavailable::Invalid(format!("redirect URI: {e}")))?;
        let mut provider = ProviderConfig::new(
            authorize,
            token,
            client_id.unwrap_or_default(),
            secret.cloned(),
            redirect,
        )
        .scopes(self.scopes.iter().copied())
        .scope_separator(self.scope_separator)
        .pkce(self.pkce)
        .client_auth(ClientAuth::RequestBody)
        .client_id_param(self.client_id_param)
        .body_format(self.body_format);
        for (name, value) in self.authorize_params {
            provider = provider.extra_authorize_param(*name, *value);
        }
        if let Some(check) = self.response_check {
            provider = provider.response_check(check);
        }
        Ok(provider)
    }

    /// The token endpoint: the platform's, with the origin of `base_url` when one is set
    /// (except a Jira site URL, which is not where tokens are issued).
    pub fn token_endpoint(
        &self,
        config: &ConnectorConfig,
        version: &str,
    ) -> Result<Url, Unavailable> {
        let mut url = Url::parse(&self.token_url.replace(VERSION, version))
            .map_err(|e| Unavailable::Invalid(format!("token URL: {e}")))?;
        if let Some(base) = &config.base_url
            && !(self.site_base_url && is_atlassian_site(base))
        {
            replace_origin(&mut url, base)
                .map_err(|()| Unavailable::Invalid(format!("base_url {base} has no host")))?;
        }
        Ok(url)
    }

    /// `requested` (scopes separated by commas or spaces) joined the way this provider
    /// expects.
    pub fn join_scopes(&self, requested: &[String]) -> String {
        requested
            .iter()
            .flat_map(|s| s.split([',', ' ']))
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(self.scope_separator)
    }
}

/// Meta's Graph API version (`api_version`, default the connector's).
pub fn meta_version(config: &ConnectorConfig) -> String {
    config
        .setting(plugboard_meta::API_VERSION_KEY.name)
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .unwrap_or(plugboard_meta::DEFAULT_API_VERSION)
        .to_string()
}

/// `{base}/oauth/{connector}/callback`, keeping a path prefix of `base`.
pub fn redirect_uri(base: &Url, connector: &str) -> Result<Url, url::ParseError> {
    let prefix = base.as_str().trim_end_matches('/');
    Url::parse(&format!("{prefix}/oauth/{connector}/callback"))
}

/// Replaces `url`'s scheme, host and port with `base`'s.
pub fn replace_origin(url: &mut Url, base: &Url) -> Result<(), ()> {
    let host = base.host_str().ok_or(())?;
    url.set_scheme(base.scheme())?;
    url.set_host(Some(host)).map_err(|_| ())?;
    url.set_port(base.port())?;
    Ok(())
}

/// Replaces the `scope` parameter of an authorize URL.
pub fn with_scope(url: &Url, scope: &str) -> Url {
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(name, _)| name != "scope")
        .map(|(n, v)| (n.into_owned(), v.into_owned()))
        .collect();
    let mut out = url.clone();
    {
        let mut q = out.query_pairs_mut();
        q.clear();
        for (name, value) in &pairs {
            q.append_pair(name, value);
            if name == "redirect_uri" && !scope.is_empty() {
                q.append_pair("scope", scope);
            }
        }
    }
    out
}

fn is_atlassian_site(url: &Url) -> bool {
    url.host_str()
        .is_some_and(|h| h.ends_with(".atlassian.net") || h.ends_with(".jira.com"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use plugboard_core::{Registry, SecretString};

    fn configured(id_key: &str, secret_key: &str) -> ConnectorConfig {
        let mut c = ConnectorConfig::default();
        c.settings.insert(id_key.into(), "the-client".into());
        c.secrets
            .insert(secret_key.into(), SecretString::from("the-secret"));
        c
    }

    #[test]
    fn every_linked_connector_has_an_app_and_its_keys_are_declared() {
        for descriptor in Registry::global().iter() {
            let id = descriptor.id();
            let app = app(id.as_str()).unwrap_or_else(|| panic!("no OAuth app for {id}"));
            for key in [app.client_id_key, app.client_secret_key] {
                assert!(
                    descriptor.config_keys.iter().any(|k| k.name == key),
                    "{id} does not declare {key}"
                );
            }
        }
    }

    #[test]
    fn providers_follow_the_platform_facts() {
        let base = Url::parse("https://hooks.example.com/pb/").unwrap();
        let registry = Registry::global();
        let provider = |id: &str, config: &ConnectorConfig| {
            app(id)
                .unwrap()
                .provider(registry.require(id).unwrap(), config, &base)
                .unwrap()
        };
        let slack = provider("slack", &configured("client_id", "client_secret"));
        assert_eq!(
            slack.token_url.as_str(),
            "https://slack.com/api/oauth.v2.access"
        );
        assert_eq!(
            slack.redirect_uri.as_str(),
            "https://hooks.example.com/pb/oauth/slack/callback"
        );
        assert!(!slack.pkce);
        assert_eq!(slack.scope_separator, ",");

        let tiktok = provider("tiktok", &configured("client_key", "client_secret"));
        assert_eq!(tiktok.client_id_param, "client_key");
        assert!(tiktok.pkce);

        let meta = provider("meta", &configured("app_id", "app_secret"));
        assert_eq!(
            meta.authorize_url.as_str(),
            "https://www.facebook.com/v21.0/dialog/oauth"
        );
        assert_eq!(
            meta.token_url.as_str(),
            "https://graph.facebook.com/v21.0/oauth/access_token"
        );

        let mut jira_config = configured("client_id", "client_secret");
        let jira = provider("jira", &jira_config);
        assert_eq!(jira.body_format, BodyFormat::Json);
        assert!(
            jira.extra_authorize_params
                .contains(&("audience".into(), "api.atlassian.com".into()))
        );
        jira_config.base_url = Some("https://acme.atlassian.net".parse().unwrap());
        assert_eq!(
            provider("jira", &jira_config).token_url.as_str(),
            "https://auth.atlassian.com/oauth/token"
        );
        jira_config.base_url = Some("http://127.0.0.1:9000/".parse().unwrap());
        assert_eq!(
            provider("jira", &jira_config).token_url.as_str(),
            "http://127.0.0.1:9000/oauth/token"
        );

        let mut google_config = configured("client_id", "client_secret");
        google_config.base_url = Some("http://127.0.0.1:4321/x".parse().unwrap());
        let google = provider("google", &google_config);
        assert_eq!(google.token_url.as_str(), "http://127.0.0.1:4321/token");
        assert_eq!(
            google.authorize_url.as_str(),
            "https://accounts.google.com/o/oauth2/v2/auth"
        );
        assert!(google.pkce);
    }

    #[test]
    fn missing_client_credentials_name_the_variables() {
        let registry = Registry::global();
        let err = app("tiktok")
            .unwrap()
            .provider(
                registry.require("tiktok").unwrap(),
                &ConnectorConfig::default(),
                &Url::parse("http://127.0.0.1:8080").unwrap(),
            )
            .unwrap_err();
        let text = err.explain("tiktok");
        assert!(text.contains("PLUGBOARD_TIKTOK_CLIENT_KEY"), "{text}");
        assert!(text.contains("PLUGBOARD_TIKTOK_CLIENT_SECRET"), "{text}");
    }

    #[test]
    fn scopes_can_be_replaced() {
        let slack = app("slack").unwrap();
        let joined = slack.join_scopes(&["chat:write users:read".into(), "files:write".into()]);
        assert_eq!(joined, "chat:write,users:read,files:write");
        let url = Url::parse(
            "https://slack.com/oauth/v2/authorize?response_type=code&client_id=c&redirect_uri=r&scope=a%2Cb&state=s",
        )
        .unwrap();
        let replaced = with_scope(&url, &joined);
        let pairs: Vec<(String, String)> = replaced
            .query_pairs()
            .map(|(a, b)| (a.into_owned(), b.into_owned()))
            .collect();
        assert!(pairs.contains(&("scope".into(), joined.clone())));
        assert_eq!(pairs.iter().filter(|(n, _)| n == "scope").count(), 1);
        assert!(pairs.contains(&("state".into(), "s".into())));
    }
}
