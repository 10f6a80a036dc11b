//! Host configuration: an optional `plugboard.toml` — `[server]`, `[store]`, `[ingress]` (see
//! `plugboard_ingress::IngressConfig`) and one `[connectors.<id>]` table per connector — then
//! environment overrides (`PLUGBOARD_STORE_URL`, `PLUGBOARD_<CONNECTOR>_*`). Errors name the
//! key at fault and never show a secret's value.

use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use plugboard_core::{ConnectorConfig, ConnectorDescriptor, Registry};
use plugboard_ingress::IngressConfig;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::error::CliError;

/// The file read when `--config` is not given, if it exists.
pub const DEFAULT_CONFIG_FILE: &str = "plugboard.toml";

/// The store used when none is configured: an SQLite file in the working directory.
pub const DEFAULT_STORE_URL: &str = "sqlite://plugboard.db";

/// The environment variable that overrides `store.url`.
pub const STORE_URL_ENV: &str = "PLUGBOARD_STORE_URL";

/// Keys of a connector table whose values are secrets: never echoed in errors.
const SECRET_KEYS: &[&str] = &["token", "webhook_secret", "webhook_secrets", "secrets"];

/// The `[server]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerConfig {
    /// The address to listen on.
    #[serde(default = "default_listen")]
    pub listen: SocketAddr,
    /// This instance's name: it owns the inbox leases it takes, and takes back its own leases
    /// at once when it restarts after a crash. Keep it stable per host and distinct across
    /// hosts sharing a store. Default: `plugboard-<hostname>`.
    #[serde(default)]
    pub instance: Option<String>,
    /// The URL platforms reach this server at (for printed webhook URLs and OAuth redirects),
    /// e.g. `https://hooks.example.com`. Default: `http://<listen>`.
    #[serde(default)]
    pub public_url: Option<url::Url>,
    /// The connectors that receive webhooks. Default: every connector with a webhook scheme
    /// that has any configuration. Each one must have a webhook secret, or `serve` refuses to
    /// start.
    #[serde(default)]
    pub webhooks: Option<Vec<String>>,
    /// How often each configured connection's upstream health is probed (its connector's
    /// health operation: GitHub `rate_limit`, Slack `auth.test`, Jira `serverInfo`...), in
    /// seconds. `0` turns probing off. Default 60.
    #[serde(default = "default_probe_interval")]
    pub probe_interval_secs: u64,
    /// Per-connection webhook URLs (`/webhooks/{connector}/{connection}?token=...`), by
    /// connector id: `github = ["acme", "globex"]`. Stored connections of a connector that
    /// receives webhooks get one too. `plugboard webhook url` prints them.
    #[serde(default)]
    pub connections: BTreeMap<String, Vec<String>>,
    /// The master key file, used when `PLUGBOARD_MASTER_KEY` is not set (created with mode
    /// 0600 when missing). It seals stored credentials and derives OAuth `state` and
    /// per-connection URL tokens. Default `plugboard.key`.
    #[serde(default = "default_key_file")]
    pub key_file: PathBuf,
}

fn default_key_file() -> PathBuf {
    PathBuf::from("plugboard.key")
}

fn default_probe_interval() -> u64 {
    60
}

fn default_listen() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 8080))
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            listen: default_listen(),
            instance: None,
            public_url: None,
            webhooks: None,
            probe_interval_secs: default_probe_interval(),
            connections: BTreeMap::new(),
            key_file: default_key_file(),
        }
    }
}

impl ServerConfig {
    /// The instance name (configured, else `plugboard-<hostname>`).
    pub fn instance(&self) -> String {
        self.instance.clone().unwrap_or_else(|| {
            let host = std::fs::read_to_string("/etc/hostname")
                .ok()
                .map(|h| h.trim().to_string())
                .filter(|h| !h.is_empty())
                .or_else(|| std::env::var("HOSTNAME").ok())
                .unwrap_or_else(|| "local".into());
            format!("plugboard-{host}")
        })
    }
}

/// The `[store]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreConfig {
    /// `sqlite://path.db` (the default, `sqlite://plugboard.db`), `redis://host:port/db`
    /// (several hosts sharing work) or `memory://` (nothing survives a restart).
    #[serde(default = "default_store_url")]
    pub url: String,
}

fn default_store_url() -> String {
    DEFAULT_STORE_URL.to_string()
}

