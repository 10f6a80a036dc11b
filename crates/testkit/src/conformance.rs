//! The conformance suite every connector runs.
//!
//! A connector crate describes itself once in a [`ConformanceSpec`] (its descriptor, a mocked
//! read call, write call and paginated call, and a golden webhook) and expands
//! [`conformance_tests!`](crate::conformance_tests) in `tests/conformance.rs`, which generates
//! one `#[test]` per check so each failure is reported on its own. Every check is also a public
//! `async fn(&ConformanceSpec)` that panics with a message naming the connector and what went
//! wrong, for use in hand-written tests.
//!
//! Checks: [`descriptor_sanity`], [`config_round_trip_and_redaction`],
//! [`rate_limited_429_honours_retry_after`], [`unauthorized_401`],
//! [`server_error_retried_only_when_idempotent`], [`request_shape`],
//! [`pagination_terminates`], [`webhook_golden_accepted`], [`webhook_tampered_rejected`],
//! [`webhook_wrong_secret_rejected`], [`webhook_stale_rejected`],
//! [`webhook_missing_signature_rejected`].

mod calls;
mod descriptor;
mod harness;
mod spec;
mod webhook;

pub use calls::{
    pagination_terminates, rate_limited_429_honours_retry_after, request_shape,
    server_error_retried_only_when_idempotent, unauthorized_401,
};
pub use descriptor::{config_round_trip_and_redaction, descriptor_sanity};
pub use harness::{
    Harness, TEST_DEADLINE_SECS, TEST_TOKEN, TEST_WEBHOOK_SECRET, operation, test_config,
};
pub use spec::{ConformanceSpec, MockedCall, PaginatedCall, WebhookCase};
pub use webhook::{
    webhook_golden_accepted, webhook_missing_signature_rejected, webhook_stale_rejected,
    webhook_tampered_rejected, webhook_wrong_secret_rejected, wrong_secret,
};

use std::future::Future;

/// Runs one check to completion on a fresh single-threaded Tokio runtime (what the tests that
/// [`conformance_tests!`](crate::conformance_tests) generates call).
pub fn run<F: Future<Output = ()>>(check: F) {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("plugboard-testkit: cannot start a Tokio runtime")
        .block_on(check);
}

/// Runs every check in order, stopping at the first failure (a panic).
pub async fn run_all(spec: &ConformanceSpec) {
    descriptor_sanity(spec).await;
    config_round_trip_and_redaction(spec).await;
    rate_limited_429_honours_retry_after(spec).await;
    unauthorized_401(spec).await;
    server_error_retried_only_when_idempotent(spec).await;
    request_shape(spec).await;
    pagination_terminates(spec).await;
    webhook_golden_accepted(spec).await;
    webhook_tampered_rejected(spec).await;
    webhook_wrong_secret_rejected(spec).await;
    webhook_stale_rejected(spec).await;
    webhook_missing_signature_rejected(spec).await;
}

/// Generates the conformance suite as one `#[test]` per check, in a module named
/// `plugboard_conformance`, for a function returning the connector's [`ConformanceSpec`].
///
/// ```ignore
/// fn spec() -> plugboard_testkit::conformance::ConformanceSpec { /* ... */ }
///
/// plugboard_testkit::conformance_tests!(spec);
/// ```
///
/// The argument is a path to a `fn() -> ConformanceSpec` visible where the macro is expanded
/// (a local name, or a `crate::` path). The tests build their own Tokio runtime, so the
/// calling crate needs no Tokio dependency for them.
#[macro_export]
macro_rules! conformance_tests {
    ($spec:path) => {
        /// The plugboard conformance suite, one test per check.
        #[allow(unused_imports)]
        mod plugboard_conformance {
            use super::*;

            $crate::__conformance_checks!(
                $spec;
                descriptor_sanity,
                config_round_trip_and_redaction,
                rate_limited_429_honours_retry_after,
                unauthorized_401,
                server_error_retried_only_when_idempotent,
                request_shape,
                pagination_terminates,
                webhook_golden_accepted,
                webhook_tampered_rejected,
                webhook_wrong_secret_rejected,
                webhook_stale_rejected,
                webhook_missing_signature_rejected,
            );
        }
    };
}

/// Expands one test per named check; an implementation detail of
/// [`conformance_tests!`](crate::conformance_tests).
#[doc(hidden)]
#[macro_export]
macro_rules! __conformance_checks {
    ($spec:path; $($check:ident),+ $(,)?) => {
        $(
            #[test]
            fn $check() {
                let spec = $spec();
                $crate::conformance::run($crate::conformance::$check(&spec));
            }
        )+
    };
}
