//! Sprint reports: a Jira sprint correlated with the GitHub pull requests, commits and reviews
//! made during it, with delivery metrics, rendered as HTML, JSON, markdown or PDF.
#![doc = include_str!("../README.md")]

pub mod data;
pub mod fetch;
pub mod pdf;

pub mod build_report;
pub mod charts;
pub mod correlate;
pub mod markup;
pub mod metrics;
pub mod render;
pub mod report;

pub use build_report::build_report;
pub use render::{Format, RenderError, render, render_html, render_json, render_markdown};
pub use report::SprintReport;
