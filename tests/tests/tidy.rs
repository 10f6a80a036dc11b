//! `cargo xtask tidy` as an ordinary test: a missing `//!` header, a misnamed crate, a
//! connector depending on reqwest/inventory/governor/backon/moka, a connector without README
//! or conformance suite, or a publishable crate without metadata fails `cargo test`.

use xtask::{Workspace, tidy};

#[test]
fn workspace_is_tidy() {
    let ws = Workspace::locate().unwrap();
    let violations = tidy::check(&ws).unwrap();
    assert!(
        violations.is_empty(),
        "tidy found {} violation(s):\n{}",
        violations.len(),
        violations
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    );
}
