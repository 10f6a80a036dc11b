//! `plugboard call ... --batch FILE.jsonl`: one call per non-blank input line, run concurrently
//! (bounded; the runtime's rate limits and bulkhead apply inside each call), results printed in
//! input order as soon as each is ready, one line per input line:
//!
//! - `{"ok": <result>}` when the call succeeded;
//! - `{"error": {"kind": "...", "message": "...", "status": 404|null}}` when it failed (a line
//!   that is not JSON fails with kind `invalid_input` without being sent).
//!
//! Blank lines are skipped. The command exits 1 when any call failed, after printing every
//! result. A progress bar is drawn on stderr only when stderr is a terminal.

use std::io::{Read, Write};
use std::path::Path;
use std::sync::Arc;

use futures::StreamExt;
use futures::stream;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use plugboard_core::{CallContext, Connector, Error, OperationDescriptor};
use serde_json::{Value, json};

use crate::error::CliError;
use crate::output;

/// Runs a batch from `file` (`-` for stdin).
pub async fn run(
    connector: Arc<dyn Connector>,
    ctx: &CallContext,
    operation: &OperationDescriptor,
    file: &Path,
    concurrency: usize,
) -> Result<(), CliError> {
    let text = read_batch(file)?;
    let inputs = parse_lines(&text);
    let total = inputs.len();

    let progress = if output::stderr_is_terminal() {
        ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr())
    } else {
        ProgressBar::hidden()
    };
    if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} calls ({elapsed})") {
        progress.set_style(style);
    }

    let connector = &connector;
    let mut results = stream::iter(inputs)
        .map(|input| async move {
            match input {
                Ok(value) => connector.call(ctx, operation.id.as_str(), value).await,
                Err(message) => Err(Error::invalid_input(message)),
            }
        })
        .buffered(concurrency.max(1));

    let mut failed = 0usize;
    while let Some(result) = results.next().await {
        if result.is_err() {
            failed += 1;
        }
        let line = result_line(result);
        let written = {
            let mut out = std::io::stdout().lock();
            output::write_line(&mut out, &line).and_then(|()| Ok(out.flush()?))
        };
        if let Err(e) = written {
            progress.abandon();
            return Err(e);
        }
        progress.inc(1);
    }
    progress.finish_and_clear();
    if failed > 0 {
        return Err(CliError::failed(format!(
            "{failed} of {total} calls failed"
        )));
    }
    Ok(())
}

fn read_batch(file: &Path) -> Result<String, CliError> {
    let result = if file == Path::new("-") {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).map(|_| s)
    } else {
        std::fs::read_to_string(file)
    };
    result.map_err(|e| CliError::usage(format!("cannot read --batch {}: {e}", file.display())))
}

/// Each non-blank line as a JSON value, or the reason it is not one.
fn parse_lines(text: &str) -> Vec<Result<Value, String>> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| {
            serde_json::from_str(line).map_err(|e| format!("line {}: not JSON: {e}", i + 1))
        })
        .collect()
}

/// The output line for one result.
fn result_line(result: Result<Value, Error>) -> Value {
    match result {
        Ok(value) => json!({ "ok": value }),
        Err(e) => {
            let mut error = json!({
                "kind": e.kind().as_str(),
                "message": e.to_string(),
                "status": e.status(),
            });
            if let Some(after) = e.retry_after() {
                error["retry_after_secs"] = json!(after.as_secs_f64());
            }
            json!({ "error": error })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_lines_are_skipped_and_bad_lines_named() {
        let parsed = parse_lines("{\"a\":1}\n\n  \nnot json\n[2]\n");
        assert_eq!(parsed.len(), 3);
        assert_eq!(parsed[0].as_ref().unwrap(), &json!({"a": 1}));
        assert!(
            parsed[1]
                .as_ref()
                .unwrap_err()
                .starts_with("line 4: not JSON")
        );
        assert_eq!(parsed[2].as_ref().unwrap(), &json!([2]));
    }

    #[test]
    fn result_lines_have_ok_or_error() {
        assert_eq!(result_line(Ok(json!(1))), json!({"ok": 1}));
        let e = Error::new(plugboard_core::ErrorKind::NotFound, "gone").with_status(404);
        let line = result_line(Err(e));
        assert_eq!(line["error"]["kind"], "not_found");
        assert_eq!(line["error"]["status"], 404);
        assert!(line["error"]["message"].as_str().unwrap().contains("gone"));
    }
}
