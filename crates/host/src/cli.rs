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
