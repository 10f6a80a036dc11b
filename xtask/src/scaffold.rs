//! `cargo xtask new-connector <id>`: writes `connectors/<id>/` from the templates in
//! `xtask/templates/` (the GitHub connector's layout with one `health.get` operation), then
//! runs codegen so the host and the workspace tests link the new crate.

use crate::codegen;
use crate::workspace::{Result, Workspace, XtaskError, crate_ident, package_name};

/// Ids that would collide with the workspace's own crates (`plugboard-core`...).
pub const RESERVED_IDS: [&str; 6] = ["cli", "core", "host", "store", "testkit", "workspace-tests"];

/// What to scaffold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The connector id, e.g. `demo`.
    pub id: String,
    /// The platform's display name; defaults to the id in title case.
    pub name: String,
    /// The origin the platform documents its endpoints under.
    pub base_url: String,
}

impl Options {
    /// Options for `id`, with defaults for what is not given.
    pub fn new(id: String, name: Option<String>, base_url: Option<String>) -> Self {
        let name = name.unwrap_or_else(|| title_case(&id));
        let base_url = base_url.unwrap_or_else(|| format!("https://api.{id}.example"));
        Self { id, name, base_url }
    }
}

/// One template: the path under the connector folder and its text with `{{...}}` holes.
struct Template {
    path: &'static str,
    text: &'static str,
}

macro_rules! template {
    ($path:literal, $file:literal) => {
        Template {
            path: $path,
            text: include_str!(concat!("../templates/", $file)),
        }
    };
}

const TEMPLATES: &[Template] = &[
    template!("Cargo.toml", "Cargo.toml.tmpl"),
    template!("README.md", "README.md.tmpl"),
    template!("src/lib.rs", "lib.rs.tmpl"),
    template!("src/api/mod.rs", "api_mod.rs.tmpl"),
    template!("src/api/health.rs", "api_health.rs.tmpl"),
    template!("src/classify.rs", "classify.rs.tmpl"),
    template!("src/client.rs", "client.rs.tmpl"),
    template!("src/connector.rs", "connector.rs.tmpl"),
    template!("src/models.rs", "models.rs.tmpl"),
    template!("src/operations.rs", "operations.rs.tmpl"),
    template!("tests/api.rs", "api.rs.tmpl"),
    template!("tests/conformance.rs", "conformance.rs.tmpl"),
    template!("tests/fixtures/health.json", "health.json.tmpl"),
];

/// Checks an id: lowercase ASCII letters, digits and single `-` between them, starting with a
/// letter, not one of [`RESERVED_IDS`].
pub fn validate_id(id: &str) -> Result<()> {
    let bad = |why: &str| {
        XtaskError::new(format!(
            "invalid connector id {id:?}: {why} (use lowercase ascii letters, digits and `-`, \
             starting with a letter, e.g. `google-ads`)"
        ))
    };
    let first = id.chars().next().ok_or_else(|| bad("it is empty"))?;
    if !first.is_ascii_lowercase() {
        return Err(bad("it must start with a lowercase letter"));
    }
    if let Some(c) = id
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        return Err(bad(&format!("{c:?} is not allowed")));
    }
    if id.ends_with('-') || id.contains("--") {
        return Err(bad("`-` must sit between letters or digits"));
    }
    if RESERVED_IDS.contains(&id) {
        return Err(bad("it names one of the workspace's own crates"));
    }
    Ok(())
}

/// The files of a new connector, relative to the workspace root, with every hole filled.
pub fn render(options: &Options) -> Vec<codegen::Generated> {
    let type_prefix = pascal_case(&options.id);
    let vars: [(&str, String); 8] = [
        ("{{id}}", options.id.clone()),
        ("{{name}}", options.name.clone()),
        ("{{Type}}", type_prefix),
        (
            "{{CONST}}",
            options.id.to_ascii_uppercase().replace('-', "_"),
        ),
        ("{{ENV}}", options.id.to_ascii_uppercase().replace('-', "_")),
        ("{{crate}}", package_name(&options.id)),
        ("{{crate_ident}}", crate_ident(&options.id)),
        (
            "{{base_url}}",
            options.base_url.trim_end_matches('/').to_string(),
        ),
    ];
    TEMPLATES
        .iter()
        .map(|t| {
            let mut contents = t.text.to_string();
            for (hole, value) in &vars {
                contents = contents.replace(hole, value);
            }
            codegen::Generated {
                path: format!("connectors/{}/{}", options.id, t.path),
                contents,
            }
        })
        .collect()
}

