//! The sprint report as the MCP tool `report_sprint`: the same fetch and computation as
//! `plugboard report sprint`, answering JSON (the documented report) or markdown, with
//! rate-limit waits capped like every MCP tool.

use std::path::PathBuf;
use std::sync::Arc;

use async_trait::async_trait;
use plugboard_core::{Error, ErrorKind};
use plugboard_mcp::rmcp::model::{Tool, ToolAnnotations};
use plugboard_mcp::{ExtraTool, cap_rate_limit_wait};
use plugboard_reports::render::{Format, render};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::report::{ReportFailure, SprintRequest, build};

/// The tool's name.
pub const TOOL_NAME: &str = "report_sprint";

/// `report_sprint`, reading the host's configuration at `config_path`.
pub struct SprintReportTool {
    config_path: Option<PathBuf>,
}

impl SprintReportTool {
    /// The tool over the configuration the MCP server was started with.
    pub fn shared(config_path: Option<PathBuf>) -> Arc<dyn ExtraTool> {
        Arc::new(Self { config_path })
    }
}

/// The tool's arguments.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Arguments {
    board: u64,
    #[serde(default)]
    sprint: Option<Value>,
    #[serde(default)]
    repos: Vec<String>,
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    points_field: Option<String>,
}

fn input_schema() -> Map<String, Value> {
    let schema = json!({
        "type": "object",
        "properties": {
            "board": {"type": "integer", "minimum": 1, "description": "The Jira board id."},
            "sprint": {
                "description": "A sprint id, or \"active\" (default) for the board's active sprint.",
                "anyOf": [{"type": "integer", "minimum": 1}, {"type": "string"}]
            },
            "repos": {
                "type": "array",
                "items": {"type": "string", "pattern": "^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$"},
                "description": "GitHub repositories (owner/name) to correlate with the sprint."
            },
            "format": {
                "type": "string",
                "enum": ["json", "markdown"],
                "description": "json (default): the report as documented in docs/schemas/sprint-report.schema.json; markdown: a summary for a PR comment or chat."
            },
            "points_field": {
                "type": "string",
                "description": "The Jira story-points field (default customfield_10016)."
            }
        },
        "required": ["board"],
        "additionalProperties": false
    });
    match schema {
        Value::Object(map) => map,
        _ => unreachable!("an object literal"),
    }
}

fn invalid(field: &'static str, message: impl Into<String>) -> Error {
    Error::invalid_input(message).with_context("field", field)
}

#[async_trait]
impl ExtraTool for SprintReportTool {
    fn tool(&self) -> Tool {
        Tool::new(
            TOOL_NAME,
            "Sprint report: a Jira sprint correlated with GitHub pull requests, commits and \
             reviews — committed vs completed, scope changes, burndown, cycle time, PR lead \
             time, review turnaround, carried-over issues, unlinked PRs and issues without code.",
            Arc::new(input_schema()),
        )
        .with_title("Sprint report")
        .with_annotations(
            ToolAnnotations::with_title("Sprint report")
                .read_only(true)
                .destructive(false)
                .idempotent(true)
                .open_world(true),
        )
    }

    fn connectors(&self) -> &[&str] {
        &["jira"]
    }

    async fn call(&self, arguments: Value) -> plugboard_core::Result<Value> {
        let args: Arguments = serde_json::from_value(arguments)
            .map_err(|e| Error::invalid_input(format!("invalid arguments for {TOOL_NAME}: {e}")))?;
        let sprint = match &args.sprint {
            None => "active".to_string(),
            Some(Value::Number(n)) => n.to_string(),
            Some(Value::String(s)) => s.clone(),
            Some(_) => return Err(invalid("sprint", "sprint is an id or \"active\"")),
        };
        let mut request = SprintRequest::parse(args.board, &sprint, &args.repos).map_err(|e| {
            let field = if e.message().starts_with("--repo") {
                "repos"
            } else {
                "sprint"
            };
            invalid(field, e.message().trim_start_matches("--").to_string())
        })?;
        if let Some(field) = args.points_field {
            request.query.points_field = field;
        }
        let format = match args.format.as_deref() {
            None | Some("json") => Format::Json,
            Some("markdown") => Format::Markdown,
            Some(other) => {
                return Err(invalid(
                    "format",
                    format!("format is json or markdown, not {other:?}"),
                ));
            }
        };
        let report = build(&request, self.config_path.as_deref(), cap_rate_limit_wait)
            .await
            .map_err(|e| match e {
                ReportFailure::Usage(m) => Error::new(ErrorKind::Config, m),
                ReportFailure::Jira(e) => e,
                ReportFailure::Sprint(m) => Error::new(ErrorKind::NotFound, m),
                ReportFailure::Failed(m) => Error::internal(m),
            })?;
        match format {
            Format::Markdown => {
                let text = render(&report, Format::Markdown)
                    .map_err(|e| Error::internal(e.to_string()))?;
                Ok(json!({ "markdown": text, "warnings": report.warnings }))
            }
            _ => serde_json::to_value(&report).map_err(|e| Error::internal(e.to_string())),
        }
    }
}
