//! Writing results: JSON on stdout (pretty on a terminal, compact otherwise), one compact
//! value per line for streams, and `error: <message>` on stderr.

use std::io::{IsTerminal, Write};

use serde_json::Value;

use crate::error::CliError;

/// Whether stdout is a terminal.
pub fn stdout_is_terminal() -> bool {
    std::io::stdout().is_terminal()
}

/// Whether stderr is a terminal.
pub fn stderr_is_terminal() -> bool {
    std::io::stderr().is_terminal()
}

/// Prints one JSON value: pretty when stdout is a terminal, compact otherwise.
pub fn print_value(value: &Value) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    if stdout_is_terminal() {
        serde_json::to_writer_pretty(&mut out, value).map_err(json_write)?;
    } else {
        serde_json::to_writer(&mut out, value).map_err(json_write)?;
    }
    writeln!(out)?;
    out.flush()?;
    Ok(())
}

/// Writes one compact JSON value and a newline.
pub fn write_line(out: &mut impl Write, value: &Value) -> Result<(), CliError> {
    serde_json::to_writer(&mut *out, value).map_err(json_write)?;
    writeln!(out)?;
    Ok(())
}

/// Prints an error to stderr as `error: <message>` (nothing for a quiet error).
pub fn print_error(error: &CliError) {
    if !error.message().is_empty() {
        let _ = writeln!(std::io::stderr().lock(), "error: {}", error.message());
    }
}

fn json_write(e: serde_json::Error) -> CliError {
    match e.io_error_kind() {
        Some(kind) => CliError::from(std::io::Error::from(kind)),
        None => CliError::failed(format!("writing JSON: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_compact_json() {
        let mut buf = Vec::new();
        write_line(&mut buf, &serde_json::json!({"a": [1, 2], "b": "x"})).unwrap();
        write_line(&mut buf, &serde_json::json!(3)).unwrap();
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "{\"a\":[1,2],\"b\":\"x\"}\n3\n"
        );
    }
}
