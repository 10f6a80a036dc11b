//! The connector registry: connectors submit a const [`ConnectorDescriptor`] through
//! `inventory` with [`register_connector!`](crate::register_connector); the registry is built
//! once, sorted by id, and rejects duplicates.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use crate::config::{ConfigKey, ConnectorConfig};
use crate::connector::{Connector, ConnectorInfo, OperationDescriptor};
use crate::error::{Error, Result};
use crate::ids::ConnectorId;
use crate::webhook::WebhookVerifier;

/// What a connector crate registers: const data and function pointers, no work.
pub struct ConnectorDescriptor {
    /// The static description.
    pub info: &'static ConnectorInfo,
    /// The operations, sorted by id.
    pub operations: &'static [OperationDescriptor],
    /// The webhook verifier, when the platform sends webhooks.
    pub webhook_verifier: Option<&'static dyn WebhookVerifier>,
    /// An example configuration in TOML (the `[connectors.<id>]` table's body).
    pub example_config: &'static str,
    /// Connector-specific configuration keys beyond the common ones.
    pub config_keys: &'static [ConfigKey],
    /// Builds the connector for one connection.
    pub build: fn(ConnectorConfig) -> Result<Arc<dyn Connector>>,
}

impl ConnectorDescriptor {
    /// The connector's id.
    pub fn id(&self) -> ConnectorId {
        self.info.id
    }
}

impl std::fmt::Debug for ConnectorDescriptor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectorDescriptor")
            .field("id", &self.info.id)
            .field("operations", &self.operations.len())
            .field("webhooks", &self.webhook_verifier.is_some())
            .finish()
    }
}

/// What `inventory` carries: a pointer to a connector crate's static descriptor.
#[doc(hidden)]
pub struct Registration(pub &'static ConnectorDescriptor);

inventory::collect!(Registration);

/// Registers a connector: pass the path of its `static` [`ConnectorDescriptor`]. Use once per
/// connector crate; connector crates never depend on `inventory` themselves.
///
/// ```ignore
/// pub static DESCRIPTOR: plugboard_core::ConnectorDescriptor = /* ... */;
/// plugboard_core::register_connector!(DESCRIPTOR);
/// ```
#[macro_export]
macro_rules! register_connector {
    ($descriptor:path) => {
        $crate::__private::inventory::submit! { $crate::registry::Registration(&$descriptor) }
    };
}

/// Every linked connector, sorted by id.
#[derive(Debug)]
pub struct Registry {
    connectors: BTreeMap<ConnectorId, &'static ConnectorDescriptor>,
}

impl Registry {
    /// The registry of every connector linked into this binary, built on first use.
    ///
    /// # Panics
    /// When two linked crates register the same id or an id is malformed: that is a build
    /// mistake, not a runtime condition.
    pub fn global() -> &'static Registry {
        static GLOBAL: OnceLock<Registry> = OnceLock::new();
        GLOBAL.get_or_init(|| {
            Registry::from_descriptors(inventory::iter::<Registration>().map(|r| r.0))
                .unwrap_or_else(|e| panic!("connector registry: {e}"))
        })
    }

    /// Builds a registry from descriptors, rejecting duplicate or malformed ids.
    pub fn from_descriptors<I>(descriptors: I) -> Result<Self>
    where
        I: IntoIterator<Item = &'static ConnectorDescriptor>,
    {
        let mut connectors = BTreeMap::new();
        for d in descriptors {
            let id = d.id();
            if !id.is_valid() {
                return Err(Error::config(format!(
                    "connector id {id:?} is not lowercase ascii"
                )));
            }
            if let Some(op) = d.operations.iter().find(|op| !op.id.is_valid()) {
                return Err(Error::config(format!(
                    "connector {id}: operation id {:?} is not resource.action snake_case",
                    op.id.as_str()
                )));
            }
            if connectors.insert(id, d).is_some() {
                return Err(Error::config(format!("connector {id} is registered twice")));
            }
        }
        Ok(Self { connectors })
    }

    /// The descriptor for `id`.
    pub fn get(&self, id: &str) -> Option<&'static ConnectorDescriptor> {
        self.connectors
            .iter()
            .find(|(k, _)| k.as_str() == id)
            .map(|(_, d)| *d)
    }

    /// The descriptor for `id`, or a clear error listing the known ids.
    pub fn require(&self, id: &str) -> Result<&'static ConnectorDescriptor> {
        self.get(id).ok_or_else(|| {
            Error::invalid_input(format!(
                "unknown connector {id:?}; known connectors: {}",
                self.ids().join(", ")
            ))
        })
    }

    /// Every descriptor, sorted by id.
    pub fn iter(&self) -> impl Iterator<Item = &'static ConnectorDescriptor> + '_ {
        self.connectors.values().copied()
    }

    /// Every id, sorted.
    pub fn ids(&self) -> Vec<&'static str> {
        self.connectors.keys().map(|k| k.as_str()).collect()
    }

    /// How many connectors are registered.
    pub fn len(&self) -> usize {
        self.connectors.len()
    }

    /// Whether none are.
    pub fn is_empty(&self) -> bool {
        self.connectors.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connector::Capabilities;

    static INFO_A: ConnectorInfo = ConnectorInfo {
        id: ConnectorId::new("alpha"),
        name: "Alpha",
        docs_url: "https://example.com",
        default_base_url: "https://api.example.com",
        capabilities: Capabilities {
            webhooks: None,
            auth: &[],
            health_operation: None,
        },
    };
    static INFO_BAD: ConnectorInfo = ConnectorInfo {
        id: ConnectorId::new("Alpha"),
        ..INFO_A
    };

    fn no_build(_: ConnectorConfig) -> Result<Arc<dyn Connector>> {
        Err(Error::config("test descriptor"))
    }

    static A1: ConnectorDescriptor = ConnectorDescriptor {
        info: &INFO_A,
        operations: &[],
        webhook_verifier: None,
        example_config: "",
        config_keys: &[],
        build: no_build,
    };
    static A2: ConnectorDescriptor = ConnectorDescriptor {
        info: &INFO_A,
        operations: &[],
        webhook_verifier: None,
        example_config: "",
        config_keys: &[],
        build: no_build,
    };
    static BAD: ConnectorDescriptor = ConnectorDescriptor {
        info: &INFO_BAD,
        operations: &[],
        webhook_verifier: None,
        example_config: "",
        config_keys: &[],
        build: no_build,
    };

    #[test]
    fn rejects_duplicates_and_bad_ids() {
        let e = Registry::from_descriptors([&A1, &A2]).unwrap_err();
        assert!(e.to_string().contains("registered twice"), "{e}");
        assert!(Registry::from_descriptors([&BAD]).is_err());
        let r = Registry::from_descriptors([&A1]).unwrap();
        assert_eq!(r.ids(), vec!["alpha"]);
        let e = r.require("beta").unwrap_err();
        assert!(e.to_string().contains("known connectors: alpha"), "{e}");
    }
}
