//! `cargo xtask test` and `cargo xtask bench`: the commands CI and contributors run, with the
//! services the suite needs made available first.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};

use crate::workspace::{Result, Workspace, XtaskError};

/// Set to `1` to make `cargo xtask test` provide a `redis-server` (the Redis store tests need
/// one on loopback).
pub const NEEDS_REDIS_ENV: &str = "PLUGBOARD_NEEDS_REDIS";
/// Whether the suite itself needs Redis: the store, credentials and `serve` tests run against a
/// real `redis-server` on loopback.
pub const SUITE_NEEDS_REDIS: bool = true;

/// `cargo xtask test [args]`: the whole suite — every unit, integration, bin, example and
/// bench target in test mode (`cargo test --workspace --all-targets`), then the doctests
/// (`cargo test --workspace --doc`, which `--all-targets` leaves out). `args` go to both
/// runs. Returns the first failing status, else success.
pub fn test(ws: &Workspace, args: &[String]) -> Result<ExitStatus> {
    ensure_services()?;
    let status = run(ws
        .cargo()
        .args(["test", "--workspace", "--all-targets"])
        .args(args))?;
    if !status.success() {
        return Ok(status);
    }
    run(ws.cargo().args(["test", "--workspace", "--doc"]).args(args))
}

/// `cargo xtask bench [runtime|ingest|report] [args]`: the runtime overhead benchmark of
/// plugboard-core, the webhook ingest benchmark of the host (`serve` on SQLite and Redis
/// against a bare axum handler) and the sprint report benchmark (200 issues, 500 pull requests
/// against latent mocks, against a bare replay of the same requests); all by default. The
/// ingest bench needs `redis-server`.
pub fn bench(ws: &Workspace, args: &[String]) -> Result<ExitStatus> {
    let (which, rest): (&[&str], &[String]) = match args.first().map(String::as_str) {
        Some("runtime") => (&["runtime"], &args[1..]),
        Some("ingest") => (&["ingest"], &args[1..]),
        Some("report") => (&["report"], &args[1..]),
        _ => (&["runtime", "ingest", "report"], args),
    };
    let mut last = None;
    for bench in which {
        let (package, target) = match *bench {
            "runtime" => ("plugboard-core", "runtime_overhead"),
            "report" => ("plugboard-reports", "sprint_report"),
            _ => {
                ensure_redis()?;
                ("plugboard-cli", "ingest")
            }
        };
        let status = run(ws
            .cargo()
            .args(["bench", "-p", package, "--bench", target])
            .args(rest))?;
        if !status.success() {
            return Ok(status);
        }
        last = Some(status);
    }
    Ok(last.expect("at least one bench"))
}

/// Makes every service and tool the suite needs available: `redis-server` (the store,
/// credentials and `serve` tests) and headless Chromium (the sprint report test opens the HTML
/// report in it and prints a PDF).
pub fn ensure_services() -> Result<()> {
    ensure_redis()?;
    ensure_chromium()
}

/// Makes `redis-server` available when the suite needs it ([`SUITE_NEEDS_REDIS`] or
/// `PLUGBOARD_NEEDS_REDIS=1`): found on `PATH`, else installed with apt when running as root,
/// else a clear error. A no-op otherwise.
pub fn ensure_redis() -> Result<()> {
    let wanted = SUITE_NEEDS_REDIS || std::env::var(NEEDS_REDIS_ENV).is_ok_and(|v| v == "1");
    if !wanted {
        return Ok(());
    }
    ensure_tool(
        "redis-server",
        &["redis-server"],
        &["redis-server"],
        "install Redis (e.g. `sudo apt-get install -y redis-server` or `brew install redis`)",
    )
}

/// Makes headless Chromium available: `PLUGBOARD_CHROMIUM` or `chromium` on `PATH`, else
/// Debian's `chromium` package installed with apt when running as root, else a clear error.
pub fn ensure_chromium() -> Result<()> {
    if std::env::var_os("PLUGBOARD_CHROMIUM").is_some_and(|p| Path::new(&p).is_file()) {
        return Ok(());
    }
    ensure_tool(
        "chromium",
        &["chromium", "chromium-browser", "google-chrome"],
        // A font, so screenshots show text on a minimal system.
        &["chromium", "fonts-dejavu-core"],
        "install Chromium (e.g. `sudo apt-get install -y chromium`) or set PLUGBOARD_CHROMIUM",
    )
}

/// `binary` (or one of `names`) on `PATH`, else `packages` installed with apt-get as root.
fn ensure_tool(binary: &str, names: &[&str], packages: &[&str], how: &str) -> Result<()> {
    if names.iter().any(|n| find_on_path(n).is_some()) {
        return Ok(());
    }
    if !is_root() {
        return Err(XtaskError::new(format!(
            "the test suite needs `{binary}` on PATH: {how}, and re-run"
        )));
    }
    let package = packages.join(" ");
    eprintln!("xtask: {binary} not found; installing {package} with apt-get");
    let install: Vec<&str> = ["install", "-y", "--no-install-recommends"]
        .into_iter()
        .chain(packages.iter().copied())
        .collect();
    for args in [&["update"][..], &install[..]] {
        let status = run(Command::new("apt-get")
            .args(args)
            .env("DEBIAN_FRONTEND", "noninteractive"))?;
        if !status.success() {
            return Err(XtaskError::new(format!(
                "`apt-get {}` failed ({status}); {how}, and re-run",
                args.join(" ")
            )));
        }
    }
    if !names.iter().any(|n| find_on_path(n).is_some()) {
        return Err(XtaskError::new(format!(
            "{binary} is still not on PATH after installing {package}"
        )));
    }
    Ok(())
}

/// The first `name` executable in `PATH`.
pub fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        path.metadata()
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}

/// Whether xtask runs as root (`id -u` prints 0).
fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Runs a command with inherited stdio, echoing it first.
fn run(cmd: &mut Command) -> Result<ExitStatus> {
    let program = Path::new(cmd.get_program())
        .file_name()
        .unwrap_or(cmd.get_program());
    let shown = std::iter::once(program)
        .chain(cmd.get_args())
        .map(|a| a.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ");
    eprintln!("xtask: $ {shown}");
    cmd.status()
        .map_err(|e| XtaskError::new(format!("cannot run `{shown}`: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_executables_on_path_only() {
        assert!(find_on_path("sh").is_some());
        assert!(find_on_path("surely-not-a-real-program-xtask").is_none());
    }
}
