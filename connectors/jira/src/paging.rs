//! How Jira pages its lists, described as data for the core paginator.
//!
//! - Issue search (`/rest/api/3/search/jql`): page tokens — core `Pagination::PageToken` with
//!   `nextPageToken`, ending on `isLast: true` or a missing token.
//! - Projects (`/rest/api/3/project/search`) and the agile API (boards, sprints, sprint issues):
//!   offsets — `startAt` + `maxResults`, ending on `isLast: true` (or, for sprint issues, when
//!   `startAt + items >= total`). The core paginator has no offset style yet, and pagination
//!   is not written inside connectors, so until it has one `call_all` on these operations
//!   yields the requested page and then, when Jira says more pages exist, fails with
//!   `Unsupported` naming the `startAt` of the next page instead of silently truncating.
//!   [`OffsetPages`] is the spec the core style will take over.

use futures::stream::{self, BoxStream, StreamExt};
use plugboard_core::runtime::{PageSpec, Pagination};
use plugboard_core::{ApiRequest, Error, ErrorKind, Result, Runtime};
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

/// An offset-paginated list: where the items are and how the last page is recognised.
#[derive(Debug, Clone, Copy)]
pub struct OffsetPages {
    /// JSON pointer to the items.
    pub items: &'static str,
    /// JSON pointer to the "last page" flag, when the endpoint has one.
    pub is_last: Option<&'static str>,
    /// JSON pointer to the total count, for endpoints without the flag.
    pub total: Option<&'static str>,
}

/// Project search and agile board and sprint lists.
pub const VALUES_PAGES: OffsetPages = OffsetPages {
    items: "/values",
    is_last: Some("/isLast"),
    total: None,
};

/// Sprint issues: `startAt`/`maxResults`/`total`, no flag.
pub const SPRINT_ISSUE_PAGES: OffsetPages = OffsetPages {
    items: "/issues",
    is_last: None,
    total: Some("/total"),
};

impl OffsetPages {
    /// The items of a page body.
    pub fn items_of(&self, body: &Value) -> Result<Vec<Value>> {
        match body.pointer(self.items) {
            Some(Value::Array(items)) => Ok(items.clone()),
            Some(Value::Null) | None => Ok(Vec::new()),
            Some(_) => Err(Error::new(
                ErrorKind::Upstream,
                format!("expected a list at `{}`", self.items),
            )
            .permanent()),
        }
    }

    /// The `startAt` of the page after `body`, or `None` on the last page.
    pub fn next_start(&self, body: &Value, items: usize) -> Option<u64> {
        if items == 0 {
            return None;
        }
        if let Some(flag) = self.is_last.and_then(|p| body.pointer(p)?.as_bool()) {
            if flag {
                return None;
            }
        } else {
            let total = self.total.and_then(|p| body.pointer(p)?.as_u64())?;
            let start = body.get("startAt").and_then(Value::as_u64).unwrap_or(0);
            if start + items as u64 >= total {
                return None;
            }
        }
        let start = body.get("startAt").and_then(Value::as_u64).unwrap_or(0);
        Some(start + items as u64)
    }
}

/// Streams the items of the page `request` asks for; when Jira reports further pages, ends
/// with an `Unsupported` error naming the next `startAt` (see the module docs).
pub fn offset_items(
    runtime: &Runtime,
    request: ApiRequest,
    pages: OffsetPages,
) -> BoxStream<'static, Result<Value>> {
    let runtime = runtime.clone();
    stream::once(async move {
        let op = request.operation;
        let body = runtime.execute(request).await?.value()?;
        let items = pages
            .items_of(&body)
            .map_err(|e| e.at(runtime.connector(), Some(op)))?;
        let mut out: Vec<Result<Value>> = Vec::with_capacity(items.len() + 1);
        let next = pages.next_start(&body, items.len());
        out.extend(items.into_iter().map(Ok));
        if let Some(start) = next {
            out.push(Err(Error::new(
                ErrorKind::Unsupported,
                format!(
                    "more pages follow (next startAt={start}); following offset pages needs \
                     the core paginator's offset style — call again with startAt={start}"
                ),
            )
            .with_context("next_start_at", start.to_string())
            .at(runtime.connector(), Some(op))));
        }
        Ok::<_, Error>(stream::iter(out))
    })
    .map(|r| match r {
        Ok(items) => items.boxed(),
        Err(e) => stream::once(async move { Err(e) }).boxed(),
    })
    .flatten()
    .boxed()
}

/// [`offset_items`] for a request that is still being built (the API base may need a lookup).
pub fn offset_stream(
    runtime: Runtime,
    pages: OffsetPages,
    request: impl std::future::Future<Output = Result<ApiRequest>> + Send + 'static,
) -> BoxStream<'static, Result<Value>> {
    stream::once(async move {
        let request = request.await?;
        Ok::<_, Error>(offset_items(&runtime, request, pages))
    })
    .map(|r| match r {
        Ok(items) => items,
        Err(e) => stream::once(async move { Err(e) }).boxed(),
    })
    .flatten()
    .boxed()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn offsets_end_on_the_flag_or_the_total() {
        let page = json!({"startAt": 0, "maxResults": 2, "isLast": false, "values": [1, 2]});
        assert_eq!(VALUES_PAGES.next_start(&page, 2), Some(2));
        let last = json!({"startAt": 2, "maxResults": 2, "isLast": true, "values": [3]});
        assert_eq!(VALUES_PAGES.next_start(&last, 1), None);
        let page = json!({"startAt": 50, "maxResults": 50, "total": 120, "issues": []});
        assert_eq!(SPRINT_ISSUE_PAGES.next_start(&page, 50), Some(100));
        let page = json!({"startAt": 100, "maxResults": 50, "total": 120, "issues": []});
        assert_eq!(SPRINT_ISSUE_PAGES.next_start(&page, 20), None);
        assert_eq!(SPRINT_ISSUE_PAGES.next_start(&page, 0), None);
    }
}
