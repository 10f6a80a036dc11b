//! Sinks: where workers deliver verified events. The [`Sink`] trait, its [`SinkError`] and the
//! four built-in sinks (HTTP with Standard Webhooks signatures, JSON lines, command, in-process
//! typed handler).

pub mod command;
pub mod handler;
pub mod http;
pub mod jsonl;

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use plugboard_store::{Entry, EntryId, from_unix_millis};

pub use command::CommandSink;
pub use handler::HandlerSink;
pub use http::HttpSink;
pub use jsonl::JsonlSink;

/// A delivery target. A worker calls [`deliver`](Sink::deliver) for each leased entry on every
/// sink; the entry is done when all of them return `Ok`. Delivery is at-least-once, so a sink
/// should tolerate seeing an event twice (the event id and `webhook-id` are stable).
#[async_trait]
pub trait Sink: Send + Sync + 'static {
    /// The sink's name in metrics (`sink` label) and logs.
    fn name(&self) -> &str;

    /// Delivers one entry. `Ok` when the target has durably accepted it.
    async fn deliver(&self, entry: &Entry) -> Result<(), SinkError>;
}

/// Why a delivery failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SinkError {
    /// Worth retrying on the schedule (network error, timeout, 5xx, 429, exit 75).
    #[error("transient: {message}")]
    Transient {
        /// What happened (never a secret).
        message: String,
        /// The target asked to wait at least this long (`Retry-After`).
        retry_after: Option<Duration>,
    },
    /// Retrying cannot help (4xx, unparseable event, non-zero exit): the entry goes to the
    /// dead-letter queue at once.
    #[error("permanent: {message}")]
    Permanent {
        /// What happened (never a secret).
        message: String,
    },
}

impl SinkError {
    /// A transient failure.
    pub fn transient(message: impl Into<String>) -> Self {
        Self::Transient {
            message: message.into(),
            retry_after: None,
        }
    }

    /// A permanent failure.
    pub fn permanent(message: impl Into<String>) -> Self {
        Self::Permanent {
            message: message.into(),
        }
    }

    /// Whether it is [`SinkError::Permanent`].
    pub fn is_permanent(&self) -> bool {
        matches!(self, Self::Permanent { .. })
    }

    /// The message.
    pub fn message(&self) -> &str {
        match self {
            Self::Transient { message, .. } | Self::Permanent { message } => message,
        }
    }
}

/// What a typed handler learns about the event besides its parsed value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The inbox entry's id.
    pub entry_id: EntryId,
    /// The connector it came through.
    pub connector: String,
    /// The connection, for per-connection URLs.
    pub connection: Option<String>,
    /// The platform's event id (the idempotency key).
    pub event_id: String,
    /// The event type.
    pub event_type: String,
    /// When plugboard received it.
    pub received_at: SystemTime,
    /// This attempt's number, from 1.
    pub attempt: u32,
    /// Platform attributes kept from the delivery.
    pub attributes: BTreeMap<String, String>,
}

impl Delivery {
    /// The metadata of `entry`.
    pub fn of(entry: &Entry) -> Self {
        Self {
            entry_id: entry.id,
            connector: entry.event.connector.clone(),
            connection: entry.event.connection.clone(),
            event_id: entry.event.event_id.clone(),
            event_type: entry.event.event_type.clone(),
            received_at: from_unix_millis(entry.event.received_at_ms),
            attempt: entry.attempts.saturating_add(1),
            attributes: entry.event.attributes.clone(),
        }
    }
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ` (UTC) for a time in Unix milliseconds.
pub fn rfc3339_millis(unix_ms: i64) -> String {
    let ms = unix_ms.max(0);
    let (secs, milli) = (ms / 1000, ms % 1000);
    let (days, of_day) = (secs / 86_400, secs % 86_400);
    let (year, month, day) = date_of(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{milli:03}Z",
        of_day / 3600,
        of_day % 3600 / 60,
        of_day % 60
    )
}

/// The civil date `days` after 1970-01-01 (proleptic Gregorian).
fn date_of(days: i64) -> (i64, u32, u32) {
    let mut year = 1970;
    let mut left = days;
    loop {
        let len = if is_leap(year) { 366 } else { 365 };
        if left < len {
            break;
        }
        left -= len;
        year += 1;
    }
    let lengths = [
        31,
        if is_leap(year) { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    let mut month = 1;
    for len in lengths {
        if left < len {
            break;
        }
        left -= len;
        month += 1;
    }
    (year, month, left as u32 + 1)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_utc_millis() {
        assert_eq!(rfc3339_millis(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            rfc3339_millis(1_614_265_330_042),
            "2021-02-25T15:02:10.042Z"
        );
        assert_eq!(rfc3339_millis(951_782_400_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(
            rfc3339_millis(1_709_251_199_000),
            "2024-02-29T23:59:59.000Z"
        );
        assert_eq!(
            rfc3339_millis(4_107_542_399_999),
            "2100-02-28T23:59:59.999Z"
        );
    }
}
