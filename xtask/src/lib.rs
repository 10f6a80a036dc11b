//! The logic behind `cargo xtask`: code generation, tidy checks, the test and bench commands
//! and the connector scaffold. The binary (`main.rs`) only parses arguments; the workspace
//! test crate calls [`codegen`] and [`tidy`] from ordinary `#[test]`s, so a forgotten
//! registration or a missing doc header fails `cargo test` as well as CI.

pub mod codegen;
pub mod matrix;
pub mod scaffold;
pub mod tasks;
pub mod tidy;
pub mod workspace;

pub use workspace::{Workspace, XtaskError};
