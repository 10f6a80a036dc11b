//! One pagination engine for every style platforms use: `Link` headers (GitHub), body cursors
//! (Slack, Meta, TikTok), page tokens (Google, Jira), page numbers (ClickUp, TikTok
//! Business), item offsets (Jira `startAt`) and "after the last item" keys (ClickUp comments).

use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use serde_json::Value;

use super::Runtime;
use crate::error::{Error, Result};
use crate::http::{ApiRequest, ApiResponse, RequestBody};

/// How a platform says where the next page is.
#[derive(Debug, Clone, Copy)]
pub enum Pagination {
    /// RFC 8288 `Link: <url>; rel="next"`; done when there is no `next`.
    LinkHeader,
    /// A cursor in the body at JSON pointer `next`, sent back as `param` (in the query, or in
    /// a JSON body when `in_body`); done when it is absent or empty, or when the value at
    /// `has_more` is `false`, `null` or missing.
    Cursor {
        /// The request parameter.
        param: &'static str,
        /// JSON pointer to the next cursor in the response.
        next: &'static str,
        /// JSON pointer to what says more pages follow, when the platform has it: a boolean
        /// (TikTok `data.has_more`), or any value whose absence marks the last page (Meta
        /// `paging.next`).
        has_more: Option<&'static str>,
        /// Whether the cursor goes in the JSON body instead of the query.
        in_body: bool,
    },
    /// A page token at JSON pointer `next`, sent back as the query parameter `param`; done
    /// when absent or empty, or when `is_last` is true.
    PageToken {
        /// The request parameter.
        param: &'static str,
        /// JSON pointer to the next token.
        next: &'static str,
        /// JSON pointer to an "is last page" boolean, when the platform has one.
        is_last: Option<&'static str>,
    },
    /// A page number in the query parameter `param`, starting at `first`; done on an empty
    /// page, or when the value at `last_page` is `true` or a number of pages this page has
    /// reached (TikTok Business `page_info.total_page`).
    PageNumber {
        /// The request parameter.
        param: &'static str,
        /// The first page's number.
        first: u64,
        /// JSON pointer to a "last page" boolean or to the total number of pages, when the
        /// platform has one.
        last_page: Option<&'static str>,
    },
    /// An item offset in the query parameter `param` (Jira `startAt`), starting at `first`;
    /// the next offset is this page's offset plus the items it held. Done on an empty page,
    /// when `is_last` is true, or when the next offset reaches the number at `total`.
    Offset {
        /// The request parameter.
        param: &'static str,
        /// The first offset (usually 0).
        first: u64,
        /// JSON pointer to an "is last page" boolean, when the platform has one.
        is_last: Option<&'static str>,
        /// JSON pointer to the total number of items, when the platform reports it.
        total: Option<&'static str>,
    },
    /// The next page starts after the last item received: for each `(param, pointer)` pair,
    /// the value at JSON pointer `pointer` inside this page's last item (a non-empty string,
    /// or a number as text) is set as the query parameter `param`. Done on an empty page or
    /// when a pointer is missing (or null, or empty) in the last item. ClickUp's task comments (newest first) page
    /// this way: `start` is the oldest comment's `date`, `start_id` its `id`, i.e.
    /// `params: &[("start", "/date"), ("start_id", "/id")]`.
    LastItem {
        /// `(query parameter, JSON pointer inside the last item)` pairs.
        params: &'static [(&'static str, &'static str)],
    },
}

/// A paginated operation: the style and where the items are.
#[derive(Debug, Clone, Copy)]
pub struct PageSpec {
    /// The style.
    pub style: Pagination,
    /// JSON pointer to the item array (`""` for a top-level array).
    pub items: &'static str,
    /// A safety stop: more pages than this is an error, never a silent truncation.
    pub max_pages: u32,
}

impl PageSpec {
    /// A spec with the default page cap (10 000).
    pub const fn new(style: Pagination, items: &'static str) -> Self {
        Self {
            style,
            items,
            max_pages: 10_000,
        }
    }
}

/// One page: its items and the request for the next one.
#[derive(Debug)]
pub struct Page {
    /// The items.
    pub items: Vec<Value>,
    /// The next page's request, when there is one.
    pub next: Option<ApiRequest>,
}

impl Runtime {
    /// Fetches one page of `request`.
    pub async fn page(&self, request: ApiRequest, spec: &PageSpec) -> Result<Page> {
        let response = self.execute(request.clone()).await?;
        let body = response.value()?;
        let items = match body.pointer(spec.items) {
            Some(Value::Array(items)) => items.clone(),
            Some(Value::Null) | None => Vec::new(),
            Some(_) => {
                return Err(Error::new(
                    crate::ErrorKind::Upstream,
                    format!("expected a list at `{}`", spec.items),
                )
                .permanent()
                .at(self.connector(), Some(request.operation)));
            }
        };
        let next = next_request(&request, &response, &body, spec, &items);
        Ok(Page { items, next })
    }

