//! How Jira pages its lists, described as data for the core paginator.
//!
//! - Issue search (`/rest/api/3/search/jql`): page tokens — core `Pagination::PageToken` with
//!   `nextPageToken`, ending on `isLast: true` or a missing token.
//! - Projects (`/rest/api/3/project/search`) and the agile API (boards, sprints, sprint issues):
//!   item offsets — core `Pagination::Offset` on `startAt` (with `maxResults` kept from the
//!   request), ending on `isLast: true`, an empty page, or when `startAt + items` reaches
//!   `total` (sprint issues have no flag).

use futures::stream::{self, BoxStream, StreamExt};
use plugboard_core::runtime::{PageSpec, Pagination};
use plugboard_core::{ApiRequest, Error, Result, Runtime};
use serde_json::Value;

/// Issue search pages.
pub const SEARCH_PAGES: PageSpec = PageSpec::new(
    Pagination::PageToken {
        param: "nextPageToken",
        next: "/nextPageToken",
        is_last: Some("/isLast"),
    },
    "/issues",
);

/// Project search and agile board and sprint lists: `startAt` offsets, `isLast` flag.
pub const VALUES_PAGES: PageSpec = PageSpec::new(
    Pagination::Offset {
        param: "startAt",
        first: 0,
        is_last: Some("/isLast"),
        total: Some("/total"),
    },
    "/values",
);

/// Sprint issues: `startAt`/`maxResults`/`total`, no flag.
pub const SPRINT_ISSUE_PAGES: PageSpec = PageSpec::new(
    Pagination::Offset {
        param: "startAt",
        first: 0,
        is_last: None,
        total: Some("/total"),
    },
    "/issues",
);

/// Every item of every page of a request that is still being built (the API base may need a
/// lookup first).
pub fn offset_stream(
    runtime: Runtime,
    pages: PageSpec,
    request: impl std::future::Future<Output = Result<ApiRequest>> + Send + 'static,
) -> BoxStream<'static, Result<Value>> {
    stream::once(async move {
        let request = request.await?;
        Ok::<_, Error>(runtime.paginate(request, pages))
    })
    .map(|r| match r {
        Ok(items) => items,
        Err(e) => stream::once(async move { Err(e) }).boxed(),
    })
    .flatten()
    .boxed()
}
