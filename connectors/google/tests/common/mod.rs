//! Helpers shared by the Google connector's test binaries: a connector pointed at a mock
//! Google, the headers every request must carry, and fixtures.
#![allow(dead_code)] // each test binary uses a subset

use plugboard_core::{ConnectorConfig, SecretString};
use plugboard_google::GoogleConnector;
use plugboard_testkit::MockPlatform;
use plugboard_testkit::wiremock::matchers::{header, method, path};
use plugboard_testkit::wiremock::{Mock, MockBuilder};
use serde_json::Value;

/// The OAuth access token the tests configure.
pub const TOKEN: &str = "ya29.test-access-token-0123456789";

/// The Google Ads developer token the tests configure.
pub const DEVELOPER_TOKEN: &str = "devtok-TEST-abcdef0123";

/// The manager account the Ads tests log in as.
pub const LOGIN_CUSTOMER_ID: &str = "1112223333";

/// A fixture from `tests/fixtures`.
pub fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).expect(&path)).unwrap()
}

/// The configuration of a connector pointed at `uri` with [`TOKEN`] and a 5 s deadline.
pub fn config(uri: &str) -> ConnectorConfig {
    let mut config = ConnectorConfig {
        base_url: Some(uri.parse().unwrap()),
        token: Some(SecretString::from(TOKEN)),
        ..Default::default()
    };
    config.policy.total_timeout_secs = Some(5.0);
    config
}

/// [`config`] plus the Google Ads developer token and, when `login` is set, the manager
/// account.
pub fn ads_config(uri: &str, login: bool) -> ConnectorConfig {
    let mut config = config(uri);
    config.secrets.insert(
        "developer_token".into(),
        SecretString::from(DEVELOPER_TOKEN),
    );
    if login {
        config
            .settings
            .insert("login_customer_id".into(), "111-222-3333".into());
    }
    config
}

/// A connector pointed at the mock.
pub fn connector(mock: &MockPlatform) -> GoogleConnector {
    GoogleConnector::from_config(&config(&mock.uri())).unwrap()
}

/// A connector pointed at the mock with Google Ads settings.
pub fn ads_connector(mock: &MockPlatform, login: bool) -> GoogleConnector {
    GoogleConnector::from_config(&ads_config(&mock.uri(), login)).unwrap()
}

/// `METHOD path` with the bearer token and `Accept: application/json` required.
pub fn google(verb: &str, p: &str) -> MockBuilder {
    Mock::given(method(verb))
        .and(path(p))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header("accept", "application/json"))
}

/// [`google`] plus the `developer-token` header.
pub fn google_ads(verb: &str, p: &str) -> MockBuilder {
    google(verb, p).and(header("developer-token", DEVELOPER_TOKEN))
}
