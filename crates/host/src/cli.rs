//! The command line, as clap derive types. Parsing only: the commands live in `commands/`.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Call SaaS APIs through plugboard's resilience runtime, verify webhook signatures, and run the
/// webhook ingress.
#[derive(Debug, Parser)]
#[command(name = "plugboard", version, about, long_about = None)]
pub struct Cli {
    /// The configuration file (default: `./plugboard.toml` when it exists).
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the linked connectors, their operations, webhook and auth support.
    Connectors(ConnectorsArgs),
    /// Run one operation and print its JSON result.
    Call(CallArgs),
    /// Webhook tools.
    #[command(subcommand)]
    Webhook(WebhookCommand),
    /// Run the HTTP server: webhook ingress and health.
    Serve(ServeArgs),
    /// The dead-letter queue: events whose delivery to the sinks failed for good.
    #[command(subcommand)]
    Dlq(DlqCommand),
    /// The state store.
    #[command(subcommand)]
    Store(StoreCommand),
    /// Print the unified channels or ad accounts of every configured connection, one JSON
    /// record per line.
    Sync(SyncArgs),
    /// Start an OAuth connection: print the provider's authorize URL (`serve` completes it at
    /// `/oauth/<connector>/callback`).
    Connect(ConnectArgs),
    /// Stored connections: their tokens' state, and renewal.
    #[command(subcommand)]
    Tokens(TokensCommand),
    /// Reports built from several platforms.
    #[command(subcommand)]
    Report(ReportCommand),
    /// Serve every configured connector operation as a Model Context Protocol tool over
    /// stdio (stdout is the protocol; logs go to stderr).
    Mcp(McpArgs),
}

/// `plugboard mcp`.
#[derive(Debug, Args)]
pub struct McpArgs {
    /// Serve only operations that change nothing on the platform.
    #[arg(long)]
    pub read_only: bool,
    /// Serve only these tools (`<connector>_<operation>`, e.g. `github_issues_list`;
    /// repeat, or separate with commas).
    #[arg(long, value_name = "NAME", value_delimiter = ',')]
    pub tools: Option<Vec<String>>,
    /// Serve only these connectors' tools (repeat, or separate with commas).
    #[arg(long, value_name = "ID", value_delimiter = ',')]
    pub connectors: Option<Vec<String>>,
}

/// `plugboard report ...`.
#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// A Jira sprint correlated with GitHub pull requests, commits and reviews: committed vs
    /// completed, scope changes, burndown, cycle and lead times, review turnaround.
    Sprint(SprintReportArgs),
}

/// The formats of `plugboard report sprint`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// One self-contained HTML file (inline CSS and SVG charts).
    Html,
    /// JSON following docs/schemas/sprint-report.schema.json.
    Json,
    /// GitHub-flavoured markdown, for a PR comment or a Slack post.
    #[value(alias = "md")]
    Markdown,
    /// The HTML printed to PDF by headless Chromium.
    Pdf,
}

/// `plugboard report sprint`.
#[derive(Debug, Args)]
pub struct SprintReportArgs {
    /// The Jira board id.
    #[arg(long, value_name = "ID")]
    pub board: u64,
    /// The sprint: its id, or `active` for the board's active sprint.
    #[arg(long, value_name = "ID|active", default_value = "active")]
    pub sprint: String,
    /// A GitHub repository to correlate, `owner/name` (repeat, or separate with commas).
    #[arg(long = "repo", value_name = "OWNER/NAME", value_delimiter = ',')]
    pub repos: Vec<String>,
    /// The output format.
    #[arg(long, value_enum, default_value = "html")]
    pub format: ReportFormat,
    /// Where to write the report (`-`: standard output; required for `pdf`). Default:
    /// `sprint-<id>.<ext>` in the working directory.
    #[arg(long, short, value_name = "PATH")]
    pub output: Option<std::path::PathBuf>,
    /// The Jira field holding story points (it differs per site; see
    /// `GET /rest/api/3/field`).
    #[arg(long, value_name = "FIELD", default_value = "customfield_10016")]
    pub points_field: String,
    /// The Jira field holding the sprints.
    #[arg(long, value_name = "FIELD", default_value = "customfield_10020")]
    pub sprint_field: String,
    /// Skip the search for issues taken out of the sprint while it ran.
    #[arg(long)]
    pub no_removed_search: bool,
    /// The Jira site's address for issue links, when calls go through the OAuth gateway.
    #[arg(long, value_name = "URL")]
    pub jira_site_url: Option<String>,
    /// The stored Jira connection to use (default: the configured credentials).
    #[arg(long, value_name = "NAME")]
    pub jira_connection: Option<String>,
    /// The stored GitHub connection to use (default: the configured credentials).
    #[arg(long, value_name = "NAME")]
    pub github_connection: Option<String>,
}

