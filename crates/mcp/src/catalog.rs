//! Building the tool catalogue: one tool per operation of every connection's connector (the
//! connections of one connector share its tools), plus the host's extra tools, filtered.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use plugboard_core::{
    Connector, ConnectorConfig, ConnectorDescriptor, ConnectorId, ConnectorInfo,
    OperationDescriptor,
};
use rmcp::model::{Implementation, Tool, ToolAnnotations};
use serde_json::Value;

use crate::extra::ExtraTool;
use crate::filter::{BuildError, ToolFilter};
use crate::naming::{is_valid_tool_name, tool_name};
use crate::schema::{
    DEFAULT_MAX_ITEMS, InputExtras, InputShape, OutputShape, shape_input, shape_output,
};
use crate::server::PlugboardMcp;

/// The longest the runtime waits out a rate limit inside one MCP tool call, unless the
/// connector's configuration says otherwise (see [`cap_rate_limit_wait`]).
pub const DEFAULT_MAX_RATE_LIMIT_WAIT: Duration = Duration::from_secs(2);

/// Sets `policy.max_rate_limit_wait_secs` to [`DEFAULT_MAX_RATE_LIMIT_WAIT`] when the
/// configuration does not set it, so a rate-limited call comes back as a tool error carrying
/// `retry_after` instead of holding the client for up to the total deadline. Apply it to a
/// connector's configuration before building the connector.
pub fn cap_rate_limit_wait(config: &mut ConnectorConfig) {
    config
        .policy
        .max_rate_limit_wait_secs
        .get_or_insert(DEFAULT_MAX_RATE_LIMIT_WAIT.as_secs_f64());
}

/// A connector built for one named connection.
pub struct Connection {
    /// The connection's name (`default` for the configured credential).
    pub name: String,
    /// The connector, built with the connection's credentials.
    pub connector: Arc<dyn Connector>,
}

/// One connector's connections, sorted by name.
pub(crate) struct Connections {
    pub(crate) names: Vec<String>,
    connectors: Vec<Arc<dyn Connector>>,
    pub(crate) default: usize,
}

impl Connections {
    /// The connection named `name`.
    pub(crate) fn get(&self, name: &str) -> Option<(&str, &Arc<dyn Connector>)> {
        let i = self.names.iter().position(|n| n == name)?;
        Some((&self.names[i], &self.connectors[i]))
    }

    /// The default connection: `default` when there is one, else the first by name.
    pub(crate) fn default_connection(&self) -> (&str, &Arc<dyn Connector>) {
        (&self.names[self.default], &self.connectors[self.default])
    }
}

/// What a tool runs.
pub(crate) enum Target {
    /// A connector operation.
    Operation(OperationTarget),
    /// A host tool.
    Extra(Arc<dyn ExtraTool>),
}

/// A connector operation and how arguments and outputs are shaped.
pub(crate) struct OperationTarget {
    pub(crate) connector: ConnectorId,
    pub(crate) op: &'static OperationDescriptor,
    pub(crate) connections: Arc<Connections>,
    pub(crate) input: InputShape,
    pub(crate) output: OutputShape,
}

/// A served tool.
pub(crate) struct Entry {
    pub(crate) tool: Tool,
    pub(crate) target: Target,
}

/// Builds a [`PlugboardMcp`].
pub struct McpServerBuilder {
    implementation: Implementation,
    connections: Vec<Connection>,
    extras: Vec<Arc<dyn ExtraTool>>,
    filter: ToolFilter,
    known: Vec<&'static ConnectorDescriptor>,
}

impl McpServerBuilder {
    /// A builder for a server that introduces itself as `name` `version`.
    pub fn new(name: impl Into<String>, version: impl Into<String>) -> Self {
        Self {
            implementation: Implementation::new(name, version)
                .with_title("plugboard")
                .with_description(
                    "SaaS platform operations (GitHub, Jira, Slack, ClickUp...) through \
                     plugboard's resilience runtime",
                ),
            connections: Vec::new(),
            extras: Vec::new(),
            filter: ToolFilter::default(),
            known: Vec::new(),
        }
    }

