//! Per-connector configuration: where the platform is, the credential, webhook secrets and
//! policy overrides, from a `plugboard.toml` table and `PLUGBOARD_<CONNECTOR>_*` variables.

use std::collections::BTreeMap;
use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use url::Url;

use crate::error::{Error, Result};
use crate::ids::ConnectorId;
use crate::runtime::PolicyOverrides;

/// The text secrets are replaced with wherever configuration is shown.
pub const REDACTED: &str = "[REDACTED]";

/// A connector-specific configuration key beyond the common ones (`base_url`, `token`,
/// `webhook_secret`, `policy`): Jira's `email`, an OAuth `client_secret`, Google Ads'
/// `developer_token`... Declared in the connector's descriptor, read from its
/// `[connectors.<id>]` table and from `PLUGBOARD_<ID>_<NAME>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConfigKey {
    /// The key, lowercase snake_case (`client_secret`).
    pub name: &'static str,
    /// Whether the value is a secret (kept as `SecretString`, always redacted).
    pub secret: bool,
    /// What it is for, one line.
    pub doc: &'static str,
}

impl ConfigKey {
    /// The environment variable that sets the key for `id`.
    pub fn env_var(&self, id: ConnectorId) -> String {
        format!(
            "PLUGBOARD_{}_{}",
            id.env_prefix(),
            self.name.to_ascii_uppercase()
        )
    }
}

/// One connection's configuration for a connector.
#[derive(Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ConnectorConfig {
    /// Replaces the origin (scheme, host, port) of every endpoint the connector calls; paths
    /// stay as the platform documents them. For tests, proxies and self-hosted editions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<Url>,
    /// A static token or API key.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "redact_opt"
    )]
    pub token: Option<SecretString>,
    /// Webhook signing secrets: the current one first, the previous one during rotation.
    #[serde(
        default,
        alias = "webhook_secret",
        deserialize_with = "one_or_many",
        serialize_with = "redact_many",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub webhook_secrets: Vec<SecretString>,
    /// Resilience policy overrides.
    #[serde(default)]
    pub policy: PolicyOverrides,
    /// Connector-specific non-secret settings (e.g. an API version).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub settings: BTreeMap<String, String>,
    /// Connector-specific secrets (declared [`ConfigKey`]s with `secret: true`).
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        serialize_with = "redact_map",
        deserialize_with = "secret_map"
    )]
    pub secrets: BTreeMap<String, SecretString>,
    /// A credential provider supplied by the host (a token manager for a stored connection);
    /// when set it replaces the static `token`. Never read from files.
    #[serde(skip)]
    pub auth: Option<std::sync::Arc<dyn crate::auth::AuthProvider>>,
}

impl ConnectorConfig {
    /// The provider requests authenticate with: the host-supplied [`auth`](Self::auth) when
    /// set, else `from_token(token)` when a static token is configured, else none.
    pub fn auth_provider(
        &self,
        from_token: impl FnOnce(&SecretString) -> Result<std::sync::Arc<dyn crate::auth::AuthProvider>>,
    ) -> Result<std::sync::Arc<dyn crate::auth::AuthProvider>> {
        match (&self.auth, &self.token) {
            (Some(auth), _) => Ok(auth.clone()),
            (None, Some(token)) => from_token(token),
            (None, None) => Ok(std::sync::Arc::new(crate::auth::NoAuth)),
        }
    }
}

impl fmt::Debug for ConnectorConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectorConfig")
            .field("base_url", &self.base_url.as_ref().map(Url::as_str))
            .field("token", &self.token.as_ref().map(|_| REDACTED))
            .field(
                "webhook_secrets",
                &vec![REDACTED; self.webhook_secrets.len()],
            )
            .field("policy", &self.policy)
            .field("settings", &self.settings)
            .field("auth", &self.auth.as_ref().map(|a| a.credential_key()))
            .field(
                "secrets",
                &self
                    .secrets
                    .keys()
                    .map(|k| (k, REDACTED))
                    .collect::<BTreeMap<_, _>>(),
            )
            .finish()
    }
}

