//! Embeds plugboard's GitHub connector in an application, both halves at once:
//!
//! - calling GitHub with the typed client: given `OWNER REPO`, it prints the repository's
//!   open issues;
//! - receiving GitHub's webhooks in-process: it serves `POST /webhooks/github` (plus
//!   `GET /health` and `GET /metrics`) and comments on every newly opened issue.
//!
//! ```sh
//! export PLUGBOARD_GITHUB_TOKEN=ghp_...          # for the API calls
//! export PLUGBOARD_GITHUB_WEBHOOK_SECRET=...      # the webhook's secret
//! PORT=3000 cargo run -p example-embed-github -- octocat Hello-World
//! ```
//!
//! Point the repository's webhook (content type `application/json`, same secret) at
//! `https://<public host>/webhooks/github`, e.g. through a tunnel to `127.0.0.1:$PORT`.
//! Ctrl-C stops it gracefully: no new requests, the running deliveries finish.

use std::net::Ipv4Addr;

use example_embed_github::{on_event, open_issues, webhook_ingress};
use plugboard_core::{ConnectorConfig, WebhookSecrets};
use plugboard_github::{GithubClient, INFO};
use tokio::net::TcpListener;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // PLUGBOARD_GITHUB_TOKEN, _WEBHOOK_SECRET, _WEBHOOK_SECRET_PREVIOUS, _BASE_URL...
    let config = ConnectorConfig::from_env(INFO.id)?;
    let github = GithubClient::from_config(&config)?;

    // Calling.
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [owner, repo] = args.as_slice() {
        let issues = open_issues(&github, owner, repo).await?;
        for issue in issues.iter().take(5) {
            println!("#{} {}", issue.number, issue.title);
        }
        println!(
            "{} open issues and pull requests in {owner}/{repo}",
            issues.len()
        );
    }

    // Receiving. The secrets are the current one and, during a rotation, the previous one.
    let secrets = WebhookSecrets::new(config.webhook_secrets.clone())
        .map_err(|_| "set PLUGBOARD_GITHUB_WEBHOOK_SECRET to the webhook's secret")?;
    let ingress = webhook_ingress(secrets, move |event, delivery| {
        let github = github.clone();
        async move { on_event(&github, event, &delivery).await }
    })?;
    let port = match std::env::var("PORT") {
        Ok(port) => port.parse()?,
        Err(_) => 3000,
    };
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await?;
    println!(
        "receiving on http://{}/webhooks/github",
        listener.local_addr()?
    );
    ingress
        .serve(listener, async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