    /// Streams every item of every page of `request`, in order.
    pub fn paginate(
        &self,
        request: ApiRequest,
        spec: PageSpec,
    ) -> BoxStream<'static, Result<Value>> {
        let runtime = self.clone();
        stream::try_unfold(
            (Some(request), 0u32, None::<String>),
            move |(request, pages, last_marker)| {
                let runtime = runtime.clone();
                async move {
                    let Some(request) = request else {
                        return Ok(None);
                    };
                    if pages >= spec.max_pages {
                        return Err(Error::internal(format!(
                            "pagination passed {} pages; stopping instead of looping",
                            spec.max_pages
                        ))
                        .at(runtime.connector(), Some(request.operation)));
                    }
                    let page = runtime.page(request, &spec).await?;
                    let marker = page.next.as_ref().map(page_marker);
                    if marker.is_some() && marker == last_marker {
                        return Err(Error::new(
                            crate::ErrorKind::Upstream,
                            "the platform returned the same next page twice",
                        )
                        .permanent()
                        .at(runtime.connector(), None));
                    }
                    Ok(Some((page.items, (page.next, pages + 1, marker))))
                }
            },
        )
        .map_ok(|items| stream::iter(items.into_iter().map(Ok)))
        .try_flatten()
        .boxed()
    }
}

fn page_marker(request: &ApiRequest) -> String {
    match &request.body {
        RequestBody::Json(v) => format!("{} {}", request.url, v),
        _ => request.url.to_string(),
    }
}

fn text_at(body: &Value, pointer: &str) -> Option<String> {
    match body.pointer(pointer)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn flag_at(body: &Value, pointer: Option<&str>) -> Option<bool> {
    body.pointer(pointer?)?.as_bool()
}

fn next_request(
    request: &ApiRequest,
    response: &ApiResponse,
    body: &Value,
    spec: &PageSpec,
    items: &[Value],
) -> Option<ApiRequest> {
    let count = items.len();
    let empty = count == 0;
    let mut next = request.clone();
    match spec.style {
        Pagination::LinkHeader => {
            let link = response.header("link")?;
            let url = next_link(link)?;
            next.url = url::Url::parse(&url).ok()?;
        }
        Pagination::Cursor {
            param,
            next: pointer,
            has_more,
            in_body,
        } => {
            if let Some(more) = has_more {
                match body.pointer(more) {
                    None | Some(Value::Null) | Some(Value::Bool(false)) => return None,
                    Some(_) => {}
                }
            }
            let raw = body.pointer(pointer)?;
            let cursor = text_at(body, pointer)?;
            if in_body {
                let mut json = match &request.body {
                    RequestBody::Json(v) => v.clone(),
                    _ => Value::Object(Default::default()),
                };
                json.as_object_mut()?.insert(param.to_string(), raw.clone());
                next.body = RequestBody::Json(json);
            } else {
                next.set_query(param, &cursor);
            }
        }
        Pagination::PageToken {
            param,
            next: pointer,
            is_last,
        } => {
            if flag_at(body, is_last) == Some(true) {
                return None;
            }
            let token = text_at(body, pointer)?;
            next.set_query(param, &token);
        }
        Pagination::PageNumber {
            param,
            first,
            last_page,
        } => {
            if empty || flag_at(body, last_page) == Some(true) {
                return None;
            }
            let current = request
                .url
                .query_pairs()
                .find(|(k, _)| k == param)
                .and_then(|(_, v)| v.parse::<u64>().ok())
                .unwrap_or(first);
            let pages = last_page
                .and_then(|p| body.pointer(p))
                .and_then(Value::as_u64);
            // `first` 0 counts pages from 0, so page `n` is the `n + 1`th.
            if pages.is_some_and(|total| current + 1 - first.min(1) >= total) {
                return None;
            }
            next.set_query(param, &(current + 1).to_string());
        }
        Pagination::Offset {
            param,
            first,
            is_last,
            total,
        } => {
            if empty || flag_at(body, is_last) == Some(true) {
                return None;
            }
            let current = request
                .url
                .query_pairs()
                .find(|(k, _)| k == param)
                .and_then(|(_, v)| v.parse::<u64>().ok())
                .unwrap_or(first);
            let offset = current + count as u64;
            let total = total.and_then(|p| body.pointer(p)).and_then(Value::as_u64);
            if total.is_some_and(|t| offset >= t) {
                return None;
            }
            next.set_query(param, &offset.to_string());
        }
        Pagination::LastItem { params } => {
            let last = items.last()?;
            for (param, pointer) in params {
                let value = text_at(last, pointer)?;
                next.set_query(param, &value);
            }
        }
    }
    Some(next)
}

/// The `rel="next"` target of an RFC 8288 `Link` header.
pub fn next_link(header: &str) -> Option<String> {
    header.split(',').find_map(|part| {
        let mut pieces = part.split(';');
        let target = pieces.next()?.trim();
        let is_next = pieces.any(|p| {
            let p = p.trim();
            p.strip_prefix("rel=")
                .map(|v| v.trim_matches('"').split_whitespace().any(|r| r == "next"))
                .unwrap_or(false)
        });
        is_next.then(|| {
            target
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_string()
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_next_from_link_headers() {
        let h = r#"<https://api.github.com/repositories/1/issues?page=2>; rel="next", <https://api.github.com/repositories/1/issues?page=5>; rel="last""#;
        assert_eq!(
            next_link(h).as_deref(),
            Some("https://api.github.com/repositories/1/issues?page=2")
        );
        assert_eq!(next_link(r#"<https://x/?page=1>; rel="prev""#), None);
    }
}
