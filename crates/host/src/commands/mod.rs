//! One module per command; [`run`] dispatches.

pub mod batch;
pub mod call;
pub mod connectors;
pub mod serve;
pub mod webhook;

use crate::cli::{Cli, Command, WebhookCommand};
use crate::error::CliError;

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> Result<(), CliError> {
    let config = cli.config.as_deref();
    match &cli.command {
        Command::Connectors(args) => connectors::run(args),
        Command::Call(args) => call::run(args, config).await,
        Command::Webhook(WebhookCommand::Verify(args)) => webhook::verify(args, config),
        Command::Serve(args) => serve::run(args, config).await,
    }
}
