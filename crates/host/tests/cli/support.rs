//! Running the binary: a clean environment, a scratch working directory, and checks that no
//! secret ever reaches its output.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The token every test configures; it must never be printed.
pub const TOKEN: &str = "ghp_TESTTOKEN_never_printed_0123456789";

/// GitHub's documented webhook example.
pub mod github_example {
    /// The secret.
    pub const SECRET: &str = "It's a Secret to Everybody";
    /// The body.
    pub const BODY: &str = "Hello, World!";
    /// Its signature.
    pub const SIGNATURE: &str =
        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    /// The delivery id used with it.
    pub const DELIVERY: &str = "72d3162e-cc78-11e3-81ab-4c9367dc0958";
}

/// A fresh, empty directory under the target dir.
pub fn scratch_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "plugboard-cli-{name}-{}-{}",
        std::process::id(),
        unique()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos() as u64;
    (N.fetch_add(1, Ordering::SeqCst) << 32) | nanos
}

/// The binary with an empty environment (so no inherited `PLUGBOARD_*`, proxy or `RUST_LOG`
/// variable changes the outcome), run in a fresh scratch directory.
pub fn plugboard(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_plugboard"));
    cmd.args(args)
        .env_clear()
        .current_dir(scratch_dir("run"))
        .stdin(Stdio::null());
    cmd
}

/// The binary pointed at a GitHub mock, with a token.
pub fn plugboard_github(mock_uri: &str, args: &[&str]) -> Command {
    let mut cmd = plugboard(args);
    cmd.env("PLUGBOARD_GITHUB_BASE_URL", mock_uri)
        .env("PLUGBOARD_GITHUB_TOKEN", TOKEN);
    cmd
}

/// What a finished run printed.
#[derive(Debug)]
pub struct Run {
    /// The exit code.
    pub code: i32,
    /// Stdout.
    pub stdout: String,
    /// Stderr.
    pub stderr: String,
}

impl Run {
    /// Stdout's non-empty lines parsed as JSON.
    pub fn json_lines(&self) -> Vec<serde_json::Value> {
        self.stdout
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l:?}")))
            .collect()
    }

    /// Asserts the exit code, showing the output otherwise.
    pub fn assert_code(&self, code: i32) -> &Self {
        assert_eq!(self.code, code, "unexpected exit code: {self:#?}");
        self
    }
}

fn finish(output: Output, secrets: &[&str]) -> Run {
    let run = Run {
        code: output.status.code().expect("exited normally"),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    assert_no_secret(&run.stdout, secrets);
    assert_no_secret(&run.stderr, secrets);
    run
}

/// Asserts that none of `secrets` (nor [`TOKEN`]) appears in `text`.
pub fn assert_no_secret(text: &str, secrets: &[&str]) {
    for s in secrets.iter().chain([&TOKEN]) {
        assert!(!text.contains(s), "a secret was printed: {text}");
    }
}

/// Runs to completion with no stdin; asserts no secret in the output.
pub fn run(cmd: &mut Command, secrets: &[&str]) -> Run {
    finish(cmd.output().expect("the binary runs"), secrets)
}

/// Runs to completion with `stdin` as input; asserts no secret in the output.
pub fn run_with_stdin(cmd: &mut Command, stdin: &[u8], secrets: &[&str]) -> Run {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    finish(child.wait_with_output().unwrap(), secrets)
}