    /// Serves the operations of `connector` for the connection `name`. Several connections of
    /// one connector share its tools; a `connection` argument picks one.
    pub fn connection(mut self, name: impl Into<String>, connector: Arc<dyn Connector>) -> Self {
        self.connections.push(Connection {
            name: name.into(),
            connector,
        });
        self
    }

    /// Serves a host tool alongside the operations.
    pub fn extra_tool(mut self, tool: Arc<dyn ExtraTool>) -> Self {
        self.extras.push(tool);
        self
    }

    /// Filters the tools.
    pub fn filter(mut self, filter: ToolFilter) -> Self {
        self.filter = filter;
        self
    }

    /// The connectors that exist, configured or not (the registry): the filters' names are
    /// checked against them and their operations. The connections' connectors always count.
    pub fn known_connectors(
        mut self,
        descriptors: impl IntoIterator<Item = &'static ConnectorDescriptor>,
    ) -> Self {
        self.known.extend(descriptors);
        self
    }

    /// Builds the server: checks the filters, shapes every served tool, rejects invalid or
    /// duplicate names.
    pub fn build(self) -> Result<PlugboardMcp, BuildError> {
        let groups = group(self.connections)?;
        let mut known: BTreeMap<&str, &'static [OperationDescriptor]> = self
            .known
            .iter()
            .map(|d| (d.id().as_str(), d.operations))
            .collect();
        for (id, ((_, operations), _)) in &groups {
            known.entry(id).or_insert(*operations);
        }
        let extras: Vec<(Tool, Arc<dyn ExtraTool>)> =
            self.extras.into_iter().map(|e| (e.tool(), e)).collect();
        let extra_names: Vec<String> = extras.iter().map(|(t, _)| t.name.to_string()).collect();
        let filter = self.filter;
        filter.check(&known, &extra_names)?;

        let mut entries: BTreeMap<String, Entry> = BTreeMap::new();
        for (id, ((info, operations), connections)) in groups {
            if !filter.keeps_connector(id) {
                continue;
            }
            let connections = Arc::new(connections);
            for op in operations {
                let name = tool_name(id, op.id.as_str());
                if !filter.keeps_operation(op) || !filter.keeps_tool(&name) {
                    continue;
                }
                let entry = operation_entry(info, op, &name, &connections)
                    .map_err(|why| BuildError::Invalid(format!("tool {name}: {why}")))?;
                insert(&mut entries, name, entry)?;
            }
        }
        for (tool, extra) in extras {
            let name = tool.name.to_string();
            let read_only = tool
                .annotations
                .as_ref()
                .is_some_and(|a| a.read_only_hint == Some(true));
            if (filter.read_only && !read_only)
                || !filter.keeps_tool(&name)
                || !extra.connectors().iter().all(|c| filter.keeps_connector(c))
            {
                continue;
            }
            if tool.input_schema.get("type") != Some(&Value::from("object")) {
                return Err(BuildError::Invalid(format!(
                    "tool {name}: the input schema must be an object schema"
                )));
            }
            insert(
                &mut entries,
                name,
                Entry {
                    tool,
                    target: Target::Extra(extra),
                },
            )?;
        }
        if let Some(wanted) = &filter.tools {
            for name in wanted.iter().filter(|n| !entries.contains_key(*n)) {
                tracing::warn!(
                    tool = %name,
                    "not served: filtered out by --read-only or --connectors, or its connector \
                     has no configured connection"
                );
            }
        }
        Ok(PlugboardMcp::new(self.implementation, entries))
    }
}

type Group = (
    (&'static ConnectorInfo, &'static [OperationDescriptor]),
    Connections,
);

/// The connections grouped by connector id, each group's names sorted and unique.
fn group(connections: Vec<Connection>) -> Result<BTreeMap<&'static str, Group>, BuildError> {
    let mut by_id: BTreeMap<&'static str, (_, Vec<Connection>)> = BTreeMap::new();
    for c in connections {
        let info = c.connector.info();
        by_id
            .entry(info.id.as_str())
            .or_insert_with(|| ((info, c.connector.operations()), Vec::new()))
            .1
            .push(c);
    }
    let mut out = BTreeMap::new();
    for (id, (meta, mut list)) in by_id {
        list.sort_by(|a, b| a.name.cmp(&b.name));
        if let Some(w) = list.windows(2).find(|w| w[0].name == w[1].name) {
            return Err(BuildError::Invalid(format!(
                "connection {id}/{} is given twice",
                w[0].name
            )));
        }
        let names: Vec<String> = list.iter().map(|c| c.name.clone()).collect();
        let default = names.iter().position(|n| n == "default").unwrap_or(0);
        let connections = Connections {
            names,
            connectors: list.into_iter().map(|c| c.connector).collect(),
            default,
        };
        out.insert(id, (meta, connections));
    }
    Ok(out)
}

