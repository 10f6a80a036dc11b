//! Embeds plugboard's GitHub client in an application: lists a repository's open issues across
//! every page, then verifies a webhook delivery the way an HTTP handler would.
//!
//! ```sh
//! PLUGBOARD_GITHUB_TOKEN=ghp_... cargo run -p example-embed-github -- rust-lang rust
//! ```
//! Without arguments it only runs the webhook half, offline.

use std::time::SystemTime;

use bytes::Bytes;
use futures::TryStreamExt;
use http::{HeaderMap, Method};
use plugboard_core::{ConnectorConfig, WebhookRequest, WebhookSecrets, WebhookVerifier};
use plugboard_github::api::issues::{ListIssues, StateFilter};
use plugboard_github::{GITHUB_WEBHOOKS, GithubClient, INFO};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [owner, repo] = args.as_slice() {
        let github = GithubClient::from_config(&ConnectorConfig::from_env(INFO.id)?)?;
        let input = ListIssues {
            owner: owner.clone(),
            repo: repo.clone(),
            state: Some(StateFilter::Open),
            per_page: Some(100),
            ..Default::default()
        };
        let mut issues = github.issues().list_all(&input);
        let mut count = 0;
        while let Some(issue) = issues.try_next().await? {
            count += 1;
            if count <= 5 {
                println!("#{} {}", issue.number, issue.title);
            }
        }
        println!("{count} open issues and pull requests in {owner}/{repo}");
    }

    // A delivery as an HTTP framework hands it over: headers and the raw body bytes.
    let mut headers = HeaderMap::new();
    headers.insert(
        "x-hub-signature-256",
        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17".parse()?,
    );
    headers.insert("x-github-event", "ping".parse()?);
    headers.insert(
        "x-github-delivery",
        "72d3162e-cc78-11e3-81ab-4c9367dc0958".parse()?,
    );
    let body = Bytes::from_static(b"Hello, World!");
    let secrets = WebhookSecrets::from_strs(["It's a Secret to Everybody"])?;
    let request = WebhookRequest {
        method: &Method::POST,
        headers: &headers,
        query: None,
        body: &body,
    };
    let verified = GITHUB_WEBHOOKS.verify(&request, &secrets, SystemTime::now())?;
    println!(
        "verified {} delivery {}",
        verified.event_type(),
        verified.event_id()
    );
    Ok(())
}
