//! The committed JSON Schema matches the model, and JSON reports validate against it.
//!
//! Regenerate the schema after changing `src/report.rs` with
//! `PLUGBOARD_BLESS=1 cargo test -p plugboard-reports --test schema`.

mod common;

use std::path::PathBuf;

use plugboard_reports::{Format, build_report, render, report};
use serde_json::Value;

fn schema_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/schemas/sprint-report.schema.json")
}

fn committed_schema() -> Value {
    let text = std::fs::read_to_string(schema_path())
        .expect("docs/schemas/sprint-report.schema.json exists");
    serde_json::from_str(&text).expect("the committed schema is JSON")
}

#[test]
fn committed_schema_is_the_generated_one() {
    let mut generated = serde_json::to_string_pretty(&report::json_schema()).unwrap();
    generated.push('\n');
    let path = schema_path();
    if std::env::var_os("PLUGBOARD_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        // Write then rename, so the other tests never read a half-written file.
        let temp = path.with_extension("json.tmp");
        std::fs::write(&temp, &generated).unwrap();
        std::fs::rename(&temp, &path).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{} is out of date with SprintReport; regenerate it with \
         `PLUGBOARD_BLESS=1 cargo test -p plugboard-reports --test schema` and commit the result",
        path.display()
    );
}

fn validator() -> jsonschema::Validator {
    jsonschema::validator_for(&committed_schema()).expect("the schema compiles")
}

fn errors(instance: &Value) -> Vec<String> {
    validator()
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn json_report_validates_against_the_schema() {
    let json = render(&build_report(&common::sprint()), Format::Json).unwrap();
    let instance: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(errors(&instance), Vec::<String>::new());
    assert_eq!(instance["schema_version"], 1);
    assert_eq!(instance["summary"]["committed"]["points"], 20.0);
    assert_eq!(instance["issues"][0]["pulls"][0]["id"], "acme/app#10");

    // Without GitHub: nulls where code is unknown, still valid.
    let mut data = common::sprint();
    data.github_available = false;
    data.pulls.clear();
    data.commits.clear();
    let json = render(&build_report(&data), Format::Json).unwrap();
    assert_eq!(
        errors(&serde_json::from_str(&json).unwrap()),
        Vec::<String>::new()
    );
}

#[test]
fn json_round_trips_into_the_model() {
    let report = build_report(&common::sprint());
    let json = render(&report, Format::Json).unwrap();
    let back: report::SprintReport = serde_json::from_str(&json).unwrap();
    assert_eq!(back, report);
}

#[test]
fn invalid_documents_are_rejected() {
    let json = render(&build_report(&common::sprint()), Format::Json).unwrap();
    let valid: Value = serde_json::from_str(&json).unwrap();

    let mut missing = valid.clone();
    missing.as_object_mut().unwrap().remove("summary");
    assert!(!validator().is_valid(&missing), "a missing required field");

    let mut nested = valid.clone();
    nested["issues"][0].as_object_mut().unwrap().remove("key");
    assert!(
        !validator().is_valid(&nested),
        "a missing required field in an issue row"
    );

    let mut wrong_version = valid.clone();
    wrong_version["schema_version"] = Value::from(2);
    assert!(
        !validator().is_valid(&wrong_version),
        "schema_version is the constant 1"
    );

    let mut wrong_type = valid.clone();
    wrong_type["summary"]["completed"]["issues"] = Value::from("five");
    assert!(
        !validator().is_valid(&wrong_type),
        "a string where a count belongs"
    );

    let mut wrong_status = valid;
    wrong_status["pulls"][0]["status"] = Value::from("shipped");
    assert!(
        !validator().is_valid(&wrong_status),
        "an unknown pull request status"
    );
}
