//! Identifier newtypes for connectors and operations.

use std::fmt;

/// A connector's id: lowercase ASCII letters, digits and `-`, e.g. `github`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ConnectorId(&'static str);

impl ConnectorId {
    /// Wraps a static id. Validity is checked by [`ConnectorId::is_valid`] and by the registry.
    pub const fn new(id: &'static str) -> Self {
        Self(id)
    }

    /// The id as a string.
    pub const fn as_str(&self) -> &'static str {
        self.0
    }

    /// Whether the id is lowercase ASCII letters, digits and `-`, starting with a letter.
    pub fn is_valid(&self) -> bool {
        let mut chars = self.0.chars();
        matches!(chars.next(), Some(c) if c.is_ascii_lowercase())
            && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    }

    /// The id in the form used by environment variables: `google-ads` → `GOOGLE_ADS`.
    pub fn env_prefix(&self) -> String {
        self.0.to_ascii_uppercase().replace('-', "_")
    }
}

impl fmt::Display for ConnectorId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl fmt::Debug for ConnectorId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ConnectorId({})", self.0)
    }
}

/// An operation's id, `resource.action` in snake_case, e.g. `issues.create`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OperationId(&'static str);

impl OperationId {
    /// Wraps a static id. Validity is checked by [`OperationId::is_valid`].
    pub const fn new(id: &'static str) -> Self {
        Self(id)
    }

    /// The id as a string.
    pub const fn as_str(&self) -> &'static str {
        self.0
    }

    /// Whether the id is dot-separated snake_case segments (at least two).
    pub fn is_valid(&self) -> bool {
        let parts: Vec<&str> = self.0.split('.').collect();
        parts.len() >= 2
            && parts.iter().all(|p| {
                let mut chars = p.chars();
                matches!(chars.next(), Some(c) if c.is_ascii_lowercase())
                    && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            })
    }
}

impl fmt::Display for OperationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl fmt::Debug for OperationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OperationId({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_connector_ids() {
        assert!(ConnectorId::new("github").is_valid());
        assert!(ConnectorId::new("google-ads").is_valid());
        assert!(!ConnectorId::new("GitHub").is_valid());
        assert!(!ConnectorId::new("").is_valid());
        assert_eq!(ConnectorId::new("google-ads").env_prefix(), "GOOGLE_ADS");
    }

    #[test]
    fn validates_operation_ids() {
        assert!(OperationId::new("issues.create").is_valid());
        assert!(OperationId::new("chat.post_message").is_valid());
        assert!(OperationId::new("actions.dispatch_workflow").is_valid());
        assert!(!OperationId::new("issues").is_valid());
        assert!(!OperationId::new("Issues.Create").is_valid());
        assert!(!OperationId::new("issues.").is_valid());
    }
}
