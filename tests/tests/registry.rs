//! The registry holds exactly the connectors under `connectors/`: a connector folder that is
//! not linked (the linker drops crates nobody names) or a stray registration fails here.

use xtask::Workspace;

#[test]
fn registered_ids_equal_the_connector_folders() {
    let folders = Workspace::locate().unwrap().connector_ids().unwrap();
    assert!(!folders.is_empty(), "no folders under connectors/");
    let registered: Vec<String> = plugboard_workspace_tests::registry()
        .ids()
        .into_iter()
        .map(str::to_string)
        .collect();
    assert_eq!(
        registered, folders,
        "registered connector ids differ from the folders under connectors/: \
         run `cargo xtask codegen` so every connector is linked"
    );
}

#[test]
fn every_registered_connector_is_well_formed() {
    for d in plugboard_workspace_tests::registry().iter() {
        let id = d.id();
        assert!(!d.operations.is_empty(), "{id} registers no operations");
        let ids: Vec<&str> = d.operations.iter().map(|o| o.id.as_str()).collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(
            ids, sorted,
            "{id}: operations must be sorted by id and unique"
        );
        if let Some(health) = d.info.capabilities.health_operation {
            assert!(
                ids.contains(&health.as_str()),
                "{id}: health operation {health} is not one of its operations"
            );
        }
        assert_eq!(
            d.info.capabilities.webhooks.is_some(),
            d.webhook_verifier.is_some(),
            "{id}: webhook info and verifier must come together"
        );
    }
}
