//! A running `plugboard serve`: started in a scratch directory with a config file, driven over
//! HTTP, stopped with SIGTERM or killed with SIGKILL, and restarted on the same directory.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use plugboard_testkit::SignedDelivery;
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::task::JoinHandle;

use crate::support::plugboard;

/// One `plugboard serve` process.
pub struct Host {
    child: tokio::process::Child,
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    stderr: JoinHandle<String>,
}

/// Writes `config` to `<dir>/plugboard.toml`.
pub fn write_config(dir: &Path, config: &str) {
    std::fs::write(dir.join("plugboard.toml"), config).unwrap();
}

fn command(dir: &Path, env: &[(&str, &str)]) -> tokio::process::Command {
    let mut cmd = plugboard(&["serve", "--listen", "127.0.0.1:0"]);
    cmd.current_dir(dir)
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut cmd = tokio::process::Command::from(cmd);
    cmd.kill_on_drop(true);
    cmd
}

impl Host {
    /// Starts `serve` in `dir` (which holds `plugboard.toml`) and waits until it listens.
    pub async fn start(dir: &Path, env: &[(&str, &str)]) -> Self {
        match Self::try_start(dir, env).await {
            Ok(host) => host,
            Err((status, logs)) => panic!("serve did not start ({status:?}):\n{logs}"),
        }
    }

    /// Like [`Host::start`], but a process that exits first gives its status and logs.
    pub async fn try_start(
        dir: &Path,
        env: &[(&str, &str)],
    ) -> Result<Self, (std::process::ExitStatus, String)> {
        let mut child = command(dir, env).spawn().expect("the binary starts");
        let mut stderr = child.stderr.take().unwrap();
        let stderr = tokio::spawn(async move {
            let mut s = String::new();
            let _ = stderr.read_to_string(&mut s).await;
            s
        });
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = tokio::time::timeout(Duration::from_secs(60), lines.next_line())
            .await
            .expect("serve prints where it listens, or exits");
        let Ok(Some(first)) = first else {
            let status = child.wait().await.unwrap();
            return Err((status, stderr.await.unwrap()));
        };
        let base = first
            .strip_prefix("plugboard listening on ")
            .unwrap_or_else(|| panic!("unexpected first line: {first:?}"))
            .to_string();
        // Keep draining stdout so the process never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Ok(Self {
            child,
            base,
            stderr,
        })
    }

    /// An absolute URL on this host.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Sends a signed delivery to `path`.
    pub async fn deliver(
        &self,
        client: &reqwest::Client,
        path: &str,
        delivery: &SignedDelivery,
    ) -> reqwest::Result<reqwest::Response> {
        let mut request = client.post(self.url(path)).body(delivery.body.clone());
        for (name, value) in &delivery.headers {
            request = request.header(name, value);
        }
        request.send().await
    }

    /// SIGTERM, then the exit status and the logs.
    pub async fn stop(mut self) -> (std::process::ExitStatus, String) {
        let pid = self.child.id().expect("still running");
        let status = std::process::Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let exit = tokio::time::timeout(Duration::from_secs(30), self.child.wait())
            .await
            .expect("graceful shutdown")
            .unwrap();
        (exit, self.stderr.await.unwrap())
    }

    /// SIGKILL: no shutdown of any kind.
    pub async fn kill(mut self) -> String {
        self.child.start_kill().unwrap();
        let _ = self.child.wait().await;
        self.stderr.await.unwrap()
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id().expect("still running")
    }
}

/// The JSON lines of a JSONL sink file (none when it does not exist yet).
pub fn sink_lines(path: &Path) -> Vec<Value> {
    match std::fs::read_to_string(path) {
        Ok(text) => text
            .lines()
            .filter(|l| !l.is_empty())
            .map(|l| serde_json::from_str(l).unwrap())
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// Polls `done` every 50 ms until it holds or `timeout` passes; returns whether it held.
pub async fn eventually(timeout: Duration, mut done: impl FnMut() -> bool) -> bool {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if done() {
            return true;
        }
        if tokio::time::Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
