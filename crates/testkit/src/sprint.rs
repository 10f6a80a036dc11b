//! A generated Jira sprint and the GitHub work done in it, served by mock platforms in the
//! documented shapes (agile sprint and sprint-issue pages with changelogs, JQL search pages,
//! GitHub pull, review and commit lists with `Link` headers), for the sprint report's tests and
//! benchmark. Deterministic: the same sizes give the same data.

use std::time::Duration;

use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, ResponseTemplate};

use crate::MockPlatform;

/// The board id the fixture serves.
pub const BOARD_ID: u64 = 7;
/// The sprint id the fixture serves.
pub const SPRINT_ID: u64 = 42;
/// The board's name.
pub const BOARD_NAME: &str = "Checkout team";
/// The Jira project key of every issue.
pub const PROJECT: &str = "PROJ";
/// The summary of `PROJ-1`: platform text that must come out escaped.
pub const HOSTILE_SUMMARY: &str = "Login <script>alert(\"pwned\")</script> & \"quotes\"";

/// Sizes and shape of a generated sprint.
#[derive(Debug, Clone)]
pub struct SprintSpec {
    /// Issues in the sprint.
    pub issues: usize,
    /// Pull requests (split over the repositories).
    pub pulls: usize,
    /// Commits (split over the repositories).
    pub commits: usize,
    /// `owner/name` of each repository.
    pub repos: Vec<String>,
    /// Added to every mocked response (realistic platform latency).
    pub latency: Duration,
}

impl SprintSpec {
    /// A small sprint: 16 issues (PROJ-10 added late, PROJ-15 removed), 10 pull requests, 20 commits in `acme/web` and `acme/api`.
    pub fn small() -> Self {
        Self {
            issues: 16,
            pulls: 10,
            commits: 20,
            repos: vec!["acme/web".into(), "acme/api".into()],
            latency: Duration::ZERO,
        }
    }
}

/// When the sprint started: Monday 2 March 2026, 09:00 UTC.
pub fn sprint_start() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_772_442_000).expect("valid")
}

const DAY: i64 = 86_400;
const HOUR: i64 = 3_600;

fn at(offset_secs: i64) -> OffsetDateTime {
    sprint_start() + time::Duration::seconds(offset_secs)
}

fn jira_time(t: OffsetDateTime) -> String {
    // Jira writes `2026-03-02T10:15:00.000+0000`.
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.000+0000",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

fn iso(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).expect("formattable")
}

/// What the generator decided for one issue, for assertions.
#[derive(Debug, Clone, PartialEq)]
pub struct IssuePlan {
    /// `PROJ-n`.
    pub key: String,
    /// Story points.
    pub points: Option<f64>,
    /// Done by the end of the sprint.
    pub done: bool,
    /// Put into the sprint after it started.
    pub added: bool,
    /// Taken out of the sprint while it ran (served only by the JQL search).
    pub removed: bool,
}

/// What the generator decided for one pull request.
#[derive(Debug, Clone, PartialEq)]
pub struct PullPlan {
    /// `owner/name`.
    pub repo: String,
    /// The number.
    pub number: u64,
    /// The issue key it mentions, if any.
    pub issue: Option<String>,
    /// Merged.
    pub merged: bool,
}

/// A generated sprint.
#[derive(Debug, Clone)]
pub struct SprintFixture {
    /// The spec it was made from.
    pub spec: SprintSpec,
    /// The issues, `PROJ-1` first (removed ones included).
    pub issues: Vec<IssuePlan>,
    /// The pull requests in the window.
    pub pulls: Vec<PullPlan>,
    issue_json: Vec<Value>,
    removed_json: Vec<Value>,
    pull_json: Vec<(String, Value)>,
    review_json: Vec<(String, u64, Vec<Value>)>,
    commit_json: Vec<(String, Value)>,
}

