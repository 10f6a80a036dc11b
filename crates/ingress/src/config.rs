//! [`IngressConfig`] and [`SinkConfig`]: the `[ingress]` table of `plugboard.toml`, with
//! defaults, and validation whose errors name the key at fault (never a secret's value).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use crate::duration::{serde_duration, serde_durations};

/// The table the configuration lives in; error keys start with it (`ingress.workers`).
pub const CONFIG_TABLE: &str = "ingress";

/// A configuration value that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{key}: {message}")]
pub struct ConfigError {
    /// The key at fault, e.g. `ingress.retry_schedule[1]` or `ingress.sinks[0].url`.
    pub key: String,
    /// What is wrong with it.
    pub message: String,
}

impl ConfigError {
    /// An error for `key` (relative to `[ingress]`).
    pub fn new(key: impl AsRef<str>, message: impl Into<String>) -> Self {
        let key = key.as_ref();
        Self {
            key: if key.is_empty() {
                CONFIG_TABLE.to_string()
            } else {
                format!("{CONFIG_TABLE}.{key}")
            },
            message: message.into(),
        }
    }
}

/// The webhook ingress settings. Every field has a default, so an empty table is valid.
///
/// ```toml
/// [ingress]
/// body_limit_bytes = 1048576
/// claim_retention = "30d"
/// retry_schedule = ["10s", "30s", "60s"]
/// retry_jitter = 0.2
/// lease_visibility = "60s"
/// workers = 4
/// batch = 16
/// inbound_rate_per_sec = 1000
/// inbound_burst = 2000
/// inbound_limits.github = { rate_per_sec = 50, burst = 100 }
///
/// [[ingress.sinks]]
/// type = "http"
/// url = "https://app.example.com/hooks"
/// secret = "whsec_..."
/// ```
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IngressConfig {
    /// The largest delivery accepted, in bytes (larger: `413`). Default 1 MiB.
    pub body_limit_bytes: usize,
    /// How long an event id stays claimed (a redelivery within it is a duplicate) and how
    /// long delivered entries are kept before purging. Default 30 days.
    #[serde(with = "serde_duration")]
    pub claim_retention: Duration,
    /// Delays before the 2nd, 3rd, ... delivery attempt after a transient failure; when an
    /// entry has failed once more than there are delays, it is dead-lettered. Default
    /// `["10s", "30s", "60s"]` (four attempts in all).
    #[serde(with = "serde_durations")]
    pub retry_schedule: Vec<Duration>,
    /// Each retry delay is multiplied by a random factor in `1 ± retry_jitter`. Default 0.2.
    pub retry_jitter: f64,
    /// How long a worker holds a leased entry before another host may take it; workers extend
    /// it every third of this while a sink is slow. Default 60 s.
    #[serde(with = "serde_duration")]
    pub lease_visibility: Duration,
    /// Delivery worker tasks. `0`: this process only ingests (another host delivers).
    /// Default 4.
    pub workers: usize,
    /// Entries a worker leases at once. Default 16.
    pub batch: usize,
    /// How often an idle worker looks for due retries and expired leases of other hosts (new
    /// entries wake workers at once). Default 1 s.
    #[serde(with = "serde_duration")]
    pub poll_interval: Duration,
    /// Deliveries accepted per second and connector before answering `429` (`0`: no limit).
    /// Default 1000.
    pub inbound_rate_per_sec: u32,
    /// Deliveries a connector may send at once above the rate. Default 2000.
    pub inbound_burst: u32,
    /// Per-connector overrides of the inbound limit, by connector id.
    pub inbound_limits: BTreeMap<String, InboundLimit>,
    /// How often claims past their retention and old delivered entries are purged.
    /// Default 1 h.
    #[serde(with = "serde_duration")]
    pub purge_every: Duration,
    /// `/health` reports `degraded` when a connector's oldest pending entry is older than
    /// this. Default 5 min.
    #[serde(with = "serde_duration")]
    pub pending_degraded_after: Duration,
    /// How long `/health` waits for each health contributor. Default 2 s.
    #[serde(with = "serde_duration")]
    pub health_timeout: Duration,
    /// Where verified events are delivered. Default none (entries wait in the inbox).
    pub sinks: Vec<SinkConfig>,
}

