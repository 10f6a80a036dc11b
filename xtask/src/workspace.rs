//! Where the workspace is and what is in it: the root, the connector folders, file access
//! with paths in every error, and a `cargo` command rooted at the workspace.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// An xtask failure: a message meant for the person who ran the command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XtaskError(String);

impl XtaskError {
    /// An error with `message`.
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

impl fmt::Display for XtaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for XtaskError {}

/// The result of an xtask step.
pub type Result<T, E = XtaskError> = std::result::Result<T, E>;

/// The plugboard workspace on disk.
#[derive(Debug, Clone)]
pub struct Workspace {
    root: PathBuf,
}

impl Workspace {
    /// The workspace at `root` (the folder holding the root `Cargo.toml`).
    pub fn at(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// Finds the workspace: the nearest ancestor of the running package's manifest folder
    /// (`CARGO_MANIFEST_DIR`, set by `cargo run` and `cargo test`) whose `Cargo.toml` has a
    /// `[workspace]` table. Falls back to the folder xtask was built from, then the current
    /// directory, so a copy of the tree finds itself rather than the original.
    pub fn locate() -> Result<Self> {
        let mut starts: Vec<PathBuf> = Vec::new();
        if let Some(dir) = std::env::var_os("CARGO_MANIFEST_DIR") {
            starts.push(dir.into());
        }
        starts.push(PathBuf::from(env!("CARGO_MANIFEST_DIR")));
        if let Ok(dir) = std::env::current_dir() {
            starts.push(dir);
        }
        for start in starts {
            for dir in start.ancestors() {
                let manifest = dir.join("Cargo.toml");
                if fs::read_to_string(&manifest).is_ok_and(|text| is_workspace_manifest(&text)) {
                    return Ok(Self::at(dir));
                }
            }
        }
        Err(XtaskError::new(
            "cannot find the workspace root (a Cargo.toml with a [workspace] table)",
        ))
    }

    /// The root folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `rel` (forward slashes) under the root.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// Reads a file under the root.
    pub fn read(&self, rel: &str) -> Result<String> {
        fs::read_to_string(self.path(rel))
            .map_err(|e| XtaskError::new(format!("cannot read {rel}: {e}")))
    }

    /// Writes a file under the root, creating its folder.
    pub fn write(&self, rel: &str, contents: &str) -> Result<()> {
        let path = self.path(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .map_err(|e| XtaskError::new(format!("cannot create {}: {e}", parent.display())))?;
        }
        fs::write(&path, contents).map_err(|e| XtaskError::new(format!("cannot write {rel}: {e}")))
    }

    /// The connector ids: every folder under `connectors/` (hidden ones aside), sorted.
    pub fn connector_ids(&self) -> Result<Vec<String>> {
        subfolders(&self.path("connectors"))
    }

    /// Every workspace member's folder relative to the root (`crates/core`, `connectors/github`,
    /// `tests`...), found from the `members` globs of the root manifest, sorted.
    pub fn members(&self) -> Result<Vec<String>> {
        let manifest: toml::Table = self
            .read("Cargo.toml")?
            .parse()
            .map_err(|e| XtaskError::new(format!("Cargo.toml does not parse: {e}")))?;
        let members = manifest
            .get("workspace")
            .and_then(|w| w.get("members"))
            .and_then(|m| m.as_array())
            .ok_or_else(|| XtaskError::new("Cargo.toml has no workspace.members"))?;
        let mut out = Vec::new();
        for member in members.iter().filter_map(|m| m.as_str()) {
            match member.strip_suffix("/*") {
                Some(parent) => {
                    for name in subfolders(&self.path(parent))? {
                        if self.path(&format!("{parent}/{name}/Cargo.toml")).is_file() {
                            out.push(format!("{parent}/{name}"));
                        }
                    }
                }
                None => out.push(member.to_string()),
            }
        }
        out.sort();
        out.dedup();
        Ok(out)
    }

    /// A `cargo` command (the one running xtask, when known) run from the root.
    pub fn cargo(&self) -> Command {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut cmd = Command::new(cargo);
        cmd.current_dir(&self.root);
        cmd
    }
}

/// Whether a manifest's text declares a workspace.
fn is_workspace_manifest(text: &str) -> bool {
    text.lines().any(|l| l.trim() == "[workspace]")
}

/// The names of the non-hidden folders directly under `dir`, sorted; none when it is absent.
pub fn subfolders(dir: &Path) -> Result<Vec<String>> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(XtaskError::new(format!(
                "cannot list {}: {e}",
                dir.display()
            )));
        }
    };
    let mut names = Vec::new();
    for entry in entries {
        let entry =
            entry.map_err(|e| XtaskError::new(format!("cannot list {}: {e}", dir.display())))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.starts_with('.') && entry.path().is_dir() {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

/// A connector id as a Rust crate name: `google-ads` → `plugboard_google_ads`.
pub fn crate_ident(id: &str) -> String {
    format!("plugboard_{}", id.replace('-', "_"))
}

/// A connector id as a package name: `github` → `plugboard-github`.
pub fn package_name(id: &str) -> String {
    format!("plugboard-{id}")
}
