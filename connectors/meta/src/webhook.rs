//! Meta webhooks (Graph API, Instagram, WhatsApp, Messenger):
//!
//! - the subscription handshake, `GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`:
//!   the verify token is compared in constant time with the configured one, then the challenge
//!   is echoed;
//! - deliveries, `POST` with `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`
//!   under the app secret (Meta signs the body as sent, with unicode escaped, so the bytes are
//!   verified as received and never re-serialised);
//! - batches: one delivery carries up to 1000 `entry[]` items, split into one event each, with
//!   an id derived from the object, the entry's id and time, and a digest of the entry.

use std::time::SystemTime;

use plugboard_core::signing::{MacAlgorithm, verify_hmac_hex, verify_shared_token};
use plugboard_core::webhook::body_digest_id;
use plugboard_core::{
    Handshake, SecretString, VerifiedWebhook, WebhookError, WebhookEvent, WebhookRequest,
    WebhookSecrets, WebhookVerifier,
};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

/// The Meta verifier. The registered instance ([`META_WEBHOOKS`]) knows no verify token and
/// rejects handshakes; build one with [`MetaWebhookVerifier::with_verify_token`] (or
/// `MetaConnector::webhook_verifier_with_token`) to answer them.
#[derive(Debug, Clone, Default)]
pub struct MetaWebhookVerifier {
    verify_tokens: Option<WebhookSecrets>,
}

/// The registered instance: verifies deliveries; handshakes need a verify token.
pub static META_WEBHOOKS: MetaWebhookVerifier = MetaWebhookVerifier {
    verify_tokens: None,
};

impl MetaWebhookVerifier {
    /// A verifier that answers handshakes carrying `verify_token`.
    pub fn with_verify_token(verify_token: SecretString) -> Result<Self, WebhookError> {
        Ok(Self {
            verify_tokens: Some(WebhookSecrets::new(vec![verify_token])?),
        })
    }

    /// A verifier that answers handshakes carrying any of `verify_tokens` (rotation).
    pub fn with_verify_tokens(verify_tokens: WebhookSecrets) -> Self {
        Self {
            verify_tokens: Some(verify_tokens),
        }
    }
}

/// The head of a delivery: its object and the raw bytes of each entry.
#[derive(Deserialize)]
struct Batch<'a> {
    object: String,
    #[serde(borrow, default)]
    entry: Vec<&'a RawValue>,
}

/// What identifies an entry.
#[derive(Deserialize)]
struct EntryHead {
    #[serde(default)]
    id: Option<Value>,
    #[serde(default)]
    time: Option<Value>,
}

/// The event id of one entry: `{object}:{entry id}:{time}:{16 hex digits of its digest}`.
/// The digest keeps two changes of the same object in the same second apart; a redelivery of
/// the same entry gets the same id.
fn entry_id(object: &str, raw: &RawValue) -> String {
    let head: EntryHead = serde_json::from_str(raw.get()).unwrap_or(EntryHead {
        id: None,
        time: None,
    });
    let text = |v: Option<Value>| match v {
        Some(Value::String(s)) => s,
        Some(Value::Null) | None => "-".to_string(),
        Some(other) => other.to_string(),
    };
    let digest = body_digest_id(raw.get().as_bytes());
    let short = digest.trim_start_matches("sha256:");
    format!(
        "{object}:{}:{}:{}",
        text(head.id),
        text(head.time),
        &short[..16.min(short.len())]
    )
}

impl WebhookVerifier for MetaWebhookVerifier {
    fn scheme(&self) -> &'static str {
        "X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body> under the app secret; GET hub.challenge handshake"
    }

    fn handshake(
        &self,
        request: &WebhookRequest<'_>,
        _secrets: &WebhookSecrets,
        _now: SystemTime,
    ) -> Option<Result<Handshake, WebhookError>> {
        if *request.method != http::Method::GET {
            return None;
        }
        let mode = request.query_param("hub.mode")?;
        Some(answer(request, &mode, self.verify_tokens.as_ref()))
    }

    fn verify(
        &self,
        request: &WebhookRequest<'_>,
        secrets: &WebhookSecrets,
        now: SystemTime,
    ) -> Result<VerifiedWebhook, WebhookError> {
        let header = request.require_header("x-hub-signature-256")?;
        let (method, hex) = header.split_once('=').ok_or_else(|| {
            WebhookError::Malformed("X-Hub-Signature-256 has no method= prefix".into())
        })?;
        let algorithm = MacAlgorithm::from_prefix(method)?;
        if algorithm != MacAlgorithm::Sha256 {
            return Err(WebhookError::UnsupportedAlgorithm(method.to_string()));
        }
        let proof = verify_hmac_hex(algorithm, secrets, &[request.body], hex)?;
        let (event_id, event_type, entries) =
            match serde_json::from_slice::<Batch<'_>>(request.body) {
                Ok(batch) => {
                    let id = match batch.entry.as_slice() {
                        [one] => entry_id(&batch.object, one),
                        _ => body_digest_id(request.body),
                    };
                    (id, batch.object, batch.entry.len())
                }
                Err(_) => (body_digest_id(request.body), "unknown".to_string(), 0),
            };
        Ok(
            VerifiedWebhook::new(proof, event_id, event_type, request.body.clone(), now)
                .with_attribute("entries", entries.to_string()),
        )
    }

    /// One event per `entry[]` item; the body of each is the entry's own JSON, cut from the
    /// verified body byte for byte, and its type is the delivery's `object`.
    fn split(&self, delivery: VerifiedWebhook) -> Vec<VerifiedWebhook> {
        let body = delivery.body().clone();
        let Ok(batch) = serde_json::from_slice::<Batch<'_>>(&body) else {
            return vec![delivery];
        };
        if batch.entry.is_empty() {
            return vec![delivery];
        }
        batch
            .entry
            .iter()
            .map(|raw| {
                let part = body.slice_ref(raw.get().as_bytes());
                delivery.part(entry_id(&batch.object, raw), batch.object.clone(), part)
            })
            .collect()
    }
}

