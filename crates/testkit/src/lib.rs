//! plugboard-testkit: the mock platform, fixtures, signed-webhook builders, fixed clock and
//! conformance suite that every plugboard connector is tested with.
#![doc = include_str!("../README.md")]

pub mod clock;
pub mod conformance;
pub mod fixture;
pub mod mock;
pub mod redis;
pub mod sprint;
pub mod webhooks;

pub use clock::{FixedClock, unix};
pub use conformance::{ConformanceSpec, MockedCall, PaginatedCall, WebhookCase};
pub use fixture::load_fixture;
pub use mock::{MockPlatform, UnexpectedRequest};
pub use redis::RedisServer;
pub use webhooks::{SignedDelivery, tamper};

/// wiremock, re-exported so connector tests can mount mocks on [`MockPlatform::server`]
/// without depending on it themselves.
pub use wiremock;

/// Re-exports used by the macros of this crate; not a public API.
#[doc(hidden)]
pub mod __private {
    pub use bytes;
}
