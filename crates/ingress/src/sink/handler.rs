//! [`HandlerSink`]: an in-process typed handler (`Ingress::builder().on::<GithubEvent>(..)`).
//! Entries of other connectors pass through untouched (`Ok`); an entry that does not parse
//! into the event type is a permanent failure (dead-lettered, replayable once the code is
//! fixed).

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;

use async_trait::async_trait;
use plugboard_core::WebhookEvent;
use plugboard_store::Entry;

use super::{Delivery, Sink, SinkError};

type BoxFuture = Pin<Box<dyn Future<Output = Result<(), SinkError>> + Send>>;
type HandlerFn<E> = dyn Fn(E, Delivery) -> BoxFuture + Send + Sync;

/// Delivers entries of `E::CONNECTOR` to an async handler as typed events.
pub struct HandlerSink<E: WebhookEvent> {
    name: String,
    handler: Arc<HandlerFn<E>>,
    _event: PhantomData<fn() -> E>,
}

impl<E: WebhookEvent> HandlerSink<E> {
    /// Wraps `handler`, an async function of the parsed event and its [`Delivery`] metadata.
    /// Its error decides what happens next: [`SinkError::Transient`] retries on the
    /// schedule, [`SinkError::Permanent`] dead-letters.
    pub fn new<F, Fut>(handler: F) -> Self
    where
        F: Fn(E, Delivery) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), SinkError>> + Send + 'static,
    {
        Self {
            name: format!("handler:{}", E::CONNECTOR),
            handler: Arc::new(move |event, delivery| Box::pin(handler(event, delivery))),
            _event: PhantomData,
        }
    }
}

impl<E: WebhookEvent> std::fmt::Debug for HandlerSink<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HandlerSink")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl<E: WebhookEvent> Sink for HandlerSink<E> {
    fn name(&self) -> &str {
        &self.name
    }

    async fn deliver(&self, entry: &Entry) -> Result<(), SinkError> {
        if entry.event.connector != E::CONNECTOR {
            return Ok(());
        }
        let event = E::parse(&entry.event.event_type, &entry.event.body).map_err(|e| {
            SinkError::permanent(format!(
                "{} event {:?} does not parse: {e}",
                E::CONNECTOR,
                entry.event.event_type
            ))
        })?;
        (self.handler)(event, Delivery::of(entry)).await
    }
}
