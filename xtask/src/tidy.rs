//! `cargo xtask tidy`: the workspace's house rules, each a check that names the file at fault.
//!
//! - every `.rs` file under `crates/`, `connectors/`, `xtask/`, `tests/` and `examples/`
//!   starts with a `//!` line;
//! - crates are named `plugboard-<id>` under `connectors/<id>` and `plugboard-*` under
//!   `crates/`;
//! - no connector's `[dependencies]` names `reqwest`, `inventory`, `governor`, `backon` or
//!   `moka` (transport, registration, rate limiting, retries and caching live in the core);
//! - every connector has a `README.md` and `tests/conformance.rs`;
//! - every publishable crate has a description, licence, repository and readme, its own or
//!   inherited from `[workspace.package]`.

use std::fmt;
use std::fs;
use std::path::Path;

use toml::{Table, Value};

use crate::workspace::{Result, Workspace, XtaskError, package_name, subfolders};

/// The folders whose Rust files must start with a `//!` line.
pub const SOURCE_ROOTS: [&str; 5] = ["crates", "connectors", "xtask", "tests", "examples"];
/// Crates a connector must reach only through `plugboard-core`.
pub const FORBIDDEN_CONNECTOR_DEPS: [&str; 5] =
    ["reqwest", "inventory", "governor", "backon", "moka"];
/// The package metadata every publishable crate needs.
pub const REQUIRED_METADATA: [&str; 4] = ["description", "license", "repository", "readme"];

/// One broken rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The file at fault, relative to the root.
    pub path: String,
    /// What is wrong and what to do.
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Runs every check; the violations, sorted by path.
pub fn check(ws: &Workspace) -> Result<Vec<Violation>> {
    let mut out = Vec::new();
    doc_headers(ws, &mut out)?;
    connectors(ws, &mut out)?;
    crate_names(ws, &mut out)?;
    metadata(ws, &mut out)?;
    out.sort_by(|a, b| a.path.cmp(&b.path).then(a.message.cmp(&b.message)));
    Ok(out)
}

/// `cargo xtask tidy`: an error listing every violation, if any.
pub fn run(ws: &Workspace) -> Result<()> {
    let violations = check(ws)?;
    if violations.is_empty() {
        return Ok(());
    }
    let mut message = violations
        .iter()
        .map(Violation::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    message.push_str(&format!("\ntidy: {} violation(s)", violations.len()));
    Err(XtaskError::new(message))
}

fn violation(out: &mut Vec<Violation>, path: impl Into<String>, message: impl Into<String>) {
    out.push(Violation {
        path: path.into(),
        message: message.into(),
    });
}

/// Every `.rs` file starts with a `//!` line.
fn doc_headers(ws: &Workspace, out: &mut Vec<Violation>) -> Result<()> {
    let mut files = Vec::new();
    for root in SOURCE_ROOTS {
        rust_files(ws.root(), root, &mut files)?;
    }
    for rel in files {
        let text = ws.read(&rel)?;
        if !text.lines().next().is_some_and(|l| l.starts_with("//!")) {
            violation(
                out,
                rel,
                "the first line must be a `//!` comment saying what the file is for",
            );
        }
    }
    Ok(())
}

/// Collects `.rs` files under `rel`, skipping hidden folders and build output.
fn rust_files(root: &Path, rel: &str, out: &mut Vec<String>) -> Result<()> {
    let dir = root.join(rel);
    let Ok(entries) = fs::read_dir(&dir) else {
        return Ok(());
    };
    let mut names: Vec<(String, bool)> = Vec::new();
    for entry in entries {
        let entry =
            entry.map_err(|e| XtaskError::new(format!("cannot list {}: {e}", dir.display())))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        names.push((name, entry.path().is_dir()));
    }
    names.sort();
    for (name, is_dir) in names {
        if name.starts_with('.') || name == "target" {
            continue;
        }
        let child = format!("{rel}/{name}");
        if is_dir {
            rust_files(root, &child, out)?;
        } else if name.ends_with(".rs") {
            out.push(child);
        }
    }
    Ok(())
}

/// Reads a manifest under the root as a table.
fn manifest(ws: &Workspace, rel: &str) -> Result<Table> {
    ws.read(rel)?
        .parse()
        .map_err(|e| XtaskError::new(format!("{rel} does not parse: {e}")))
}

fn package_field<'a>(manifest: &'a Table, key: &str) -> Option<&'a Value> {
    manifest.get("package")?.get(key)
}

