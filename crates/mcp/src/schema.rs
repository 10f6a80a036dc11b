//! Shaping an operation's JSON Schemas into MCP tool schemas.
//!
//! MCP wants an object schema for a tool's input (and for its output, when there is one). An
//! operation's input schema is used as is when it describes an object; any other schema is
//! wrapped as the `input` property. The arguments plugboard itself reads are added as
//! properties (operation inputs reject unknown fields, and plugboard strips them before the
//! call): `all` and `max_items` for paginated operations, `connection` when a connector has
//! several connections.
//!
//! Outputs: an object schema is kept; a paginated operation's item schema becomes
//! `{"items": [item...], "truncated": bool}`; anything else becomes `{"result": value}`.
//! `$defs` move to the root of a wrapper so that `#/$defs/...` references still resolve.

use serde_json::{Map, Value, json};

/// A JSON object (what MCP schemas and arguments are).
pub type JsonObject = Map<String, Value>;

/// The argument that makes a paginated tool follow every page.
pub const ALL_ARG: &str = "all";
/// The argument that bounds how many items `all` collects.
pub const MAX_ITEMS_ARG: &str = "max_items";
/// The argument that picks a connector's connection, when it has several.
pub const CONNECTION_ARG: &str = "connection";
/// The argument a non-object input is passed in.
pub const INPUT_ARG: &str = "input";
/// How many items `all` collects when `max_items` is not given.
pub const DEFAULT_MAX_ITEMS: u64 = 500;
/// The largest `max_items` accepted.
pub const MAX_ITEMS_LIMIT: u64 = 10_000;

/// How a tool's arguments become the operation's input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum InputShape {
    /// The arguments (minus plugboard's own) are the input.
    Object,
    /// The input is the `input` argument.
    Wrapped,
}

/// How an operation's output becomes the tool's structured content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OutputShape {
    /// An object, as is.
    AsIs,
    /// `{"result": output}`.
    Result,
    /// `{"items": [...]}` (paginated operations), with `"truncated": true` when `max_items`
    /// stopped the walk.
    Items,
}

/// The arguments plugboard adds to an operation's input schema.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct InputExtras<'a> {
    /// Add `all` and `max_items`.
    pub paginated: bool,
    /// Add `connection` with these names and this default.
    pub connections: Option<(&'a [String], &'a str)>,
}

/// Keywords that constrain an untyped schema to something other than an object.
const NON_OBJECT_KEYWORDS: &[&str] = &[
    "$ref",
    "oneOf",
    "anyOf",
    "allOf",
    "not",
    "enum",
    "const",
    "items",
    "prefixItems",
];

/// Whether an input schema describes (only) objects, so the arguments can be the input.
fn is_object_input(schema: &JsonObject) -> bool {
    match schema.get("type") {
        Some(Value::String(t)) => t == "object",
        Some(Value::Array(types)) => {
            // `["object", "null"]`: the connector reads an absent input as `{}`.
            types.iter().any(|t| t == "object")
                && types.iter().all(|t| t == "object" || t == "null")
        }
        Some(_) => false,
        None => !NON_OBJECT_KEYWORDS.iter().any(|k| schema.contains_key(*k)),
    }
}

/// Splits the keywords that belong at a document's root (`$schema`, `$defs`, `definitions`)
/// off `schema`.
fn split_root(schema: &mut JsonObject) -> JsonObject {
    let mut root = JsonObject::new();
    for key in ["$schema", "$defs", "definitions"] {
        if let Some(v) = schema.remove(key) {
            root.insert(key.to_string(), v);
        }
    }
    root
}

/// A wrapper object schema with one required property `name` holding `inner`, the root
/// keywords of `inner` moved up.
fn wrap(inner: Value, name: &str, closed: bool) -> JsonObject {
    let (mut root, inner) = match inner {
        Value::Object(mut map) => {
            let root = split_root(&mut map);
            (root, Value::Object(map))
        }
        other => (JsonObject::new(), other),
    };
    root.insert("type".into(), json!("object"));
    root.insert("properties".into(), json!({ name: inner }));
    root.insert("required".into(), json!([name]));
    if closed {
        root.insert("additionalProperties".into(), json!(false));
    }
    root
}

