//! Static checks: the descriptor is well formed and the spec covers it; the example
//! configuration round-trips and never shows a secret.

use plugboard_core::config::{ConnectorConfig, leaks_secret};
use plugboard_core::{OperationDescriptor, SecretString};
use serde_json::Value;

use super::harness::{TEST_TOKEN, TEST_WEBHOOK_SECRET, operation};
use super::spec::ConformanceSpec;

/// The descriptor is well formed and the spec exercises what it declares:
///
/// - the connector id is valid, the name is set, the default base URL is a URL with a host;
/// - operations are non-empty, sorted by id and unique, every id is `resource.action`, every
///   summary is set, both schemas are JSON objects and the input schema has `"type":"object"`;
/// - read-only operations are idempotent;
/// - the health operation, when set, exists;
/// - webhook info is present exactly when a verifier is, and the verifier names its scheme;
/// - the spec's read operation is idempotent, its write operation is not, its paginated
///   operation paginates, and the spec has a write, paginated and webhook case whenever the
///   descriptor has something for them to test.
pub async fn descriptor_sanity(spec: &ConformanceSpec) {
    let d = spec.descriptor;
    let id = d.id();
    assert!(
        id.is_valid(),
        "conformance[{id}]: connector id {:?} is not lowercase ascii letters, digits and '-'",
        id.as_str()
    );
    assert!(
        !d.info.name.trim().is_empty(),
        "conformance[{id}]: info.name is empty"
    );
    let base = url::Url::parse(d.info.default_base_url).unwrap_or_else(|e| {
        panic!(
            "conformance[{id}]: default_base_url {:?} is not a URL: {e}",
            d.info.default_base_url
        )
    });
    assert!(
        base.host_str().is_some(),
        "conformance[{id}]: default_base_url {base} has no host"
    );

    assert!(!d.operations.is_empty(), "conformance[{id}]: no operations");
    for pair in d.operations.windows(2) {
        assert!(
            pair[0].id.as_str() < pair[1].id.as_str(),
            "conformance[{id}]: operations must be sorted by id and unique: {:?} comes before {:?}",
            pair[0].id.as_str(),
            pair[1].id.as_str()
        );
    }
    for op in d.operations {
        check_operation(id.as_str(), op);
    }

    if let Some(health) = d.info.capabilities.health_operation {
        assert!(
            d.operations.iter().any(|op| op.id == health),
            "conformance[{id}]: health operation {:?} is not among the operations",
            health.as_str()
        );
    }

    assert_eq!(
        d.info.capabilities.webhooks.is_some(),
        d.webhook_verifier.is_some(),
        "conformance[{id}]: capabilities.webhooks must be set exactly when webhook_verifier is"
    );
    if let Some(verifier) = d.webhook_verifier {
        assert!(
            !verifier.scheme().trim().is_empty(),
            "conformance[{id}]: the webhook verifier's scheme() is empty"
        );
    }

    check_spec_coverage(spec);
}

fn check_operation(id: &str, op: &OperationDescriptor) {
    let name = op.id.as_str();
    assert!(
        op.id.is_valid(),
        "conformance[{id}]: operation id {name:?} is not resource.action in snake_case"
    );
    assert!(
        !op.summary.trim().is_empty(),
        "conformance[{id}]: operation {name} has an empty summary"
    );
    assert!(
        !op.read_only || op.idempotent,
        "conformance[{id}]: operation {name} is read_only but not idempotent"
    );
    let input = schema_json(id, name, "input", serde_json::to_value((op.input_schema)()));
    assert_eq!(
        input.get("type"),
        Some(&Value::from("object")),
        "conformance[{id}]: the input schema of {name} must have \"type\": \"object\" (inputs are JSON objects; use an empty struct for no input), got {input}"
    );
    schema_json(
        id,
        name,
        "output",
        serde_json::to_value((op.output_schema)()),
    );
}

fn schema_json(id: &str, op: &str, which: &str, schema: Result<Value, serde_json::Error>) -> Value {
    let value = schema.unwrap_or_else(|e| {
        panic!("conformance[{id}]: the {which} schema of {op} does not serialise: {e}")
    });
    assert!(
        value.is_object(),
        "conformance[{id}]: the {which} schema of {op} must be a JSON object, got {value}"
    );
    value
}

