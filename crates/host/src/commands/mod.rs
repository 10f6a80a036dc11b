//! One module per command; [`run`] dispatches.

pub mod batch;
pub mod call;
pub mod connect;
pub mod connectors;
pub mod dlq;
pub mod mcp;
pub mod report;
pub mod report_tool;
pub mod serve;
pub mod store;
pub mod sync;
pub mod tokens;
pub mod webhook;

use crate::cli::{
    Cli, Command, DlqCommand, ReportCommand, StoreCommand, TokensCommand, WebhookCommand,
};
use crate::error::CliError;

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> Result<(), CliError> {
    let config = cli.config.as_deref();
    match &cli.command {
        Command::Connectors(args) => connectors::run(args),
        Command::Call(args) => call::run(args, config).await,
        Command::Webhook(WebhookCommand::Verify(args)) => webhook::verify(args, config),
        Command::Webhook(WebhookCommand::Url(args)) => webhook::url(args, config),
        Command::Dlq(DlqCommand::List(args)) => dlq::list(args, config).await,
        Command::Dlq(DlqCommand::Replay(args)) => dlq::replay(args, config).await,
        Command::Store(StoreCommand::Backup(args)) => store::backup(args, config).await,
        Command::Serve(args) => serve::run(args, config).await,
        Command::Sync(args) => {
            crate::credentials::preload(config).await;
            sync::run(args, config).await
        }
        Command::Connect(args) => connect::run(args, config).await,
        Command::Tokens(TokensCommand::List(args)) => tokens::list(args, config).await,
        Command::Tokens(TokensCommand::Refresh(args)) => tokens::refresh(args, config).await,
        Command::Report(ReportCommand::Sprint(args)) => report::sprint(args, config).await,
        Command::Mcp(args) => mcp::run(args, config).await,
    }
}