fn answer(
    request: &WebhookRequest<'_>,
    mode: &str,
    verify_tokens: Option<&WebhookSecrets>,
) -> Result<Handshake, WebhookError> {
    if mode != "subscribe" {
        return Err(WebhookError::Malformed(format!(
            "hub.mode is {mode:?}, expected \"subscribe\""
        )));
    }
    let challenge = request
        .query_param("hub.challenge")
        .filter(|c| !c.is_empty())
        .ok_or_else(|| WebhookError::Malformed("no hub.challenge".into()))?;
    let provided = request
        .query_param("hub.verify_token")
        .ok_or_else(|| WebhookError::Malformed("no hub.verify_token".into()))?;
    let tokens = verify_tokens.ok_or(WebhookError::NoSecret)?;
    verify_shared_token(tokens, &provided)?;
    Ok(Handshake::echo(challenge))
}

/// One change in an entry (`changes[]`): the subscribed field and its value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// The field (`feed`, `leadgen`, `messages`, `comments`...).
    pub field: String,
    /// The change, shaped per field.
    #[serde(default)]
    pub value: Value,
}

/// One `entry[]` item: the object that changed, when, and what.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// The id of the object that changed (Page, Instagram account, WhatsApp business
    /// account...).
    #[serde(deserialize_with = "text")]
    pub id: String,
    /// When, Unix seconds (milliseconds for some Messenger events).
    #[serde(default)]
    pub time: Option<i64>,
    /// Field changes.
    #[serde(default)]
    pub changes: Vec<Change>,
    /// Messenger / Instagram messaging events.
    #[serde(default)]
    pub messaging: Vec<Value>,
    /// Every other field Meta sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A whole (unsplit) delivery.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Delivery {
    /// `page`, `instagram`, `whatsapp_business_account`, `user`, `permissions`...
    pub object: String,
    /// The entries.
    #[serde(default)]
    pub entry: Vec<Entry>,
}

/// A Meta webhook event, as a handler receives it after [`split`](WebhookVerifier::split):
/// one entry, typed by the delivery's `object`. An object type plugboard does not know, or an
/// entry of an unexpected shape, arrives as `Unknown` with its raw JSON.
#[derive(Debug, Clone, PartialEq)]
pub enum MetaEvent {
    /// A Page change (`object: page`): feed, mentions, leadgen, Messenger messages...
    Page(Entry),
    /// An Instagram account change (`object: instagram`): comments, mentions, messages...
    Instagram(Entry),
    /// A WhatsApp Business Account change (`object: whatsapp_business_account`).
    WhatsappBusinessAccount(Entry),
    /// A user change (`object: user`).
    User(Entry),
    /// A permission change (`object: permissions`).
    Permissions(Entry),
    /// An unsplit delivery with several entries.
    Batch(Delivery),
    /// Anything else.
    Unknown {
        /// The event type the verifier reported.
        event: String,
        /// The body.
        raw: Value,
    },
}

impl WebhookEvent for MetaEvent {
    const CONNECTOR: &'static str = "meta";

    fn parse(event_type: &str, body: &[u8]) -> Result<Self, serde_json::Error> {
        let raw: Value = serde_json::from_slice(body)?;
        if raw.get("entry").is_some_and(Value::is_array) {
            if let Ok(delivery) = serde_json::from_value::<Delivery>(raw.clone()) {
                return Ok(match <[Entry; 1]>::try_from(delivery.entry.clone()) {
                    Ok([one]) => typed(&delivery.object, one),
                    Err(_) => Self::Batch(delivery),
                });
            }
            return Ok(Self::Unknown {
                event: event_type.to_string(),
                raw,
            });
        }
        Ok(match serde_json::from_value::<Entry>(raw.clone()) {
            Ok(entry) => match typed(event_type, entry) {
                Self::Unknown { .. } => Self::Unknown {
                    event: event_type.to_string(),
                    raw,
                },
                known => known,
            },
            Err(_) => Self::Unknown {
                event: event_type.to_string(),
                raw,
            },
        })
    }
}

fn typed(object: &str, entry: Entry) -> MetaEvent {
    match object {
        "page" => MetaEvent::Page(entry),
        "instagram" => MetaEvent::Instagram(entry),
        "whatsapp_business_account" => MetaEvent::WhatsappBusinessAccount(entry),
        "user" => MetaEvent::User(entry),
        "permissions" => MetaEvent::Permissions(entry),
        other => MetaEvent::Unknown {
            event: other.to_string(),
            raw: serde_json::to_value(&entry).unwrap_or(Value::Null),
        },
    }
}

fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match Value::deserialize(d)? {
        Value::String(s) => Ok(s),
        Value::Number(n) => Ok(n.to_string()),
        other => Err(serde::de::Error::custom(format!(
            "expected an id, got {other}"
        ))),
    }
}
