//! Model Context Protocol server: connector operations as tools.
#![doc = include_str!("../README.md")]

mod catalog;
mod extra;
mod filter;
pub mod naming;
pub mod result;
pub mod schema;
mod server;

pub use catalog::{
    Connection, DEFAULT_MAX_RATE_LIMIT_WAIT, McpServerBuilder, cap_rate_limit_wait,
    describe_operations,
};
pub use extra::ExtraTool;
pub use filter::{BuildError, ToolFilter};
pub use server::PlugboardMcp;

/// The rmcp version this crate is built against, re-exported so that hosts and extra tools
/// use the same model types ([`rmcp::model::Tool`]...).
pub use rmcp;

#[cfg(test)]
mod tests;
