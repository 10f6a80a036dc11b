//! Which tools are served: `--read-only`, `--tools` and `--connectors`, checked against the
//! tools that exist.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use plugboard_core::OperationDescriptor;

use crate::naming::tool_name;

/// Which tools to serve. The default serves every tool.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ToolFilter {
    /// Serve only operations marked read-only (and extra tools whose `read_only_hint` is
    /// `true`).
    pub read_only: bool,
    /// Serve only these tool names.
    pub tools: Option<BTreeSet<String>>,
    /// Serve only these connectors' tools.
    pub connectors: Option<BTreeSet<String>>,
}

impl ToolFilter {
    /// A filter from command-line lists (names are trimmed; empty ones dropped).
    pub fn new(
        read_only: bool,
        tools: Option<Vec<String>>,
        connectors: Option<Vec<String>>,
    ) -> Self {
        let clean = |list: Vec<String>| {
            list.iter()
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect::<BTreeSet<_>>()
        };
        Self {
            read_only,
            tools: tools.map(clean),
            connectors: connectors.map(clean),
        }
    }

    /// Whether the connector's tools may be served.
    pub fn keeps_connector(&self, id: &str) -> bool {
        self.connectors.as_ref().is_none_or(|c| c.contains(id))
    }

    /// Whether the tool name passes `--tools`.
    pub fn keeps_tool(&self, name: &str) -> bool {
        self.tools.as_ref().is_none_or(|t| t.contains(name))
    }

    /// Whether an operation passes `--read-only`.
    pub fn keeps_operation(&self, op: &OperationDescriptor) -> bool {
        !self.read_only || op.read_only
    }

    /// Checks every name in the filter against the connectors and tools that exist (whether
    /// configured or not): `known` maps connector ids to their operations, `extra` lists the
    /// extra tools' names.
    pub(crate) fn check(
        &self,
        known: &BTreeMap<&str, &'static [OperationDescriptor]>,
        extra: &[String],
    ) -> Result<(), BuildError> {
        if let Some(connectors) = &self.connectors {
            if connectors.is_empty() {
                return Err(BuildError::UnknownNames(
                    "--connectors names no connector".into(),
                ));
            }
            let unknown: Vec<&str> = connectors
                .iter()
                .map(String::as_str)
                .filter(|c| !known.contains_key(c))
                .collect();
            if !unknown.is_empty() {
                return Err(BuildError::UnknownNames(format!(
                    "unknown connector(s) in --connectors: {}; known connectors: {}",
                    unknown.join(", "),
                    known.keys().copied().collect::<Vec<_>>().join(", ")
                )));
            }
        }
        if let Some(tools) = &self.tools {
            if tools.is_empty() {
                return Err(BuildError::UnknownNames("--tools names no tool".into()));
            }
            let all: BTreeSet<String> = known
                .iter()
                .flat_map(|(id, ops)| ops.iter().map(|op| tool_name(id, op.id.as_str())))
                .chain(extra.iter().cloned())
                .collect();
            let unknown: Vec<&str> = tools
                .iter()
                .map(String::as_str)
                .filter(|t| !all.contains(*t))
                .collect();
            if !unknown.is_empty() {
                return Err(BuildError::UnknownNames(format!(
                    "unknown tool(s) in --tools: {}; tools are named <connector>_<operation> \
                     with `.` as `_` (e.g. github_issues_list); `plugboard connectors` lists \
                     the operations",
                    unknown.join(", ")
                )));
            }
        }
        Ok(())
    }
}

/// Why the server could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuildError {
    /// A filter names a connector or tool that does not exist (a usage error).
    UnknownNames(String),
    /// The tools cannot be served as they are: an invalid or duplicate tool name, a schema
    /// that cannot be shaped into an object, a duplicate connection.
    Invalid(String),
}

impl BuildError {
    /// The message.
    pub fn message(&self) -> &str {
        match self {
            Self::UnknownNames(m) | Self::Invalid(m) => m,
        }
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for BuildError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_trimmed_and_unknown_names_are_named() {
        let f = ToolFilter::new(
            false,
            Some(vec![" github_issues_list".into(), "".into()]),
            Some(vec!["github".into(), "nosuch".into()]),
        );
        assert_eq!(
            f.tools,
            Some(BTreeSet::from(["github_issues_list".to_string()]))
        );
        let known = BTreeMap::from([("github", &[][..])]);
        let e = f.check(&known, &[]).unwrap_err();
        assert!(matches!(e, BuildError::UnknownNames(_)));
        assert!(e.message().contains("nosuch"), "{e}");
        assert!(e.message().contains("known connectors: github"), "{e}");

        let f = ToolFilter::new(false, Some(vec!["report_sprint".into()]), None);
        assert!(f.check(&known, &["report_sprint".into()]).is_ok());
        let e = f.check(&known, &[]).unwrap_err();
        assert!(e.message().contains("report_sprint"), "{e}");

        let f = ToolFilter::new(false, Some(vec![" ".into()]), None);
        assert!(f.check(&known, &[]).is_err());
        assert!(ToolFilter::default().check(&known, &[]).is_ok());
    }
}