fn insert(
    entries: &mut BTreeMap<String, Entry>,
    name: String,
    entry: Entry,
) -> Result<(), BuildError> {
    if !is_valid_tool_name(&name) {
        return Err(BuildError::Invalid(format!(
            "tool name {name:?} is not 1 to 64 of [a-zA-Z0-9_-]"
        )));
    }
    if entries.contains_key(&name) {
        return Err(BuildError::Invalid(format!("two tools are named {name}")));
    }
    entries.insert(name, entry);
    Ok(())
}

/// The tools of a connector's operations as served for one connection (unfiltered): for
/// listings and for checking that every registered operation can be served.
pub fn describe_operations(
    info: &'static ConnectorInfo,
    operations: &'static [OperationDescriptor],
) -> Result<Vec<Tool>, BuildError> {
    let mut names = std::collections::BTreeSet::new();
    operations
        .iter()
        .map(|op| {
            let name = tool_name(info.id.as_str(), op.id.as_str());
            if !is_valid_tool_name(&name) || !names.insert(name.clone()) {
                return Err(BuildError::Invalid(format!(
                    "tool name {name:?} is invalid or taken"
                )));
            }
            operation_tool(info, op, &name, None)
                .map(|(tool, _, _)| tool)
                .map_err(|why| BuildError::Invalid(format!("tool {name}: {why}")))
        })
        .collect()
}

/// The tool of one operation.
fn operation_entry(
    info: &'static ConnectorInfo,
    op: &'static OperationDescriptor,
    name: &str,
    connections: &Arc<Connections>,
) -> Result<Entry, String> {
    let choice = (connections.names.len() > 1).then(|| {
        (
            connections.names.as_slice(),
            connections.default_connection().0,
        )
    });
    let (tool, input, output) = operation_tool(info, op, name, choice)?;
    Ok(Entry {
        tool,
        target: Target::Operation(OperationTarget {
            connector: info.id,
            op,
            connections: connections.clone(),
            input,
            output,
        }),
    })
}

/// The tool description of one operation, and how its input and output are shaped;
/// `connections` lists the names a `connection` argument chooses from, and the default.
fn operation_tool(
    info: &'static ConnectorInfo,
    op: &'static OperationDescriptor,
    name: &str,
    connections: Option<(&[String], &str)>,
) -> Result<(Tool, InputShape, OutputShape), String> {
    let (input_schema, input) = shape_input(
        (op.input_schema)().to_value(),
        &InputExtras {
            paginated: op.paginated,
            connections,
        },
    )?;
    let (output_schema, output) = shape_output((op.output_schema)().to_value(), op.paginated);

    let mut description = op.summary.trim_end_matches('.').to_string();
    description.push('.');
    if op.paginated {
        description.push_str(&format!(
            " Returns the first page as `items`; `all: true` follows every page (up to \
             `max_items`, default {DEFAULT_MAX_ITEMS})."
        ));
    }
    if input == InputShape::Wrapped {
        description.push_str(" Pass the operation's input as `input`.");
    }
    if let Some((names, default)) = connections {
        description.push_str(&format!(
            " `connection` picks the {} account: {} (default `{default}`).",
            info.name,
            names.join(", ")
        ));
    }
    description.push_str(&format!(" Docs: {}", op.docs_url));

    let title = format!("{} {}", info.name, op.id);
    let annotations = ToolAnnotations::with_title(title.clone())
        .read_only(op.read_only)
        .destructive(!op.read_only)
        .idempotent(op.idempotent)
        .open_world(true);
    let tool = Tool::new(name.to_string(), description, Arc::new(input_schema))
        .with_title(title)
        .with_raw_output_schema(Arc::new(output_schema))
        .with_annotations(annotations);
    Ok((tool, input, output))
}