impl ConnectorConfig {
    /// Parses a `[connectors.<id>]` table body, naming the key at fault on error.
    pub fn from_toml(id: ConnectorId, text: &str) -> Result<Self> {
        toml::from_str(text)
            .map_err(|e| Error::config(format!("connectors.{id}: {}", e.message().trim())))
    }

    /// Applies `PLUGBOARD_<ID>_BASE_URL`, `_TOKEN`, `_WEBHOOK_SECRET`,
    /// `_WEBHOOK_SECRET_PREVIOUS` and the policy keys `_TOTAL_TIMEOUT_SECS`,
    /// `_ATTEMPT_TIMEOUT_SECS` and `_MAX_RATE_LIMIT_WAIT_SECS` read through `env` (which
    /// returns a variable's value).
    pub fn apply_env(
        &mut self,
        id: ConnectorId,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<()> {
        let prefix = format!("PLUGBOARD_{}_", id.env_prefix());
        if let Some(v) = env(&format!("{prefix}BASE_URL")).filter(|v| !v.is_empty()) {
            let url = Url::parse(&v).map_err(|e| {
                Error::config(format!("{prefix}BASE_URL is not a URL ({e}): {v:?}"))
            })?;
            if url.host_str().is_none() {
                return Err(Error::config(format!(
                    "{prefix}BASE_URL has no host: {v:?}"
                )));
            }
            self.base_url = Some(url);
        }
        if let Some(v) = env(&format!("{prefix}TOKEN")).filter(|v| !v.is_empty()) {
            self.token = Some(SecretString::from(v));
        }
        if let Some(v) = env(&format!("{prefix}WEBHOOK_SECRET")).filter(|v| !v.is_empty()) {
            self.webhook_secrets = vec![SecretString::from(v)];
            if let Some(prev) =
                env(&format!("{prefix}WEBHOOK_SECRET_PREVIOUS")).filter(|v| !v.is_empty())
            {
                self.webhook_secrets.push(SecretString::from(prev));
            }
        }
        for (key, value) in [
            ("TOTAL_TIMEOUT_SECS", &mut self.policy.total_timeout_secs),
            (
                "ATTEMPT_TIMEOUT_SECS",
                &mut self.policy.attempt_timeout_secs,
            ),
            (
                "MAX_RATE_LIMIT_WAIT_SECS",
                &mut self.policy.max_rate_limit_wait_secs,
            ),
        ] {
            if let Some(v) = env(&format!("{prefix}{key}")) {
                *value = Some(v.parse().map_err(|_| {
                    Error::config(format!("{prefix}{key} is not a number of seconds: {v:?}"))
                })?);
            }
        }
        Ok(())
    }

    /// Moves the connector's declared keys out of its `[connectors.<id>]` table into
    /// `(settings, secrets)`, so the rest can be deserialised strictly. Values must be strings,
    /// numbers or booleans; errors name the key and never quote a secret.
    #[allow(clippy::type_complexity)]
    pub fn take_declared(
        table: &mut toml::Table,
        id: ConnectorId,
        keys: &[ConfigKey],
    ) -> Result<(BTreeMap<String, String>, BTreeMap<String, SecretString>)> {
        let mut settings = BTreeMap::new();
        let mut secrets = BTreeMap::new();
        for key in keys {
            let Some(value) = table.remove(key.name) else {
                continue;
            };
            let text = match value {
                toml::Value::String(s) => s,
                toml::Value::Integer(n) => n.to_string(),
                toml::Value::Float(f) => f.to_string(),
                toml::Value::Boolean(b) => b.to_string(),
                _ => {
                    return Err(Error::config(format!(
                        "connectors.{id}.{}: expected a string",
                        key.name
                    )));
                }
            };
            if key.secret {
                secrets.insert(key.name.to_string(), SecretString::from(text));
            } else {
                settings.insert(key.name.to_string(), text);
            }
        }
        Ok((settings, secrets))
    }

    /// Applies `PLUGBOARD_<ID>_<NAME>` for each declared key, read through `env`.
    pub fn apply_env_keys(
        &mut self,
        id: ConnectorId,
        keys: &[ConfigKey],
        env: impl Fn(&str) -> Option<String>,
    ) {
        for key in keys {
            let Some(value) = env(&key.env_var(id)).filter(|v| !v.is_empty()) else {
                continue;
            };
            if key.secret {
                self.secrets
                    .insert(key.name.to_string(), SecretString::from(value));
            } else {
                self.settings.insert(key.name.to_string(), value);
            }
        }
    }

    /// A declared secret's value.
    pub fn secret(&self, name: &str) -> Option<&SecretString> {
        self.secrets.get(name)
    }

    /// A declared setting, or a config error naming the key and the variable to set.
    pub fn require_setting(&self, id: ConnectorId, key: &ConfigKey) -> Result<&str> {
        self.setting(key.name).ok_or_else(|| missing(id, key))
    }

    /// A declared secret, or a config error naming the key and the variable to set.
    pub fn require_secret(&self, id: ConnectorId, key: &ConfigKey) -> Result<&SecretString> {
        self.secret(key.name).ok_or_else(|| missing(id, key))
    }

    /// Applies the process environment.
    pub fn apply_process_env(&mut self, id: ConnectorId) -> Result<()> {
        self.apply_env(id, |k| std::env::var(k).ok())
    }

    /// The configuration from the process environment alone.
    pub fn from_env(id: ConnectorId) -> Result<Self> {
        let mut c = Self::default();
        c.apply_process_env(id)?;
        Ok(c)
    }

    /// A setting's value.
    pub fn setting(&self, key: &str) -> Option<&str> {
        self.settings.get(key).map(String::as_str)
    }

    /// The token, or a config error naming the variable to set.
    pub fn require_token(&self, id: ConnectorId) -> Result<&SecretString> {
        self.token.as_ref().ok_or_else(|| {
            Error::config(format!(
                "no token for {id}: set PLUGBOARD_{}_TOKEN or connectors.{id}.token",
                id.env_prefix()
            ))
        })
    }
}

fn missing(id: ConnectorId, key: &ConfigKey) -> Error {
    Error::config(format!(
        "no {} for {id}: set {} or connectors.{id}.{}",
        key.name,
        key.env_var(id),
        key.name
    ))
}

fn redact_map<S: Serializer>(
    v: &BTreeMap<String, SecretString>,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    v.keys()
        .map(|k| (k.as_str(), REDACTED))
        .collect::<BTreeMap<_, _>>()
        .serialize(s)
}

fn secret_map<'de, D: Deserializer<'de>>(
    d: D,
) -> std::result::Result<BTreeMap<String, SecretString>, D::Error> {
    Ok(BTreeMap::<String, String>::deserialize(d)?
        .into_iter()
        .map(|(k, v)| (k, SecretString::from(v)))
        .collect())
}

fn redact_opt<S: Serializer>(
    v: &Option<SecretString>,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    match v {
        Some(_) => s.serialize_str(REDACTED),
        None => s.serialize_none(),
    }
}

fn redact_many<S: Serializer>(v: &[SecretString], s: S) -> std::result::Result<S::Ok, S::Error> {
    vec![REDACTED; v.len()].serialize(s)
}

fn one_or_many<'de, D: Deserializer<'de>>(
    d: D,
) -> std::result::Result<Vec<SecretString>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => vec![SecretString::from(s)],
        OneOrMany::Many(v) => v.into_iter().map(SecretString::from).collect(),
    })
}

