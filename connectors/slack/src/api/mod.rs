//! The typed Web API, one module per method family; each defines its operations' descriptors,
//! inputs (Slack's own argument names) and calls.

pub mod auth;
pub mod chat;
pub mod conversations;
pub mod files;
pub mod response_url;
pub mod users;
pub mod views;

use std::time::Duration;

use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use plugboard_core::runtime::{PageSpec, Pagination};
use plugboard_core::{ApiRequest, Error, OperationDescriptor, Result, Runtime};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// How long user and conversation lookups are served from cache.
pub const DIRECTORY_CACHE_TTL: Duration = Duration::from_secs(30 * 60);

/// Slack's cursor pagination: `cursor` in the query, `response_metadata.next_cursor` in the
/// answer (an empty string on the last page), items at `items`.
pub(crate) const fn cursor_pages(items: &'static str, has_more: Option<&'static str>) -> PageSpec {
    PageSpec::new(
        Pagination::Cursor {
            param: "cursor",
            next: "/response_metadata/next_cursor",
            has_more,
            in_body: false,
        },
        items,
    )
}

/// Rejects a `limit` outside 1 to 1000 before anything is sent.
pub(crate) fn check_limit(op: &OperationDescriptor, limit: Option<u32>) -> Result<()> {
    match limit {
        Some(n) if !(1..=1000).contains(&n) => Err(Error::invalid_input(format!(
            "invalid input for {}: field `limit`: must be 1 to 1000, got {n}",
            op.id
        ))),
        _ => Ok(()),
    }
}

/// Every item of every page of `request`, as Slack's JSON.
pub(crate) fn all_raw(
    runtime: &Runtime,
    request: Result<ApiRequest>,
    spec: PageSpec,
) -> BoxStream<'static, Result<Value>> {
    match request {
        Ok(request) => runtime.paginate(request, spec),
        Err(e) => stream::once(async move { Err(e) }).boxed(),
    }
}

/// Parses each item of a raw stream into `T`.
pub(crate) fn typed<T: DeserializeOwned + Send + 'static>(
    raw: BoxStream<'static, Result<Value>>,
) -> BoxStream<'static, Result<T>> {
    raw.and_then(|v| async move { serde_json::from_value(v).map_err(Error::from) })
        .boxed()
}
