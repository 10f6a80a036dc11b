//! The host's error: a message for stderr and the exit code it maps to.
//!
//! Exit codes: `0` success; `1` the operation ran and failed (the platform or the connector
//! rejected the call, a webhook signature was rejected, a batch had failures); `2` nothing was
//! attempted because the command line or the configuration is wrong (clap's usage errors,
//! unknown connector or operation, unreadable files, bad config, missing credentials).

use std::fmt;
use std::process::ExitCode;

use plugboard_core::ErrorKind;

/// A failed command.
#[derive(Debug)]
pub struct CliError {
    code: u8,
    message: String,
}

impl CliError {
    /// Exit 1: the operation ran and failed.
    pub fn failed(message: impl Into<String>) -> Self {
        Self {
            code: 1,
            message: message.into(),
        }
    }

    /// Exit 2: the command line or the configuration is wrong; nothing was attempted.
    pub fn usage(message: impl Into<String>) -> Self {
        Self {
            code: 2,
            message: message.into(),
        }
    }

    /// Exit 1 without a message (stdout was closed by the reader, e.g. `| head`).
    pub fn quiet() -> Self {
        Self {
            code: 1,
            message: String::new(),
        }
    }

    /// Whether this is a usage error (exit 2: nothing was attempted).
    pub fn is_usage(&self) -> bool {
        self.code == 2
    }

    /// The exit code.
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.code)
    }

    /// The message (empty for [`CliError::quiet`]).
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<plugboard_core::Error> for CliError {
    /// Configuration errors (missing token, bad base URL) are usage errors; everything else
    /// is a failure of the call.
    fn from(e: plugboard_core::Error) -> Self {
        match e.kind() {
            ErrorKind::Config => Self::usage(e.to_string()),
            _ => Self::failed(e.to_string()),
        }
    }
}

impl From<std::io::Error> for CliError {
    /// Errors writing to stdout: a closed pipe ends the command quietly.
    fn from(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            Self::quiet()
        } else {
            Self::failed(format!("writing output: {e}"))
        }
    }
}
