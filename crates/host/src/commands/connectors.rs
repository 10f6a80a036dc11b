//! `plugboard connectors [--json]`: what the linked connectors offer, from the registry alone.

use std::io::Write;

use plugboard_core::{ConnectorDescriptor, OperationDescriptor, Registry};
use serde_json::{Value, json};

use crate::cli::ConnectorsArgs;
use crate::error::CliError;
use crate::output;

/// Runs the command.
pub fn run(args: &ConnectorsArgs) -> Result<(), CliError> {
    let registry = Registry::global();
    if args.json {
        output::print_value(&listing(registry))
    } else {
        let mut out = std::io::stdout().lock();
        out.write_all(table(registry).as_bytes())?;
        out.flush()?;
        Ok(())
    }
}

/// The JSON listing: one object per connector, sorted by id.
pub fn listing(registry: &Registry) -> Value {
    Value::Array(registry.iter().map(connector_json).collect())
}

fn connector_json(d: &ConnectorDescriptor) -> Value {
    let info = d.info;
    let caps = &info.capabilities;
    json!({
        "id": info.id.as_str(),
        "name": info.name,
        "docs_url": info.docs_url,
        "default_base_url": info.default_base_url,
        "operations": d.operations.iter().map(operation_json).collect::<Vec<_>>(),
        "webhooks": caps.webhooks.map(|w| json!({
            "scheme": w.scheme,
            "event_id": w.event_id,
            "handshake": w.handshake,
        })),
        "auth": caps.auth.iter().map(|a| a.as_str()).collect::<Vec<_>>(),
        "health_operation": caps.health_operation.map(|o| o.as_str()),
        "config_keys": d.config_keys.iter().map(|k| json!({
            "name": k.name,
            "secret": k.secret,
            "env": k.env_var(info.id),
            "doc": k.doc,
        })).collect::<Vec<_>>(),
    })
}

fn operation_json(op: &OperationDescriptor) -> Value {
    json!({
        "id": op.id.as_str(),
        "summary": op.summary,
        "docs_url": op.docs_url,
        "idempotent": op.idempotent,
        "read_only": op.read_only,
        "paginated": op.paginated,
        "rate_class": op.rate_class.0,
        "cache_ttl_secs": op.cache_ttl.map(|t| t.as_secs()),
        "input_schema": (op.input_schema)(),
        "output_schema": (op.output_schema)(),
    })
}

/// The human listing: a line per connector, then its operations.
pub fn table(registry: &Registry) -> String {
    let mut s = String::new();
    if registry.is_empty() {
        s.push_str("no connectors are linked into this binary\n");
        return s;
    }
    for (i, d) in registry.iter().enumerate() {
        if i > 0 {
            s.push('\n');
        }
        let info = d.info;
        let caps = &info.capabilities;
        let auth: Vec<&str> = caps.auth.iter().map(|a| a.as_str()).collect();
        let webhooks = caps.webhooks.map(|w| w.scheme).unwrap_or("none");
        s.push_str(&format!("{} ({})  {}\n", info.id, info.name, info.docs_url));
        s.push_str(&format!(
            "  auth: {}\n",
            if auth.is_empty() {
                "none".to_string()
            } else {
                auth.join(", ")
            }
        ));
        s.push_str(&format!("  webhooks: {webhooks}\n"));
        let width = d
            .operations
            .iter()
            .map(|o| o.id.as_str().len())
            .max()
            .unwrap_or(0);
        for op in d.operations {
            let mut flags = Vec::new();
            if op.read_only {
                flags.push("read-only".to_string());
            } else if op.idempotent {
                flags.push("idempotent".to_string());
            }
            if op.paginated {
                flags.push("paginated".to_string());
            }
            match op.cache_ttl {
                Some(ttl) if ttl.is_zero() => flags.push("revalidated".to_string()),
                Some(ttl) => flags.push(format!("cached {}s", ttl.as_secs())),
                None => {}
            }
            s.push_str(&format!(
                "  {:width$}  {}{}\n",
                op.id.as_str(),
                op.summary,
                if flags.is_empty() {
                    String::new()
                } else {
                    format!(" [{}]", flags.join(", "))
                }
            ));
        }
    }
    s
}
