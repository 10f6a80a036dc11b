//! Embedding the sprint report, shared by the binary (`src/main.rs`) and its tests: gather a
//! Jira sprint and the GitHub work done in it, compute the report, keep the full markdown,
//! and post a short headline to a Slack channel.

use plugboard_core::Error;
use plugboard_github::GithubClient;
use plugboard_jira::JiraClient;
use plugboard_reports::fetch::{SprintQuery, fetch_sprint};
use plugboard_reports::{Format, SprintReport, build_report, render};
use plugboard_slack::SlackClient;
use plugboard_slack::api::chat::PostMessage;

/// What one run produced.
pub struct Outcome {
    /// The computed report.
    pub report: SprintReport,
    /// The whole report as markdown (for a pull request comment or a file).
    pub markdown: String,
    /// The Slack message's timestamp, when one was posted.
    pub posted: Option<String>,
}

/// Reports on the sprint `query` names and, with a Slack client, posts [`headline`] to
/// `channel`. GitHub is optional: without it the report is Jira-only and says so.
pub async fn report_and_post(
    jira: &JiraClient,
    github: Option<&GithubClient>,
    slack: Option<(&SlackClient, &str)>,
    query: &SprintQuery,
) -> Result<Outcome, Box<dyn std::error::Error + Send + Sync>> {
    let data = fetch_sprint(jira, github, query, time::OffsetDateTime::now_utc()).await?;
    let report = build_report(&data);
    let markdown = render(&report, Format::Markdown)?;
    let posted = match slack {
        Some((client, channel)) => Some(post(client, channel, &report).await?),
        None => None,
    };
    Ok(Outcome {
        report,
        markdown,
        posted,
    })
}

async fn post(client: &SlackClient, channel: &str, report: &SprintReport) -> Result<String, Error> {
    let message = PostMessage {
        channel: channel.to_string(),
        text: Some(headline(report)),
        unfurl_links: Some(false),
        ..Default::default()
    };
    Ok(client.chat().post_message(&message).await?.ts)
}

/// One Slack message (mrkdwn, platform text escaped) with the numbers a team reads first.
pub fn headline(report: &SprintReport) -> String {
    let s = &report.summary;
    let percent = s
        .completion_points_percent
        .map(|p| format!(" ({p:.0}%)"))
        .unwrap_or_default();
    let mut text = format!(
        "*{}*: {} of {} points done{percent}, {} of {} issues; {} carried over.",
        slack_escape(&report.sprint.name),
        s.completed.points,
        s.scope_at_end.points,
        s.completed.issues,
        s.scope_at_end.issues,
        s.carried_over.issues,
    );
    if s.added.issues + s.removed.issues > 0 {
        text.push_str(&format!(
            " Scope: +{} / -{} issues.",
            s.added.issues, s.removed.issues
        ));
    }
    if report.github_available {
        text.push_str(&format!(
            " {} pull requests ({} merged, {} without an issue key).",
            s.pulls, s.pulls_merged, s.pulls_unlinked
        ));
    }
    for warning in &report.warnings {
        text.push_str(&format!("\n:warning: {}", slack_escape(warning)));
    }
    text
}

/// Slack's mrkdwn escapes: `&`, `<` and `>` only.
fn slack_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
