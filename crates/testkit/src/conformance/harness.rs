//! The harness every call check uses: a fresh [`MockPlatform`] and a connector built from its
//! descriptor, pointed at the mock, with a recognisable test token and a short deadline.

use std::sync::Arc;

use plugboard_core::config::ConnectorConfig;
use plugboard_core::connector::find_operation;
use plugboard_core::runtime::PolicyOverrides;
use plugboard_core::{
    CallContext, Connector, ConnectorDescriptor, OperationDescriptor, Result, SecretString,
};
use serde_json::Value;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use super::spec::MockedCall;
use crate::mock::MockPlatform;

/// The token every conformance connector is built with; no output may ever contain it.
pub const TEST_TOKEN: &str = "conformance-token-SECRET-1234";

/// The webhook secret injected when checking that configuration output is redacted.
pub const TEST_WEBHOOK_SECRET: &str = "conformance-webhook-SECRET-5678";

/// The total deadline of every conformance call, in seconds.
pub const TEST_DEADLINE_SECS: f64 = 5.0;

/// The configuration the suite builds connectors with: the descriptor's example configuration
/// (so connector-specific settings are present), then `base_url`, [`TEST_TOKEN`] and a
/// [`TEST_DEADLINE_SECS`] total deadline.
///
/// # Panics
/// When the example configuration does not parse.
pub fn test_config(descriptor: &ConnectorDescriptor, base_url: url::Url) -> ConnectorConfig {
    let mut config = ConnectorConfig::from_toml(descriptor.id(), descriptor.example_config)
        .unwrap_or_else(|e| {
            panic!(
                "conformance[{}]: example_config does not parse: {e}",
                descriptor.id()
            )
        });
    config.base_url = Some(base_url);
    config.token = Some(SecretString::from(TEST_TOKEN));
    config.policy = PolicyOverrides {
        total_timeout_secs: Some(TEST_DEADLINE_SECS),
        ..config.policy
    };
    config
}

/// The descriptor of `id`, or a panic naming the operations the connector has.
pub fn operation(descriptor: &ConnectorDescriptor, id: &str) -> &'static OperationDescriptor {
    find_operation(descriptor.operations, id).unwrap_or_else(|| {
        let known: Vec<&str> = descriptor.operations.iter().map(|o| o.id.as_str()).collect();
        panic!(
            "conformance[{}]: the spec names operation {id:?}, which the descriptor lacks; it has: {}",
            descriptor.id(),
            known.join(", ")
        )
    })
}

/// A mock platform and a connector pointed at it.
pub struct Harness {
    /// The mock platform.
    pub mock: MockPlatform,
    /// The connector under test, built with [`test_config`].
    pub connector: Arc<dyn Connector>,
    /// The call context used for every call.
    pub ctx: CallContext,
    descriptor: &'static ConnectorDescriptor,
}

impl std::fmt::Debug for Harness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Harness")
            .field("mock", &self.mock)
            .field("connector", &self.descriptor.id())
            .finish()
    }
}

impl Harness {
    /// Starts a mock platform and builds the connector against it.
    ///
    /// # Panics
    /// When the connector cannot be built.
    pub async fn start(descriptor: &'static ConnectorDescriptor) -> Self {
        let mock = MockPlatform::start().await;
        let connector =
            (descriptor.build)(test_config(descriptor, mock.url())).unwrap_or_else(|e| {
                panic!(
                    "conformance[{}]: building the connector against the mock failed: {e}",
                    descriptor.id()
                )
            });
        Self {
            mock,
            connector,
            ctx: CallContext::default(),
            descriptor,
        }
    }

    /// The connector's id, for messages.
    pub fn id(&self) -> &'static str {
        self.descriptor.id().as_str()
    }

    /// Mounts `response` for the call's method and path, with a wiremock priority (lower wins)
    /// and optionally for the first `times` matching requests only.
    pub async fn mount(
        &self,
        call: &MockedCall,
        response: ResponseTemplate,
        priority: u8,
        times: Option<u64>,
    ) {
        let mut mock = Mock::given(method(call.method))
            .and(path(call.path))
            .respond_with(response)
            .with_priority(priority);
        if let Some(n) = times {
            mock = mock.up_to_n_times(n);
        }
        mock.mount(self.mock.server()).await;
    }

    /// Runs the call through `Connector::call`.
    pub async fn call(&self, call: &MockedCall) -> Result<Value> {
        self.connector
            .call(&self.ctx, call.operation, call.input.clone())
            .await
    }

    /// How many requests the mock received in total.
    pub async fn request_count(&self) -> usize {
        self.mock.received_requests().await.len()
    }
}
