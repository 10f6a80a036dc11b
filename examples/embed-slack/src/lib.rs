//! The two halves of embedding plugboard's Slack connector, shared by the binary
//! (`src/main.rs`) and its tests: posting through the typed [`SlackClient`], and receiving
//! Events API deliveries in-process with [`plugboard_ingress`].

use std::future::Future;
use std::sync::Arc;

use plugboard_core::{Error, WebhookSecrets};
use plugboard_ingress::{BuildError, Delivery, Ingress, SinkError};
use plugboard_slack::api::chat::PostMessage;
use plugboard_slack::events::InnerEvent;
use plugboard_slack::models::PostedMessage;
use plugboard_slack::{INFO, SLACK_WEBHOOKS, SlackClient, SlackEvent};
use plugboard_store::MemoryStore;

/// Calling: posts `text` to `channel` (`chat.postMessage`), in the thread of `thread_ts`
/// when given.
pub async fn post(
    slack: &SlackClient,
    channel: &str,
    text: &str,
    thread_ts: Option<&str>,
) -> Result<PostedMessage, Error> {
    let message = PostMessage {
        channel: channel.into(),
        text: Some(text.into()),
        thread_ts: thread_ts.map(Into::into),
        ..Default::default()
    };
    slack.chat().post_message(&message).await
}

/// Receiving: an ingress whose router serves `POST /webhooks/slack` (and `/health`,
/// `/metrics`) — the app's Events API Request URL. Every request is verified over its raw
/// bytes (`v0` signature under the signing secret, timestamp within five minutes; the
/// previous secret too while rotating). The `url_verification` handshake is answered with
/// its challenge once the signature checks out; a retry of an event Slack already delivered
/// (same `event_id`) is acknowledged without being handed over again; every other request
/// reaches `handler` as a typed [`SlackEvent`].
///
/// The store is in memory, so events not yet handled are lost if the process dies; an app
/// that must keep them opens a durable store instead
/// (`plugboard_store::open("sqlite://plugboard.db").await?`).
pub fn events_ingress<F, Fut>(secrets: WebhookSecrets, handler: F) -> Result<Ingress, BuildError>
where
    F: Fn(SlackEvent, Delivery) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), SinkError>> + Send + 'static,
{
    Ingress::builder()
        .store(Arc::new(MemoryStore::new()))
        .endpoint(INFO.id, &SLACK_WEBHOOKS, Some(secrets))
        .on::<SlackEvent, _, _>(handler)
        .build()
}

/// What this app does with an event: it answers every mention in the mention's thread, and
/// prints the others.
///
/// Delivery is at-least-once: after a failure the handler may see the same event again
/// (`delivery.event_id` is stable), so an app whose reaction must not repeat remembers the
/// ids it has handled.
pub async fn on_event(
    slack: &SlackClient,
    event: SlackEvent,
    delivery: &Delivery,
) -> Result<(), SinkError> {
    match event {
        SlackEvent::EventCallback(callback) => match &callback.event {
            InnerEvent::AppMention(mention) => {
                let thread = mention.thread_ts.as_deref().unwrap_or(&mention.ts);
                let text = format!("Hi <@{}>, I'm on it.", mention.user);
                post(slack, &mention.channel, &text, Some(thread))
                    .await
                    .map_err(sink_error)?;
            }
            other => println!("{} in {}", other.kind(), callback.team_id),
        },
        _ => println!("{} (event {})", delivery.event_type, delivery.event_id),
    }
    Ok(())
}

/// A client error as the ingress sees it: a transient one (network, 5xx, `ratelimited`) is
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