impl SprintFixture {
    /// Generates a sprint of `spec`'s size. Every 10th issue is added after the start, every
    /// 15th is taken out mid-sprint, three in four are done; two in three pull requests name
    /// their issue in the branch, the rest in the title, and every 9th names none.
    pub fn generate(spec: SprintSpec) -> Self {
        let people = [
            "Ada Lovelace",
            "Grace Hopper",
            "Alan Turing",
            "Edsger Dijkstra",
        ];
        let logins = ["ada", "grace", "alan", "edsger"];
        let mut issues = Vec::new();
        let mut issue_json = Vec::new();
        let mut removed_json = Vec::new();
        for i in 1..=spec.issues {
            let key = format!("{PROJECT}-{i}");
            let points = (i % 7 != 0).then(|| [1.0, 2.0, 3.0, 5.0, 8.0][i % 5]);
            let done = i % 4 != 3;
            let added = i % 10 == 0;
            let removed = i % 15 == 0;
            let day = (i % 8) as i64;
            let started = at(day * DAY + 2 * HOUR);
            let finished = at((day + 1 + (i % 3) as i64) * DAY + 5 * HOUR);
            let mut histories = Vec::new();
            if added {
                histories.push(json!({
                    "id": format!("{i}01"),
                    "author": {"accountId": "5b10a2844c20165700ede21g", "displayName": people[i % 4]},
                    "created": jira_time(at(2 * DAY)),
                    "items": [{"field": "Sprint", "fieldtype": "custom", "fieldId": "customfield_10020",
                               "from": "", "fromString": "", "to": SPRINT_ID.to_string(), "toString": "Sprint 42"}]
                }));
            }
            histories.push(json!({
                "id": format!("{i}02"),
                "author": {"accountId": "5b10a2844c20165700ede21g", "displayName": people[i % 4]},
                "created": jira_time(started),
                "items": [{"field": "status", "fieldtype": "jira", "fieldId": "status",
                           "from": "10000", "fromString": "To Do", "to": "3", "toString": "In Progress"}]
            }));
            if done {
                histories.push(json!({
                    "id": format!("{i}03"),
                    "created": jira_time(finished),
                    "items": [{"field": "status", "fieldtype": "jira", "fieldId": "status",
                               "from": "3", "fromString": "In Progress", "to": "10001", "toString": "Done"}]
                }));
            }
            if removed {
                histories.push(json!({
                    "id": format!("{i}04"),
                    "created": jira_time(at(3 * DAY)),
                    "items": [{"field": "Sprint", "fieldtype": "custom", "fieldId": "customfield_10020",
                               "from": SPRINT_ID.to_string(), "fromString": "Sprint 42", "to": "", "toString": ""}]
                }));
            }
            let status = if done {
                json!({"self": "https://acme.atlassian.net/rest/api/3/status/10001", "name": "Done", "id": "10001",
                       "statusCategory": {"id": 3, "key": "done", "colorName": "green", "name": "Done"}})
            } else {
                json!({"self": "https://acme.atlassian.net/rest/api/3/status/3", "name": "In Progress", "id": "3",
                       "statusCategory": {"id": 4, "key": "indeterminate", "colorName": "yellow", "name": "In Progress"}})
            };
            let summary = if i == 1 {
                HOSTILE_SUMMARY.to_string()
            } else {
                format!(
                    "Story number {i}: improve the {} flow",
                    ["checkout", "search", "login", "export"][i % 4]
                )
            };
            let sprint_field = if removed {
                json!(null)
            } else {
                json!([{"id": SPRINT_ID, "name": "Sprint 42", "state": "closed", "boardId": BOARD_ID}])
            };
            let kinds = ["Story", "Bug", "Task"];
            let issue = json!({
                "expand": "operations,versionedRepresentations,editmeta,changelog,renderedFields",
                "id": (10_000 + i).to_string(),
                "self": format!("https://acme.atlassian.net/rest/agile/1.0/issue/{}", 10_000 + i),
                "key": key,
                "fields": {
                    "summary": summary,
                    "status": status,
                    "issuetype": {"id": "10001", "name": kinds[i % 3], "subtask": false},
                    "assignee": {"accountId": format!("acct-{}", i % 4), "displayName": people[i % 4], "active": true},
                    "project": {"id": "10000", "key": PROJECT, "name": "Project"},
                    "created": jira_time(if added { at(2 * DAY) } else { at(-5 * DAY) }),
                    "resolutiondate": if done { json!(jira_time(finished)) } else { json!(null) },
                    "customfield_10016": points,
                    "customfield_10020": sprint_field,
                },
                "changelog": {"startAt": 0, "maxResults": histories.len(), "total": histories.len(), "histories": histories}
            });
            if removed {
                removed_json.push(issue);
            } else {
                issue_json.push(issue);
            }
            issues.push(IssuePlan {
                key,
                points,
                done,
                added,
                removed,
            });
        }
        let in_sprint: Vec<&IssuePlan> = issues.iter().filter(|i| !i.removed).collect();
        let mut pulls = Vec::new();
        let mut pull_json = Vec::new();
        let mut review_json = Vec::new();
        for j in 1..=spec.pulls {
            let repo = spec.repos[j % spec.repos.len()].clone();
            let number = 100 + j as u64;
            let issue = (j % 9 != 0 && !in_sprint.is_empty())
                .then(|| in_sprint[j % in_sprint.len()].key.clone());
            let (branch, title) = match &issue {
                Some(key) if j % 3 != 0 => (
                    format!("feature/{key}-work-{j}"),
                    format!("Implement part {j}"),
                ),
                Some(key) => (format!("fix-{j}"), format!("{key}: fix part {j}")),
                None => (
                    format!("chore/deps-{j}"),
                    format!("chore: bump dependencies ({j})"),
                ),
            };
            let title = if j == 1 {
                format!("{title} with <b>\"markup\"</b> & 'quotes'")
            } else {
                title
            };
            let created = at(((j % 10) as i64) * DAY + 3 * HOUR);
            let merged = j % 5 != 0;
            let merged_at = created + time::Duration::seconds(((j % 3) as i64 + 1) * 5 * HOUR);
            let author = logins[j % 4];
            let (owner, name) = repo.split_once('/').expect("owner/name");
            pull_json.push((
                repo.clone(),
                json!({
                    "url": format!("https://api.github.com/repos/{repo}/pulls/{number}"),
                    "id": 1_000_000 + j,
                    "node_id": format!("PR_{j}"),
                    "html_url": format!("https://github.com/{repo}/pull/{number}"),
                    "number": number,
                    "state": if merged { "closed" } else { "open" },
                    "locked": false,
                    "title": title,
                    "user": {"login": author, "id": 10 + (j % 4), "type": "User", "site_admin": false},
                    "body": format!("Part of the sprint work.\n\nSee the plan for item {j}."),
                    "labels": [],
                    "created_at": iso(created),
                    "updated_at": iso(if merged { merged_at } else { created + time::Duration::seconds(HOUR) }),
                    "closed_at": if merged { json!(iso(merged_at)) } else { json!(null) },
                    "merged_at": if merged { json!(iso(merged_at)) } else { json!(null) },
                    "merge_commit_sha": format!("{:040x}", j),
                    "draft": false,
                    "head": {"label": format!("{owner}:{branch}"), "ref": branch, "sha": format!("{:040x}", 7_000 + j),
                             "user": {"login": owner, "id": 1, "type": "Organization", "site_admin": false}},
                    "base": {"label": format!("{owner}:main"), "ref": "main", "sha": format!("{:040x}", 9_000 + j),
                             "user": {"login": owner, "id": 1, "type": "Organization", "site_admin": false}},
                    "author_association": "MEMBER",
                    "repo_name": name,
                }),
            ));
            let reviewer = logins[(j + 1) % 4];
            let reviews = vec![json!({
                "id": 80_000 + j,
                "node_id": format!("PRR_{j}"),
                "user": {"login": reviewer, "id": 10 + ((j + 1) % 4), "type": "User", "site_admin": false},
                "body": "Looks good.",
                "state": "APPROVED",
                "html_url": format!("https://github.com/{repo}/pull/{number}#pullrequestreview-{}", 80_000 + j),
                "pull_request_url": format!("https://api.github.com/repos/{repo}/pulls/{number}"),
                "submitted_at": iso(created + time::Duration::seconds(((j % 4) as i64 + 1) * HOUR)),
                "commit_id": format!("{:040x}", 7_000 + j),
                "author_association": "MEMBER"
            })];
            review_json.push((repo.clone(), number, reviews));
            pulls.push(PullPlan {
                repo,
                number,
                issue,
                merged,
            });
        }
        // Two pull requests last touched before the sprint: listed after the others (most
        // recently updated first), they end the walk.
        for (k, repo) in spec.repos.iter().enumerate() {
            let old = at(-20 * DAY - k as i64 * HOUR);
            pull_json.push((
                repo.clone(),
                json!({
                    "id": 2_000_000 + k, "number": 1 + k as u64, "state": "closed",
                    "title": "PROJ-1 ancient history", "body": null,
                    "html_url": format!("https://github.com/{repo}/pull/{}", 1 + k),
                    "user": {"login": "ada", "id": 10, "type": "User", "site_admin": false},
                    "created_at": iso(old), "updated_at": iso(old), "closed_at": iso(old), "merged_at": iso(old),
                    "merge_commit_sha": null, "labels": [], "draft": false,
                    "head": {"label": "acme:old", "ref": "old", "sha": format!("{:040x}", 1)},
                    "base": {"label": "acme:main", "ref": "main", "sha": format!("{:040x}", 2)},
                }),
            ));
        }
        let mut commit_json = Vec::new();
        for c in 1..=spec.commits {
            let repo = spec.repos[c % spec.repos.len()].clone();
            let message = match in_sprint.get(c % in_sprint.len().max(1)) {
                Some(issue) if c % 4 != 0 => {
                    format!("{} handle the edge case {c}\n\nDetails.", issue.key)
                }
                _ => format!("Refactor module {c}"),
            };
            let when = at(((c % 12) as i64) * DAY + 4 * HOUR);
            let sha = format!("{:040x}", 50_000 + c);
            commit_json.push((
                repo.clone(),
                json!({
                    "url": format!("https://api.github.com/repos/{repo}/commits/{sha}"),
                    "sha": sha,
                    "node_id": format!("C_{c}"),
                    "html_url": format!("https://github.com/{repo}/commit/{sha}"),
                    "commit": {
                        "author": {"name": people[c % 4], "email": "dev@example.com", "date": iso(when)},
                        "committer": {"name": people[c % 4], "email": "dev@example.com", "date": iso(when)},
                        "message": message,
                        "tree": {"sha": format!("{:040x}", 3), "url": "https://api.github.com/"},
                        "comment_count": 0
                    },
                    "author": {"login": logins[c % 4], "id": 10 + (c % 4), "type": "User", "site_admin": false},
                    "committer": {"login": logins[c % 4], "id": 10 + (c % 4), "type": "User", "site_admin": false},
                    "parents": [{"sha": format!("{:040x}", 49_999 + c), "url": "https://api.github.com/"}]
                }),
            ));
        }
        Self {
            spec,
            issues,
            pulls,
            issue_json,
            removed_json,
            pull_json,
            review_json,
            commit_json,
        }
    }

