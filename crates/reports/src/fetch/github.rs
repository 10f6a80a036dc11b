//! The GitHub half of a fetch: pull requests active in the sprint window with their reviews,
//! and the commits authored in it, for every repository at once.

use futures::{StreamExt, TryStreamExt, stream};
use plugboard_core::{Error, ErrorKind};
use plugboard_github::GithubClient;
use plugboard_github::api::commits::ListCommits;
use plugboard_github::api::pulls::{ListPulls, ListReviews, PullSort};
use plugboard_github::api::{Direction, StateFilter};
use plugboard_github::models::{Commit, PullRequest};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{RepoRef, SprintQuery};
use crate::data::{CommitRecord, PullRecord, ReviewRecord};

/// What GitHub gave, with warnings about repositories it could not find.
pub(super) struct Found {
    pub pulls: Vec<PullRecord>,
    pub commits: Vec<CommitRecord>,
    pub warnings: Vec<String>,
}

/// Every repository's pull requests (with reviews) and commits in `[start, end]`. A repository
/// GitHub answers 404 for is a warning; any other failure fails the whole GitHub part.
pub(super) async fn fetch(
    client: &GithubClient,
    query: &SprintQuery,
    start: OffsetDateTime,
    end: OffsetDateTime,
) -> Result<Found, Error> {
    let per_repo = query
        .repositories
        .iter()
        .map(|repo| fetch_repo(client, repo, query.review_concurrency, start, end));
    let results = futures::future::join_all(per_repo).await;
    let mut found = Found {
        pulls: Vec::new(),
        commits: Vec::new(),
        warnings: Vec::new(),
    };
    for (repo, result) in query.repositories.iter().zip(results) {
        match result {
            Ok((pulls, commits)) => {
                found.pulls.extend(pulls);
                found.commits.extend(commits);
            }
            Err(e) if e.kind() == ErrorKind::NotFound => found.warnings.push(format!(
                "GitHub repository {repo} was not found (or the token cannot see it)"
            )),
            Err(e) => return Err(e),
        }
    }
    Ok(found)
}

async fn fetch_repo(
    client: &GithubClient,
    repo: &RepoRef,
    review_concurrency: usize,
    start: OffsetDateTime,
    end: OffsetDateTime,
) -> Result<(Vec<PullRecord>, Vec<CommitRecord>), Error> {
    // Reviews start as soon as the pull requests are known; the commit walk goes on beside.
    let pulls_with_reviews = async {
        let pulls = pulls_in_window(client, repo, start, end).await?;
        stream::iter(pulls)
            .map(|pull| with_reviews(client, repo, pull))
            .buffered(review_concurrency.max(1))
            .try_collect::<Vec<PullRecord>>()
            .await
    };
    let (with_reviews, commits) = tokio::try_join!(
        pulls_with_reviews,
        commits_in_window(client, repo, start, end)
    )?;
    Ok((with_reviews, commits))
}

/// Pull requests most recently updated first, read until one was last updated before the
/// window: none after it can have been open during the window.
async fn pulls_in_window(
    client: &GithubClient,
    repo: &RepoRef,
    start: OffsetDateTime,
    end: OffsetDateTime,
) -> Result<Vec<PullRequest>, Error> {
    let mut pages = client.pulls().list_all(&ListPulls {
        owner: repo.owner.clone(),
        repo: repo.name.clone(),
        state: Some(StateFilter::All),
        sort: Some(PullSort::Updated),
        direction: Some(Direction::Desc),
        per_page: Some(100),
        ..Default::default()
    });
    let mut kept = Vec::new();
    while let Some(pull) = pages.try_next().await? {
        let updated = time_of(pull.updated_at.as_deref());
        if updated.is_some_and(|u| u < start) {
            break;
        }
        let Some(created) = time_of(pull.created_at.as_deref()) else {
            continue;
        };
        let closed = time_of(pull.closed_at.as_deref());
        if created <= end && closed.is_none_or(|c| c >= start) {
            kept.push(pull);
        }
    }
    Ok(kept)
}

async fn commits_in_window(
    client: &GithubClient,
    repo: &RepoRef,
    start: OffsetDateTime,
    end: OffsetDateTime,
) -> Result<Vec<CommitRecord>, Error> {
    let stamp = |t: OffsetDateTime| t.format(&Rfc3339).unwrap_or_default();
    client
        .commits()
        .list_all(&ListCommits {
            owner: repo.owner.clone(),
            repo: repo.name.clone(),
            since: Some(stamp(start)),
            until: Some(stamp(end)),
            per_page: Some(100),
            ..Default::default()
        })
        .try_filter_map(|commit| async move { Ok(commit_record(repo, commit)) })
        .try_collect()
        .await
}

async fn with_reviews(
    client: &GithubClient,
    repo: &RepoRef,
    pull: PullRequest,
) -> Result<PullRecord, Error> {
    let mut reviews: Vec<ReviewRecord> = client
        .pulls()
        .list_reviews_all(&ListReviews {
            owner: repo.owner.clone(),
            repo: repo.name.clone(),
            pull_number: pull.number,
            per_page: Some(100),
            page: None,
        })
        .try_filter_map(|review| async move {
            // Pending reviews have no submission time and are not visible to the author yet.
            Ok(
                time_of(review.submitted_at.as_deref()).map(|submitted| ReviewRecord {
                    author: review.user.map(|u| u.login),
                    state: review.state,
                    submitted,
                }),
            )
        })
        .try_collect()
        .await?;
    reviews.sort_by_key(|r| r.submitted);
    Ok(PullRecord {
        repo: repo.to_string(),
        number: pull.number,
        created: time_of(pull.created_at.as_deref()).unwrap_or(OffsetDateTime::UNIX_EPOCH),
        merged: time_of(pull.merged_at.as_deref()),
        closed: time_of(pull.closed_at.as_deref()),
        title: pull.title,
        body: pull.body,
        branch: pull.head.git_ref,
        author: pull.user.map(|u| u.login),
        url: pull.html_url,
        state: pull.state,
        draft: pull.draft.unwrap_or(false),
        reviews,
    })
}

fn commit_record(repo: &RepoRef, commit: Commit) -> Option<CommitRecord> {
    let detail = &commit.commit;
    let authored = detail
        .author
        .as_ref()
        .and_then(|a| time_of(a.extra.get("date").and_then(|d| d.as_str())))?;
    Some(CommitRecord {
        repo: repo.to_string(),
        author: commit
            .author
            .as_ref()
            .map(|u| u.login.clone())
            .or_else(|| detail.author.as_ref().map(|a| a.name.clone())),
        message: detail.message.clone(),
        sha: commit.sha,
        authored,
        url: commit.html_url,
    })
}

fn time_of(text: Option<&str>) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text?, &Rfc3339).ok()
}
