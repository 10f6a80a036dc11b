//! Links Jira issues to GitHub pull requests and commits through the issue keys written in
//! branch names, pull request titles and bodies, and commit messages.
//!
//! A key is `[A-Z][A-Z0-9_]+-[1-9][0-9]*`, case-sensitive as in Jira, standing as a word of its
//! own: the character before it and the character after it must not be a letter or a digit
//! (any script). Punctuation, whitespace, `/`, `-`, `_`, brackets and the text's ends all
//! delimit a key, so `feature/PROJ-12-login`, `PROJ-12: fix`, `[PROJ-12]`, `(PROJ-12)` and
//! `PROJ-12_login` all hold `PROJ-12`, while `XPROJ-12a`, `xPROJ-12`, `PROJ-12a`,
//! `proj-12` and `PROJ-012` hold no key. A key is read greedily from the leftmost possible
//! start: `MY_PROJ-7` is the key `MY_PROJ-7`, never `PROJ-7`.
//!
//! Only keys of issues present in the sprint data link; any other key is ignored, so a pull
//! request mentioning only other projects' keys counts as unlinked.
//!
//! The work is linear in the text scanned: the sprint's keys are indexed once in a hash map.

use std::collections::HashMap;

use crate::data::{CommitRecord, IssueRecord, PullRecord, SprintData};

/// The candidate issue keys written in `text`, in order of appearance (duplicates included).
pub fn issue_keys(text: &str) -> IssueKeys<'_> {
    IssueKeys { text, pos: 0 }
}

/// The iterator returned by [`issue_keys`].
#[derive(Debug, Clone)]
pub struct IssueKeys<'a> {
    text: &'a str,
    pos: usize,
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

impl<'a> Iterator for IssueKeys<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let text = self.text;
        let bytes = text.as_bytes();
        let len = bytes.len();
        let mut i = self.pos;
        while i < len {
            if !bytes[i].is_ascii_uppercase() {
                i += 1;
                continue;
            }
            // `i` is on an ASCII byte, so it is a char boundary.
            let starts_word = text[..i]
                .chars()
                .next_back()
                .is_none_or(|c| !is_word_char(c));
            let mut j = i + 1;
            while j < len
                && (bytes[j].is_ascii_uppercase() || bytes[j].is_ascii_digit() || bytes[j] == b'_')
            {
                j += 1;
            }
            if starts_word
                && j - i >= 2
                && j + 1 < len
                && bytes[j] == b'-'
                && (b'1'..=b'9').contains(&bytes[j + 1])
            {
                let mut k = j + 2;
                while k < len && bytes[k].is_ascii_digit() {
                    k += 1;
                }
                let ends_word = text[k..].chars().next().is_none_or(|c| !is_word_char(c));
                if ends_word {
                    self.pos = k;
                    return Some(&text[i..k]);
                }
            }
            // No key can start inside this run of key characters: any start there is preceded
            // by a word character, or (after `_`) ends the same way the whole run did.
            i = j;
        }
        self.pos = len;
        None
    }
}

/// The sprint's issue keys, indexed once: key → position in [`SprintData::issues`].
#[derive(Debug, Clone, Default)]
pub struct KeyIndex<'a> {
    keys: HashMap<&'a str, usize>,
}

impl<'a> KeyIndex<'a> {
    /// Indexes the given issues' keys (the first issue wins if a key repeats).
    pub fn new(issues: &'a [IssueRecord]) -> Self {
        let mut keys = HashMap::with_capacity(issues.len());
        for (i, issue) in issues.iter().enumerate() {
            keys.entry(issue.key.as_str()).or_insert(i);
        }
        Self { keys }
    }

    /// The position of the issue with this key, if it is in the sprint data.
    pub fn get(&self, key: &str) -> Option<usize> {
        self.keys.get(key).copied()
    }

    /// The positions of the sprint issues referenced in `texts`, in order of first appearance,
    /// each once.
    pub fn linked<'t>(&self, texts: impl IntoIterator<Item = &'t str>) -> Vec<usize> {
        let mut found = Vec::new();
        for text in texts {
            for key in issue_keys(text) {
                if let Some(i) = self.get(key)
                    && !found.contains(&i)
                {
                    found.push(i);
                }
            }
        }
        found
    }

    /// The sprint issues a pull request references: keys in its branch name, title and body.
    pub fn pull_links(&self, pull: &PullRecord) -> Vec<usize> {
        self.linked([
            pull.branch.as_str(),
            pull.title.as_str(),
            pull.body.as_deref().unwrap_or(""),
        ])
    }

    /// The sprint issues a commit references: keys in its message.
    pub fn commit_links(&self, commit: &CommitRecord) -> Vec<usize> {
        self.linked([commit.message.as_str()])
    }
}

/// The links between the sprint's issues and the fetched pull requests and commits, as
/// positions in the [`SprintData`] vectors.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Correlation {
    /// For each pull request, the issues it references (order of first appearance).
    pub pull_issues: Vec<Vec<usize>>,
    /// For each commit, the issues it references.
    pub commit_issues: Vec<Vec<usize>>,
    /// For each issue, the pull requests referencing it (in pull request order).
    pub issue_pulls: Vec<Vec<usize>>,
    /// For each issue, the commits referencing it (in commit order).
    pub issue_commits: Vec<Vec<usize>>,
}

/// Finds every link between the sprint's issues and its pull requests and commits.
pub fn correlate(data: &SprintData) -> Correlation {
    let index = KeyIndex::new(&data.issues);
    let pull_issues: Vec<Vec<usize>> = data.pulls.iter().map(|p| index.pull_links(p)).collect();
    let commit_issues: Vec<Vec<usize>> =
        data.commits.iter().map(|c| index.commit_links(c)).collect();
    let mut issue_pulls = vec![Vec::new(); data.issues.len()];
    for (p, issues) in pull_issues.iter().enumerate() {
        for &i in issues {
            issue_pulls[i].push(p);
        }
    }
    let mut issue_commits = vec![Vec::new(); data.issues.len()];
    for (c, issues) in commit_issues.iter().enumerate() {
        for &i in issues {
            issue_commits[i].push(c);
        }
    }
    Correlation {
        pull_issues,
        commit_issues,
        issue_pulls,
        issue_commits,
    }
}
