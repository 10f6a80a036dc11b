//! Renders a [`SprintReport`] as HTML (one self-contained file), markdown (GitHub-flavoured)
//! or JSON.
//!
//! The templates live in `crates/reports/templates/` and are compiled into the crate. Every
//! value a template prints is escaped for its format: HTML escaping for `.html` templates and
//! markdown escaping for `.md` templates; only the Rust-built SVG charts and URLs checked by a
//! filter are passed through as trusted text.

mod html;
mod json;
mod markdown;

use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use minijinja::value::{Value, ValueKind};
use minijinja::{AutoEscape, Environment, Output, State, UndefinedBehavior};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

pub use html::render_html;
pub use json::render_json;
pub use markdown::{markdown_escape, render_markdown};

use crate::report::SprintReport;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// One self-contained HTML file (inline CSS and SVG, no script, nothing fetched).
    Html,
    /// The JSON document described by `docs/schemas/sprint-report.schema.json`.
    Json,
    /// GitHub-flavoured markdown, for a PR comment or a chat post.
    Markdown,
}

impl Format {
    /// Every format, in a stable order.
    pub const ALL: [Format; 3] = [Format::Html, Format::Json, Format::Markdown];

    /// The format's name as the CLI spells it (`html`, `json`, `markdown`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Html => "html",
            Self::Json => "json",
            Self::Markdown => "markdown",
        }
    }

    /// The usual file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Html => "html",
            Self::Json => "json",
            Self::Markdown => "md",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = UnknownFormat;

    /// Parses `html`/`htm`, `json`, `markdown`/`md` (ASCII case-insensitive).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "html" | "htm" => Ok(Self::Html),
            "json" => Ok(Self::Json),
            "markdown" | "md" => Ok(Self::Markdown),
            _ => Err(UnknownFormat(s.to_owned())),
        }
    }
}

/// A format name [`Format::from_str`] does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown report format `{0}` (expected html, json or markdown)")]
pub struct UnknownFormat(pub String);

/// Why a report could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// A template failed to render.
    #[error("report template failed: {0:#}")]
    Template(#[from] minijinja::Error),
    /// The JSON serialisation failed.
    #[error("report JSON serialisation failed: {0}")]
    Json(#[from] serde_json::Error),
}

/// Renders `report` in `format`.
pub fn render(report: &SprintReport, format: Format) -> Result<String, RenderError> {
    match format {
        Format::Html => render_html(report),
        Format::Json => render_json(report),
        Format::Markdown => render_markdown(report),
    }
}

const MARKDOWN_ESCAPE: AutoEscape = AutoEscape::Custom(std::borrow::Cow::Borrowed("markdown"));
const HTML_TEMPLATE: &str = "report.html";
const MARKDOWN_TEMPLATE: &str = "report.md";

/// The template environment, built once.
fn env() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_syntax(
            minijinja::syntax::SyntaxConfig::builder()
                .trim_blocks(true)
                .lstrip_blocks(true)
                .keep_trailing_newline(true)
                .build()
                .expect("static syntax config"),
        );
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".md") {
                MARKDOWN_ESCAPE
            } else if name.ends_with(".html") {
                AutoEscape::Html
            } else {
                AutoEscape::None
            }
        });
        env.set_formatter(format_value);
        env.add_filter("hours", filter_hours);
        env.add_filter("num", filter_num);
        env.add_filter("pct", filter_pct);
        env.add_filter("datetime", filter_datetime);
        env.add_filter("href", filter_href);
        env.add_filter("mdlink", filter_mdlink);
        env.add_template(HTML_TEMPLATE, include_str!("../../templates/report.html"))
            .expect("the HTML template compiles");
        env.add_template(MARKDOWN_TEMPLATE, include_str!("../../templates/report.md"))
            .expect("the markdown template compiles");
        env
    })
}

/// Prints values: HTML-escaped in `.html` templates (without minijinja's `/` escaping, so
/// `owner/repo#1` stays readable), markdown-escaped in `.md` templates; safe strings pass.
fn format_value(
    out: &mut Output<'_>,
    state: &mut State<'_, '_>,
    value: &Value,
) -> Result<(), minijinja::Error> {
    let text_value = value.kind() == ValueKind::String && !value.is_safe();
    match state.auto_escape() {
        AutoEscape::Html if text_value => {
            out.write_str(&crate::markup::escape(value.as_str().unwrap_or_default()))?;
            Ok(())
        }
        AutoEscape::Custom(name) if name == "markdown" => {
            if value.is_safe() {
                out.write_str(value.as_str().unwrap_or_default())?;
            } else if !value.is_none() && !value.is_undefined() {
                out.write_str(&markdown_escape(&value.to_string()))?;
            }
            Ok(())
        }
        _ => minijinja::escape_formatter(out, state, value),
    }
}

fn as_f64(value: &Value) -> Option<f64> {
    if value.is_none() || value.is_undefined() {
        return None;
    }
    f64::try_from(value.clone()).ok().filter(|v| v.is_finite())
}

/// A number for display: whole numbers without decimals, others with up to one.
pub fn format_number(value: f64) -> String {
    if !value.is_finite() {
        return "0".to_owned();
    }
    let rounded = (value * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded:.1}")
    }
}

/// A duration for display: hours below two days (`36 h`), days from there on (`2.5 d`).
pub fn format_hours(hours: f64) -> String {
    if hours < 48.0 {
        format!("{} h", format_number(hours))
    } else {
        format!("{} d", format_number(hours / 24.0))
    }
}

fn filter_hours(value: Value) -> String {
    as_f64(&value).map_or_else(|| "–".to_owned(), format_hours)
}

fn filter_num(value: Value) -> String {
    as_f64(&value).map_or_else(|| "–".to_owned(), format_number)
}

fn filter_pct(value: Value) -> String {
    as_f64(&value).map_or_else(|| "–".to_owned(), |v| format!("{}%", format_number(v)))
}

/// `2024-05-06 09:00 UTC` (or `+02:00`) from an RFC 3339 string.
fn filter_datetime(value: Value) -> String {
    let Some(text) = value.as_str() else {
        return "–".to_owned();
    };
    let Ok(at) = OffsetDateTime::parse(text, &Rfc3339) else {
        return text.to_owned();
    };
    let offset = at.offset();
    let zone = if offset.is_utc() {
        "UTC".to_owned()
    } else {
        let (h, m, _) = offset.as_hms();
        format!(
            "{}{:02}:{:02}",
            if offset.is_negative() { '-' } else { '+' },
            h.abs(),
            m.abs()
        )
    };
    format!("{} {:02}:{:02} {zone}", at.date(), at.hour(), at.minute())
}

/// Whether `url` is an absolute http(s) URL (the only links a report prints).
fn is_web_url(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// An http(s) URL for an `href` (escaped by the template like any text), `#` otherwise.
fn filter_href(value: Value) -> String {
    match value.as_str() {
        Some(url) if is_web_url(url) => url.to_owned(),
        _ => "#".to_owned(),
    }
}

/// A markdown link destination: an http(s) URL with the characters that would end or break it
/// percent-encoded, `#` for anything else; trusted by the markdown escaper.
fn filter_mdlink(value: Value) -> Value {
    let url = match value.as_str() {
        Some(url) if is_web_url(url) => url,
        _ => return Value::from_safe_string("#".to_owned()),
    };
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '|' => out.push_str("%7C"),
            '\\' => out.push_str("%5C"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    Value::from_safe_string(out)
}
