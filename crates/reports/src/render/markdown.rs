//! The markdown rendering: GitHub-flavoured, with no HTML, for a pull request comment or a chat
//! post. Every piece of platform text is escaped so it can neither format nor break a table.

use minijinja::context;
use minijinja::value::{Serde, Value};

use super::{MARKDOWN_TEMPLATE, RenderError, env, format_number};
use crate::report::SprintReport;

/// Renders `report` as GitHub-flavoured markdown.
pub fn render_markdown(report: &SprintReport) -> Result<String, RenderError> {
    let template = env().get_template(MARKDOWN_TEMPLATE)?;
    let text = template.render(context! {
        report => Value::from(Serde(report)),
        headline => headline(report),
    })?;
    Ok(text)
}

/// Escapes text for inline markdown and table cells: backslash-escapes the punctuation that
/// could format, link, embed HTML or split a cell, and turns line breaks into spaces.
pub fn markdown_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push(' ');
                }
            }
            '\n' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The one-line completion headline (`12 of 15 points completed (80%) · 5 of 7 issues`), in
/// points when the sprint has estimates, else in issues.
pub fn headline(report: &SprintReport) -> String {
    let s = &report.summary;
    let issues = format!("{} of {} issues", s.completed.issues, s.scope_at_end.issues);
    let issue_pct = s
        .completion_issues_percent
        .map(|p| format!(" ({}%)", format_number(p)))
        .unwrap_or_default();
    match s.completion_points_percent {
        Some(p) => format!(
            "{} of {} points completed ({}%) · {issues}",
            format_number(s.completed.points),
            format_number(s.scope_at_end.points),
            format_number(p)
        ),
        None => format!("{issues} completed{issue_pct}"),
    }
}
