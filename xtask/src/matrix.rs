//! The README connector matrix: one row per connector (name, crate, operations, webhook
//! scheme, auth kinds), read from `plugboard connectors --json` and rendered as a markdown
//! table between the `<!-- connectors:start -->` and `<!-- connectors:end -->` markers.

use serde_json::Value;

use crate::workspace::{Result, Workspace, XtaskError, package_name};

/// The line that opens the generated matrix in `README.md`.
pub const START_MARKER: &str = "<!-- connectors:start -->";
/// The line that closes it.
pub const END_MARKER: &str = "<!-- connectors:end -->";

/// What the matrix shows about one connector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectorRow {
    /// The id (`github`); also the folder under `connectors/`.
    pub id: String,
    /// The platform's display name (`GitHub`).
    pub name: String,
    /// The operation ids, in registry order.
    pub operations: Vec<String>,
    /// The webhook signature scheme, when the connector receives webhooks.
    pub webhooks: Option<String>,
    /// The auth kinds (`token`, `oauth2`...).
    pub auth: Vec<String>,
}

/// Reads the rows from the host binary: `cargo run -q -p plugboard-cli --bin plugboard --
/// connectors --json`. Running the binary (rather than linking every connector into xtask)
/// keeps xtask small and shows exactly what users see.
pub fn rows_from_host(ws: &Workspace) -> Result<Vec<ConnectorRow>> {
    let output = ws
        .cargo()
        .args([
            "run",
            "-q",
            "-p",
            "plugboard-cli",
            "--bin",
            "plugboard",
            "--",
            "connectors",
            "--json",
        ])
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| XtaskError::new(format!("cannot run cargo: {e}")))?;
    if !output.status.success() {
        return Err(XtaskError::new(format!(
            "`plugboard connectors --json` failed ({}); the README connector matrix needs it",
            output.status
        )));
    }
    let text = String::from_utf8(output.stdout)
        .map_err(|_| XtaskError::new("`plugboard connectors --json` printed non-UTF-8"))?;
    rows_from_json(&text)
}

/// Parses the output of `plugboard connectors --json`: an array of objects with `id`, `name`,
/// `operations` (objects with `id`), `webhooks` (`null` or an object with `scheme`) and `auth`
/// (strings, or objects with a `kind`).
pub fn rows_from_json(text: &str) -> Result<Vec<ConnectorRow>> {
    let bad = |what: &str| XtaskError::new(format!("`plugboard connectors --json`: {what}"));
    let value: Value =
        serde_json::from_str(text.trim()).map_err(|e| bad(&format!("output is not JSON ({e})")))?;
    let items = value
        .as_array()
        .ok_or_else(|| bad("output is not an array"))?;
    let mut rows = Vec::new();
    for item in items {
        let text_field = |key: &str| {
            item.get(key)
                .and_then(Value::as_str)
                .map(str::to_string)
                .ok_or_else(|| bad(&format!("a connector has no string `{key}`")))
        };
        let id = text_field("id")?;
        let name = text_field("name")?;
        let operations = item
            .get("operations")
            .and_then(Value::as_array)
            .ok_or_else(|| bad(&format!("{id}: no `operations` array")))?
            .iter()
            .map(|op| {
                op.get("id")
                    .and_then(Value::as_str)
                    .or_else(|| op.as_str())
                    .map(str::to_string)
                    .ok_or_else(|| bad(&format!("{id}: an operation has no `id`")))
            })
            .collect::<Result<Vec<_>>>()?;
        let webhooks = match item.get("webhooks") {
            None | Some(Value::Null) | Some(Value::Bool(false)) => None,
            Some(w) => Some(
                w.get("scheme")
                    .and_then(Value::as_str)
                    .or_else(|| w.as_str())
                    .map(str::to_string)
                    .ok_or_else(|| bad(&format!("{id}: `webhooks` has no `scheme`")))?,
            ),
        };
        let auth = match item.get("auth") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(kinds)) => kinds
                .iter()
                .map(|k| {
                    k.as_str()
                        .or_else(|| k.get("kind").and_then(Value::as_str))
                        .map(str::to_string)
                        .ok_or_else(|| bad(&format!("{id}: an `auth` entry is not a kind")))
                })
                .collect::<Result<Vec<_>>>()?,
            Some(_) => return Err(bad(&format!("{id}: `auth` is not an array"))),
        };
        rows.push(ConnectorRow {
            id,
            name,
            operations,
            webhooks,
            auth,
        });
    }
    rows.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(rows)
}

