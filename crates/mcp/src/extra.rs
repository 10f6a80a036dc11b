//! Tools beyond the connector operations (the sprint report): the host registers them with
//! [`McpServerBuilder::extra_tool`](crate::McpServerBuilder::extra_tool) and they are listed,
//! filtered and called like the operation tools.

use async_trait::async_trait;
use rmcp::model::Tool;
use serde_json::Value;

/// A tool the host adds to the operation tools.
///
/// - [`tool`](Self::tool) describes it: a valid name (`[a-zA-Z0-9_-]{1,64}`, distinct from
///   every operation tool), an object input schema, an output schema when the output is an
///   object, and annotations: `read_only_hint: Some(true)` keeps it under `--read-only`.
/// - [`call`](Self::call) runs it. Its arguments are the client's (an object, `{}` when none);
///   it validates them itself (an `ErrorKind::InvalidInput` error with a `field` context names
///   the culprit). An `Ok` object becomes the structured content (anything else is wrapped as
///   `{"result": ...}`); an `Err` becomes a tool error exactly like a connector's.
#[async_trait]
pub trait ExtraTool: Send + Sync + 'static {
    /// The tool's description as listed.
    fn tool(&self) -> Tool;

    /// The connectors it calls: under `--connectors` it is served only when every one of them
    /// is kept. Default: none.
    fn connectors(&self) -> &[&str] {
        &[]
    }

    /// Runs the tool.
    async fn call(&self, arguments: Value) -> plugboard_core::Result<Value>;
}
