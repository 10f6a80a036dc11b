//! Host configuration: an optional `plugboard.toml` (`[server]` and one `[connectors.<id>]`
//! table per connector), then `PLUGBOARD_<CONNECTOR>_*` environment overrides for every
//! registered connector. Errors name the key at fault and never show a secret's value.

use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use plugboard_core::{ConnectorConfig, ConnectorDescriptor, Registry};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::error::CliError;

/// The file read when `--config` is not given, if it exists.
pub const DEFAULT_CONFIG_FILE: &str = "plugboard.toml";

/// The default body limit of webhook deliveries: 1 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// Keys of a connector table whose values are secrets: never echoed in errors.
const SECRET_KEYS: &[&str] = &["token", "webhook_secret", "webhook_secrets", "secrets"];

/// The `[server]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerConfig {
    /// The address to listen on.
    #[serde(default = "default_listen")]
    pub listen: SocketAddr,
    /// The largest webhook body accepted, in bytes (larger: 413).
    #[serde(default = "default_body_limit")]
    pub body_limit_bytes: usize,
    /// The JSON-lines file verified deliveries are appended to.
    #[serde(default = "default_events_file")]
    pub events_file: PathBuf,
}

fn default_listen() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 8080))
}

fn default_body_limit() -> usize {
    DEFAULT_BODY_LIMIT
}

fn default_events_file() -> PathBuf {
    PathBuf::from("plugboard-events.jsonl")
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            listen: default_listen(),
            body_limit_bytes: default_body_limit(),
            events_file: default_events_file(),
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
    connectors: BTreeMap<&'static str, ConnectorConfig>,
}

impl fmt::Debug for HostConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // ConnectorConfig's Debug redacts secrets.
        f.debug_struct("HostConfig")
            .field("source", &self.source)
            .field("server", &self.server)
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
        if server.body_limit_bytes == 0 {
            return Err("server.body_limit_bytes: must be at least 1".into());
        }

        let mut tables = match root.remove("connectors") {
            None => toml::Table::new(),
            Some(toml::Value::Table(t)) => t,
            Some(_) => return Err("connectors: expected a table ([connectors.<id>])".into()),
        };
        if let Some(key) = root.keys().next() {
            return Err(format!(
                "unknown top-level key `{key}`; expected `server` or `connectors`"
            ));
        }
        if let Some(unknown) = tables.keys().find(|k| registry.get(k).is_none()) {
            return Err(format!(
                "unknown connector table [connectors.{unknown}]; known connectors: {}",
                registry.ids().join(", ")
            ));
        }

        let mut connectors = BTreeMap::new();
        for descriptor in registry.iter() {
            let id = descriptor.id();
            let prefix = format!("connectors.{id}");
            let mut config = match tables.remove(id.as_str()) {
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
            connectors.insert(id.as_str(), config);
        }
        Ok(Self {
            source: None,
            server,
            connectors,
        })
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
        assert_eq!(c.server.body_limit_bytes, DEFAULT_BODY_LIMIT);
        assert_eq!(c.connectors.len(), registry().len());
    }

    #[test]
    fn reads_server_and_connector_tables_then_env_wins() {
        let text = r#"
[server]
listen = "0.0.0.0:9000"
body_limit_bytes = 2048
events_file = "/tmp/e.jsonl"

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
        assert_eq!(c.server.body_limit_bytes, 2048);
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
        assert_eq!(c.server.body_limit_bytes, DEFAULT_BODY_LIMIT);
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
