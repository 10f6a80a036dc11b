//! Issue-key detection and the issue ↔ pull request / commit links.

mod common;

use plugboard_reports::correlate::{KeyIndex, correlate, issue_keys};

fn keys(text: &str) -> Vec<&str> {
    issue_keys(text).collect()
}

#[test]
fn keys_in_branch_title_and_body_shapes() {
    assert_eq!(keys("feature/PROJ-12-login"), ["PROJ-12"]);
    assert_eq!(keys("PROJ-12: fix the thing"), ["PROJ-12"]);
    assert_eq!(keys("[PROJ-12] fix"), ["PROJ-12"]);
    assert_eq!(keys("(PROJ-12)"), ["PROJ-12"]);
    assert_eq!(keys("PROJ-12_login"), ["PROJ-12"]);
    assert_eq!(keys("fix_PROJ-12"), ["PROJ-12"]);
    assert_eq!(keys("PROJ-12"), ["PROJ-12"]);
    assert_eq!(
        keys("Fixes PROJ-12, PROJ-13 and AB2_X-7."),
        ["PROJ-12", "PROJ-13", "AB2_X-7"]
    );
    assert_eq!(keys("line one\nPROJ-3 on line two"), ["PROJ-3"]);
    assert_eq!(keys("«PROJ-4» après"), ["PROJ-4"]);
    assert_eq!(keys("PROJ-123"), ["PROJ-123"]);
}

#[test]
fn non_keys_are_rejected() {
    assert!(keys("XPROJ-12a").is_empty());
    assert!(keys("xPROJ-12").is_empty());
    assert!(keys("PROJ-12a").is_empty());
    assert!(keys("proj-12").is_empty());
    assert!(keys("Proj-12").is_empty());
    assert!(keys("PROJ-012").is_empty());
    assert!(keys("PROJ-0").is_empty());
    assert!(
        keys("P-12").is_empty(),
        "a project key has at least two characters"
    );
    assert!(keys("PROJ12").is_empty());
    assert!(keys("PROJ-").is_empty());
    assert!(
        keys("éPROJ-12").is_empty(),
        "a letter of any script joins the word"
    );
    assert!(keys("PROJ-12é").is_empty());
    assert!(keys("1PROJ-12").is_empty());
}

#[test]
fn leftmost_greedy_key_wins() {
    assert_eq!(keys("MY_PROJ-7"), ["MY_PROJ-7"]);
    assert_eq!(keys("PROJ-1-PROJ-2"), ["PROJ-1", "PROJ-2"]);
}

#[test]
fn only_sprint_keys_link_in_first_appearance_order() {
    let data = common::sprint();
    let index = KeyIndex::new(&data.issues);
    let linked = index.linked(["OTHER-1 PROJ-5 PROJ-1", "PROJ-5 again, then PROJ-2"]);
    let keys: Vec<&str> = linked
        .iter()
        .map(|&i| data.issues[i].key.as_str())
        .collect();
    assert_eq!(keys, ["PROJ-5", "PROJ-1", "PROJ-2"]);
    assert_eq!(index.get("PROJ-9"), None);
    assert_eq!(index.get("PROJ-3"), Some(2));
}

#[test]
fn pulls_link_through_branch_title_and_body() {
    let data = common::sprint();
    let index = KeyIndex::new(&data.issues);
    let key_of = |i: Vec<usize>| -> Vec<String> {
        i.into_iter().map(|i| data.issues[i].key.clone()).collect()
    };
    // Branch only.
    assert_eq!(key_of(index.pull_links(&data.pulls[0])), ["PROJ-1"]);
    // Title, then body.
    assert_eq!(
        key_of(index.pull_links(&data.pulls[1])),
        ["PROJ-2", "PROJ-5"]
    );
    // Other projects' keys and non-keys only: unlinked.
    assert!(index.pull_links(&data.pulls[2]).is_empty());
    // `_` after the number still ends the key.
    assert_eq!(key_of(index.pull_links(&data.pulls[4])), ["PROJ-8"]);
}

#[test]
fn correlation_links_both_ways() {
    let data = common::sprint();
    let c = correlate(&data);
    assert_eq!(
        c.pull_issues,
        vec![vec![0], vec![1, 4], vec![], vec![], vec![7]]
    );
    assert_eq!(
        c.commit_issues,
        vec![vec![0], vec![1], vec![], vec![], vec![2]]
    );
    assert_eq!(c.issue_pulls[0], [0]);
    assert_eq!(c.issue_pulls[1], [1]);
    assert_eq!(c.issue_pulls[4], [1]);
    assert_eq!(c.issue_pulls[7], [4]);
    assert!(c.issue_pulls[5].is_empty());
    assert_eq!(c.issue_commits[2], [4]);
    assert!(c.issue_commits[6].is_empty());
}
