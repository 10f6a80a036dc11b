//! [`VerifiedWebhook`]: a delivery whose signature was checked; the only form handlers receive.

use std::collections::BTreeMap;
use std::time::SystemTime;

use bytes::Bytes;
use sha2::{Digest, Sha256};

use crate::signing::SignatureOk;

/// A verified delivery: its platform event id (or a body digest), its type, and the raw body.
#[derive(Debug, Clone)]
pub struct VerifiedWebhook {
    event_id: String,
    event_type: String,
    body: Bytes,
    received_at: SystemTime,
    attributes: BTreeMap<String, String>,
}

impl VerifiedWebhook {
    /// Builds a verified delivery; requires the proof that the signature check passed.
    pub fn new(
        _proof: SignatureOk,
        event_id: impl Into<String>,
        event_type: impl Into<String>,
        body: Bytes,
        received_at: SystemTime,
    ) -> Self {
        Self {
            event_id: event_id.into(),
            event_type: event_type.into(),
            body,
            received_at,
            attributes: BTreeMap::new(),
        }
    }

    /// Adds a platform attribute worth keeping (e.g. `retry_num`).
    pub fn with_attribute(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.attributes.insert(key.into(), value.into());
        self
    }

    /// The idempotency key: the platform's own event id, else `sha256:<digest of body>`.
    pub fn event_id(&self) -> &str {
        &self.event_id
    }

    /// The event type (`issues`, `event_callback:message`...).
    pub fn event_type(&self) -> &str {
        &self.event_type
    }

    /// The raw body, byte for byte as received.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// When it was received.
    pub fn received_at(&self) -> SystemTime {
        self.received_at
    }

    /// Platform attributes.
    pub fn attributes(&self) -> &BTreeMap<String, String> {
        &self.attributes
    }

    /// One event carried inside this verified delivery (Meta batches several in `entry[]`):
    /// it inherits the proof, the receive time and the attributes; `body` is the event's own
    /// JSON, cut from the verified body.
    pub fn part(
        &self,
        event_id: impl Into<String>,
        event_type: impl Into<String>,
        body: Bytes,
    ) -> Self {
        Self {
            event_id: event_id.into(),
            event_type: event_type.into(),
            body,
            received_at: self.received_at,
            attributes: self.attributes.clone(),
        }
    }
}

/// An event id derived from the body when the platform sends none: `sha256:<hex>`.
pub fn body_digest_id(body: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(body)))
}
