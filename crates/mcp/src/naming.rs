//! Tool names: `<connector>_<operation>` with every `.` of the operation id turned into `_`,
//! within the `[a-zA-Z0-9_-]{1,64}` that MCP clients commonly accept.

/// The longest tool name MCP clients commonly accept.
pub const MAX_TOOL_NAME_LEN: usize = 64;

/// The tool name of a connector's operation: `github` + `issues.create` →
/// `github_issues_create`.
pub fn tool_name(connector: &str, operation: &str) -> String {
    format!("{connector}_{}", operation.replace('.', "_"))
}

/// Whether `name` is 1 to 64 ASCII letters, digits, `_` and `-`.
pub fn is_valid_tool_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_TOOL_NAME_LEN
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dots_become_underscores_and_the_charset_is_checked() {
        assert_eq!(tool_name("github", "issues.create"), "github_issues_create");
        assert_eq!(
            tool_name("google", "ads.customers.list_accessible"),
            "google_ads_customers_list_accessible"
        );
        assert!(is_valid_tool_name("jira_sprints_issues"));
        assert!(is_valid_tool_name("sprint-report"));
        assert!(!is_valid_tool_name(""));
        assert!(!is_valid_tool_name("github.issues"));
        assert!(!is_valid_tool_name("a b"));
        assert!(!is_valid_tool_name(&"x".repeat(65)));
        assert!(is_valid_tool_name(&"x".repeat(64)));
    }
}
