//! Headless Chromium: prints a rendered HTML report to PDF (and, for tests and docs, takes a
//! screenshot or reads back the DOM Chromium parsed).

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::process::Command;

/// The environment variable naming a Chrome or Chromium binary to use.
pub const CHROMIUM_ENV: &str = "PLUGBOARD_CHROMIUM";

/// Binary names searched on `PATH`, in order.
const CANDIDATES: &[&str] = &[
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
];

/// How long one Chromium run may take.
const RUN_LIMIT: Duration = Duration::from_secs(120);

/// Why Chromium could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum ChromiumError {
    /// No Chromium was found.
    #[error(
        "PDF output needs headless Chromium, and none was found (looked for {CHROMIUM_ENV} and \
         {names} on PATH). Install it — Debian/Ubuntu: `sudo apt-get install -y chromium`; \
         Fedora: `sudo dnf install chromium`; macOS: `brew install --cask chromium` — or set \
         {CHROMIUM_ENV} to a Chrome/Chromium binary. Or write `--format html` and print it \
         from a browser.",
        names = CANDIDATES.join(", ")
    )]
    NotInstalled,
    /// Chromium could not be started or its files not written.
    #[error("running Chromium ({binary}) failed: {source}")]
    Io {
        /// The binary.
        binary: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// Chromium ran but failed or produced nothing.
    #[error("Chromium ({binary}) failed: {detail}")]
    Failed {
        /// The binary.
        binary: PathBuf,
        /// Its exit status and the end of its error output.
        detail: String,
    },
}

/// A headless Chromium binary.
#[derive(Debug, Clone)]
pub struct Chromium {
    binary: PathBuf,
}

impl Chromium {
    /// The binary named by [`CHROMIUM_ENV`], else the first of `chromium`, `chromium-browser`,
    /// `google-chrome`... found on `PATH`.
    pub fn find() -> Result<Self, ChromiumError> {
        if let Some(path) = std::env::var_os(CHROMIUM_ENV).filter(|p| !p.is_empty()) {
            let path = PathBuf::from(path);
            return if path.is_file() {
                Ok(Self { binary: path })
            } else {
                Err(ChromiumError::NotInstalled)
            };
        }
        let path = std::env::var_os("PATH").unwrap_or_default();
        std::env::split_paths(&path)
            .flat_map(|dir| CANDIDATES.iter().map(move |name| dir.join(name)))
            .find(|candidate| candidate.is_file())
            .map(|binary| Self { binary })
            .ok_or(ChromiumError::NotInstalled)
    }

    /// The binary in use.
    pub fn binary(&self) -> &Path {
        &self.binary
    }

    /// Prints `html` (a self-contained page) to a PDF at `out`.
    pub async fn print_to_pdf(&self, html: &str, out: &Path) -> Result<(), ChromiumError> {
        let page = Scratch::new(&self.binary)?;
        let input = page.write("report.html", html.as_bytes())?;
        let out = absolute(out);
        self.run(
            &page,
            &[
                "--no-pdf-header-footer".to_string(),
                format!("--print-to-pdf={}", out.display()),
            ],
            &input,
        )
        .await?;
        self.expect_file(&out)
    }

    /// Takes a PNG screenshot of the page at `page` (a file), `width` × `height` pixels.
    pub async fn screenshot(
        &self,
        page: &Path,
        out: &Path,
        width: u32,
        height: u32,
    ) -> Result<(), ChromiumError> {
        let scratch = Scratch::new(&self.binary)?;
        let out = absolute(out);
        self.run(
            &scratch,
            &[
                "--hide-scrollbars".to_string(),
                format!("--window-size={width},{height}"),
                format!("--screenshot={}", out.display()),
            ],
            &absolute(page),
        )
        .await?;
        self.expect_file(&out)
    }

    /// The DOM Chromium built from the page at `page`, serialised back to HTML.
    pub async fn dump_dom(&self, page: &Path) -> Result<String, ChromiumError> {
        let scratch = Scratch::new(&self.binary)?;
        let stdout = self
            .run(&scratch, &["--dump-dom".to_string()], &absolute(page))
            .await?;
        Ok(String::from_utf8_lossy(&stdout).into_owned())
    }

    /// Runs Chromium headless and offline-friendly on a local file, returning its stdout.
    async fn run(
        &self,
        scratch: &Scratch,
        args: &[String],
        page: &Path,
    ) -> Result<Vec<u8>, ChromiumError> {
        let mut command = Command::new(&self.binary);
        command
            .args([
                "--headless",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--mute-audio",
            ])
            .arg(format!("--user-data-dir={}", scratch.profile().display()))
            .args(args)
            .arg(format!("file://{}", page.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        if running_as_root() {
            // Chromium refuses to start its sandbox as root; the page is our own, escaped,
            // script-free report.
            command.arg("--no-sandbox");
        }
        let child = command.spawn().map_err(|source| ChromiumError::Io {
            binary: self.binary.clone(),
            source,
        })?;
        let output = tokio::time::timeout(RUN_LIMIT, child.wait_with_output())
            .await
            .map_err(|_| ChromiumError::Failed {
                binary: self.binary.clone(),
                detail: format!("no answer within {}s", RUN_LIMIT.as_secs()),
            })?
            .map_err(|source| ChromiumError::Io {
                binary: self.binary.clone(),
                source,
            })?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let tail: Vec<&str> = stderr.lines().rev().take(5).collect();
            return Err(ChromiumError::Failed {
                binary: self.binary.clone(),
                detail: format!(
                    "{}: {}",
                    output.status,
                    tail.into_iter().rev().collect::<Vec<_>>().join(" | ")
                ),
            });
        }
        Ok(output.stdout)
    }

    fn expect_file(&self, out: &Path) -> Result<(), ChromiumError> {
        match std::fs::metadata(out) {
            Ok(meta) if meta.len() > 0 => Ok(()),
            _ => Err(ChromiumError::Failed {
                binary: self.binary.clone(),
                detail: format!("it wrote nothing to {}", out.display()),
            }),
        }
    }
}

/// A private directory for one run: the page and a fresh browser profile, removed on drop.
struct Scratch {
    dir: PathBuf,
}

impl Scratch {
    fn new(binary: &Path) -> Result<Self, ChromiumError> {
        static RUNS: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or_default();
        let name = format!(
            "plugboard-chromium-{}-{}-{nanos}",
            std::process::id(),
            RUNS.fetch_add(1, Ordering::Relaxed)
        );
        let dir = std::env::temp_dir().join(name);
        std::fs::create_dir_all(dir.join("profile")).map_err(|source| ChromiumError::Io {
            binary: binary.to_path_buf(),
            source,
        })?;
        Ok(Self { dir })
    }

    fn profile(&self) -> PathBuf {
        self.dir.join("profile")
    }

    fn write(&self, name: &str, bytes: &[u8]) -> Result<PathBuf, ChromiumError> {
        let path = self.dir.join(name);
        std::fs::write(&path, bytes).map_err(|source| ChromiumError::Io {
            binary: PathBuf::from("chromium"),
            source,
        })?;
        Ok(path)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Whether this process runs as root (Linux: the real uid in `/proc/self/status`).
fn running_as_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("Uid:"))
                .and_then(|ids| ids.split_whitespace().next().map(|uid| uid == "0"))
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_chromium_explains_how_to_install_it() {
        let text = ChromiumError::NotInstalled.to_string();
        assert!(text.contains("apt-get install -y chromium"), "{text}");
        assert!(text.contains(CHROMIUM_ENV), "{text}");
        assert!(text.contains("--format html"), "{text}");
    }
}
