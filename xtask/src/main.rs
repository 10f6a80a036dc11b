//! `cargo xtask`: workspace automation (codegen, tidy, test, bench, new-connector). Argument
//! parsing only; the logic lives in the `xtask` library.

use std::process::ExitCode;

use xtask::{Workspace, XtaskError, codegen, scaffold, tasks, tidy};

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  codegen [--check]          regenerate the connector link lists, dependency entries and the
                             README connector matrix; --check fails if any is out of date
  tidy                       check doc headers, crate names, connector dependencies and layout,
                             and package metadata
  test [ARGS...]             run the whole test suite (ARGS go to `cargo test`)
  bench [runtime|ingest|report] [ARGS...]
                             run the benchmarks: runtime overhead vs bare reqwest, webhook
                             ingest vs a bare axum handler, sprint report vs a bare replay
                             (default: all; ARGS go to `cargo bench`)
  new-connector <id> [--name NAME] [--base-url URL]
                             scaffold connectors/<id> and link it
  remove-connector <id>      delete connectors/<id> and unlink it
  help                       show this message
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(Failure::Usage(message)) => {
            eprintln!("error: {message}\n\n{USAGE}");
            ExitCode::from(2)
        }
        Err(Failure::Task(e)) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

enum Failure {
    Usage(String),
    Task(XtaskError),
}

impl From<XtaskError> for Failure {
    fn from(e: XtaskError) -> Self {
        Self::Task(e)
    }
}

fn run(args: &[String]) -> Result<ExitCode, Failure> {
    let Some((command, rest)) = args.split_first() else {
        return Err(Failure::Usage("no command given".into()));
    };
    let ws = || Workspace::locate().map_err(Failure::Task);
    match command.as_str() {
        "codegen" => {
            let check = match rest {
                [] => false,
                [flag] if flag == "--check" => true,
                _ => {
                    return Err(Failure::Usage(format!(
                        "codegen takes only --check, got {rest:?}"
                    )));
                }
            };
            let written = codegen::run(&ws()?, check)?;
            if check {
                eprintln!("codegen: every generated file is up to date");
            } else if written.is_empty() {
                eprintln!("codegen: nothing to change");
            } else {
                for path in written {
                    eprintln!("codegen: wrote {path}");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        "tidy" => {
            if !rest.is_empty() {
                return Err(Failure::Usage(format!(
                    "tidy takes no arguments, got {rest:?}"
                )));
            }
            tidy::run(&ws()?)?;
            eprintln!("tidy: no violations");
            Ok(ExitCode::SUCCESS)
        }
        "test" => exit_code(tasks::test(&ws()?, rest)?),
        "bench" => exit_code(tasks::bench(&ws()?, rest)?),
        "new-connector" => {
            let options = parse_new_connector(rest)?;
            scaffold::run(&ws()?, &options)?;
            Ok(ExitCode::SUCCESS)
        }
        "remove-connector" => match rest {
            [id] => {
                scaffold::remove(&ws()?, id)?;
                Ok(ExitCode::SUCCESS)
            }
            _ => Err(Failure::Usage(
                "remove-connector needs exactly one <id>".into(),
            )),
        },
        "help" | "--help" | "-h" => {
            print!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        other => Err(Failure::Usage(format!("unknown command {other:?}"))),
    }
}

fn parse_new_connector(args: &[String]) -> Result<scaffold::Options, Failure> {
    let mut id = None;
    let mut name = None;
    let mut base_url = None;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let mut value = |flag: &str| {
            iter.next()
                .cloned()
                .ok_or_else(|| Failure::Usage(format!("{flag} needs a value")))
        };
        match arg.as_str() {
            "--name" => name = Some(value("--name")?),
            "--base-url" => base_url = Some(value("--base-url")?),
            flag if flag.starts_with('-') => {
                return Err(Failure::Usage(format!("unknown flag {flag:?}")));
            }
            positional if id.is_none() => id = Some(positional.to_string()),
            extra => return Err(Failure::Usage(format!("unexpected argument {extra:?}"))),
        }
    }
    let id = id.ok_or_else(|| Failure::Usage("new-connector needs an <id>".into()))?;
    Ok(scaffold::Options::new(id, name, base_url))
}

fn exit_code(status: std::process::ExitStatus) -> Result<ExitCode, Failure> {
    Ok(match status.code() {
        Some(0) => ExitCode::SUCCESS,
        Some(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        None => ExitCode::FAILURE,
    })
}
