//! The typed API, one module per ClickUp resource; each defines its operations' descriptors,
//! inputs (ClickUp's own parameter names) and calls.

pub mod comments;
pub mod folders;
pub mod lists;
pub mod members;
mod params;
pub mod spaces;
pub mod tasks;
pub mod teams;
pub mod time_entries;
pub mod webhooks;

pub use params::Id;
pub(crate) use params::{Query, one_or_many};

use futures::stream::{self, BoxStream, StreamExt};
use plugboard_core::{ApiRequest, Error, ErrorKind, RateClass, Result, Runtime};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The rate class of every ClickUp operation: one per-token budget, whatever the endpoint.
pub const RATE_CLASS: RateClass = RateClass("default");

/// Executes `request` and returns the JSON body.
pub(crate) async fn value(runtime: &Runtime, request: ApiRequest) -> Result<Value> {
    runtime.execute(request).await?.value()
}

/// Executes `request` and parses the array ClickUp wraps under `key` (`{"spaces": [...]}`).
pub(crate) async fn list_of<T: DeserializeOwned>(
    runtime: &Runtime,
    request: ApiRequest,
    key: &'static str,
) -> Result<Vec<T>> {
    let operation = request.operation;
    let mut body = value(runtime, request).await?;
    let items = body.get_mut(key).map(Value::take).unwrap_or(Value::Null);
    if items.is_null() {
        return Err(shape_error(format!("no `{key}` list in the response"))
            .at(runtime.connector(), Some(operation)));
    }
    serde_json::from_value(items).map_err(|e| {
        shape_error(format!("unexpected response shape in `{key}`: {e}"))
            .at(runtime.connector(), Some(operation))
    })
}

/// Parses ClickUp's `{"data": {...}}` envelope (time entries), or the body itself when the
/// envelope is absent.
pub(crate) fn unwrap_data<T: DeserializeOwned>(runtime: &Runtime, mut body: Value) -> Result<T> {
    let inner = match body.get_mut("data") {
        Some(data) if data.is_object() => data.take(),
        _ => body,
    };
    serde_json::from_value(inner).map_err(|e| {
        shape_error(format!("unexpected response shape: {e}")).at(runtime.connector(), None)
    })
}

fn shape_error(message: String) -> Error {
    Error::new(ErrorKind::Upstream, message).permanent()
}

/// A stream holding only `error`.
pub(crate) fn failed(error: Error) -> BoxStream<'static, Result<Value>> {
    stream::once(async move { Err(error) }).boxed()
}

/// The error for input the platform would refuse, named like `parse_input`'s.
pub(crate) fn invalid(operation: &str, message: impl std::fmt::Display) -> Error {
    Error::invalid_input(format!("invalid input for {operation}: {message}"))
}

/// `custom_task_ids=true` needs `team_id`: ClickUp resolves custom ids within a Workspace.
pub(crate) fn custom_ids_query(
    operation: &str,
    custom_task_ids: Option<bool>,
    team_id: Option<&Id>,
) -> Result<Query> {
    let mut query = Query::default();
    if custom_task_ids == Some(true) {
        let team = team_id.ok_or_else(|| {
            invalid(
                operation,
                "field `team_id`: required when `custom_task_ids` is true",
            )
        })?;
        query.push("custom_task_ids", true).push("team_id", team);
    }
    Ok(query)
}

/// Sets `query` as the request's query string, byte for byte.
pub(crate) fn with_query(mut request: ApiRequest, query: &Query) -> ApiRequest {
    if let Some(q) = query.finish() {
        request.url.set_query(Some(q));
    }
    request
}

/// Serialises an input into a JSON body without the fields that go in the path or query.
pub(crate) fn body_without<T: serde::Serialize>(input: &T, path_fields: &[&str]) -> Result<Value> {
    let mut body = serde_json::to_value(input)
        .map_err(|e| Error::invalid_input(format!("body does not serialise: {e}")))?;
    if let Some(map) = body.as_object_mut() {
        for field in path_fields {
            map.remove(*field);
        }
    }
    Ok(body)
}