impl Default for StoreConfig {
    fn default() -> Self {
        Self {
            url: default_store_url(),
        }
    }
}

/// The loaded configuration: the server settings and one [`ConnectorConfig`] per registered
/// connector (file table, or empty, with environment overrides applied).
pub struct HostConfig {
    /// Where the configuration came from, when a file was read.
    pub source: Option<PathBuf>,
    /// The `[server]` table.
    pub server: ServerConfig,
    /// The `[store]` table.
    pub store: StoreConfig,
    /// The `[ingress]` table.
    pub ingress: IngressConfig,
    connectors: BTreeMap<&'static str, ConnectorConfig>,
    configured: std::collections::BTreeSet<&'static str>,
}

impl fmt::Debug for HostConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // ConnectorConfig's Debug redacts secrets.
        f.debug_struct("HostConfig")
            .field("source", &self.source)
            .field("server", &self.server)
            .field("store", &self.store)
            .field("ingress", &self.ingress)
            .field("connectors", &self.connectors)
            .finish()
    }
}

impl HostConfig {
    /// Loads `path`, or `./plugboard.toml` when `path` is `None` and that file exists, then
    /// applies the process environment.
    pub fn load(path: Option<&Path>, registry: &Registry) -> Result<Self, CliError> {
        let source = match path {
            Some(p) => Some(p.to_path_buf()),
            None => {
                let default = PathBuf::from(DEFAULT_CONFIG_FILE);
                default.is_file().then_some(default)
            }
        };
        let text = match &source {
            Some(p) => std::fs::read_to_string(p).map_err(|e| {
                CliError::usage(format!("cannot read config file {}: {e}", p.display()))
            })?,
            None => String::new(),
        };
        let name = source
            .as_deref()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| DEFAULT_CONFIG_FILE.into());
        let mut config = Self::parse(&text, registry, |id| std::env::var(id).ok())
            .map_err(|e| CliError::usage(format!("{name}: {e}")))?;
        config.source = source;
        Ok(config)
    }

    /// Parses configuration text and applies environment overrides read through `env`.
    pub fn parse(
        text: &str,
        registry: &Registry,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, String> {
        let mut root: toml::Table = text.parse().map_err(|e: toml::de::Error| {
            // The message only: toml's Display quotes the source line, which may hold a secret.
            match e.span() {
                Some(span) => format!("line {}: {}", line_of(text, span.start), e.message()),
                None => e.message().to_string(),
            }
        })?;

        let server = match root.remove("server") {
            None => ServerConfig::default(),
            Some(toml::Value::Table(t)) => typed::<ServerConfig>("server", t, &[])?,
            Some(_) => return Err("server: expected a table ([server])".into()),
        };
        let mut store = match root.remove("store") {
            None => StoreConfig::default(),
            Some(toml::Value::Table(t)) => typed::<StoreConfig>("store", t, &["url"])?,
            Some(_) => return Err("store: expected a table ([store])".into()),
        };
        if let Some(url) = env(STORE_URL_ENV) {
            store.url = url;
        }
        let ingress = match root.remove("ingress") {
            None => IngressConfig::default(),
            Some(value @ toml::Value::Table(_)) => {
                IngressConfig::from_toml_value(value).map_err(|e| e.to_string())?
            }
            Some(_) => return Err("ingress: expected a table ([ingress])".into()),
        };

        let mut tables = match root.remove("connectors") {
            None => toml::Table::new(),
            Some(toml::Value::Table(t)) => t,
            Some(_) => return Err("connectors: expected a table ([connectors.<id>])".into()),
        };
        if let Some(key) = root.keys().next() {
            return Err(format!(
                "unknown top-level key `{key}`; expected `server`, `store`, `ingress` or `connectors`"
            ));
        }
        if let Some(unknown) = tables.keys().find(|k| registry.get(k).is_none()) {
            return Err(format!(
                "unknown connector table [connectors.{unknown}]; known connectors: {}",
                registry.ids().join(", ")
            ));
        }

        let mut connectors = BTreeMap::new();
        let mut configured = std::collections::BTreeSet::new();
        for descriptor in registry.iter() {
            let id = descriptor.id();
            let prefix = format!("connectors.{id}");
            let table = tables.remove(id.as_str());
            let had_table = table.is_some();
            let mut config = match table {
                None => ConnectorConfig::default(),
                Some(toml::Value::Table(mut t)) => {
                    // The connector's own keys (Jira `email`, OAuth `client_secret`...) first;
                    // the rest must be common keys.
                    let (settings, secrets) =
                        ConnectorConfig::take_declared(&mut t, id, descriptor.config_keys)
                            .map_err(|e| e.message().to_string())?;
                    let mut config = typed::<ConnectorConfig>(&prefix, t, SECRET_KEYS)?;
                    config.settings.extend(settings);
                    config.secrets.extend(secrets);
                    config
                }
                Some(_) => return Err(format!("{prefix}: expected a table ([{prefix}])")),
            };
            config
                .apply_env(id, &env)
                .map_err(|e| e.message().to_string())?;
            config.apply_env_keys(id, descriptor.config_keys, &env);
            let has_values = config.base_url.is_some()
                || config.token.is_some()
                || !config.webhook_secrets.is_empty()
                || !config.settings.is_empty()
                || !config.secrets.is_empty();
            if had_table || has_values {
                configured.insert(id.as_str());
            }
            connectors.insert(id.as_str(), config);
        }
        for (id, names) in &server.connections {
            if registry.get(id).is_none() {
                return Err(format!(
                    "server.connections.{id}: unknown connector; known connectors: {}",
                    registry.ids().join(", ")
                ));
            }
            if let Some((i, name)) = names
                .iter()
                .enumerate()
                .find(|(_, n)| !plugboard_ingress::endpoint::is_valid_connection_name(n))
            {
                return Err(format!(
                    "server.connections.{id}[{i}]: `{name}` is not a valid connection name \
                     (1 to 64 of lowercase letters, digits, `-` and `_`)"
                ));
            }
        }
        if let Some(ids) = &server.webhooks {
            for (i, id) in ids.iter().enumerate() {
                if registry.get(id).is_none() {
                    return Err(format!(
                        "server.webhooks[{i}]: unknown connector `{id}`; known connectors: {}",
                        registry.ids().join(", ")
                    ));
                }
            }
        }
        Ok(Self {
            source: None,
            server,
            store,
            ingress,
            connectors,
            configured,
        })
    }

    /// Whether the connector has any configuration (a file table or environment values).
    pub fn is_configured(&self, descriptor: &ConnectorDescriptor) -> bool {
        self.configured.contains(descriptor.id().as_str())
    }

    /// Whether the connector receives webhooks on this server: listed in `server.webhooks`,
    /// or (without that list) it has a webhook scheme and any configuration.
    pub fn receives_webhooks(&self, descriptor: &ConnectorDescriptor) -> bool {
        if descriptor.webhook_verifier.is_none() {
            return false;
        }
        match &self.server.webhooks {
            Some(ids) => ids.iter().any(|id| id == descriptor.id().as_str()),
            None => self.is_configured(descriptor),
        }
    }

    /// The configuration of a registered connector.
    pub fn connector(&self, descriptor: &ConnectorDescriptor) -> ConnectorConfig {
        self.connectors
            .get(descriptor.id().as_str())
            .cloned()
            .unwrap_or_default()
    }
}

