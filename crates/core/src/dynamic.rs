//! Helpers for a connector's dynamic operation table: parsing JSON input into the operation's
//! typed input with the offending field named, and errors for unknown operations.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::connector::{ConnectorInfo, OperationDescriptor};
use crate::error::{Error, Result};

/// Parses `input` (`null` counts as `{}`) into `T`, naming the field at fault.
pub fn parse_input<T: DeserializeOwned>(op: &OperationDescriptor, input: Value) -> Result<T> {
    let input = if input.is_null() {
        Value::Object(Default::default())
    } else {
        input
    };
    serde_path_to_error::deserialize(input).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.inner().to_string();
        let msg = if path == "." || path.is_empty() {
            format!("invalid input for {}: {inner}", op.id)
        } else {
            format!("invalid input for {}: field `{path}`: {inner}", op.id)
        };
        Error::invalid_input(msg).with_context("field", path)
    })
}

/// Serialises an operation's typed output.
pub fn to_output<T: serde::Serialize>(value: &T) -> Result<Value> {
    serde_json::to_value(value)
        .map_err(|e| Error::internal(format!("output does not serialise: {e}")))
}

/// A typed item stream as the dynamic table's JSON stream (for `Connector::call_all`).
pub fn to_output_stream<T: serde::Serialize + Send + 'static>(
    items: futures::stream::BoxStream<'static, Result<T>>,
) -> futures::stream::BoxStream<'static, Result<Value>> {
    use futures::{StreamExt, TryStreamExt};
    items
        .and_then(|item| async move { to_output(&item) })
        .boxed()
}

/// The error for an operation the connector does not have, listing the ones it has.
pub fn unknown_operation(
    info: &ConnectorInfo,
    operations: &[OperationDescriptor],
    name: &str,
) -> Error {
    let known: Vec<&str> = operations.iter().map(|o| o.id.as_str()).collect();
    Error::invalid_input(format!(
        "unknown operation {name:?} for {}; known operations: {}",
        info.id,
        known.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connector::{RateClass, schema_of};
    use crate::ids::OperationId;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, schemars::JsonSchema)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Input {
        owner: String,
        per_page: Option<u32>,
    }

    const OP: OperationDescriptor = OperationDescriptor {
        id: OperationId::new("things.list"),
        summary: "",
        docs_url: "",
        idempotent: true,
        read_only: true,
        paginated: false,
        rate_class: RateClass("core"),
        cache_ttl: None,
        input_schema: schema_of::<Input>,
        output_schema: schema_of::<Input>,
    };

    #[test]
    fn names_the_offending_field() {
        let e =
            parse_input::<Input>(&OP, serde_json::json!({"owner":"o","per_page":"x"})).unwrap_err();
        assert!(e.to_string().contains("field `per_page`"), "{e}");
        let e = parse_input::<Input>(&OP, serde_json::json!({})).unwrap_err();
        assert!(e.to_string().contains("owner"), "{e}");
        let e = parse_input::<Input>(&OP, serde_json::json!({"owner":"o","bogus":1})).unwrap_err();
        assert!(e.to_string().contains("bogus"), "{e}");
    }
}
