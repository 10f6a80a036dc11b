//! Slack's rate tiers as rate classes. Slack limits each Web API method per workspace and app,
//! so every tier's bucket is kept per operation ([`ClassQuota::per_operation`]); the quotas are
//! the floors Slack documents ("Tier 2: 20+ per minute"), bursts up to a minute's worth.

use std::time::Duration;

use plugboard_core::RateClass;
use plugboard_core::runtime::{ClassQuota, Quota};

/// Tier 1: 1+ request per minute.
pub const TIER_1: RateClass = RateClass("tier1");
/// Tier 2: 20+ requests per minute (`conversations.list`, `users.list`).
pub const TIER_2: RateClass = RateClass("tier2");
/// Tier 3: 50+ requests per minute (`conversations.history`, `conversations.info`,
/// `chat.update`, `chat.delete`).
pub const TIER_3: RateClass = RateClass("tier3");
/// Tier 4: 100+ requests per minute (`users.info`, `chat.postEphemeral`, `views.open`, the
/// external file upload methods).
pub const TIER_4: RateClass = RateClass("tier4");
/// `chat.postMessage`'s special limit: about one message per second per channel, short bursts
/// allowed, plus a workspace-wide limit.
pub const POST_MESSAGE: RateClass = RateClass("special_post_message");
/// `auth.test`'s special limit: "hundreds of requests per minute".
pub const AUTH_TEST: RateClass = RateClass("special_auth_test");
/// Requests to URLs Slack hands out (`upload_url`, `response_url`): not Web API methods, so
/// no tier applies. A `response_url` accepts at most five replies within 30 minutes.
pub const HOOKS: RateClass = RateClass("hooks");

/// The client-side bucket of each tier, per method.
pub fn class_quotas() -> Vec<ClassQuota> {
    let per_method = |class: RateClass, quota: Quota| ClassQuota {
        class: class.0,
        quota,
        per_operation: true,
    };
    vec![
        per_method(TIER_1, Quota::per_minute(1)),
        per_method(TIER_2, Quota::per_minute(20)),
        per_method(TIER_3, Quota::per_minute(50)),
        per_method(TIER_4, Quota::per_minute(100)),
        // One message a second sustained, bursts of ten: per channel is finer than a
        // credential-wide bucket can be, so Slack's own 429s (honoured by the runtime) settle
        // the rest.
        per_method(
            POST_MESSAGE,
            Quota {
                requests: 10,
                per: Duration::from_secs(10),
            },
        ),
        per_method(AUTH_TEST, Quota::per_minute(100)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tier_is_per_method() {
        let quotas = class_quotas();
        assert!(quotas.iter().all(|q| q.per_operation));
        let tier2 = quotas.iter().find(|q| q.class == "tier2").unwrap();
        assert_eq!(tier2.quota, Quota::per_minute(20));
        assert!(!quotas.iter().any(|q| q.class == HOOKS.0));
    }
}