/// Deserializes a table into `T`, prefixing errors with the dotted path of the key at fault.
/// Errors under a key in `secret_keys` do not repeat serde's message (it may quote the value).
fn typed<T: DeserializeOwned>(
    prefix: &str,
    table: toml::Table,
    secret_keys: &[&str],
) -> Result<T, String> {
    serde_path_to_error::deserialize(table).map_err(|e| {
        let segments: Vec<String> = e
            .path()
            .iter()
            .map(|s| s.to_string())
            .filter(|s| !s.is_empty() && s != "?")
            .collect();
        let inner = e.inner().message().trim().to_string();
        let mut path = prefix.to_string();
        for s in &segments {
            path.push('.');
            path.push_str(s);
        }
        // Make sure an unknown key is named in the path, whatever depth it was reported at.
        if let Some(key) = unknown_field(&inner)
            && segments.last().map(String::as_str) != Some(key)
        {
            return format!("{path}.{key}: {inner}");
        }
        match segments.first() {
            Some(first) if secret_keys.contains(&first.as_str()) => {
                format!("{path}: invalid value (expected a string; the value is not shown)")
            }
            _ => format!("{path}: {inner}"),
        }
    })
}

/// The key named by serde's "unknown field `x`" message.
fn unknown_field(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("unknown field `")?;
    rest.split('`').next()
}

