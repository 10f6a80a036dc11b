//! Atlassian Document Format (ADF): Jira's API v3 takes rich text (comment bodies, issue
//! descriptions) as an ADF document. Plain text is wrapped into one: blank lines separate
//! paragraphs, single line breaks become `hardBreak` nodes.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// Rich text as callers give it: plain text (wrapped into an ADF document) or an ADF document
/// sent as is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum RichText {
    /// Plain text.
    Text(String),
    /// An ADF document (`{"type":"doc","version":1,"content":[...]}`).
    Adf(Value),
}

impl RichText {
    /// The ADF document to send.
    pub fn to_adf(&self) -> Value {
        match self {
            Self::Text(text) => doc(text),
            Self::Adf(value) => value.clone(),
        }
    }
}

impl From<&str> for RichText {
    fn from(text: &str) -> Self {
        Self::Text(text.to_string())
    }
}

/// An ADF document holding `text`.
pub fn doc(text: &str) -> Value {
    let normalised = text.replace("\r\n", "\n");
    let content: Vec<Value> = normalised
        .split("\n\n")
        .map(|p| p.trim_matches('\n'))
        .filter(|p| !p.is_empty())
        .map(paragraph)
        .collect();
    json!({"type": "doc", "version": 1, "content": content})
}

fn paragraph(text: &str) -> Value {
    let mut nodes = Vec::new();
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            nodes.push(json!({"type": "hardBreak"}));
        }
        // ADF forbids empty text nodes.
        if !line.is_empty() {
            nodes.push(json!({"type": "text", "text": line}));
        }
    }
    json!({"type": "paragraph", "content": nodes})
}

/// Replaces a plain-text string at `fields[name]` with its ADF document (v3 requires ADF for
/// `description` and `environment`); other values are left alone.
pub fn wrap_text_fields(fields: &mut serde_json::Map<String, Value>, names: &[&str]) {
    for name in names {
        if let Some(Value::String(text)) = fields.get(*name) {
            let adf = doc(text);
            fields.insert((*name).to_string(), adf);
        }
    }
}

/// The plain text of an ADF document: its text nodes, paragraphs separated by blank lines.
pub fn plain_text(adf: &Value) -> String {
    fn walk(node: &Value, out: &mut String) {
        match node.get("type").and_then(Value::as_str) {
            Some("text") => {
                if let Some(t) = node.get("text").and_then(Value::as_str) {
                    out.push_str(t);
                }
            }
            Some("hardBreak") => out.push('\n'),
            _ => {}
        }
        if let Some(children) = node.get("content").and_then(Value::as_array) {
            let block = matches!(
                node.get("type").and_then(Value::as_str),
                Some("doc" | "bulletList" | "orderedList")
            );
            for (i, child) in children.iter().enumerate() {
                if block && i > 0 {
                    out.push_str("\n\n");
                }
                walk(child, out);
            }
        }
    }
    let mut out = String::new();
    walk(adf, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_paragraphs_and_line_breaks() {
        assert_eq!(
            doc("Deployed to staging.\nChecks green.\n\nShipping tomorrow."),
            json!({"type": "doc", "version": 1, "content": [
                {"type": "paragraph", "content": [
                    {"type": "text", "text": "Deployed to staging."},
                    {"type": "hardBreak"},
                    {"type": "text", "text": "Checks green."}
                ]},
                {"type": "paragraph", "content": [
                    {"type": "text", "text": "Shipping tomorrow."}
                ]}
            ]})
        );
        assert_eq!(doc(""), json!({"type": "doc", "version": 1, "content": []}));
    }

    #[test]
    fn raw_adf_passes_through_and_text_round_trips() {
        let adf = json!({"type": "doc", "version": 1, "content": [
            {"type": "paragraph", "content": [{"type": "text", "text": "hi", "marks": [{"type": "strong"}]}]}
        ]});
        let parsed: RichText = serde_json::from_value(adf.clone()).unwrap();
        assert_eq!(parsed.to_adf(), adf);
        let parsed: RichText = serde_json::from_value(json!("a\nb\n\nc")).unwrap();
        assert_eq!(plain_text(&parsed.to_adf()), "a\nb\n\nc");
    }

    #[test]
    fn only_string_fields_are_wrapped() {
        let mut fields = serde_json::Map::new();
        fields.insert("summary".into(), json!("keep me"));
        fields.insert("description".into(), json!("wrap me"));
        fields.insert(
            "environment".into(),
            json!({"type": "doc", "version": 1, "content": []}),
        );
        wrap_text_fields(&mut fields, &["description", "environment"]);
        assert_eq!(fields["summary"], "keep me");
        assert_eq!(fields["description"]["type"], "doc");
        assert_eq!(fields["environment"]["content"], json!([]));
    }
}