/// The default body limit: 1 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

impl Default for IngressConfig {
    fn default() -> Self {
        Self {
            body_limit_bytes: DEFAULT_BODY_LIMIT,
            claim_retention: plugboard_store::DEFAULT_RETENTION,
            retry_schedule: vec![
                Duration::from_secs(10),
                Duration::from_secs(30),
                Duration::from_secs(60),
            ],
            retry_jitter: 0.2,
            lease_visibility: Duration::from_secs(60),
            workers: 4,
            batch: 16,
            poll_interval: Duration::from_secs(1),
            inbound_rate_per_sec: 1000,
            inbound_burst: 2000,
            inbound_limits: BTreeMap::new(),
            purge_every: Duration::from_secs(3600),
            pending_degraded_after: Duration::from_secs(300),
            health_timeout: Duration::from_secs(2),
            sinks: Vec::new(),
        }
    }
}

/// An inbound rate limit for one connector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InboundLimit {
    /// Deliveries per second (`0`: no limit).
    pub rate_per_sec: u32,
    /// Deliveries at once above the rate.
    pub burst: u32,
}

impl IngressConfig {
    /// Parses an `[ingress]` table's contents (the text inside it, not the whole file) and
    /// validates it.
    pub fn from_toml_str(text: &str) -> Result<Self, ConfigError> {
        let de = toml::Deserializer::parse(text)
            .map_err(|e| ConfigError::new("", e.message().to_string()))?;
        Self::deserialize_validated(de)
    }

    /// Deserialises an `[ingress]` table already parsed (e.g. taken out of the host's file)
    /// and validates it.
    pub fn from_toml_value(value: toml::Value) -> Result<Self, ConfigError> {
        Self::deserialize_validated(value)
    }

    fn deserialize_validated<'de, D>(de: D) -> Result<Self, ConfigError>
    where
        D: serde::Deserializer<'de, Error = toml::de::Error>,
    {
        let config: Self = serde_path_to_error::deserialize(de).map_err(|e| {
            let key = e.path().to_string();
            let key = if key == "." { String::new() } else { key };
            // The message only: never the offending line, which may hold a secret.
            ConfigError::new(key, e.inner().message().to_string())
        })?;
        config.validate()?;
        Ok(config)
    }