/// Scaffolds the connector and links it.
pub fn run(ws: &Workspace, options: &Options) -> Result<()> {
    validate_id(&options.id)?;
    if options.name.trim().is_empty() || options.name.contains(['"', '\\', '\n']) {
        return Err(XtaskError::new(format!(
            "invalid display name {:?}: it must be non-empty plain text",
            options.name
        )));
    }
    if !(options.base_url.starts_with("https://") || options.base_url.starts_with("http://")) {
        return Err(XtaskError::new(format!(
            "invalid base URL {:?}: it must start with https:// or http://",
            options.base_url
        )));
    }
    let dir = format!("connectors/{}", options.id);
    if ws.path(&dir).exists() {
        return Err(XtaskError::new(format!("{dir} already exists")));
    }
    for file in render(options) {
        ws.write(&file.path, &file.contents)?;
        eprintln!("new-connector: wrote {}", file.path);
    }
    format_crate(ws, &package_name(&options.id));
    let written = codegen::run(ws, false).map_err(|e| {
        XtaskError::new(format!(
            "{dir} was written, but codegen failed: {e}\nfix the cause and run `cargo xtask codegen`"
        ))
    })?;
    for path in written {
        eprintln!("codegen: wrote {path}");
    }
    eprintln!(
        "\n{dir} is ready: `cargo test -p {}` runs its conformance suite; \
         see docs/adding-a-connector.md for the next steps",
        package_name(&options.id)
    );
    Ok(())
}

/// `cargo xtask remove-connector <id>`: deletes `connectors/<id>/` and runs codegen, which drops
/// the connector from the link lists, the dependency entries and the README matrix. (Deleting
/// the folder by hand leaves manifests that name a missing crate, and cargo then cannot build
/// xtask to repair them.)
pub fn remove(ws: &Workspace, id: &str) -> Result<()> {
    validate_id(id)?;
    let dir = format!("connectors/{id}");
    if !ws.path(&dir).is_dir() {
        return Err(XtaskError::new(format!("{dir} does not exist")));
    }
    std::fs::remove_dir_all(ws.path(&dir))
        .map_err(|e| XtaskError::new(format!("cannot remove {dir}: {e}")))?;
    eprintln!("remove-connector: removed {dir}");
    let written = codegen::run(ws, false).map_err(|e| {
        XtaskError::new(format!(
            "{dir} was removed, but codegen failed: {e}\nfix the cause and run `cargo xtask codegen`"
        ))
    })?;
    for path in written {
        eprintln!("codegen: wrote {path}");
    }
    Ok(())
}

/// Runs `cargo fmt` on the new crate: import order and line breaks depend on the names filled
/// in, so the templates are formatted after rendering. A missing rustfmt is only a warning.
fn format_crate(ws: &Workspace, package: &str) {
    match ws.cargo().args(["fmt", "-p", package]).status() {
        Ok(status) if status.success() => {}
        Ok(status) => {
            eprintln!("new-connector: warning: `cargo fmt -p {package}` failed ({status})")
        }
        Err(e) => eprintln!("new-connector: warning: cannot run `cargo fmt -p {package}`: {e}"),
    }
}

/// `google-ads` → `Google Ads`.
fn title_case(id: &str) -> String {
    id.split('-').map(capitalise).collect::<Vec<_>>().join(" ")
}

/// `google-ads` → `GoogleAds`.
fn pascal_case(id: &str) -> String {
    id.split('-').map(capitalise).collect()
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_checked() {
        for good in ["demo", "google-ads", "x2"] {
            assert!(validate_id(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "Demo",
            "2x",
            "a_b",
            "a-",
            "a--b",
            "dé",
            "core",
            "with space",
        ] {
            let e = validate_id(bad).unwrap_err();
            assert!(e.to_string().contains("invalid connector id"), "{bad}: {e}");
        }
    }

    #[test]
    fn templates_are_filled_everywhere() {
        let files = render(&Options::new("google-ads".into(), None, None));
        assert_eq!(files.len(), TEMPLATES.len());
        for f in &files {
            assert!(f.path.starts_with("connectors/google-ads/"), "{}", f.path);
            assert!(!f.contents.contains("{{"), "{} keeps a hole", f.path);
            if f.path.ends_with(".rs") {
                assert!(
                    f.contents.starts_with("//!"),
                    "{} has no //! header",
                    f.path
                );
            }
        }
        let manifest = &files[0].contents;
        assert!(
            manifest.contains("name = \"plugboard-google-ads\""),
            "{manifest}"
        );
        let lib = files
            .iter()
            .find(|f| f.path.ends_with("src/lib.rs"))
            .unwrap();
        assert!(lib.contents.contains("GoogleAds"), "{}", lib.contents);
    }

    #[test]
    fn names_default_from_the_id() {
        let o = Options::new("google-ads".into(), None, None);
        assert_eq!(o.name, "Google Ads");
        assert_eq!(o.base_url, "https://api.google-ads.example");
        assert_eq!(pascal_case("google-ads"), "GoogleAds");
    }
}