    fn respond(&self, body: Value) -> ResponseTemplate {
        ResponseTemplate::new(200)
            .set_body_json(body)
            .set_delay(self.spec.latency)
    }

    /// The sprint as the agile API describes it (closed, with its dates).
    pub fn sprint_json(&self) -> Value {
        json!({
            "id": SPRINT_ID,
            "self": format!("https://acme.atlassian.net/rest/agile/1.0/sprint/{SPRINT_ID}"),
            "state": "closed",
            "name": "Sprint 42",
            "startDate": iso(at(0)),
            "endDate": iso(at(14 * DAY)),
            "completeDate": iso(at(14 * DAY + HOUR)),
            "createdDate": iso(at(-7 * DAY)),
            "originBoardId": BOARD_ID,
            "goal": "Ship the <new> checkout & search"
        })
    }

    /// Mounts the Jira side: the board, the sprint, the board's active-sprint list (this sprint), the
    /// sprint's issues in pages of 50, and the JQL search that finds the removed issues.
    pub async fn mount_jira(&self, jira: &MockPlatform) {
        Mock::given(method("GET"))
            .and(path(format!("/rest/agile/1.0/board/{BOARD_ID}")))
            .respond_with(self.respond(json!({
                "id": BOARD_ID,
                "self": format!("https://acme.atlassian.net/rest/agile/1.0/board/{BOARD_ID}"),
                "name": BOARD_NAME,
                "type": "scrum",
                "location": {"projectId": 10000, "projectKey": PROJECT, "projectName": "Project",
                             "displayName": "Project (PROJ)", "projectTypeKey": "software"}
            })))
            .mount(jira.server())
            .await;
        let sprint = self.sprint_json();
        Mock::given(method("GET"))
            .and(path(format!("/rest/agile/1.0/sprint/{SPRINT_ID}")))
            .respond_with(self.respond(sprint.clone()))
            .mount(jira.server())
            .await;
        let mut active = sprint;
        active["state"] = json!("active");
        Mock::given(method("GET"))
            .and(path(format!("/rest/agile/1.0/board/{BOARD_ID}/sprint")))
            .and(query_param("state", "active"))
            .respond_with(self.respond(json!({
                "maxResults": 50, "startAt": 0, "isLast": true, "values": [active]
            })))
            .mount(jira.server())
            .await;
        let total = self.issue_json.len();
        let pages: Vec<&[Value]> = self.issue_json.chunks(50).collect();
        for (index, chunk) in pages.iter().enumerate() {
            let body = json!({
                "expand": "schema,names",
                "startAt": index * 50,
                "maxResults": 50,
                "total": total,
                "issues": chunk,
            });
            let base = Mock::given(method("GET"))
                .and(path(format!("/rest/agile/1.0/sprint/{SPRINT_ID}/issue")))
                .and(query_param("expand", "changelog"));
            let matched = if index == 0 {
                base.and(query_param_is_missing("startAt"))
            } else {
                base.and(query_param("startAt", (index * 50).to_string()))
            };
            matched
                .respond_with(self.respond(body))
                .mount(jira.server())
                .await;
        }
        // The search sees every issue of the project updated in the window: the removed ones
        // and, in the same pages, some still in the sprint (which the report must not count
        // twice).
        let mut found: Vec<Value> = self.removed_json.clone();
        found.extend(self.issue_json.iter().take(3).cloned());
        let chunks: Vec<Vec<Value>> = found.chunks(50).map(<[Value]>::to_vec).collect();
        let count = chunks.len().max(1);
        for index in 0..count {
            let issues = chunks.get(index).cloned().unwrap_or_default();
            let last = index + 1 == count;
            let mut body = json!({"issues": issues, "isLast": last});
            if !last {
                body["nextPageToken"] = json!(format!("page-{}", index + 1));
            }
            let base = Mock::given(method("GET")).and(path("/rest/api/3/search/jql"));
            let matched = if index == 0 {
                base.and(query_param_is_missing("nextPageToken"))
            } else {
                base.and(query_param("nextPageToken", format!("page-{index}")))
            };
            matched
                .respond_with(self.respond(body))
                .mount(jira.server())
                .await;
        }
    }

