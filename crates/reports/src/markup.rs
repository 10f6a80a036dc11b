//! Escaping platform text for HTML and SVG (XML) output, shared by the charts and the HTML
//! template formatter.

/// Escapes text for HTML or XML character data and quoted attribute values: `&`, `<`, `>`,
/// `"` and `'` become references, and control characters XML 1.0 forbids are dropped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn markup_characters_become_references_and_forbidden_controls_vanish() {
        assert_eq!(
            escape("<a href=\"x\">Tom & 'Jerry'</a>\u{1}\tok\n"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;\tok\n"
        );
        assert_eq!(escape("plain"), "plain");
    }
}
