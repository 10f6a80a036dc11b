//! HTML, markdown and JSON renderings: sections, escaping, charts, self-containment.

mod common;

use plugboard_reports::build_report::GITHUB_UNAVAILABLE;
use plugboard_reports::report::SprintReport;
use plugboard_reports::{Format, build_report, charts, render};

fn report() -> SprintReport {
    build_report(&common::sprint())
}

fn html() -> String {
    render(&report(), Format::Html).unwrap()
}

/// The text of the element opened by the first occurrence of `marker` up to `end`.
fn slice_from<'a>(text: &'a str, marker: &str, end: &str) -> &'a str {
    let start = text
        .find(marker)
        .unwrap_or_else(|| panic!("`{marker}` not found"));
    let rest = &text[start..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

#[test]
fn html_escapes_every_piece_of_platform_text() {
    let html = html();
    assert!(
        !html.contains("<script"),
        "no script element, injected or not"
    );
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(
        html.contains("Quote &quot;&amp;&#39;&lt;&gt; test"),
        "PR title escaped in text and attributes"
    );
    assert!(!html.contains("\"&'<>"));
    assert!(html.contains("Sprint 12 &amp; friends"));
    assert!(
        html.contains("Ship &lt;b&gt;login&lt;/b&gt;"),
        "the sprint goal is escaped"
    );
    assert!(html.contains("Team &lt;Rocket&gt; board"));
    assert!(!html.contains("<b>login"));
    // Inside the SVG charts too.
    let burndown = slice_from(&html, "<svg", "</svg>");
    assert!(burndown.contains("Burndown of Sprint 12 &amp; friends"));
}

#[test]
fn html_is_self_contained() {
    let html = html();
    for needle in [
        "<script", "<link", "<img", "<iframe", "@import", "url(", " src=", "<object", "<embed",
    ] {
        assert!(
            !html.contains(needle),
            "found `{needle}`: the file must not fetch anything"
        );
    }
    assert!(html.contains("<style>"));
    assert!(html.contains("@media print"));
    assert!(html.starts_with("<!DOCTYPE html>"));
    // Every link points at the platforms' pages, nothing else.
    for href in html.split("href=\"").skip(1) {
        let url = &href[..href.find('"').unwrap()];
        assert!(
            url.starts_with("https://acme.atlassian.net/browse/")
                || url.starts_with("https://github.com/acme/app/"),
            "unexpected link {url}"
        );
    }
}

#[test]
fn html_has_the_three_charts() {
    let html = html();
    for id in [
        charts::BURNDOWN_ID,
        charts::COMMITTED_COMPLETED_ID,
        charts::CYCLE_TIME_ID,
    ] {
        let svg = slice_from(&html, &format!("id=\"{id}\""), "</svg>");
        assert!(svg.contains("role=\"img\""), "{id} has role img");
        assert!(svg.contains("aria-label=\""), "{id} has an aria-label");
        assert!(svg.contains("<title>"), "{id} has a title");
        assert!(
            !svg.contains("NaN") && !svg.contains("inf"),
            "{id} has finite numbers"
        );
    }
    let burndown = slice_from(&html, "id=\"chart-burndown\"", "</svg>");
    assert!(burndown.contains("class=\"ideal\"") && burndown.contains("class=\"actual\""));
    assert!(
        burndown.contains(">05-06<") && burndown.contains(">05-17<"),
        "day labels"
    );
    assert!(burndown.contains("2024-05-17: 5 points remaining"));
    let bars = slice_from(&html, "id=\"chart-committed-completed\"", "</svg>");
    assert!(
        bars.contains("<title>20 committed</title>")
            && bars.contains("<title>11 completed</title>")
    );
    assert!(
        bars.contains("<title>6 committed</title>") && bars.contains("<title>5 completed</title>")
    );
    let cycle = slice_from(&html, "id=\"chart-cycle-time\"", "</svg>");
    assert!(cycle.contains("<title>2-3 d: 2 issues</title>"));
}

#[test]
fn html_issue_rows_link_issues_and_pulls() {
    let html = html();
    assert_eq!(html.matches("<tr data-issue=").count(), 8);
    let row = slice_from(&html, "<tr data-issue=\"PROJ-2\"", "</tr>");
    assert!(row.contains("href=\"https://acme.atlassian.net/browse/PROJ-2\""));
    assert!(row.contains("data-pr=\"acme/app#11\""));
    assert!(row.contains("href=\"https://github.com/acme/app/pull/11\""));
    assert!(row.contains("committed") && row.contains("completed"));
    assert!(row.contains("3 d"), "72 h cycle time shown in days");
    let row5 = slice_from(&html, "<tr data-issue=\"PROJ-5\"", "</tr>");
    assert!(row5.contains("data-pr=\"acme/app#11\"") && row5.contains("badge added"));
    // Without code: marked.
    let row6 = slice_from(&html, "<tr data-issue=\"PROJ-6\"", "</tr>");
    assert!(row6.contains("class=\"no-code\"") && row6.contains("badge no-code"));
    let row7 = slice_from(&html, "<tr data-issue=\"PROJ-7\"", "</tr>");
    assert!(row7.contains("carried over"));
    let row3 = slice_from(&html, "<tr data-issue=\"PROJ-3\"", "</tr>");
    assert!(!row3.contains("no-code"), "PROJ-3 has a commit");
    let row4 = slice_from(&html, "<tr data-issue=\"PROJ-4\"", "</tr>");
    assert!(row4.contains("badge removed"));
    assert!(!row4.contains("no-code"), "a removed issue needs no code");
}

#[test]
fn html_sections_warnings_and_tables() {
    let html = html();
    let warning = slice_from(&html, "class=\"warning\"", "</div>");
    assert!(warning.contains("Repository acme/legacy was not found"));
    let unlinked = slice_from(&html, "<table class=\"unlinked\"", "</table>");
    assert!(
        unlinked.contains("data-pr=\"acme/app#12\"")
            && unlinked.contains("data-pr=\"acme/app#13\"")
    );
    assert!(!unlinked.contains("acme/app#10"));
    let pulls = slice_from(&html, "<table class=\"pulls\"", "</table>");
    assert_eq!(pulls.matches("<tr data-pr=").count(), 5);
    let pr10 = slice_from(pulls, "<tr data-pr=\"acme/app#10\"", "</tr>");
    assert!(pr10.contains("24 h") && pr10.contains("2 h by bob"));
    for section in [
        "id=\"summary\"",
        "id=\"charts\"",
        "id=\"metrics\"",
        "id=\"issues\"",
        "id=\"unlinked-pulls\"",
        "id=\"pulls\"",
        "<footer>",
    ] {
        assert!(html.contains(section), "missing {section}");
    }
    assert!(html.contains("11 of 16 points completed (68.8%) · 5 of 7 issues"));
    assert!(html.contains("2024-05-06 09:00 UTC"));
}

#[test]
fn html_without_github_shows_the_warning_and_no_code_markers() {
    let mut data = common::sprint();
    data.github_available = false;
    data.pulls.clear();
    data.commits.clear();
    data.warnings.clear();
    let html = render(&build_report(&data), Format::Html).unwrap();
    let warning = slice_from(&html, "class=\"warning\"", "</div>");
    assert!(warning.contains(GITHUB_UNAVAILABLE));
    assert!(
        !html.contains("badge no-code"),
        "code links are unknown, not missing"
    );
    assert!(html.contains("GitHub data is unavailable."));
    assert_eq!(html.matches("<tr data-issue=").count(), 8);
}

#[test]
fn charts_cope_with_empty_data() {
    let mut data = common::sprint();
    for issue in &mut data.issues {
        issue.points = None;
        issue.done = None;
        issue.started = None;
    }
    let r = build_report(&data);
    let burndown = charts::burndown(&r);
    assert!(
        burndown.contains("issues remaining"),
        "falls back to issue counts without estimates"
    );
    let cycle = charts::cycle_time(&r);
    assert!(cycle.contains("No completed issues with a cycle time"));
    let bars = charts::committed_completed(&r);
    for svg in [&burndown, &cycle, &bars] {
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
    }

    data.issues.clear();
    let r = build_report(&data);
    for svg in [
        charts::burndown(&r),
        charts::cycle_time(&r),
        charts::committed_completed(&r),
    ] {
        assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
    }
    let html = render(&r, Format::Html).unwrap();
    assert!(html.contains("The sprint has no issues."));
}

/// Counts the `|` that delimit cells (not the escaped `\|`).
fn cell_delimiters(line: &str) -> usize {
    let mut count = 0;
    let mut escaped = false;
    for c in line.chars() {
        match c {
            '\\' if !escaped => escaped = true,
            '|' if !escaped => count += 1,
            _ => escaped = false,
        }
        if c != '\\' {
            escaped = false;
        }
    }
    count
}

#[test]
fn markdown_tables_keep_their_shape() {
    let md = render(&report(), Format::Markdown).unwrap();
    let lines: Vec<&str> = md.lines().collect();
    // Every table: header, separator and rows with the same number of delimiters.
    let mut tables = 0;
    let mut i = 0;
    while i < lines.len() {
        if lines[i].starts_with('|') {
            let width = cell_delimiters(lines[i]);
            assert!(
                lines[i + 1].starts_with("|---"),
                "separator after header `{}`",
                lines[i]
            );
            let mut j = i;
            while j < lines.len() && lines[j].starts_with('|') {
                assert_eq!(cell_delimiters(lines[j]), width, "row `{}`", lines[j]);
                j += 1;
            }
            tables += 1;
            i = j;
        } else {
            i += 1;
        }
    }
    assert_eq!(tables, 5, "summary, code, metrics, issues, unlinked PRs");
    let issue_rows = lines.iter().filter(|l| l.starts_with("| [PROJ-")).count();
    assert_eq!(issue_rows, 8);
}

#[test]
fn markdown_content_and_escaping() {
    let md = render(&report(), Format::Markdown).unwrap();
    assert!(md.starts_with("## Sprint report: Sprint 12 \\& friends\n"));
    assert!(md.contains("**11 of 16 points completed (68.8%) · 5 of 7 issues**"));
    assert!(md.contains("> **Warning:** Repository acme/legacy was not found"));
    // A summary with a pipe and a newline stays in its cell; markup characters are inert.
    assert!(md.contains("Split \\| pipes and \\*stars\\* over lines"));
    assert!(md.contains("\\<script\\>alert(1)\\</script\\>"));
    // No HTML at all: every `<` is escaped.
    for (i, _) in md.match_indices('<') {
        assert_eq!(&md[i - 1..i], "\\", "unescaped `<` at {i}");
    }
    assert!(md.contains("| [PROJ-2](https://acme.atlassian.net/browse/PROJ-2) |"));
    assert!(md.contains("[acme/app#11](https://github.com/acme/app/pull/11)"));
    assert!(md.contains("| Cycle time | 5 | 2.5 d | 11.4 d |"));
    assert!(md.contains("| PR lead time | 2 | 24 h | 2 d |"));
    assert!(md.contains("| Review turnaround | 3 | 2 h | 6 h |"));
    assert!(md.contains("| Committed | 6 | 20 |"));
    assert_eq!(
        md.matches("**no code**").count(),
        2,
        "PROJ-6 and PROJ-7; PROJ-4 was removed"
    );
    assert!(md.contains("\n\nGoal: Ship \\<b\\>login\\</b\\>\n"));
    assert!(md.contains(
        "| [acme/app#12](https://github.com/acme/app/pull/12) | Bump deps | dependabot | open |"
    ));
}

#[test]
fn markdown_link_targets_cannot_break_out() {
    let mut data = common::sprint();
    data.pulls[0].url = "https://github.com/acme/app/pull/10) [x](javascript:alert(1)".to_owned();
    data.pulls[1].url = "javascript:alert(1)".to_owned();
    let md = render(&build_report(&data), Format::Markdown).unwrap();
    assert!(
        md.contains("(https://github.com/acme/app/pull/10%29%20[x]%28javascript:alert%281%29)")
    );
    assert!(md.contains("[acme/app#11](#)"));
    let html = render(&build_report(&data), Format::Html).unwrap();
    assert!(!html.contains("href=\"javascript"));
}

#[test]
fn json_is_the_pretty_serialised_report() {
    let r = report();
    let json = render(&r, Format::Json).unwrap();
    assert_eq!(
        json,
        format!("{}\n", serde_json::to_string_pretty(&r).unwrap())
    );
    assert!(json.contains("\"generated_at\": \"2024-05-20T08:00:00Z\""));
}

#[test]
fn formats_parse() {
    assert_eq!("html".parse::<Format>().unwrap(), Format::Html);
    assert_eq!("MD".parse::<Format>().unwrap(), Format::Markdown);
    assert_eq!("markdown".parse::<Format>().unwrap(), Format::Markdown);
    assert_eq!("json".parse::<Format>().unwrap(), Format::Json);
    assert!("pdf".parse::<Format>().is_err());
    assert_eq!(Format::Markdown.extension(), "md");
}
