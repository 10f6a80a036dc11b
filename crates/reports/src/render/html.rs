//! The HTML rendering: one self-contained file (inline CSS, inline SVG charts, no script, no
//! external URL fetched) that opens offline and prints well (the PDF is printed from it).

use minijinja::context;
use minijinja::value::{Serde, Value};

use super::{HTML_TEMPLATE, RenderError, env};
use crate::charts;
use crate::report::SprintReport;

/// Renders `report` as a standalone HTML page.
pub fn render_html(report: &SprintReport) -> Result<String, RenderError> {
    let template = env().get_template(HTML_TEMPLATE)?;
    let html = template.render(context! {
        report => Value::from(Serde(report)),
        charts => context! {
            burndown => Value::from_safe_string(charts::burndown(report)),
            committed_completed => Value::from_safe_string(charts::committed_completed(report)),
            cycle_time => Value::from_safe_string(charts::cycle_time(report)),
        },
        headline => super::markdown::headline(report),
    })?;
    Ok(html)
}
