//! The typed API, one module per Google API; each defines its operations' descriptors, inputs
//! (Google's own parameter names) and calls. Shared paging helpers live here.

pub mod ads;
pub mod userinfo;
pub mod youtube;

use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use plugboard_core::runtime::PageSpec;
use plugboard_core::{ApiRequest, Error, Result};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::client::GoogleClient;

/// Every item of every page of `request`, as Google's JSON.
pub(crate) fn all_raw(
    client: &GoogleClient,
    request: Result<ApiRequest>,
    spec: PageSpec,
) -> BoxStream<'static, Result<Value>> {
    match request {
        Ok(request) => client.runtime().paginate(request, spec),
        Err(e) => stream::once(async move { Err(e) }).boxed(),
    }
}

/// Every item of every page of `request`, typed.
pub(crate) fn all_typed<T: DeserializeOwned + Send + 'static>(
    client: &GoogleClient,
    request: Result<ApiRequest>,
    spec: PageSpec,
) -> BoxStream<'static, Result<T>> {
    all_raw(client, request, spec)
        .and_then(|v| async move {
            serde_json::from_value(v).map_err(|e| {
                Error::new(
                    plugboard_core::ErrorKind::Upstream,
                    format!("unexpected item shape: {e}"),
                )
                .permanent()
            })
        })
        .boxed()
}
