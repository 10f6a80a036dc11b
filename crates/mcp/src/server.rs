//! The MCP server: lists the catalogue's tools and dispatches calls to the connectors (or the
//! host's extra tools), turning outputs and errors into tool results.

use std::collections::BTreeMap;
use std::sync::Arc;

use futures::StreamExt;
use plugboard_core::{CallContext, Connector, Result as CoreResult};
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, Implementation, ListToolsResult,
    PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler, ServiceExt};
use serde_json::Value;

use crate::catalog::{Entry, OperationTarget, Target};
use crate::result::{error, invalid_argument, success};
use crate::schema::{
    ALL_ARG, CONNECTION_ARG, DEFAULT_MAX_ITEMS, INPUT_ARG, InputShape, JsonObject, MAX_ITEMS_ARG,
    MAX_ITEMS_LIMIT, OutputShape, structure_output,
};

/// What the server tells clients about itself in `initialize`.
const INSTRUCTIONS: &str = "Each tool is one operation of a SaaS platform connected through \
plugboard, named <connector>_<operation> (github_issues_create). plugboard holds the \
credentials. A failed call is a tool error whose structuredContent.error has kind, message, \
status, connector and operation; a rate-limited call has kind rate_limited and \
retry_after_secs: wait that long before calling the same connector again. Paginated tools \
return the first page as items; pass all: true (and max_items) to follow every page.";

/// The plugboard MCP server. Cheap to clone.
#[derive(Clone)]
pub struct PlugboardMcp {
    inner: Arc<Inner>,
}

struct Inner {
    implementation: Implementation,
    entries: BTreeMap<String, Entry>,
    tools: Vec<Tool>,
}

impl std::fmt::Debug for PlugboardMcp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlugboardMcp")
            .field("implementation", &self.inner.implementation.name)
            .field("tools", &self.inner.entries.len())
            .finish()
    }
}

impl PlugboardMcp {
    pub(crate) fn new(implementation: Implementation, entries: BTreeMap<String, Entry>) -> Self {
        let tools = entries.values().map(|e| e.tool.clone()).collect();
        Self {
            inner: Arc::new(Inner {
                implementation,
                entries,
                tools,
            }),
        }
    }

    /// The served tools, sorted by name.
    pub fn tools(&self) -> &[Tool] {
        &self.inner.tools
    }

    /// Runs the tool `name`. An unknown (or filtered-out) name is a protocol error
    /// (`invalid_params`, as MCP specifies for an unknown tool) and nothing is called; every
    /// other failure is a tool error result.
    pub async fn call(
        &self,
        name: &str,
        arguments: Option<JsonObject>,
    ) -> Result<CallToolResult, ErrorData> {
        let Some(entry) = self.inner.entries.get(name) else {
            return Err(ErrorData::invalid_params(
                format!("unknown tool: {name}"),
                None,
            ));
        };
        let arguments = arguments.unwrap_or_default();
        let result = match &entry.target {
            Target::Operation(target) => call_operation(target, arguments).await,
            Target::Extra(extra) => match extra.call(Value::Object(arguments)).await {
                Ok(value) => success(structure_output(value, OutputShape::AsIs, false)),
                Err(e) => error(&e),
            },
        };
        tracing::debug!(
            tool = name,
            is_error = result.is_error.unwrap_or(false),
            "tool called"
        );
        Ok(result)
    }

    /// Serves MCP over stdin and stdout until the client closes them. Nothing else may write
    /// to stdout meanwhile (log to stderr).
    pub async fn serve_stdio(self) -> std::io::Result<()> {
        let running = self
            .serve(rmcp::transport::stdio())
            .await
            .map_err(|e| std::io::Error::other(format!("MCP initialisation failed: {e}")))?;
        running
            .waiting()
            .await
            .map_err(|e| std::io::Error::other(format!("MCP server stopped: {e}")))?;
        Ok(())
    }
}

/// Reads plugboard's own arguments, then calls the operation.
async fn call_operation(target: &OperationTarget, mut args: JsonObject) -> CallToolResult {
    let connections = &target.connections;
    let (connection, connector) = if connections.names.len() > 1 {
        match args.remove(CONNECTION_ARG) {
            None | Some(Value::Null) => connections.default_connection(),
            Some(Value::String(name)) => match connections.get(&name) {
                Some(found) => found,
                None => {
                    return invalid_argument(
                        CONNECTION_ARG,
                        format!(
                            "no connection {name:?}; one of: {}",
                            connections.names.join(", ")
                        ),
                    );
                }
            },
            Some(_) => return invalid_argument(CONNECTION_ARG, "must be a string"),
        }
    } else {
        connections.default_connection()
    };

    let mut follow = None;
    if target.op.paginated {
        let all = match args.remove(ALL_ARG) {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => b,
            Some(_) => return invalid_argument(ALL_ARG, "must be true or false"),
        };
        let max = match args.remove(MAX_ITEMS_ARG) {
            None | Some(Value::Null) => None,
            Some(v) => match v.as_u64() {
                Some(n) if (1..=MAX_ITEMS_LIMIT).contains(&n) => Some(n),
                _ => {
                    return invalid_argument(
                        MAX_ITEMS_ARG,
                        format!("must be an integer from 1 to {MAX_ITEMS_LIMIT}"),
                    );
                }
            },
        };
        if all || max.is_some() {
            follow = Some(max.unwrap_or(DEFAULT_MAX_ITEMS));
        }
    }

    let input = match target.input {
        InputShape::Object => Value::Object(args),
        InputShape::Wrapped => {
            let input = args.remove(INPUT_ARG);
            if let Some(extra) = args.keys().next() {
                return invalid_argument(extra, "is not an argument of this tool");
            }
            match input {
                Some(input) => input,
                None => return invalid_argument(INPUT_ARG, "is required"),
            }
        }
    };

    let ctx = CallContext {
        connection: Some(connection.to_string()),
    };
    let op = target.op.id.as_str();
    let outcome = match follow {
        None => connector.call(&ctx, op, input).await.map(|v| (v, false)),
        Some(max) => collect(connector.as_ref(), &ctx, op, input, max).await,
    };
    match outcome {
        Ok((value, truncated)) => success(structure_output(value, target.output, truncated)),
        Err(e) => error(&e.at(target.connector, Some(target.op.id))),
    }
}

/// Up to `max` items across pages, and whether more were left (found by asking for one more
/// item, which may fetch one more page).
async fn collect(
    connector: &dyn Connector,
    ctx: &CallContext,
    op: &str,
    input: Value,
    max: u64,
) -> CoreResult<(Value, bool)> {
    let mut stream = connector.call_all(ctx, op, input);
    let mut items = Vec::new();
    while let Some(item) = stream.next().await {
        let item = item?;
        if items.len() as u64 == max {
            return Ok((Value::Array(items), true));
        }
        items.push(item);
    }
    Ok((Value::Array(items), false))
}

impl ServerHandler for PlugboardMcp {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(self.inner.implementation.clone())
            .with_instructions(INSTRUCTIONS)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(self.inner.tools.clone()))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        self.call(&request.name, request.arguments)
            .await
            .map(CallToolResponse::from)
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        self.inner.entries.get(name).map(|e| e.tool.clone())
    }
}
