//! The typed API, one module per GitHub resource; each defines its operations' descriptors,
//! inputs (GitHub's own parameter names) and calls. Shared input types and helpers live here.

pub mod actions;
pub mod branches;
pub mod commits;
pub mod issues;
pub mod labels;
pub mod milestones;
pub mod pulls;
pub mod rate_limit;
pub mod repos;

use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use plugboard_core::runtime::{PageSpec, Pagination};
use plugboard_core::{ApiRequest, Error, OperationDescriptor, Result};
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::client::GithubClient;

/// How GitHub pages a list whose items are the top-level array (`Link` headers).
pub const LINK_PAGES: PageSpec = PageSpec::new(Pagination::LinkHeader, "");

/// State filter of issue, pull request and milestone lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum StateFilter {
    /// Open (GitHub's default).
    Open,
    /// Closed.
    Closed,
    /// Both.
    All,
}

/// Sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Ascending.
    Asc,
    /// Descending.
    Desc,
}

/// The state an issue or pull request is set to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Open.
    Open,
    /// Closed.
    Closed,
}

/// The query-parameter text of a lowercase enum: its serde name.
pub(crate) fn param<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// Rejects a `per_page` outside GitHub's 1 to 100 before anything is sent.
pub(crate) fn check_per_page(op: &OperationDescriptor, per_page: Option<u32>) -> Result<()> {
    match per_page.filter(|n| !(1..=100).contains(n)) {
        Some(n) => Err(Error::invalid_input(format!(
            "invalid input for {}: field `per_page`: must be 1 to 100, got {n}",
            op.id
        ))
        .with_context("field", "per_page")),
        None => Ok(()),
    }
}

/// Every item of every page of `request`, as GitHub's JSON.
pub(crate) fn all_raw(
    client: &GithubClient,
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
    client: &GithubClient,
    request: Result<ApiRequest>,
    spec: PageSpec,
) -> BoxStream<'static, Result<T>> {
    all_raw(client, request, spec)
        .and_then(|v| async move { serde_json::from_value(v).map_err(Error::from) })
        .boxed()
}

/// Deserialises a field that distinguishes "absent" (`None`) from "null" (`Some(None)`), for
/// inputs where `null` clears a value (an issue's milestone).
pub(crate) fn nullable<'de, D, T>(
    deserializer: D,
) -> std::result::Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// An input serialised as a request body, without its path parameters.
pub(crate) fn body_of<T: Serialize>(input: &T, path_params: &[&str]) -> Result<Value> {
    let mut body = serde_json::to_value(input)
        .map_err(|e| Error::internal(format!("input does not serialise: {e}")))?;
    if let Some(map) = body.as_object_mut() {
        for key in path_params {
            map.remove(*key);
        }
    }
    Ok(body)
}
