//! Meta's resources as typed models. Each keeps every field Meta sent (`extra`), so
//! the dynamic table returns the platform's JSON unchanged.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The answer of `health.get`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Health {
    /// The reported status, when Meta sends one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Every other field Meta sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