/// Connector layout, names and dependencies.
fn connectors(ws: &Workspace, out: &mut Vec<Violation>) -> Result<()> {
    for id in ws.connector_ids()? {
        let dir = format!("connectors/{id}");
        let cargo = format!("{dir}/Cargo.toml");
        for required in ["Cargo.toml", "README.md", "tests/conformance.rs"] {
            if !ws.path(&format!("{dir}/{required}")).is_file() {
                violation(
                    out,
                    &dir,
                    format!("every connector needs {required} (see docs/adding-a-connector.md)"),
                );
            }
        }
        if !ws.path(&cargo).is_file() {
            continue;
        }
        let m = manifest(ws, &cargo)?;
        let expected = package_name(&id);
        let name = package_field(&m, "name").and_then(Value::as_str);
        if name != Some(expected.as_str()) {
            violation(
                out,
                &cargo,
                format!("the package under {dir} must be named {expected:?}, not {name:?}"),
            );
        }
        for (table_name, deps) in dependency_tables(&m) {
            for (key, spec) in deps {
                let package = spec
                    .get("package")
                    .and_then(Value::as_str)
                    .unwrap_or(key.as_str());
                if FORBIDDEN_CONNECTOR_DEPS.contains(&package) {
                    violation(
                        out,
                        &cargo,
                        format!(
                            "connectors must not depend on {package} directly ([{table_name}]): \
                             use what plugboard-core provides"
                        ),
                    );
                }
            }
        }
    }
    Ok(())
}

/// `[dependencies]` and its `[target.<cfg>.dependencies]` variants (dev- and build-dependencies
/// are not shipped with the connector, so they are not checked).
fn dependency_tables(m: &Table) -> Vec<(String, &Table)> {
    let mut tables = Vec::new();
    if let Some(deps) = m.get("dependencies").and_then(Value::as_table) {
        tables.push(("dependencies".to_string(), deps));
    }
    if let Some(targets) = m.get("target").and_then(Value::as_table) {
        for (cfg, target) in targets {
            if let Some(deps) = target.get("dependencies").and_then(Value::as_table) {
                tables.push((format!("target.{cfg}.dependencies"), deps));
            }
        }
    }
    tables
}

/// Every crate under `crates/` is named `plugboard-*`.
fn crate_names(ws: &Workspace, out: &mut Vec<Violation>) -> Result<()> {
    for folder in subfolders(&ws.path("crates"))? {
        let cargo = format!("crates/{folder}/Cargo.toml");
        if !ws.path(&cargo).is_file() {
            continue;
        }
        let m = manifest(ws, &cargo)?;
        let name = package_field(&m, "name").and_then(Value::as_str);
        if !name.is_some_and(|n| n.starts_with("plugboard-")) {
            violation(
                out,
                &cargo,
                format!("crates under crates/ must be named plugboard-*, not {name:?}"),
            );
        }
    }
    Ok(())
}

/// Publishable crates carry the metadata crates.io shows.
fn metadata(ws: &Workspace, out: &mut Vec<Violation>) -> Result<()> {
    let root = manifest(ws, "Cargo.toml")?;
    let inherited = root
        .get("workspace")
        .and_then(|w| w.get("package"))
        .and_then(Value::as_table);
    for member in ws.members()? {
        let cargo = format!("{member}/Cargo.toml");
        if !ws.path(&cargo).is_file() {
            violation(out, &cargo, "a workspace member without a Cargo.toml");
            continue;
        }
        let m = manifest(ws, &cargo)?;
        if !is_publishable(&m) {
            continue;
        }
        for key in REQUIRED_METADATA {
            let value = package_field(&m, key).or_else(|| {
                (key == "license")
                    .then(|| package_field(&m, "license-file"))
                    .flatten()
            });
            let ok = match value {
                Some(Value::String(s)) => !s.trim().is_empty(),
                Some(Value::Table(t)) => {
                    t.get("workspace").and_then(Value::as_bool) == Some(true)
                        && inherited.is_some_and(|w| w.contains_key(key))
                }
                _ => false,
            };
            if !ok {
                violation(
                    out,
                    &cargo,
                    format!(
                        "publishable crates need `{key}` (their own, or `{key}.workspace = true` \
                         with [workspace.package] {key}); or set `publish = false`"
                    ),
                );
            }
        }
        if let Some(readme) = package_field(&m, "readme").and_then(Value::as_str)
            && !ws.path(&format!("{member}/{readme}")).is_file()
        {
            violation(out, &cargo, format!("readme {readme:?} does not exist"));
        }
    }
    Ok(())
}

