//! `plugboard report sprint`: gathers a Jira sprint and the GitHub work done in it through the
//! configured (or stored) connections, computes the report and writes it as HTML, JSON,
//! markdown or PDF.

use std::io::Write;
use std::path::{Path, PathBuf};

use plugboard_core::{ConnectorConfig, Registry};
use plugboard_github::GithubClient;
use plugboard_jira::JiraClient;
use plugboard_reports::fetch::{FetchError, RepoRef, SprintQuery, SprintSelector, fetch_sprint};
use plugboard_reports::pdf::Chromium;
use plugboard_reports::render::{Format, render};
use plugboard_reports::{SprintReport, build_report};
use time::OffsetDateTime;

use crate::cli::{ReportFormat, SprintReportArgs};
use crate::config::HostConfig;
use crate::connections::has_credentials;
use crate::credentials::HostCredentials;
use crate::error::CliError;

/// What a sprint report is made from, checked before anything is fetched.
#[derive(Debug, Clone)]
pub struct SprintRequest {
    /// What to fetch.
    pub query: SprintQuery,
    /// The stored Jira connection, if not the configured credentials.
    pub jira_connection: Option<String>,
    /// The stored GitHub connection, if not the configured credentials.
    pub github_connection: Option<String>,
}

impl SprintRequest {
    /// Checks the board, sprint and repositories given as text.
    pub fn parse(board: u64, sprint: &str, repos: &[String]) -> Result<Self, CliError> {
        let sprint: SprintSelector = sprint
            .parse()
            .map_err(|e: String| CliError::usage(format!("--sprint: {e}")))?;
        let repositories = repos
            .iter()
            .map(|r| r.trim())
            .filter(|r| !r.is_empty())
            .map(|r| {
                r.parse::<RepoRef>()
                    .map_err(|e| CliError::usage(format!("--repo: {e}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            query: SprintQuery::new(board, sprint, repositories),
            jira_connection: None,
            github_connection: None,
        })
    }
}

/// Runs the command.
pub async fn sprint(args: &SprintReportArgs, config_path: Option<&Path>) -> Result<(), CliError> {
    let mut request = SprintRequest::parse(args.board, &args.sprint, &args.repos)?;
    request.query.points_field = args.points_field.clone();
    request.query.sprint_field = args.sprint_field.clone();
    request.query.find_removed = !args.no_removed_search;
    request.query.jira_site_url = args.jira_site_url.clone();
    request.jira_connection = args.jira_connection.clone();
    request.github_connection = args.github_connection.clone();
    let output = output_path(args)?;
    // A PDF needs Chromium: say how to install it before spending any API calls.
    let chromium = match args.format {
        ReportFormat::Pdf => Some(Chromium::find().map_err(|e| CliError::failed(e.to_string()))?),
        _ => None,
    };
    let report = build(&request, config_path, |_| {}).await?;
    for warning in &report.warnings {
        eprintln!("warning: {warning}");
    }
    let written = match (args.format, &chromium) {
        (ReportFormat::Pdf, Some(chromium)) => {
            let html =
                render(&report, Format::Html).map_err(|e| CliError::failed(e.to_string()))?;
            let out = output.as_deref().expect("pdf output is a file");
            chromium
                .print_to_pdf(&html, out)
                .await
                .map_err(|e| CliError::failed(e.to_string()))?;
            out.display().to_string()
        }
        (format, _) => {
            let format = match format {
                ReportFormat::Json => Format::Json,
                ReportFormat::Markdown => Format::Markdown,
                _ => Format::Html,
            };
            let text = render(&report, format).map_err(|e| CliError::failed(e.to_string()))?;
            write_output(output.as_deref(), text.as_bytes())?
        }
    };
    eprintln!(
        "sprint report for {} ({} issues, {} pull requests) written to {written}",
        report.sprint.name,
        report.issues.len(),
        report.pulls.len()
    );
    Ok(())
}

/// Why a report could not be made.
#[derive(Debug)]
pub enum ReportFailure {
    /// The request or the configuration is wrong; nothing was fetched.
    Usage(String),
    /// Jira could not be read (the platform's error, with its kind and retry advice).
    Jira(plugboard_core::Error),
    /// The sprint asked for does not fit the board (none active, several active, not started).
    Sprint(String),
    /// Anything else.
    Failed(String),
}

impl From<CliError> for ReportFailure {
    fn from(e: CliError) -> Self {
        if e.is_usage() {
            Self::Usage(e.message().to_string())
        } else {
            Self::Failed(e.message().to_string())
        }
    }
}

impl From<ReportFailure> for CliError {
    fn from(e: ReportFailure) -> Self {
        match e {
            ReportFailure::Usage(m) => CliError::usage(m),
            ReportFailure::Jira(e) => CliError::failed(FetchError::Jira(e).to_string()),
            ReportFailure::Sprint(m) => CliError::failed(m),
            ReportFailure::Failed(m) => CliError::failed(m),
        }
    }
}

/// Fetches and computes a sprint report through the host's configuration: Jira must be
/// configured; GitHub is used when it is (else the report says so). `tune` adjusts each
/// platform's configuration before its client is built (the MCP tool caps rate-limit waits).
pub async fn build(
    request: &SprintRequest,
    config_path: Option<&Path>,
    tune: fn(&mut ConnectorConfig),
) -> Result<SprintReport, ReportFailure> {
    let registry = Registry::global();
    let config = HostConfig::load(config_path, registry)?;
    let mut jira_config =
        connector_config(&config, "jira", request.jira_connection.as_deref()).await?;
    if !has_credentials(&jira_config) {
        return Err(ReportFailure::Usage(
            "a sprint report needs Jira: set PLUGBOARD_JIRA_BASE_URL, PLUGBOARD_JIRA_EMAIL and \
             PLUGBOARD_JIRA_TOKEN (or [connectors.jira] in plugboard.toml), or connect it with \
             `plugboard connect jira`"
                .into(),
        ));
    }
    tune(&mut jira_config);
    let jira = JiraClient::from_config(&jira_config)
        .map_err(|e| ReportFailure::Usage(format!("connectors.jira: {}", e.message())))?;
    let mut github_config =
        connector_config(&config, "github", request.github_connection.as_deref()).await?;
    let github = if has_credentials(&github_config) {
        tune(&mut github_config);
        Some(
            GithubClient::from_config(&github_config)
                .map_err(|e| ReportFailure::Usage(format!("connectors.github: {}", e.message())))?,
        )
    } else {
        None
    };
    let data = fetch_sprint(
        &jira,
        github.as_ref(),
        &request.query,
        OffsetDateTime::now_utc(),
    )
    .await
    .map_err(|e| match e {
        FetchError::Jira(e) => ReportFailure::Jira(e),
        FetchError::Sprint(m) => ReportFailure::Sprint(m),
    })?;
    Ok(build_report(&data))
}

async fn connector_config(
    config: &HostConfig,
    id: &str,
    connection: Option<&str>,
) -> Result<ConnectorConfig, CliError> {
    let descriptor = Registry::global()
        .require(id)
        .map_err(|e| CliError::usage(e.message()))?;
    let mut connector_config = config.connector(descriptor);
    if let Some(auth) = HostCredentials::for_call(config, descriptor, connection).await? {
        connector_config.auth = Some(auth);
    }
    Ok(connector_config)
}

/// `--output`, or `sprint-<id>.<ext>`; `None` means standard output.
fn output_path(args: &SprintReportArgs) -> Result<Option<PathBuf>, CliError> {
    let stdout = args.output.as_deref() == Some(Path::new("-"));
    if args.format == ReportFormat::Pdf && stdout {
        return Err(CliError::usage("--format pdf needs --output <file>.pdf"));
    }
    if stdout {
        return Ok(None);
    }
    Ok(Some(match &args.output {
        Some(path) => path.clone(),
        None => {
            let ext = match args.format {
                ReportFormat::Html => "html",
                ReportFormat::Json => "json",
                ReportFormat::Markdown => "md",
                ReportFormat::Pdf => "pdf",
            };
            PathBuf::from(format!("sprint-{}.{ext}", args.sprint))
        }
    }))
}

/// Writes the report whole or not at all: a temporary file beside the target, then a rename.
fn write_output(path: Option<&Path>, bytes: &[u8]) -> Result<String, CliError> {
    let Some(path) = path else {
        let mut out = std::io::stdout().lock();
        out.write_all(bytes)
            .and_then(|()| out.flush())
            .map_err(|e| CliError::failed(format!("writing the report: {e}")))?;
        return Ok("standard output".into());
    };
    let fail = |e: std::io::Error| CliError::failed(format!("writing {}: {e}", path.display()));
    let name = path
        .file_name()
        .ok_or_else(|| CliError::usage(format!("--output {} is not a file", path.display())))?;
    let mut temp_name = std::ffi::OsString::from(".");
    temp_name.push(name);
    temp_name.push(".tmp");
    let temp = path.with_file_name(temp_name);
    std::fs::write(&temp, bytes).map_err(fail)?;
    std::fs::rename(&temp, path).map_err(fail)?;
    Ok(path.display().to_string())
}
