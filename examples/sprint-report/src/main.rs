//! `example-sprint-report <board> <owner/repo>...`: the active sprint's report as markdown on
//! stdout, and its headline in Slack when `SLACK_CHANNEL` is set. Configure the platforms with
//! `PLUGBOARD_JIRA_BASE_URL`, `PLUGBOARD_JIRA_EMAIL`, `PLUGBOARD_JIRA_TOKEN`,
//! `PLUGBOARD_GITHUB_TOKEN` and `PLUGBOARD_SLACK_TOKEN`.

use example_sprint_report::report_and_post;
use plugboard_core::ConnectorConfig;
use plugboard_github::GithubClient;
use plugboard_jira::JiraClient;
use plugboard_reports::fetch::{SprintQuery, SprintSelector};
use plugboard_slack::SlackClient;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

fn config(id: &'static str) -> Result<ConnectorConfig, BoxError> {
    let mut config = ConnectorConfig::default();
    config.apply_env(plugboard_core::ConnectorId::new(id), |k| {
        std::env::var(k).ok()
    })?;
    Ok(config)
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let mut args = std::env::args().skip(1);
    let board: u64 = args
        .next()
        .ok_or("usage: example-sprint-report <board> <owner/repo>...")?
        .parse()?;
    let repos = args
        .map(|r| r.parse())
        .collect::<Result<Vec<_>, String>>()?;
    let mut jira_config = config("jira")?;
    if let Ok(email) = std::env::var("PLUGBOARD_JIRA_EMAIL") {
        jira_config.settings.insert("email".into(), email);
    }
    let jira = JiraClient::from_config(&jira_config)?;
    let github_config = config("github")?;
    let github = match github_config.token {
        Some(_) => Some(GithubClient::from_config(&github_config)?),
        None => None,
    };
    let slack = match std::env::var("SLACK_CHANNEL") {
        Ok(channel) => Some((SlackClient::from_config(&config("slack")?)?, channel)),
        Err(_) => None,
    };
    let query = SprintQuery::new(board, SprintSelector::Active, repos);
    let outcome = report_and_post(
        &jira,
        github.as_ref(),
        slack.as_ref().map(|(c, ch)| (c, ch.as_str())),
        &query,
    )
    .await?;
    print!("{}", outcome.markdown);
    if let Some(ts) = outcome.posted {
        eprintln!("posted to Slack at {ts}");
    }
    Ok(())
}
