//! Parameter helpers shared by the resource modules: ids that arrive as text or numbers, and
//! query strings written the way ClickUp documents them (`statuses[]=to%20do&statuses[]=done`).

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

/// A ClickUp id: a Workspace (`team_id`), Space, Folder, List, task, comment, time entry,
/// user or webhook. ClickUp documents some ids as text and some as numbers; input accepts
/// either (`"team_id": 9011234080` or `"team_id": "9011234080"`) and keeps the text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Id(String);

impl Id {
    /// An id from its text.
    pub fn new(id: impl Into<String>) -> Self {
        Self(id.into())
    }

    /// The id's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The id as a JSON number when it is all digits (request bodies where ClickUp documents
    /// an integer), else as text.
    pub fn to_json(&self) -> serde_json::Value {
        match self.0.parse::<u64>() {
            Ok(n) => serde_json::Value::from(n),
            Err(_) => serde_json::Value::from(self.0.clone()),
        }
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Id {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Id {
    fn from(id: &str) -> Self {
        Self(id.to_string())
    }
}

impl From<String> for Id {
    fn from(id: String) -> Self {
        Self(id)
    }
}

impl From<u64> for Id {
    fn from(id: u64) -> Self {
        Self(id.to_string())
    }
}

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct IdVisitor;

        impl Visitor<'_> for IdVisitor {
            type Value = Id;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an id as a string or a non-negative integer")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Id, E> {
                if v.trim().is_empty() {
                    return Err(E::custom("an id cannot be empty"));
                }
                Ok(Id(v.to_string()))
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Id, E> {
                Ok(Id(v.to_string()))
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Id, E> {
                u64::try_from(v)
                    .map(|v| Id(v.to_string()))
                    .map_err(|_| E::custom(format!("an id cannot be negative, got {v}")))
            }
        }

        deserializer.deserialize_any(IdVisitor)
    }
}

impl JsonSchema for Id {
    fn schema_name() -> Cow<'static, str> {
        "ClickupId".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": ["string", "integer"],
            "description": "A ClickUp id, as text or as a number"
        })
    }
}

/// Deserialises one id or a list of ids (`"assignee": 183` or `"assignee": [183, 184]`).
pub(crate) fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<Id>>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(Id),
        Many(Vec<Id>),
    }
    Ok(match Option::<OneOrMany>::deserialize(d)? {
        None => None,
        Some(OneOrMany::One(id)) => Some(vec![id]),
        Some(OneOrMany::Many(ids)) => Some(ids),
    })
}

/// A query string written byte for byte as ClickUp documents it: names as given (so `[]`
/// stays literal), values percent-encoded with `%20` for spaces.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Query(String);

impl Query {
    /// Appends `name=value`.
    pub(crate) fn push(&mut self, name: &str, value: impl fmt::Display) -> &mut Self {
        if !self.0.is_empty() {
            self.0.push('&');
        }
        self.0.push_str(name);
        self.0.push('=');
        encode_into(&mut self.0, &value.to_string());
        self
    }

    /// Appends `name=value` when there is a value.
    pub(crate) fn opt(&mut self, name: &str, value: Option<impl fmt::Display>) -> &mut Self {
        if let Some(value) = value {
            self.push(name, value);
        }
        self
    }

    /// Appends `name[]=v` for each value, ClickUp's form of an array parameter.
    pub(crate) fn array<V: fmt::Display>(&mut self, name: &str, values: Option<&[V]>) -> &mut Self {
        let key = format!("{name}[]");
        for value in values.unwrap_or_default() {
            self.push(&key, value);
        }
        self
    }

    /// The query, `None` when empty.
    pub(crate) fn finish(&self) -> Option<&str> {
        (!self.0.is_empty()).then_some(self.0.as_str())
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters and `,` (ClickUp's list
/// separator, e.g. `assignee=183,184`).
fn encode_into(out: &mut String, value: &str) {
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b',') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_accept_text_and_numbers() {
        let id: Id = serde_json::from_value(serde_json::json!(9011234080u64)).unwrap();
        assert_eq!(id.as_str(), "9011234080");
        let id: Id = serde_json::from_value(serde_json::json!("9hz")).unwrap();
        assert_eq!(id, Id::from("9hz"));
        assert!(serde_json::from_value::<Id>(serde_json::json!(-1)).is_err());
        assert!(serde_json::from_value::<Id>(serde_json::json!("")).is_err());
        assert!(serde_json::from_value::<Id>(serde_json::json!(1.5)).is_err());
        assert_eq!(serde_json::to_value(Id::from(7u64)).unwrap(), "7");
    }

    #[test]
    fn arrays_use_brackets_and_spaces_are_percent_encoded() {
        let mut q = Query::default();
        q.array("statuses", Some(&["to do", "in progress"][..]))
            .push("page", 0)
            .opt("archived", None::<bool>)
            .array::<String>("tags", None)
            .push("x", "a&b=c/é,d");
        assert_eq!(
            q.finish(),
            Some("statuses[]=to%20do&statuses[]=in%20progress&page=0&x=a%26b%3Dc%2F%C3%A9,d")
        );
        assert_eq!(Query::default().finish(), None);
    }
}