fn check_spec_coverage(spec: &ConformanceSpec) {
    let d = spec.descriptor;
    let id = d.id();
    let read = operation(d, spec.read.operation);
    assert!(
        read.idempotent,
        "conformance[{id}]: the spec's read operation {} must be idempotent",
        read.id
    );
    match &spec.write {
        Some(write) => {
            let op = operation(d, write.operation);
            assert!(
                !op.idempotent,
                "conformance[{id}]: the spec's write operation {} must not be idempotent",
                op.id
            );
        }
        None => {
            if let Some(op) = d.operations.iter().find(|op| !op.idempotent) {
                panic!(
                    "conformance[{id}]: operation {} is not idempotent, so the spec needs a `write` case",
                    op.id
                );
            }
        }
    }
    match &spec.paginated {
        Some(p) => {
            let op = operation(d, p.operation);
            assert!(
                op.paginated,
                "conformance[{id}]: the spec's paginated operation {} is not marked paginated",
                op.id
            );
        }
        None => {
            if let Some(op) = d.operations.iter().find(|op| op.paginated) {
                panic!(
                    "conformance[{id}]: operation {} paginates, so the spec needs a `paginated` case",
                    op.id
                );
            }
        }
    }
    assert_eq!(
        spec.webhook.is_some(),
        d.webhook_verifier.is_some(),
        "conformance[{id}]: the spec must have a `webhook` case exactly when the descriptor has a webhook verifier"
    );
}

/// The example configuration parses, survives `toml::to_string` and parsing again with its
/// non-secret fields intact, never shows a secret in `Debug` or serialised form (also with a
/// token and a webhook secret injected), and builds a connector that matches its descriptor.
pub async fn config_round_trip_and_redaction(spec: &ConformanceSpec) {
    let d = spec.descriptor;
    let id = d.id();
    let config = ConnectorConfig::from_toml(id, d.example_config)
        .unwrap_or_else(|e| panic!("conformance[{id}]: example_config does not parse: {e}"));
    let text = toml::to_string(&config)
        .unwrap_or_else(|e| panic!("conformance[{id}]: example config does not serialise: {e}"));
    let again = ConnectorConfig::from_toml(id, &text).unwrap_or_else(|e| {
        panic!("conformance[{id}]: serialised example config does not parse again: {e}\n{text}")
    });
    assert_eq!(
        config.base_url, again.base_url,
        "conformance[{id}]: base_url changed in the round trip"
    );
    assert_eq!(
        config.policy, again.policy,
        "conformance[{id}]: policy changed in the round trip"
    );
    assert_eq!(
        config.settings, again.settings,
        "conformance[{id}]: settings changed in the round trip"
    );
    assert_eq!(
        config.token.is_some(),
        again.token.is_some(),
        "conformance[{id}]: the token was lost in the round trip"
    );
    assert_eq!(
        config.webhook_secrets.len(),
        again.webhook_secrets.len(),
        "conformance[{id}]: webhook secrets were lost in the round trip"
    );
    assert_no_leak(id.as_str(), &config, &format!("{config:?}"), "Debug");
    assert_no_leak(id.as_str(), &config, &text, "toml::to_string");

    let mut secret = config;
    secret.token = Some(SecretString::from(TEST_TOKEN));
    secret.webhook_secrets = vec![SecretString::from(TEST_WEBHOOK_SECRET)];
    let debug = format!("{secret:?}");
    let text = toml::to_string(&secret)
        .unwrap_or_else(|e| panic!("conformance[{id}]: config does not serialise: {e}"));
    for (what, shown) in [("Debug", &debug), ("toml::to_string", &text)] {
        assert_no_leak(id.as_str(), &secret, shown, what);
        assert!(
            !shown.contains(TEST_TOKEN) && !shown.contains(TEST_WEBHOOK_SECRET),
            "conformance[{id}]: {what} of the config shows a secret:\n{shown}"
        );
    }

    if secret.base_url.is_none() {
        secret.base_url = Some(url::Url::parse("http://127.0.0.1:9/").expect("valid URL"));
    }
    let connector = (d.build)(secret).unwrap_or_else(|e| {
        let message = format!("{e} / {e:?}");
        assert!(
            !message.contains(TEST_TOKEN) && !message.contains(TEST_WEBHOOK_SECRET),
            "conformance[{id}]: a build error shows a secret: {message}"
        );
        panic!("conformance[{id}]: building with the example config (plus base_url and token) failed: {e}")
    });
    assert_eq!(
        connector.info().id,
        id,
        "conformance[{id}]: the built connector reports another id"
    );
    let built: Vec<&str> = connector
        .operations()
        .iter()
        .map(|o| o.id.as_str())
        .collect();
    let declared: Vec<&str> = d.operations.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(
        built, declared,
        "conformance[{id}]: the built connector's operations differ from the descriptor's"
    );
    assert_eq!(
        connector.webhook_verifier().is_some(),
        d.webhook_verifier.is_some(),
        "conformance[{id}]: the built connector and the descriptor disagree on webhook support"
    );
}

fn assert_no_leak(id: &str, config: &ConnectorConfig, shown: &str, what: &str) {
    assert!(
        !leaks_secret(config, shown),
        "conformance[{id}]: {what} of the config shows a secret:\n{shown}"
    );
}