/// `plugboard connect`.
#[derive(Debug, Args)]
pub struct ConnectArgs {
    /// The connector id, e.g. `slack`.
    pub connector: String,
    /// The name the connection is stored under.
    #[arg(long, value_name = "NAME", default_value = "default")]
    pub connection: String,
    /// Scopes to request instead of the connector's defaults (repeat, or separate with
    /// commas).
    #[arg(long = "scope", value_name = "SCOPE")]
    pub scopes: Vec<String>,
}

/// `plugboard tokens ...`. Works against a running or a stopped host: it talks to the store.
#[derive(Debug, Subcommand)]
pub enum TokensCommand {
    /// Every stored connection's state, one JSON object per line.
    List(TokensListArgs),
    /// Renew the tokens that expire soon (and validate those without expiry), one JSON
    /// outcome per line; exit 1 when one failed.
    Refresh(TokensRefreshArgs),
}

/// `plugboard tokens list`.
#[derive(Debug, Args)]
pub struct TokensListArgs {
    /// Only this connector's connections.
    #[arg(long, value_name = "ID")]
    pub connector: Option<String>,
}

/// `plugboard tokens refresh`.
#[derive(Debug, Args)]
pub struct TokensRefreshArgs {
    /// Renew tokens that expire within this long (`90s`, `30m`, `24h`, `7d`).
    #[arg(long, value_name = "DURATION", default_value = "24h", value_parser = plugboard_ingress::duration::parse_duration)]
    pub expiring_within: std::time::Duration,
}

/// `plugboard dlq ...`. Works against a running or a stopped host: it talks to the store.
#[derive(Debug, Subcommand)]
pub enum DlqCommand {
    /// List dead-lettered events (oldest first), one JSON object per line.
    List(DlqListArgs),
    /// Put dead-lettered events back in the queue; the workers deliver them again.
    Replay(DlqReplayArgs),
}

/// `plugboard dlq list`.
#[derive(Debug, Args)]
pub struct DlqListArgs {
    /// Only this connector's events.
    #[arg(long, value_name = "ID")]
    pub connector: Option<String>,
    /// At most this many.
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub limit: usize,
}

/// `plugboard dlq replay`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["id", "all"])))]
pub struct DlqReplayArgs {
    /// The entry id (from `dlq list`).
    pub id: Option<u64>,
    /// Every dead-lettered event (of `--connector`, when given).
    #[arg(long)]
    pub all: bool,
    /// With `--all`: only this connector's events.
    #[arg(long, value_name = "ID", requires = "all")]
    pub connector: Option<String>,
}

/// `plugboard store ...`.
#[derive(Debug, Subcommand)]
pub enum StoreCommand {
    /// Write a consistent copy of the SQLite store to PATH while it is in use.
    Backup(BackupArgs),
}

/// `plugboard store backup`.
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Where to write the copy (must not exist).
    pub path: PathBuf,
}

/// `plugboard webhook url`.
#[derive(Debug, Args)]
pub struct UrlArgs {
    /// The connector id.
    pub connector: String,
    /// The connection's name.
    #[arg(long, value_name = "NAME")]
    pub connection: String,
}

/// `plugboard sync`.
#[derive(Debug, Args)]
pub struct SyncArgs {
    /// What to list.
    #[arg(value_enum)]
    pub kind: SyncKind,
    /// Only this connector's connections.
    #[arg(long, value_name = "ID")]
    pub connector: Option<String>,
}

/// What `plugboard sync` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SyncKind {
    /// Slack channels, Meta pages and Instagram accounts, YouTube channels, TikTok accounts.
    Channels,
    /// Meta ad accounts, Google Ads customers, TikTok advertisers.
    AdAccounts,
}