    /// Checks every value; the error names the first key at fault.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.body_limit_bytes == 0 {
            return Err(ConfigError::new("body_limit_bytes", "must be at least 1"));
        }
        if self.claim_retention.is_zero() {
            return Err(ConfigError::new("claim_retention", "must be positive"));
        }
        for (i, d) in self.retry_schedule.iter().enumerate() {
            if d.is_zero() {
                return Err(ConfigError::new(
                    format!("retry_schedule[{i}]"),
                    "must be positive",
                ));
            }
        }
        if !(0.0..1.0).contains(&self.retry_jitter) {
            return Err(ConfigError::new(
                "retry_jitter",
                "must be at least 0 and below 1 (a fraction of each delay)",
            ));
        }
        if self.lease_visibility < Duration::from_millis(100) {
            return Err(ConfigError::new(
                "lease_visibility",
                "must be at least 100ms",
            ));
        }
        if self.batch == 0 {
            return Err(ConfigError::new("batch", "must be at least 1"));
        }
        if self.poll_interval.is_zero() {
            return Err(ConfigError::new("poll_interval", "must be positive"));
        }
        check_limit(
            "inbound_burst",
            InboundLimit {
                rate_per_sec: self.inbound_rate_per_sec,
                burst: self.inbound_burst,
            },
        )?;
        for (connector, limit) in &self.inbound_limits {
            check_limit(&format!("inbound_limits.{connector}.burst"), *limit)?;
        }
        if self.purge_every.is_zero() {
            return Err(ConfigError::new("purge_every", "must be positive"));
        }
        if self.health_timeout.is_zero() {
            return Err(ConfigError::new("health_timeout", "must be positive"));
        }
        let mut names = BTreeMap::new();
        for (i, sink) in self.sinks.iter().enumerate() {
            sink.validate(i)?;
            if let Some(first) = names.insert(sink.name(), i) {
                return Err(ConfigError::new(
                    format!("sinks[{i}].name"),
                    format!(
                        "sink name {:?} is already used by sinks[{first}]; give one a distinct `name`",
                        sink.name()
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The inbound limit for `connector`: its override, else the default.
    pub fn inbound_limit(&self, connector: &str) -> InboundLimit {
        self.inbound_limits
            .get(connector)
            .copied()
            .unwrap_or(InboundLimit {
                rate_per_sec: self.inbound_rate_per_sec,
                burst: self.inbound_burst,
            })
    }
}

fn check_limit(key: &str, limit: InboundLimit) -> Result<(), ConfigError> {
    if limit.rate_per_sec > 0 && limit.burst == 0 {
        return Err(ConfigError::new(
            key,
            "must be at least 1 when a rate is set",
        ));
    }
    Ok(())
}

fn default_http_timeout() -> Duration {
    Duration::from_secs(10)
}

fn default_command_timeout() -> Duration {
    Duration::from_secs(30)
}

/// One delivery target, tagged by `type`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", try_from = "RawSink")]
pub enum SinkConfig {
    /// POST each event to your application, signed with Standard Webhooks.
    Http {
        /// The sink's name in metrics and logs (default `http`).
        name: Option<String>,
        /// The `http://` or `https://` URL.
        url: String,
        /// The signing secret: `whsec_<base64>` as Standard Webhooks libraries expect, or any
        /// other text, used as the raw key (equivalent to `whsec_<base64 of the text>`).
        #[serde(serialize_with = "serialize_redacted")]
        secret: SecretString,
        /// The whole request's timeout (default 10 s).
        #[serde(serialize_with = "serde_duration::serialize")]
        timeout: Duration,
    },
    /// Append each event as one JSON line to a file, fsynced.
    Jsonl {
        /// The sink's name (default `jsonl`).
        name: Option<String>,
        /// The file (created when missing).
        path: PathBuf,
    },
    /// Run a program per event, the body on its stdin.
    Command {
        /// The sink's name (default `command`).
        name: Option<String>,
        /// The program (looked up in `PATH` when it has no `/`).
        program: String,
        /// Its arguments.
        args: Vec<String>,
        /// How long it may run before it is killed and the attempt counts as transient
        /// (default 30 s).
        #[serde(serialize_with = "serde_duration::serialize")]
        timeout: Duration,
    },
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum SinkKind {
    Http,
    Jsonl,
    Command,
}

/// The flat form a sink table is read in, so a bad value is reported at its own key
/// (`sinks[0].timeout`); [`SinkConfig`] is then built from it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSink {
    #[serde(rename = "type")]
    kind: SinkKind,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    secret: Option<SecretString>,
    #[serde(default, deserialize_with = "some_duration")]
    timeout: Option<Duration>,
    #[serde(default)]
    path: Option<PathBuf>,
    #[serde(default)]
    program: Option<String>,
    #[serde(default)]
    args: Option<Vec<String>>,
}

fn some_duration<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
    serde_duration::deserialize(d).map(Some)
}

impl TryFrom<RawSink> for SinkConfig {
    type Error = String;

    fn try_from(raw: RawSink) -> Result<Self, String> {
        let (kind, allowed): (&str, &[&str]) = match raw.kind {
            SinkKind::Http => ("http", &["url", "secret", "timeout"]),
            SinkKind::Jsonl => ("jsonl", &["path"]),
            SinkKind::Command => ("command", &["program", "args", "timeout"]),
        };
        let present = [
            ("url", raw.url.is_some()),
            ("secret", raw.secret.is_some()),
            ("timeout", raw.timeout.is_some()),
            ("path", raw.path.is_some()),
            ("program", raw.program.is_some()),
            ("args", raw.args.is_some()),
        ];
        for (field, set) in present {
            if set && !allowed.contains(&field) {
                return Err(format!("`{field}` does not apply to a {kind} sink"));
            }
        }
        let need = |field: &str| format!("a {kind} sink needs `{field}`");
        Ok(match raw.kind {
            SinkKind::Http => Self::Http {
                name: raw.name,
                url: raw.url.ok_or_else(|| need("url"))?,
                secret: raw.secret.ok_or_else(|| need("secret"))?,
                timeout: raw.timeout.unwrap_or_else(default_http_timeout),
            },
            SinkKind::Jsonl => Self::Jsonl {
                name: raw.name,
                path: raw.path.ok_or_else(|| need("path"))?,
            },
            SinkKind::Command => Self::Command {
                name: raw.name,
                program: raw.program.ok_or_else(|| need("program"))?,
                args: raw.args.unwrap_or_default(),
                timeout: raw.timeout.unwrap_or_else(default_command_timeout),
            },
        })
    }
}

fn serialize_redacted<S: serde::Serializer>(_: &SecretString, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str("[REDACTED]")
}

impl SinkConfig {
    /// The sink's name: the configured one, else its type.
    pub fn name(&self) -> &str {
        match self {
            Self::Http { name, .. } => name.as_deref().unwrap_or("http"),
            Self::Jsonl { name, .. } => name.as_deref().unwrap_or("jsonl"),
            Self::Command { name, .. } => name.as_deref().unwrap_or("command"),
        }
    }

    /// Checks the sink's values; `index` is its position in `sinks`.
    pub fn validate(&self, index: usize) -> Result<(), ConfigError> {
        let key = |field: &str| format!("sinks[{index}].{field}");
        match self {
            Self::Http {
                url,
                secret,
                timeout,
                ..
            } => {
                let parsed = reqwest::Url::parse(url)
                    .map_err(|e| ConfigError::new(key("url"), format!("not a URL: {e}")))?;
                if !matches!(parsed.scheme(), "http" | "https") {
                    return Err(ConfigError::new(key("url"), "must be http:// or https://"));
                }
                crate::sink::http::signing_key(secret.expose_secret())
                    .map_err(|m| ConfigError::new(key("secret"), m))?;
                if timeout.is_zero() {
                    return Err(ConfigError::new(key("timeout"), "must be positive"));
                }
            }
            Self::Jsonl { path, .. } => {
                if path.as_os_str().is_empty() {
                    return Err(ConfigError::new(key("path"), "must not be empty"));
                }
            }
            Self::Command {
                program, timeout, ..
            } => {
                if program.trim().is_empty() {
                    return Err(ConfigError::new(key("program"), "must not be empty"));
                }
                if timeout.is_zero() {
                    return Err(ConfigError::new(key("timeout"), "must be positive"));
                }
            }
        }
        Ok(())
    }

    /// Builds the sink (opening a JSON-lines file at once, so an unusable path stops the
    /// start-up); `index` is its position in `sinks`, for error keys.
    pub fn build(&self, index: usize) -> Result<Box<dyn crate::Sink>, ConfigError> {
        use crate::sink::{CommandSink, HttpSink, JsonlSink};
        self.validate(index)?;
        let key = |field: &str| format!("sinks[{index}].{field}");
        Ok(match self {
            Self::Http {
                url,
                secret,
                timeout,
                ..
            } => Box::new(
                HttpSink::new(url, secret.clone(), *timeout)
                    .map_err(|e| ConfigError::new(key("url"), e.to_string()))?
                    .named(self.name()),
            ),
            Self::Jsonl { path, .. } => Box::new(
                JsonlSink::open(path)
                    .map_err(|e| {
                        ConfigError::new(
                            key("path"),
                            format!("cannot open {}: {e}", path.display()),
                        )
                    })?
                    .named(self.name()),
            ),
            Self::Command {
                program,
                args,
                timeout,
                ..
            } => Box::new(
                CommandSink::new(program, args.clone())
                    .timeout(*timeout)
                    .named(self.name()),
            ),
        })
    }
}
