//! The JSON rendering: the report serialised as documented by
//! `docs/schemas/sprint-report.schema.json`.

use super::RenderError;
use crate::report::SprintReport;

/// Renders `report` as pretty-printed JSON (with a trailing newline).
pub fn render_json(report: &SprintReport) -> Result<String, RenderError> {
    let mut json = serde_json::to_string_pretty(report)?;
    json.push('\n');
    Ok(json)
}
