//! Fixture loading (compile time and run time) and the clock helpers, as a connector crate
//! uses them.

use plugboard_testkit::clock::{Clock, FixedClock, unix, unix_seconds};
use plugboard_testkit::{fixture, fixture_bytes, load_fixture, webhooks};
use serde_json::json;

#[test]
fn fixture_macro_reads_the_calling_crates_fixtures() {
    let thing = fixture!("thing.json");
    assert_eq!(thing, json!({"id": 7, "name": "seven", "tags": ["a", "b"]}));
}

#[test]
fn fixture_bytes_keeps_the_raw_bytes_for_signing() {
    let body = fixture_bytes!("delivery.json");
    assert_eq!(&body[..], br#"{"type":"thing.created","data":{"id":7}}"#);
    let delivery = webhooks::standard_webhooks(
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "msg_1",
        1_700_000_000,
        body.clone(),
    );
    assert_eq!(delivery.body, body);
}

#[test]
fn load_fixture_reads_at_run_time() {
    let thing = load_fixture("tests/fixtures/thing.json");
    assert_eq!(thing["name"], "seven");
}

#[test]
fn load_fixture_names_a_missing_file() {
    let panic = std::panic::catch_unwind(|| load_fixture("tests/fixtures/absent.json"))
        .expect_err("a missing fixture must panic");
    let message = panic.downcast_ref::<String>().expect("a formatted message");
    assert!(
        message.contains("cannot read fixture tests/fixtures/absent.json"),
        "{message}"
    );
}

#[test]
fn load_fixture_names_a_file_that_is_not_json() {
    let panic = std::panic::catch_unwind(|| load_fixture("tests/fixtures/broken.json"))
        .expect_err("invalid JSON must panic");
    let message = panic.downcast_ref::<String>().expect("a formatted message");
    assert!(
        message.contains("fixture tests/fixtures/broken.json is not valid JSON"),
        "{message}"
    );
}

#[test]
fn fixed_clock_and_unix_agree() {
    let clock = FixedClock::at_unix(1_531_420_618);
    assert_eq!(clock.now(), unix(1_531_420_618));
    clock.advance(std::time::Duration::from_secs(301));
    assert_eq!(unix_seconds(clock.now()), 1_531_420_919);
}
