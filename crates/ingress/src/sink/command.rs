//! [`CommandSink`]: runs a program per event with the raw body on stdin and the metadata in
//! the environment (`PLUGBOARD_CONNECTOR`, `PLUGBOARD_CONNECTION`, `PLUGBOARD_EVENT_ID`,
//! `PLUGBOARD_EVENT_TYPE`, `PLUGBOARD_ENTRY_ID`, `PLUGBOARD_ATTEMPT`, `PLUGBOARD_RECEIVED_AT`).
//!
//! Exit 0 is success; exit 75 (`EX_TEMPFAIL`), a timeout (the program is killed) or death by a
//! signal is transient; any other exit status is permanent.

use std::process::Stdio;
use std::time::Duration;

use async_trait::async_trait;
use plugboard_store::Entry;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::process::Command;

use super::{Sink, SinkError, rfc3339_millis};

/// The exit status that asks for a retry (`EX_TEMPFAIL` from `sysexits.h`).
pub const EX_TEMPFAIL: i32 = 75;

/// How much of the program's stderr is kept in the error message.
const STDERR_KEEP: usize = 512;

/// Runs a program for each event.
#[derive(Debug, Clone)]
pub struct CommandSink {
    name: String,
    program: String,
    args: Vec<String>,
    timeout: Duration,
}

impl CommandSink {
    /// A sink running `program args...` (30 s timeout).
    pub fn new(program: impl Into<String>, args: Vec<String>) -> Self {
        Self {
            name: "command".into(),
            program: program.into(),
            args,
            timeout: Duration::from_secs(30),
        }
    }

    /// Sets how long the program may run.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Renames the sink.
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }
}

#[async_trait]
impl Sink for CommandSink {
    fn name(&self) -> &str {
        &self.name
    }

    async fn deliver(&self, entry: &Entry) -> Result<(), SinkError> {
        let e = &entry.event;
        let mut command = Command::new(&self.program);
        command
            .args(&self.args)
            .env("PLUGBOARD_CONNECTOR", &e.connector)
            .env(
                "PLUGBOARD_CONNECTION",
                e.connection.as_deref().unwrap_or(""),
            )
            .env("PLUGBOARD_EVENT_ID", &e.event_id)
            .env("PLUGBOARD_EVENT_TYPE", &e.event_type)
            .env("PLUGBOARD_ENTRY_ID", entry.id.to_string())
            .env(
                "PLUGBOARD_ATTEMPT",
                entry.attempts.saturating_add(1).to_string(),
            )
            .env("PLUGBOARD_RECEIVED_AT", rfc3339_millis(e.received_at_ms))
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let mut child = command.spawn().map_err(|err| {
            // A missing program will not appear by retrying soon; a busy system might recover.
            if err.kind() == std::io::ErrorKind::NotFound {
                SinkError::permanent(format!("cannot run {}: {err}", self.program))
            } else {
                SinkError::transient(format!("cannot run {}: {err}", self.program))
            }
        })?;
        let mut stdin = child.stdin.take();
        let mut stderr = child.stderr.take();
        let body = e.body.clone();
        let run = async {
            let feed = async {
                if let Some(mut stdin) = stdin.take() {
                    // A program that exits without reading its input is its own business.
                    let _ = stdin.write_all(&body).await;
                    let _ = stdin.shutdown().await;
                }
            };
            let drain = async {
                let mut kept = Vec::new();
                if let Some(stderr) = stderr.as_mut() {
                    let mut buf = [0u8; 4096];
                    while let Ok(n) = stderr.read(&mut buf).await {
                        if n == 0 {
                            break;
                        }
                        kept.extend_from_slice(&buf[..n]);
                        if kept.len() > STDERR_KEEP * 4 {
                            kept.drain(..kept.len() - STDERR_KEEP * 4);
                        }
                    }
                }
                kept
            };
            let ((), err_text) = tokio::join!(feed, drain);
            let status = child.wait().await;
            (status, err_text)
        };
        let (status, err_text) = match tokio::time::timeout(self.timeout, run).await {
            Ok(done) => done,
            Err(_) => {
                // `kill_on_drop` ends the program when `child` goes.
                return Err(SinkError::transient(format!(
                    "{} timed out after {:?}",
                    self.program, self.timeout
                )));
            }
        };
        let status =
            status.map_err(|err| SinkError::transient(format!("{}: {err}", self.program)))?;
        let detail = stderr_tail(&err_text);
        match status.code() {
            Some(0) => Ok(()),
            Some(EX_TEMPFAIL) => Err(SinkError::transient(format!(
                "{} exited with 75 (temporary failure){detail}",
                self.program
            ))),
            Some(code) => Err(SinkError::permanent(format!(
                "{} exited with {code}{detail}",
                self.program
            ))),
            None => Err(SinkError::transient(format!(
                "{} was killed by a signal{detail}",
                self.program
            ))),
        }
    }
}

fn stderr_tail(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim();
    if text.is_empty() {
        return String::new();
    }
    let start = text
        .char_indices()
        .map(|(i, _)| i)
        .find(|&i| text.len() - i <= STDERR_KEEP)
        .unwrap_or(0);
    format!(": {}", &text[start..])
}