/// The tool input schema of an operation input schema, and how arguments map to input.
pub(crate) fn shape_input(
    schema: Value,
    extras: &InputExtras<'_>,
) -> Result<(JsonObject, InputShape), String> {
    let (mut shaped, shape) = match schema {
        Value::Bool(true) => (JsonObject::new(), InputShape::Object),
        Value::Bool(false) => return Err("the input schema accepts nothing".into()),
        Value::Object(map) if is_object_input(&map) => (map, InputShape::Object),
        other => (wrap(other, INPUT_ARG, true), InputShape::Wrapped),
    };
    shaped.insert("type".into(), json!("object"));
    let mut added = Vec::new();
    if extras.paginated {
        added.push((
            ALL_ARG,
            json!({
                "type": "boolean",
                "default": false,
                "description": format!(
                    "plugboard: follow pagination and return every item (up to `{MAX_ITEMS_ARG}`) \
                     instead of the first page."
                ),
            }),
        ));
        added.push((
            MAX_ITEMS_ARG,
            json!({
                "type": "integer",
                "minimum": 1,
                "maximum": MAX_ITEMS_LIMIT,
                "description": format!(
                    "plugboard: the most items to collect across pages (default \
                     {DEFAULT_MAX_ITEMS}); implies `{ALL_ARG}`."
                ),
            }),
        ));
    }
    if let Some((names, default)) = extras.connections {
        added.push((
            CONNECTION_ARG,
            json!({
                "type": "string",
                "enum": names,
                "default": default,
                "description": format!(
                    "plugboard: the connection (account) to call through; default `{default}`."
                ),
            }),
        ));
    }
    if !added.is_empty() {
        let properties = shaped
            .entry("properties")
            .or_insert_with(|| Value::Object(JsonObject::new()));
        let Value::Object(properties) = properties else {
            return Err("the input schema's `properties` is not an object".into());
        };
        for (name, schema) in added {
            if properties.contains_key(name) {
                return Err(format!(
                    "the input already has a field `{name}`, which plugboard reserves"
                ));
            }
            properties.insert(name.to_string(), schema);
        }
    }
    Ok((shaped, shape))
}

/// The tool output schema of an operation output schema (of one item, when `paginated`), and
/// how outputs map to structured content.
pub(crate) fn shape_output(schema: Value, paginated: bool) -> (JsonObject, OutputShape) {
    if paginated {
        let mut item = schema;
        let mut shaped = match &mut item {
            Value::Object(map) => split_root(map),
            _ => JsonObject::new(),
        };
        shaped.insert("type".into(), json!("object"));
        shaped.insert(
            "properties".into(),
            json!({
                "items": { "type": "array", "items": item },
                "truncated": {
                    "type": "boolean",
                    "description": "true when `max_items` stopped the walk before the last page",
                },
            }),
        );
        shaped.insert("required".into(), json!(["items"]));
        return (shaped, OutputShape::Items);
    }
    match schema {
        Value::Object(map) if map.get("type") == Some(&json!("object")) => (map, OutputShape::AsIs),
        other => (wrap(other, "result", false), OutputShape::Result),
    }
}

