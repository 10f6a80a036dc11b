//! Fixture loading: JSON documents under the calling crate's `tests/fixtures/`, embedded at
//! compile time with [`fixture!`](crate::fixture!) or read at run time with [`load_fixture`].

use std::path::Path;

use serde_json::Value;

/// Parses `$CARGO_MANIFEST_DIR/tests/fixtures/<name>` of the **calling** crate as JSON, at
/// compile time (the file is embedded with `include_str!`, so a missing file is a build error).
///
/// ```ignore
/// let issue: serde_json::Value = plugboard_testkit::fixture!("issue.json");
/// ```
///
/// # Panics
/// When the file is not valid JSON; the message names the file.
#[macro_export]
macro_rules! fixture {
    ($name:literal) => {
        $crate::fixture::parse_fixture(
            concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/", $name),
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/fixtures/",
                $name
            )),
        )
    };
}

/// The raw bytes of `$CARGO_MANIFEST_DIR/tests/fixtures/<name>` of the calling crate as
/// [`bytes::Bytes`], for webhook bodies that must be verified byte for byte.
///
/// ```ignore
/// let body = plugboard_testkit::fixture_bytes!("push_event.json");
/// ```
#[macro_export]
macro_rules! fixture_bytes {
    ($name:literal) => {
        $crate::__private::bytes::Bytes::from_static(include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/",
            $name
        )))
    };
}

/// Parses fixture `text` read from `path`; used by [`fixture!`](crate::fixture!).
///
/// # Panics
/// When `text` is not valid JSON; the message names `path`.
pub fn parse_fixture(path: &str, text: &str) -> Value {
    serde_json::from_str(text)
        .unwrap_or_else(|e| panic!("plugboard-testkit: fixture {path} is not valid JSON: {e}"))
}

/// Reads and parses a JSON fixture at run time. Relative paths are relative to the working
/// directory, which `cargo test` sets to the crate's manifest directory.
///
/// # Panics
/// When the file cannot be read or is not valid JSON; the message names the file.
pub fn load_fixture(path: impl AsRef<Path>) -> Value {
    let path = path.as_ref();
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!(
            "plugboard-testkit: cannot read fixture {}: {e}",
            path.display()
        )
    });
    parse_fixture(&path.display().to_string(), &text)
}
