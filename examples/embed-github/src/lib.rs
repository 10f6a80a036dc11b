//! The two halves of embedding plugboard's GitHub connector, shared by the binary
//! (`src/main.rs`) and its tests: calling GitHub through the typed [`GithubClient`], and
//! receiving GitHub's webhooks in-process with [`plugboard_ingress`].

use std::future::Future;
use std::sync::Arc;

use futures::TryStreamExt;
use plugboard_core::{Error, WebhookSecrets};
use plugboard_github::api::issues::{CommentOnIssue, ListIssues, StateFilter};
use plugboard_github::models::Issue;
use plugboard_github::{GITHUB_WEBHOOKS, GithubClient, GithubEvent, INFO};
use plugboard_ingress::{BuildError, Delivery, Ingress, SinkError};
use plugboard_store::MemoryStore;

/// Calling: every open issue (pull requests included, as GitHub lists them) of
/// `owner/repo`, following GitHub's `Link` pages.
pub async fn open_issues(
    github: &GithubClient,
    owner: &str,
    repo: &str,
) -> Result<Vec<Issue>, Error> {
    let input = ListIssues {
        owner: owner.into(),
        repo: repo.into(),
        state: Some(StateFilter::Open),
        per_page: Some(100),
        ..Default::default()
    };
    github.issues().list_all(&input).try_collect().await
}

/// Receiving: an ingress whose router serves `POST /webhooks/github` (and `/health`,
/// `/metrics`). Each delivery is verified over its raw bytes against `secrets` (the current
/// secret, then the previous one while rotating), a redelivery of the same
/// `X-GitHub-Delivery` is acknowledged without being handed over again, and every event
/// reaches `handler` as a typed [`GithubEvent`].
///
/// The store is in memory, so events not yet handled are lost if the process dies; an app
/// that must keep them opens a durable store instead
/// (`plugboard_store::open("sqlite://plugboard.db").await?`).
pub fn webhook_ingress<F, Fut>(secrets: WebhookSecrets, handler: F) -> Result<Ingress, BuildError>
where
    F: Fn(GithubEvent, Delivery) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), SinkError>> + Send + 'static,
{
    Ingress::builder()
        .store(Arc::new(MemoryStore::new()))
        .endpoint(INFO.id, &GITHUB_WEBHOOKS, Some(secrets))
        .on::<GithubEvent, _, _>(handler)
        .build()
}

/// What this app does with an event: it thanks the author of every newly opened issue, and
/// prints the others.
///
/// Delivery is at-least-once: after a failure the handler may see the same event again
/// (`delivery.event_id` is stable), so an app whose reaction must not repeat remembers the
/// ids it has handled.
pub async fn on_event(
    github: &GithubClient,
    event: GithubEvent,
    delivery: &Delivery,
) -> Result<(), SinkError> {
    match event {
        GithubEvent::Issues(e) if e.action == "opened" => {
            let thanks = CommentOnIssue {
                owner: e.repository.owner.login.clone(),
                repo: e.repository.name.clone(),
                issue_number: e.issue.number,
                body: format!("Thanks for the report, @{}!", e.sender.login),
            };
            github.issues().comment(&thanks).await.map_err(sink_error)?;
        }
        other => println!(
            "{} {} (delivery {})",
            other.event_type(),
            other.action().unwrap_or("-"),
            delivery.event_id
        ),
    }
    Ok(())
}

/// A client error as the ingress sees it: a transient one (network, 5xx, rate limit) is
/// retried on the ingress's schedule, any other goes to the dead-letter queue.
pub fn sink_error(error: Error) -> SinkError {
    if error.is_transient() {
        SinkError::Transient {
            message: error.to_string(),
            retry_after: error.retry_after(),
        }
    } else {
        SinkError::permanent(error.to_string())
    }
}