/// The structured content of an output (`truncated` only for [`OutputShape::Items`]).
pub(crate) fn structure_output(value: Value, shape: OutputShape, truncated: bool) -> JsonObject {
    match (shape, value) {
        (OutputShape::AsIs, Value::Object(map)) => map,
        (OutputShape::Items, value) => {
            let items = match value {
                Value::Array(items) => items,
                Value::Null => Vec::new(),
                other => vec![other],
            };
            let mut out = JsonObject::new();
            out.insert("items".into(), Value::Array(items));
            if truncated {
                out.insert("truncated".into(), Value::Bool(true));
            }
            out
        }
        (_, value) => {
            let mut out = JsonObject::new();
            out.insert("result".into(), value);
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn validates(schema: &JsonObject, instance: &Value) -> bool {
        jsonschema::validator_for(&Value::Object(schema.clone()))
            .expect("a valid schema")
            .is_valid(instance)
    }

    fn input_of_op() -> Value {
        json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "ListIssues",
            "type": "object",
            "additionalProperties": false,
            "properties": {
                "owner": {"type": "string"},
                "state": {"$ref": "#/$defs/State"}
            },
            "required": ["owner"],
            "$defs": {"State": {"type": "string", "enum": ["open", "closed"]}}
        })
    }

    #[test]
    fn an_object_input_keeps_its_shape_and_gains_plugboards_arguments() {
        let names = vec!["acme".to_string(), "default".to_string()];
        let (schema, shape) = shape_input(
            input_of_op(),
            &InputExtras {
                paginated: true,
                connections: Some((&names, "default")),
            },
        )
        .unwrap();
        assert_eq!(shape, InputShape::Object);
        assert_eq!(schema["type"], "object");
        let props = schema["properties"].as_object().unwrap();
        for key in ["owner", "state", ALL_ARG, MAX_ITEMS_ARG, CONNECTION_ARG] {
            assert!(props.contains_key(key), "{key}: {schema:?}");
        }
        assert_eq!(props[CONNECTION_ARG]["enum"], json!(["acme", "default"]));
        assert!(validates(
            &schema,
            &json!({"owner": "o", "state": "open", "all": true, "max_items": 20, "connection": "acme"})
        ));
        assert!(!validates(
            &schema,
            &json!({"owner": "o", "connection": "nope"})
        ));
        assert!(!validates(
            &schema,
            &json!({"owner": "o", "state": "merged"})
        ));
        assert!(!validates(&schema, &json!({"owner": "o", "bogus": 1})));
    }

    #[test]
    fn non_object_inputs_are_wrapped_and_collisions_refused() {
        let (schema, shape) =
            shape_input(json!({"type": "string"}), &InputExtras::default()).unwrap();
        assert_eq!(shape, InputShape::Wrapped);
        assert!(validates(&schema, &json!({"input": "x"})));
        assert!(!validates(&schema, &json!({"input": 1})));
        assert!(!validates(&schema, &json!({})));

        let tagged = json!({"oneOf": [{"type": "object"}, {"type": "string"}], "$defs": {}});
        let (schema, shape) = shape_input(tagged, &InputExtras::default()).unwrap();
        assert_eq!(shape, InputShape::Wrapped);
        assert!(schema.contains_key("$defs"), "root keywords move up");

        let (schema, shape) = shape_input(json!(true), &InputExtras::default()).unwrap();
        assert_eq!(
            (schema["type"].clone(), shape),
            (json!("object"), InputShape::Object)
        );
        let (_, shape) = shape_input(
            json!({"type": ["object", "null"], "properties": {}}),
            &InputExtras::default(),
        )
        .unwrap();
        assert_eq!(shape, InputShape::Object);
        assert!(shape_input(json!(false), &InputExtras::default()).is_err());

        let clash = json!({"type": "object", "properties": {"all": {"type": "string"}}});
        let e = shape_input(
            clash,
            &InputExtras {
                paginated: true,
                connections: None,
            },
        )
        .unwrap_err();
        assert!(e.contains("`all`"), "{e}");
    }

    #[test]
    fn output_schemas_wrap_what_is_not_an_object_and_refs_still_resolve() {
        let object = json!({"type": "object", "properties": {"id": {"type": "integer"}}});
        let (schema, shape) = shape_output(object.clone(), false);
        assert_eq!((Value::Object(schema), shape), (object, OutputShape::AsIs));

        let list = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "array",
            "items": {"$ref": "#/$defs/Folder"},
            "$defs": {"Folder": {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]}}
        });
        let (schema, shape) = shape_output(list, false);
        assert_eq!(shape, OutputShape::Result);
        let good = Value::Object(structure_output(json!([{"id": "1"}]), shape, false));
        assert_eq!(good, json!({"result": [{"id": "1"}]}));
        assert!(validates(&schema, &good));
        assert!(!validates(&schema, &json!({"result": [{"id": 1}]})));

        let (schema, shape) = shape_output(json!({"title": "null", "type": "null"}), false);
        assert!(validates(
            &schema,
            &Value::Object(structure_output(Value::Null, shape, false))
        ));

        let item = json!({
            "$defs": {"Label": {"type": "object", "properties": {"name": {"type": "string"}}}},
            "type": "object",
            "properties": {"number": {"type": "integer"}, "labels": {"type": "array", "items": {"$ref": "#/$defs/Label"}}}
        });
        let (schema, shape) = shape_output(item, true);
        assert_eq!(shape, OutputShape::Items);
        let page = Value::Object(structure_output(
            json!([{"number": 1, "labels": [{"name": "bug"}]}]),
            shape,
            true,
        ));
        assert_eq!(page["truncated"], true);
        assert!(validates(&schema, &page), "{schema:?}");
        assert!(!validates(&schema, &json!({"items": [{"number": "x"}]})));
        assert!(!validates(
            &schema,
            &json!({"items": [{"labels": [{"name": 3}]}]})
        ));
    }
}