/// The 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use plugboard_core::config::leaks_secret;
    use secrecy::ExposeSecret;

    fn registry() -> &'static Registry {
        Registry::global()
    }

    fn no_env(_: &str) -> Option<String> {
        None
    }

    /// A connector that declares its own keys, as Jira (`email`) or an OAuth app will.
    fn registry_with_declared_keys() -> Registry {
        use plugboard_core::{Capabilities, ConfigKey, ConnectorId, ConnectorInfo};
        static INFO: ConnectorInfo = ConnectorInfo {
            id: ConnectorId::new("keyed"),
            name: "Keyed",
            docs_url: "https://example.com",
            default_base_url: "https://api.example.com",
            capabilities: Capabilities {
                webhooks: None,
                auth: &[],
                health_operation: None,
            },
        };
        fn build(
            _: ConnectorConfig,
        ) -> plugboard_core::Result<std::sync::Arc<dyn plugboard_core::Connector>> {
            Err(plugboard_core::Error::config("not built in this test"))
        }
        static DESCRIPTOR: ConnectorDescriptor = ConnectorDescriptor {
            info: &INFO,
            operations: &[],
            webhook_verifier: None,
            example_config: "",
            config_keys: &[
                ConfigKey {
                    name: "email",
                    secret: false,
                    doc: "account email",
                },
                ConfigKey {
                    name: "client_secret",
                    secret: true,
                    doc: "OAuth client secret",
                },
            ],
            build,
        };
        Registry::from_descriptors([&DESCRIPTOR]).unwrap()
    }

    #[test]
    fn declared_keys_come_from_the_table_and_the_environment() {
        let registry = registry_with_declared_keys();
        let text =
            "[connectors.keyed]\nemail = \"a@example.com\"\nclient_secret = \"cs-0123456789\"\n";
        let c = HostConfig::parse(text, &registry, no_env).unwrap();
        let keyed = &c.connectors["keyed"];
        assert_eq!(keyed.setting("email"), Some("a@example.com"));
        assert_eq!(
            keyed.secret("client_secret").unwrap().expose_secret(),
            "cs-0123456789"
        );
        assert!(!leaks_secret(keyed, &format!("{c:?}")));

        let c = HostConfig::parse("", &registry, |k| {
            (k == "PLUGBOARD_KEYED_CLIENT_SECRET").then(|| "from-env-0123".to_string())
        })
        .unwrap();
        assert_eq!(
            c.connectors["keyed"]
                .secret("client_secret")
                .unwrap()
                .expose_secret(),
            "from-env-0123"
        );

        let e = HostConfig::parse("[connectors.keyed]\nemial = \"x\"\n", &registry, no_env)
            .unwrap_err();
        assert!(e.contains("connectors.keyed.emial"), "{e}");
    }

    #[test]
    fn empty_text_gives_defaults_for_every_connector() {
        let c = HostConfig::parse("", registry(), no_env).unwrap();
        assert_eq!(c.server.listen, "127.0.0.1:8080".parse().unwrap());
        assert_eq!(c.store.url, DEFAULT_STORE_URL);
        assert_eq!(c.ingress.body_limit_bytes, 1024 * 1024);
        assert_eq!(c.connectors.len(), registry().len());
        assert!(registry().iter().all(|d| !c.receives_webhooks(d)));
    }

    #[test]
    fn reads_server_and_connector_tables_then_env_wins() {
        let text = r#"
[server]
listen = "0.0.0.0:9000"
instance = "host-a"

[store]
url = "sqlite:///var/lib/plugboard/state.db"

[ingress]
body_limit_bytes = 2048
retry_schedule = ["1s", "5s"]

[connectors.github]
base_url = "https://ghe.example.com"
token = "from-file"
webhook_secret = "s1"
"#;
        let c = HostConfig::parse(text, registry(), |k| {
            (k == "PLUGBOARD_GITHUB_TOKEN").then(|| "from-env".to_string())
        })
        .unwrap();
        assert_eq!(c.server.listen.port(), 9000);
        assert_eq!(c.server.instance(), "host-a");
        assert_eq!(c.store.url, "sqlite:///var/lib/plugboard/state.db");
        assert_eq!(c.ingress.body_limit_bytes, 2048);
        assert_eq!(c.ingress.retry_schedule.len(), 2);
        let github = registry().require("github").unwrap();
        assert!(c.receives_webhooks(github), "configured with a verifier");
        let gh = c.connector(registry().require("github").unwrap());
        assert_eq!(gh.token.as_ref().unwrap().expose_secret(), "from-env");
        assert_eq!(gh.webhook_secrets.len(), 1);
        assert_eq!(gh.base_url.unwrap().host_str(), Some("ghe.example.com"));
    }

    #[test]
    fn errors_name_the_key_at_fault() {
        let e = HostConfig::parse("[connectors.github]\ntokn = \"x\"\n", registry(), no_env)
            .err()
            .unwrap();
        assert!(
            e.starts_with("connectors.github.tokn: unknown field"),
            "{e}"
        );
        let e = HostConfig::parse("[server]\nlisten = \"nope\"\n", registry(), no_env)
            .err()
            .unwrap();
        assert!(e.starts_with("server.listen: "), "{e}");
        let e = HostConfig::parse("[server]\nlisen = 1\n", registry(), no_env)
            .err()
            .unwrap();
        assert!(e.starts_with("server.lisen: unknown field"), "{e}");
        let e = HostConfig::parse(
            "[connectors.github.policy]\nmax_retries = \"x\"\n",
            registry(),
            no_env,
        )
        .err()
        .unwrap();
        assert!(
            e.starts_with("connectors.github.policy.max_retries: "),
            "{e}"
        );
        let e = HostConfig::parse("[connectors.nosuch]\n", registry(), no_env)
            .err()
            .unwrap();
        assert!(e.contains("[connectors.nosuch]"), "{e}");
        assert!(
            e.contains("known connectors: ") && e.contains("github"),
            "{e}"
        );
        let e = HostConfig::parse("[servr]\n", registry(), no_env)
            .err()
            .unwrap();
        assert!(e.contains("`servr`"), "{e}");
        let e = HostConfig::parse(
            "[connectors.github]\nbase_url = \"x\"\n",
            registry(),
            no_env,
        )
        .err()
        .unwrap();
        assert!(e.starts_with("connectors.github.base_url: "), "{e}");
    }

    #[test]
    fn the_readme_example_parses() {
        let readme = include_str!("../README.md");
        let section = &readme[readme.find("## Configuration").unwrap()..];
        let start = section.find("```toml\n").unwrap() + "```toml\n".len();
        let text = &section[start..start + section[start..].find("```").unwrap()];
        let c = HostConfig::parse(text, registry(), no_env).unwrap();
        let gh = c.connector(registry().require("github").unwrap());
        assert_eq!(gh.policy.requests_per_minute, Some(80));
        let e = HostConfig::parse("[server]\nlisten = \"nope\"\n", registry(), no_env)
            .err()
            .unwrap();
        assert!(
            readme.contains(&e),
            "the README quotes the real message: {e}"
        );
    }

    #[test]
    fn errors_never_show_secrets() {
        let e = HostConfig::parse(
            "[connectors.github]\ntoken = 987654321\n",
            registry(),
            no_env,
        )
        .err()
        .unwrap();
        assert!(e.starts_with("connectors.github.token: "), "{e}");
        assert!(!e.contains("987654321"), "{e}");
        let e = HostConfig::parse(
            "[connectors.github]\nwebhook_secret = 13371337\n",
            registry(),
            no_env,
        )
        .err()
        .unwrap();
        assert!(!e.contains("13371337"), "{e}");
        // A syntax error on a secret's line: toml's Display would quote the line.
        let e = HostConfig::parse(
            "[connectors.github]\ntoken = \"ghp_unterminated\n",
            registry(),
            no_env,
        )
        .err()
        .unwrap();
        assert!(e.starts_with("line 2: "), "{e}");
        assert!(!e.contains("ghp_unterminated"), "{e}");

        let c = HostConfig::parse(
            "[connectors.github]\ntoken = \"ghp_visible\"\nwebhook_secret = \"hush\"\n",
            registry(),
            no_env,
        )
        .unwrap();
        let gh = c.connector(registry().require("github").unwrap());
        assert!(!leaks_secret(&gh, &format!("{c:?}")));
    }
}
