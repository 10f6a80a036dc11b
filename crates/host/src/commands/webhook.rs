//! `plugboard webhook verify`: checks a delivery's signature with a connector's verifier (or
//! Standard Webhooks) over the raw body bytes. Exit 0 valid (prints the event id and type as
//! JSON), 1 rejected (the reason on stderr), 2 usage error.

use std::io::Read;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use plugboard_core::webhook::STANDARD_WEBHOOKS;
use plugboard_core::{Registry, SecretString, WebhookRequest, WebhookSecrets, WebhookVerifier};
use serde_json::json;

use crate::cli::{UrlArgs, VerifyArgs};
use crate::config::HostConfig;
use crate::error::CliError;
use crate::output;

/// The pseudo-connector naming plugboard's own outbound scheme.
pub const STANDARD_WEBHOOKS_ID: &str = "standard-webhooks";

/// Runs `webhook verify`.
pub fn verify(args: &VerifyArgs, config_path: Option<&Path>) -> Result<(), CliError> {
    let registry = Registry::global();
    let verifier = verifier_for(registry, &args.connector)?;
    let headers = parse_headers(&args.headers)?;
    let secrets = secrets_for(registry, args, config_path)?;
    let body = read_body(args.body_file.as_deref())?;
    let now = match args.now {
        Some(secs) => UNIX_EPOCH + Duration::from_secs(secs),
        None => SystemTime::now(),
    };
    let request = WebhookRequest {
        method: &Method::POST,
        headers: &headers,
        query: args.query.as_deref(),
        body: &body,
    };
    match verifier.verify(&request, &secrets, now) {
        Ok(verified) => output::print_value(&json!({
            "event_id": verified.event_id(),
            "event_type": verified.event_type(),
        })),
        Err(e) => Err(CliError::failed(format!(
            "webhook rejected ({}): {e}",
            e.reason()
        ))),
    }
}

/// The verifier of `connector`, or a usage error naming the ones that verify webhooks.
pub fn verifier_for(
    registry: &Registry,
    connector: &str,
) -> Result<&'static dyn WebhookVerifier, CliError> {
    if connector == STANDARD_WEBHOOKS_ID {
        return Ok(&STANDARD_WEBHOOKS);
    }
    let known = || {
        let mut ids: Vec<&str> = registry
            .iter()
            .filter(|d| d.webhook_verifier.is_some())
            .map(|d| d.id().as_str())
            .collect();
        ids.push(STANDARD_WEBHOOKS_ID);
        ids.join(", ")
    };
    let descriptor = registry.get(connector).ok_or_else(|| {
        CliError::usage(format!(
            "unknown connector {connector:?}; connectors that verify webhooks: {}",
            known()
        ))
    })?;
    descriptor.webhook_verifier.ok_or_else(|| {
        CliError::usage(format!(
            "{connector} does not receive webhooks; connectors that do: {}",
            known()
        ))
    })
}

/// `--header 'Name: value'` arguments as a header map.
pub fn parse_headers(raw: &[String]) -> Result<HeaderMap, CliError> {
    let mut headers = HeaderMap::new();
    for h in raw {
        let bad = |why: &str| CliError::usage(format!("bad --header {h:?}: {why}"));
        let (name, value) = h
            .split_once(':')
            .ok_or_else(|| bad("expected 'Name: value'"))?;
        let name = HeaderName::from_bytes(name.trim().as_bytes())
            .map_err(|_| bad("not a valid header name"))?;
        let value =
            HeaderValue::from_str(value.trim()).map_err(|_| bad("not a valid header value"))?;
        headers.append(name, value);
    }
    Ok(headers)
}

