//! The typed API, one module per Graph resource; each defines its operations' descriptors,
//! inputs (Meta's own parameter names) and calls.

pub mod ad_accounts;
pub mod insights;
pub mod instagram;
pub mod me;
pub mod pages;
pub mod tokens;

use futures::stream::{BoxStream, StreamExt, TryStreamExt};
use plugboard_core::runtime::{PageSpec, Pagination};
use plugboard_core::{ApiRequest, Error, Result};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::client::MetaClient;

/// How Graph edges page: `data[]` with `paging.cursors.after`, sent back as `after`; the list
/// ends when `paging.next` is absent (Meta keeps `cursors.after` on the last page).
pub const GRAPH_PAGES: PageSpec = PageSpec::new(
    Pagination::Cursor {
        param: "after",
        next: "/paging/cursors/after",
        has_more: Some("/paging/next"),
        in_body: false,
    },
    "/data",
);

/// Every item of every page of `request`, as Meta's JSON.
pub(crate) fn all_raw(
    client: &MetaClient,
    request: Result<ApiRequest>,
) -> BoxStream<'static, Result<Value>> {
    match request {
        Ok(request) => client.runtime().paginate(request, GRAPH_PAGES),
        Err(e) => futures::stream::once(async move { Err(e) }).boxed(),
    }
}

/// Every item of every page of `request`, typed.
pub(crate) fn all_typed<T: DeserializeOwned + Send + 'static>(
    client: &MetaClient,
    request: Result<ApiRequest>,
) -> BoxStream<'static, Result<T>> {
    all_raw(client, request)
        .and_then(|v| async move { serde_json::from_value(v).map_err(Error::from) })
        .boxed()
}

/// The `data` items of one Graph list answer.
#[derive(Debug, serde::Deserialize)]
pub(crate) struct Listing<T> {
    #[serde(default = "Vec::new")]
    pub(crate) data: Vec<T>,
}
