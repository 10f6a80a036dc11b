//! Embeds plugboard's Slack connector in an application, both halves at once:
//!
//! - calling Slack with the typed client: given a channel id, it posts a greeting there
//!   (`chat.postMessage`);
//! - receiving Slack's Events API in-process: it serves `POST /webhooks/slack` (plus
//!   `GET /health` and `GET /metrics`), answers the `url_verification` handshake, and replies
//!   in the thread of every message that mentions the app.
//!
//! ```sh
//! export PLUGBOARD_SLACK_TOKEN=xoxb-...           # the bot token (scope chat:write)
//! export PLUGBOARD_SLACK_WEBHOOK_SECRET=...        # the app's signing secret
//! PORT=3000 cargo run -p example-embed-slack -- C0123456789
//! ```
//!
//! In the app's settings, enable Event Subscriptions with the Request URL
//! `https://<public host>/webhooks/slack` (e.g. through a tunnel to `127.0.0.1:$PORT`) and
//! subscribe to the bot event `app_mention`. Ctrl-C stops it gracefully: no new requests,
//! the running deliveries finish.

use std::net::Ipv4Addr;

use example_embed_slack::{events_ingress, on_event, post};
use plugboard_core::{ConnectorConfig, WebhookSecrets};
use plugboard_slack::{INFO, SlackClient};
use tokio::net::TcpListener;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // PLUGBOARD_SLACK_TOKEN, _WEBHOOK_SECRET, _WEBHOOK_SECRET_PREVIOUS, _BASE_URL...
    let config = ConnectorConfig::from_env(INFO.id)?;
    let slack = SlackClient::from_config(&config)?;

    // Calling.
    if let Some(channel) = std::env::args().nth(1) {
        let posted = post(&slack, &channel, "embed-slack is listening", None).await?;
        println!("posted {} to {}", posted.ts, posted.channel);
    }

    // Receiving. The secrets are the current one and, during a rotation, the previous one.
    let secrets = WebhookSecrets::new(config.webhook_secrets.clone())
        .map_err(|_| "set PLUGBOARD_SLACK_WEBHOOK_SECRET to the app's signing secret")?;
    let ingress = events_ingress(secrets, move |event, delivery| {
        let slack = slack.clone();
        async move { on_event(&slack, event, &delivery).await }
    })?;
    let port = match std::env::var("PORT") {
        Ok(port) => port.parse()?,
        Err(_) => 3000,
    };
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await?;
    println!(
        "receiving on http://{}/webhooks/slack",
        listener.local_addr()?
    );
    ingress
        .serve(listener, async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