/// `--secret` values, else the connector's configured webhook secrets.
fn secrets_for(
    registry: &Registry,
    args: &VerifyArgs,
    config_path: Option<&Path>,
) -> Result<WebhookSecrets, CliError> {
    let secrets: Vec<SecretString> = if !args.secrets.is_empty() {
        args.secrets
            .iter()
            .map(|s| SecretString::from(s.clone()))
            .collect()
    } else if args.connector == STANDARD_WEBHOOKS_ID {
        return Err(CliError::usage(
            "--secret is required for standard-webhooks",
        ));
    } else {
        let descriptor = registry
            .require(&args.connector)
            .map_err(|e| CliError::usage(e.message()))?;
        let config = HostConfig::load(config_path, registry)?;
        let configured = config.connector(descriptor).webhook_secrets;
        if configured.is_empty() {
            let id = descriptor.id();
            return Err(CliError::usage(format!(
                "no webhook secret: pass --secret, or set PLUGBOARD_{}_WEBHOOK_SECRET or connectors.{id}.webhook_secret",
                id.env_prefix()
            )));
        }
        configured
    };
    WebhookSecrets::new(secrets).map_err(|_| CliError::usage("--secret must not be empty"))
}

/// The raw body from `--body-file`, else stdin.
fn read_body(file: Option<&Path>) -> Result<Bytes, CliError> {
    match file {
        Some(path) => std::fs::read(path).map_err(|e| {
            CliError::usage(format!("cannot read --body-file {}: {e}", path.display()))
        }),
        None => {
            let mut buf = Vec::new();
            std::io::stdin()
                .read_to_end(&mut buf)
                .map_err(|e| CliError::usage(format!("cannot read the body from stdin: {e}")))?;
            Ok(buf)
        }
    }
    .map(Bytes::from)
}

/// Runs `webhook url`: prints the connection's URL (with `server.public_url` when set, else the
/// listen address) as JSON.
pub fn url(args: &UrlArgs, config_path: Option<&Path>) -> Result<(), CliError> {
    let registry = Registry::global();
    let descriptor = registry
        .require(&args.connector)
        .map_err(|e| CliError::usage(e.message()))?;
    if descriptor.webhook_verifier.is_none() {
        return Err(CliError::usage(format!(
            "{} does not receive webhooks",
            descriptor.id()
        )));
    }
    if !plugboard_ingress::endpoint::is_valid_connection_name(&args.connection) {
        return Err(CliError::usage(format!(
            "--connection: `{}` is not a valid connection name (1 to 64 of lowercase letters, \
             digits, `-` and `_`)",
            args.connection
        )));
    }
    let config = HostConfig::load(config_path, registry)?;
    let sealer = crate::keys::sealer(&config)?;
    let token = crate::keys::webhook_url_token(&sealer, descriptor.id().as_str(), &args.connection);
    let path =
        plugboard_ingress::connection_path(descriptor.id().as_str(), &args.connection, &token);
    let base = match &config.server.public_url {
        Some(url) => url.as_str().trim_end_matches('/').to_string(),
        None => format!("http://{}", config.server.listen),
    };
    output::print_value(&json!({
        "connector": descriptor.id().as_str(),
        "connection": args.connection,
        "url": format!("{base}{path}"),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_parse_and_bad_ones_are_usage_errors() {
        let h = parse_headers(&[
            "X-GitHub-Event: ping".into(),
            "webhook-signature:v1,abc= v1,def=".into(),
        ])
        .unwrap();
        assert_eq!(h.get("x-github-event").unwrap(), "ping");
        assert_eq!(h.get("webhook-signature").unwrap(), "v1,abc= v1,def=");
        for bad in [
            "no colon here",
            "bad name: x",
            ": empty name",
            "X: a\u{7f}b",
        ] {
            let e = parse_headers(&[bad.to_string()]).unwrap_err();
            assert_eq!(e.exit_code(), std::process::ExitCode::from(2), "{bad}");
            assert!(e.message().contains("--header"), "{e}");
        }
    }

    #[test]
    fn standard_webhooks_is_always_available() {
        assert_eq!(
            verifier_for(Registry::global(), "standard-webhooks")
                .unwrap()
                .scheme(),
            STANDARD_WEBHOOKS.scheme()
        );
        let Err(e) = verifier_for(Registry::global(), "nosuch") else {
            panic!("an unknown connector has no verifier");
        };
        assert!(e.message().contains("standard-webhooks"), "{e}");
    }
}