impl SyncKind {
    /// How the kind reads in a sentence.
    pub fn noun(self) -> &'static str {
        match self {
            Self::Channels => "channels",
            Self::AdAccounts => "ad accounts",
        }
    }
}

/// `plugboard connectors`.
#[derive(Debug, Args)]
pub struct ConnectorsArgs {
    /// Print a JSON array instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// `plugboard call`.
#[derive(Debug, Args)]
pub struct CallArgs {
    /// The connector id, e.g. `github`.
    pub connector: String,
    /// The operation id, e.g. `issues.list`.
    pub operation: String,
    /// The operation's input as a JSON object (default `{}`).
    #[arg(long, value_name = "JSON", conflicts_with = "batch")]
    pub input: Option<String>,
    /// Follow pagination and print every item, one compact JSON value per line.
    #[arg(long)]
    pub all: bool,
    /// Run one call per line of a JSON-lines file (`-` for stdin), concurrently; print one
    /// result line per input line, in input order.
    #[arg(long, value_name = "FILE.jsonl", conflicts_with = "all")]
    pub batch: Option<PathBuf>,
    /// How many batch calls may run at once.
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,
    /// The named connection the call uses (passed to the connector; `default` when absent).
    #[arg(long, value_name = "NAME")]
    pub connection: Option<String>,
}

/// `plugboard webhook ...`.
#[derive(Debug, Subcommand)]
pub enum WebhookCommand {
    /// Verify a delivery's signature. Exit 0 valid, 1 rejected, 2 usage error.
    Verify(VerifyArgs),
    /// Print a connection's own webhook URL (`/webhooks/<connector>/<connection>?token=...`).
    Url(UrlArgs),
}

/// `plugboard webhook verify`. Its `Debug` hides the secrets.
#[derive(Args)]
pub struct VerifyArgs {
    /// The connector id, or `standard-webhooks` for plugboard's own outbound signatures.
    pub connector: String,
    /// A signing secret; give it twice during a rotation (current first). Default: the
    /// connector's configured secrets (`PLUGBOARD_<CONNECTOR>_WEBHOOK_SECRET`).
    #[arg(long = "secret", value_name = "S")]
    pub secrets: Vec<String>,
    /// A request header as `Name: value`; repeat for each header.
    #[arg(long = "header", short = 'H', value_name = "NAME: VALUE")]
    pub headers: Vec<String>,
    /// The raw query string of the delivery, without `?`.
    #[arg(long, value_name = "QUERY")]
    pub query: Option<String>,
    /// The time to verify at, in Unix seconds (default: now).
    #[arg(long, value_name = "UNIX")]
    pub now: Option<u64>,
    /// The raw body (default: read from stdin).
    #[arg(long, value_name = "F")]
    pub body_file: Option<PathBuf>,
}

impl std::fmt::Debug for VerifyArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifyArgs")
            .field("connector", &self.connector)
            .field(
                "secrets",
                &vec![plugboard_core::config::REDACTED; self.secrets.len()],
            )
            .field("headers", &self.headers)
            .field("query", &self.query)
            .field("now", &self.now)
            .field("body_file", &self.body_file)
            .finish()
    }
}

/// `plugboard serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The address to listen on (overrides `[server] listen`; default 127.0.0.1:8080). Port 0
    /// picks a free port; the address actually bound is printed.
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<SocketAddr>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn batch_and_all_exclude_each_other() {
        let r = Cli::try_parse_from([
            "plugboard",
            "call",
            "github",
            "issues.list",
            "--all",
            "--batch",
            "x.jsonl",
        ]);
        assert!(r.is_err());
        let c = Cli::try_parse_from([
            "plugboard",
            "webhook",
            "verify",
            "github",
            "--secret",
            "a",
            "--secret",
            "b",
            "-H",
            "X: y",
        ])
        .unwrap();
        match c.command {
            Command::Webhook(WebhookCommand::Verify(v)) => {
                assert_eq!(v.secrets, vec!["a", "b"]);
                assert!(!format!("{v:?}").contains("\"a\""), "{v:?}");
                assert_eq!(v.headers, vec!["X: y"]);
            }
            other => panic!("{other:?}"),
        }
    }
}