/// Whether a manifest allows publishing (`publish = false` or `publish = []` forbid it).
fn is_publishable(m: &Table) -> bool {
    match package_field(m, "publish") {
        Some(Value::Boolean(b)) => *b,
        Some(Value::Array(registries)) => !registries.is_empty(),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// A throwaway workspace on disk, removed on drop.
    struct Scratch(PathBuf);

    impl Scratch {
        fn new(name: &str) -> Self {
            let dir =
                std::env::temp_dir().join(format!("xtask-tidy-{name}-{}", std::process::id()));
            let _ = fs::remove_dir_all(&dir);
            fs::create_dir_all(&dir).unwrap();
            Self(dir)
        }
        fn file(&self, rel: &str, text: &str) -> &Self {
            let path = self.0.join(rel);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
            self
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    const ROOT: &str = "[workspace]\nmembers = [\"crates/*\", \"connectors/*\"]\n\n\
        [workspace.package]\nlicense = \"MIT\"\nrepository = \"https://example.com\"\n";

    #[test]
    fn a_clean_tree_passes() {
        let s = Scratch::new("clean");
        s.file("Cargo.toml", ROOT)
            .file(
                "connectors/demo/Cargo.toml",
                "[package]\nname = \"plugboard-demo\"\ndescription = \"d\"\nreadme = \"README.md\"\n\
                 license.workspace = true\nrepository.workspace = true\n\n[dependencies]\n\
                 plugboard-core.workspace = true\n\n[dev-dependencies]\nreqwest = \"1\"\n",
            )
            .file("connectors/demo/README.md", "# demo\n")
            .file("connectors/demo/src/lib.rs", "//! Demo.\n")
            .file("connectors/demo/tests/conformance.rs", "//! Conformance.\n")
            .file(
                "crates/core/Cargo.toml",
                "[package]\nname = \"plugboard-core\"\npublish = false\n",
            );
        assert_eq!(check(&Workspace::at(&s.0)).unwrap(), []);
    }

    #[test]
    fn every_rule_names_its_file() {
        let s = Scratch::new("dirty");
        s.file("Cargo.toml", ROOT)
            .file(
                "connectors/demo/Cargo.toml",
                "[package]\nname = \"demo\"\nlicense.workspace = true\ndescription = \"d\"\n\
                 readme.workspace = true\n\n[dependencies]\nhttp-client = { package = \"reqwest\", version = \"1\" }\n\
                 moka = \"0.12\"\n",
            )
            .file("connectors/demo/src/lib.rs", "#![allow(missing_docs)]\n//! Late.\n")
            .file("crates/core/Cargo.toml", "[package]\nname = \"core\"\npublish = false\n")
            .file("crates/core/src/lib.rs", "")
            .file("xtask/src/main.rs", "fn main() {}\n")
            .file("xtask/target/debug/build/out.rs", "generated\n");
        let found: Vec<String> = check(&Workspace::at(&s.0))
            .unwrap()
            .iter()
            .map(Violation::to_string)
            .collect();
        let has = |path: &str, needle: &str| {
            found
                .iter()
                .any(|v| v.starts_with(&format!("{path}: ")) && v.contains(needle))
        };
        assert!(has("connectors/demo/src/lib.rs", "`//!`"), "{found:#?}");
        assert!(has("crates/core/src/lib.rs", "`//!`"), "{found:#?}");
        assert!(has("xtask/src/main.rs", "`//!`"), "{found:#?}");
        assert!(has("connectors/demo", "README.md"), "{found:#?}");
        assert!(has("connectors/demo", "tests/conformance.rs"), "{found:#?}");
        assert!(
            has("connectors/demo/Cargo.toml", "\"plugboard-demo\""),
            "{found:#?}"
        );
        assert!(has("connectors/demo/Cargo.toml", "reqwest"), "{found:#?}");
        assert!(has("connectors/demo/Cargo.toml", "moka"), "{found:#?}");
        assert!(
            has("connectors/demo/Cargo.toml", "`repository`"),
            "{found:#?}"
        );
        assert!(has("connectors/demo/Cargo.toml", "`readme`"), "{found:#?}");
        assert!(has("crates/core/Cargo.toml", "plugboard-*"), "{found:#?}");
        assert!(!found.iter().any(|v| v.contains("target/")), "{found:#?}");
        assert_eq!(found.len(), 11, "{found:#?}");
    }
}