    /// Mounts the GitHub side for every repository: pull requests (most recently updated
    /// first) and commits in pages of 100 with `Link` headers, and each pull request's reviews.
    pub async fn mount_github(&self, github: &MockPlatform) {
        for repo in &self.spec.repos {
            let mut pulls: Vec<Value> = self
                .pull_json
                .iter()
                .filter(|(r, _)| r == repo)
                .map(|(_, v)| v.clone())
                .collect();
            pulls.sort_by(|a, b| {
                b["updated_at"]
                    .as_str()
                    .unwrap_or_default()
                    .cmp(a["updated_at"].as_str().unwrap_or_default())
            });
            self.mount_pages(github, &format!("/repos/{repo}/pulls"), &pulls)
                .await;
            let commits: Vec<Value> = self
                .commit_json
                .iter()
                .filter(|(r, _)| r == repo)
                .map(|(_, v)| v.clone())
                .collect();
            self.mount_pages(github, &format!("/repos/{repo}/commits"), &commits)
                .await;
        }
        for (repo, number, reviews) in &self.review_json {
            Mock::given(method("GET"))
                .and(path(format!("/repos/{repo}/pulls/{number}/reviews")))
                .respond_with(self.respond(Value::from(reviews.clone())))
                .mount(github.server())
                .await;
        }
    }

    /// GitHub pages of 100: `page=n` (the first also without `page`), with `Link` next/last
    /// URLs that keep the request's other parameters, as GitHub's do.
    async fn mount_pages(&self, github: &MockPlatform, route: &str, items: &[Value]) {
        let pages: Vec<&[Value]> = if items.is_empty() {
            vec![&[]]
        } else {
            items.chunks(100).collect()
        };
        let last = pages.len();
        for (index, chunk) in pages.into_iter().enumerate() {
            let number = index + 1;
            let mut response = self.respond(Value::from(chunk.to_vec()));
            if number < last {
                let base = format!("{}{route}?per_page=100", github.uri());
                response = response.insert_header(
                    "link",
                    format!(
                        "<{base}&page={}>; rel=\"next\", <{base}&page={last}>; rel=\"last\"",
                        number + 1
                    )
                    .as_str(),
                );
            }
            if number == 1 {
                Mock::given(method("GET"))
                    .and(path(route))
                    .and(query_param_is_missing("page"))
                    .respond_with(response.clone())
                    .mount(github.server())
                    .await;
            }
            Mock::given(method("GET"))
                .and(path(route))
                .and(query_param("page", number.to_string()))
                .respond_with(response)
                .mount(github.server())
                .await;
        }
    }
}