/// The markdown table for `rows`, with a header comment, without the markers.
pub fn render(rows: &[ConnectorRow]) -> String {
    let mut out = String::from(
        "<!-- Generated by `cargo xtask codegen` from each connector's descriptor. Do not edit. -->\n\
         | Connector | Crate | Operations | Webhooks | Auth |\n\
         |---|---|---|---|---|\n",
    );
    for row in rows {
        let operations = if row.operations.is_empty() {
            "—".to_string()
        } else {
            row.operations
                .iter()
                .map(|op| format!("`{op}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let webhooks = row.webhooks.as_deref().map_or("—".to_string(), cell);
        let auth = if row.auth.is_empty() {
            "—".to_string()
        } else {
            cell(&row.auth.join(", "))
        };
        out.push_str(&format!(
            "| [{name}](connectors/{id}) | `{krate}` | {operations} | {webhooks} | {auth} |\n",
            name = cell(&row.name),
            id = row.id,
            krate = package_name(&row.id),
        ));
    }
    out
}

/// `readme` with the text between the markers replaced by `table`.
pub fn splice(readme: &str, table: &str) -> Result<String> {
    let start = readme
        .find(START_MARKER)
        .ok_or_else(|| XtaskError::new(format!("README.md has no `{START_MARKER}` line")))?;
    let body_start = start + START_MARKER.len();
    let end = readme[body_start..]
        .find(END_MARKER)
        .map(|i| body_start + i)
        .ok_or_else(|| {
            XtaskError::new(format!(
                "README.md has no `{END_MARKER}` after `{START_MARKER}`"
            ))
        })?;
    Ok(format!(
        "{}\n{}{}",
        &readme[..body_start],
        table,
        &readme[end..]
    ))
}

/// Escapes a table cell: pipes would end the cell, newlines the row.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const JSON: &str = r#"[
      {"id":"zeta","name":"Zeta","operations":[],"webhooks":null,"auth":[]},
      {"id":"github","name":"GitHub","operations":[{"id":"issues.get","summary":"x"},{"id":"repos.get"}],
       "webhooks":{"scheme":"X-Hub-Signature-256 | hex","event_id":"X-GitHub-Delivery"},
       "auth":["token"]}
    ]"#;

    #[test]
    fn parses_sorts_and_renders() {
        let rows = rows_from_json(JSON).unwrap();
        assert_eq!(rows[0].id, "github");
        assert_eq!(rows[0].operations, ["issues.get", "repos.get"]);
        let table = render(&rows);
        assert!(
            table.contains(
                "| [GitHub](connectors/github) | `plugboard-github` | `issues.get`, `repos.get` \
                 | X-Hub-Signature-256 \\| hex | token |"
            ),
            "{table}"
        );
        assert!(table.contains("| [Zeta](connectors/zeta) | `plugboard-zeta` | — | — | — |"));
    }

    #[test]
    fn rejects_output_that_is_not_the_listing() {
        assert!(rows_from_json("github\n").is_err());
        let e = rows_from_json(r#"[{"id":"x","name":"X"}]"#).unwrap_err();
        assert!(e.to_string().contains("operations"), "{e}");
    }

    #[test]
    fn splices_between_markers_only() {
        let readme = format!("# t\n\n{START_MARKER}\nold\n{END_MARKER}\n\nafter\n");
        let out = splice(&readme, "NEW\n").unwrap();
        assert_eq!(
            out,
            format!("# t\n\n{START_MARKER}\nNEW\n{END_MARKER}\n\nafter\n")
        );
        assert_eq!(splice(&out, "NEW\n").unwrap(), out);
        assert!(splice("no markers", "x").is_err());
    }
}
