//! The `plugboard` binary: list connectors, call operations, verify webhook signatures and run
//! the webhook ingress. `main` only parses the command line, sets up logging and maps the
//! outcome to an exit code; each concern lives in its own module.

/// mimalloc: the server allocates per request (headers, bodies, JSON); glibc's allocator
/// showed up as a tenth of its time under load.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod cli;
mod commands;
mod config;
mod connections;
mod credentials;
mod error;
mod keys;
mod linked;
mod oauth_providers;
mod output;

use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

use crate::cli::{Cli, Command};

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(matches!(cli.command, Command::Serve(_)));
    match commands::run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            output::print_error(&e);
            e.exit_code()
        }
    }
}

/// Logs go to stderr, filtered by `RUST_LOG` (default: `info` for `serve`, `warn` otherwise).
fn init_tracing(serving: bool) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new(if serving { "info" } else { "warn" }));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(output::stderr_is_terminal())
        .init();
}
