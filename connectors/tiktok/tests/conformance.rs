//! The plugboard conformance suite for the Tiktok connector.

use plugboard_testkit::conformance::{ConformanceSpec, MockedCall};
use serde_json::json;

fn spec() -> ConformanceSpec {
    ConformanceSpec {
        descriptor: &plugboard_tiktok::DESCRIPTOR,
        read: MockedCall {
            operation: "health.get",
            input: json!({}),
            method: "GET",
            path: "/health",
            response: plugboard_testkit::fixture!("health.json"),
        },
        // Add a `write` case for the first non-idempotent operation, a `paginated` case for the
        // first paginated one and a `webhook` case once there is a verifier: the descriptor
        // check fails while the spec leaves out something the descriptor declares.
        write: None,
        paginated: None,
        webhook: None,
    }
}

plugboard_testkit::conformance_tests!(spec);
