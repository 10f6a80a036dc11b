//! `cargo xtask codegen --check` as an ordinary test: the link lists, the connector dependency
//! entries and the README matrix must match the folders under `connectors/` and what the
//! connectors register. The matrix rows come from the registry this crate links, which is what
//! `plugboard connectors --json` reports.

use plugboard_workspace_tests::registry;
use xtask::Workspace;
use xtask::codegen;
use xtask::matrix::ConnectorRow;

fn rows() -> Vec<ConnectorRow> {
    registry()
        .iter()
        .map(|d| ConnectorRow {
            id: d.id().as_str().to_string(),
            name: d.info.name.to_string(),
            operations: d
                .operations
                .iter()
                .map(|o| o.id.as_str().to_string())
                .collect(),
            webhooks: d.info.capabilities.webhooks.map(|w| w.scheme.to_string()),
            auth: d
                .info
                .capabilities
                .auth
                .iter()
                .map(|a| a.as_str().to_string())
                .collect(),
        })
        .collect()
}

#[test]
fn generated_files_are_up_to_date() {
    let ws = Workspace::locate().unwrap();
    if let Err(stale) = codegen::check(&ws, &rows()) {
        panic!("{stale}");
    }
}
