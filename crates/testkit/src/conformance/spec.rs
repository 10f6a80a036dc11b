//! What a connector tells the conformance suite: its descriptor and a few mocked calls and a
//! golden webhook, as plain data and function pointers.

use futures::future::BoxFuture;
use plugboard_core::ConnectorDescriptor;
use serde_json::Value;

use crate::mock::MockPlatform;
use crate::webhooks::SignedDelivery;

/// Everything the suite needs to exercise one connector.
///
/// The suite derives the rest from the descriptor: it builds the connector with
/// `(descriptor.build)(config)` pointed at a [`MockPlatform`], and reads idempotency,
/// pagination and webhook support from the descriptor's data.
#[derive(Debug, Clone)]
pub struct ConformanceSpec {
    /// The connector's descriptor, e.g. `&plugboard_github::DESCRIPTOR`.
    pub descriptor: &'static ConnectorDescriptor,
    /// An idempotent read operation (retried on 5xx, honours `Retry-After`).
    pub read: MockedCall,
    /// A non-idempotent operation (never retried on 5xx); `None` only if the connector has no
    /// non-idempotent operation.
    pub write: Option<MockedCall>,
    /// A paginated operation; `None` only if no operation paginates.
    pub paginated: Option<PaginatedCall>,
    /// The golden webhook; `None` only if the connector has no webhook verifier.
    pub webhook: Option<WebhookCase>,
}

/// One operation call and the single HTTP request it is expected to make.
#[derive(Debug, Clone)]
pub struct MockedCall {
    /// The operation id, e.g. `repos.get`.
    pub operation: &'static str,
    /// The JSON input passed to `Connector::call`.
    pub input: Value,
    /// The HTTP method the call must use, e.g. `GET`.
    pub method: &'static str,
    /// The exact path the call must request, as the platform documents it, e.g. `/repos/o/r`.
    pub path: &'static str,
    /// The body of a successful answer (status 200 for reads, 201 for writes).
    pub response: Value,
}

/// A paginated operation and the mocks that serve its pages.
#[derive(Debug, Clone)]
pub struct PaginatedCall {
    /// The operation id, e.g. `issues.list`.
    pub operation: &'static str,
    /// The JSON input passed to `Connector::call_all`.
    pub input: Value,
    /// How many items `call_all` must yield across every page.
    pub expected_items: usize,
    /// Mounts the page mocks, typically with
    /// [`MockPlatform::mount_link_header_pages`] or [`MockPlatform::mount_page_number_pages`]:
    /// `mount: |mock| Box::pin(mock.mount_link_header_pages("/path", pages()))`.
    pub mount: fn(&MockPlatform) -> BoxFuture<'_, ()>,
}

/// A golden webhook delivery and what verifying it must yield.
#[derive(Debug, Clone)]
pub struct WebhookCase {
    /// The signing secret the golden delivery was signed with.
    pub secret: &'static str,
    /// Builds the golden delivery, e.g. with [`crate::webhooks::github`] or from a fixture.
    pub delivery: fn() -> SignedDelivery,
    /// The verification instant, Unix seconds (inside the replay window of timestamped schemes).
    pub now: u64,
    /// The event id the verifier must extract.
    pub expected_event_id: &'static str,
    /// The event type the verifier must extract.
    pub expected_event_type: &'static str,
    /// The replay window of timestamped schemes (`Some(300)`); `None` when the scheme has no
    /// timestamp.
    pub replay_window_secs: Option<u64>,
    /// The headers that carry the signature (e.g. `["X-Hub-Signature-256"]`); removing them
    /// must make verification fail.
    pub signature_headers: &'static [&'static str],
    /// Whether the signature covers the body, so a tampered body must be rejected (false only
    /// for shared-token schemes such as Google channel tokens).
    pub signs_body: bool,
}