/// Whether `text` contains any of the configured secrets; for tests that assert redaction.
pub fn leaks_secret(config: &ConnectorConfig, text: &str) -> bool {
    config
        .token
        .iter()
        .chain(config.webhook_secrets.iter())
        .chain(config.secrets.values())
        .any(|s| !s.expose_secret().is_empty() && text.contains(s.expose_secret()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: ConnectorId = ConnectorId::new("github");

    #[test]
    fn env_overrides_and_names_bad_keys() {
        let mut c = ConnectorConfig::default();
        c.apply_env(ID, |k| match k {
            "PLUGBOARD_GITHUB_BASE_URL" => Some("http://127.0.0.1:9".into()),
            "PLUGBOARD_GITHUB_TOKEN" => Some("ghp_secret".into()),
            "PLUGBOARD_GITHUB_WEBHOOK_SECRET" => Some("new".into()),
            "PLUGBOARD_GITHUB_WEBHOOK_SECRET_PREVIOUS" => Some("old".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(c.base_url.as_ref().unwrap().as_str(), "http://127.0.0.1:9/");
        assert_eq!(c.webhook_secrets.len(), 2);
        let debug = format!("{c:?}");
        assert!(!leaks_secret(&c, &debug), "{debug}");

        let e = ConnectorConfig::default()
            .apply_env(ID, |k| {
                (k == "PLUGBOARD_GITHUB_BASE_URL").then(|| "not a url".into())
            })
            .unwrap_err();
        assert!(e.to_string().contains("PLUGBOARD_GITHUB_BASE_URL"), "{e}");

        let mut c = ConnectorConfig::default();
        c.apply_env(ID, |k| {
            (k == "PLUGBOARD_GITHUB_MAX_RATE_LIMIT_WAIT_SECS").then(|| "2.5".into())
        })
        .unwrap();
        assert_eq!(c.policy.max_rate_limit_wait_secs, Some(2.5));
    }

    #[test]
    fn toml_errors_name_the_key_and_serialisation_redacts() {
        let e = ConnectorConfig::from_toml(ID, "tokn = \"x\"").unwrap_err();
        assert!(e.to_string().contains("tokn"), "{e}");
        let c =
            ConnectorConfig::from_toml(ID, "token = \"ghp_abc\"\nwebhook_secret = \"s3\"").unwrap();
        let text = toml::to_string(&c).unwrap();
        assert!(!leaks_secret(&c, &text), "{text}");
        assert!(text.contains(REDACTED));
    }
}

#[cfg(test)]
mod declared_key_tests {
    use super::*;

    const ID: ConnectorId = ConnectorId::new("jira");
    const EMAIL: ConfigKey = ConfigKey {
        name: "email",
        secret: false,
        doc: "account email",
    };
    const CLIENT_SECRET: ConfigKey = ConfigKey {
        name: "client_secret",
        secret: true,
        doc: "OAuth client secret",
    };
    const KEYS: &[ConfigKey] = &[EMAIL, CLIENT_SECRET];

    #[test]
    fn declared_keys_come_from_the_table_and_the_environment() {
        let mut table: toml::Table =
            "email = \"a@example.com\"\nclient_secret = \"s3cr3t-value\"\ntoken = \"tok-abcdef\""
                .parse()
                .unwrap();
        let (settings, secrets) = ConnectorConfig::take_declared(&mut table, ID, KEYS).unwrap();
        assert_eq!(table.len(), 1, "only the common key is left");
        let mut c: ConnectorConfig = table.try_into().unwrap();
        c.settings.extend(settings);
        c.secrets.extend(secrets);
        assert_eq!(c.require_setting(ID, &EMAIL).unwrap(), "a@example.com");
        assert_eq!(
            c.require_secret(ID, &CLIENT_SECRET)
                .unwrap()
                .expose_secret(),
            "s3cr3t-value"
        );
        for text in [format!("{c:?}"), toml::to_string(&c).unwrap()] {
            assert!(!leaks_secret(&c, &text), "{text}");
        }

        c.apply_env_keys(ID, KEYS, |k| {
            (k == "PLUGBOARD_JIRA_EMAIL").then(|| "b@example.com".into())
        });
        assert_eq!(c.setting("email"), Some("b@example.com"));

        let e = ConnectorConfig::default()
            .require_secret(ID, &CLIENT_SECRET)
            .unwrap_err();
        assert!(
            e.to_string().contains("PLUGBOARD_JIRA_CLIENT_SECRET"),
            "{e}"
        );
        let mut bad: toml::Table = "email = [1]".parse().unwrap();
        let e = ConnectorConfig::take_declared(&mut bad, ID, KEYS).unwrap_err();
        assert!(e.to_string().contains("connectors.jira.email"), "{e}");
    }
}
