//! The typed API, one module per TikTok resource; each defines its operations' descriptors,
//! inputs (TikTok's own parameter names) and calls.

pub mod advertisers;
pub mod campaigns;
pub mod reports;
pub mod user;
pub mod videos;

use futures::stream::{BoxStream, StreamExt, TryStreamExt};
use plugboard_core::runtime::{PageSpec, Pagination};
use plugboard_core::{ApiRequest, Error, Result, Runtime};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// How the API for Business pages lists: `page` from 1, items in `data.list`; the walk ends
/// at `data.page_info.total_page` (or on an empty page).
pub const BUSINESS_PAGES: PageSpec = PageSpec::new(
    Pagination::PageNumber {
        param: "page",
        first: 1,
        last_page: Some("/data/page_info/total_page"),
    },
    "/data/list",
);

/// Every item of every page of `request` on `runtime`, as TikTok's JSON.
pub(crate) fn all_raw(
    runtime: &Runtime,
    request: Result<ApiRequest>,
    spec: PageSpec,
) -> BoxStream<'static, Result<Value>> {
    match request {
        Ok(request) => runtime.paginate(request, spec),
        Err(e) => futures::stream::once(async move { Err(e) }).boxed(),
    }
}

/// Every item of every page of `request` on `runtime`, typed.
pub(crate) fn all_typed<T: DeserializeOwned + Send + 'static>(
    runtime: &Runtime,
    request: Result<ApiRequest>,
    spec: PageSpec,
) -> BoxStream<'static, Result<T>> {
    all_raw(runtime, request, spec)
        .and_then(|v| async move { serde_json::from_value(v).map_err(Error::from) })
        .boxed()
}

/// A JSON array of strings as TikTok's Business API takes list parameters (`["a","b"]`).
pub(crate) fn json_list(items: &[String]) -> String {
    Value::from(items.to_vec()).to_string()
}

/// The `data.list` of an API for Business answer.
#[derive(Debug, serde::Deserialize)]
pub(crate) struct BusinessList<T> {
    pub(crate) data: BusinessListData<T>,
}

#[derive(Debug, serde::Deserialize)]
pub(crate) struct BusinessListData<T> {
    #[serde(default = "Vec::new")]
    pub(crate) list: Vec<T>,
}
