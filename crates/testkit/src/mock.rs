//! [`MockPlatform`]: a wiremock server on 127.0.0.1 standing in for a platform's API, with a
//! lowest-priority catch-all that answers and records every request no mock was mounted for,
//! so a failing test says which request was unexpected instead of just "404".

use std::fmt;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use wiremock::matchers::{any, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// The priority of the catch-all mock: the lowest wiremock allows, so every mounted mock wins.
pub const CATCH_ALL_PRIORITY: u8 = u8::MAX;

/// Header names whose values are never shown when an unexpected request is reported.
const SENSITIVE_HEADERS: &[&str] = &["authorization", "proxy-authorization", "cookie"];

/// Header-name fragments that also mark a value as sensitive (`x-api-key`, `access-token`...).
const SENSITIVE_FRAGMENTS: &[&str] = &["token", "secret", "api-key", "apikey", "signature"];

/// A request that reached the catch-all: no mounted mock matched it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnexpectedRequest {
    /// The HTTP method.
    pub method: String,
    /// The path, percent-encoded as sent.
    pub path: String,
    /// The raw query string, without `?`.
    pub query: Option<String>,
    /// The headers in arrival order; credential values are replaced by `[REDACTED]`.
    pub headers: Vec<(String, String)>,
}

impl UnexpectedRequest {
    fn from_request(request: &Request) -> Self {
        let headers = request
            .headers
            .iter()
            .map(|(name, value)| {
                let name = name.as_str().to_string();
                let value = if is_sensitive(&name) {
                    plugboard_core::config::REDACTED.to_string()
                } else {
                    String::from_utf8_lossy(value.as_bytes()).into_owned()
                };
                (name, value)
            })
            .collect();
        Self {
            method: request.method.to_string(),
            path: request.url.path().to_string(),
            query: request.url.query().map(str::to_string),
            headers,
        }
    }
}

impl fmt::Display for UnexpectedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.path)?;
        if let Some(q) = &self.query {
            write!(f, "?{q}")?;
        }
        for (name, value) in &self.headers {
            write!(f, "\n    {name}: {value}")?;
        }
        Ok(())
    }
}

fn is_sensitive(header: &str) -> bool {
    let lower = header.to_ascii_lowercase();
    SENSITIVE_HEADERS.contains(&lower.as_str())
        || SENSITIVE_FRAGMENTS.iter().any(|f| lower.contains(f))
}

/// Answers every request no mock matched with a 404 explaining it, and records it.
struct CatchAll {
    seen: Arc<Mutex<Vec<UnexpectedRequest>>>,
}

impl Respond for CatchAll {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let unexpected = UnexpectedRequest::from_request(request);
        let target = match &unexpected.query {
            Some(q) => format!("{} {}?{q}", unexpected.method, unexpected.path),
            None => format!("{} {}", unexpected.method, unexpected.path),
        };
        let body = json!({
            "plugboard_testkit": "no mock matched",
            "message": format!("plugboard-testkit: no mock matched {target}"),
            "method": unexpected.method,
            "path": unexpected.path,
            "query": unexpected.query,
            "hint": "mount a mock for this request",
        });
        self.seen
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(unexpected);
        ResponseTemplate::new(404).set_body_json(body)
    }
}

/// A mock platform API on `127.0.0.1`.
///
/// Mount mocks on [`server`](Self::server) with wiremock's `Mock::given(...)`; anything else
/// gets a 404 whose JSON body names the request, and is listed by
/// [`unexpected_requests`](Self::unexpected_requests).
///
/// ```no_run
/// # async fn demo() {
/// use plugboard_testkit::MockPlatform;
/// use wiremock::{Mock, ResponseTemplate, matchers::{method, path}};
///
/// let mock = MockPlatform::start().await;
/// Mock::given(method("GET"))
///     .and(path("/repos/o/r"))
///     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": 1})))
///     .mount(mock.server())
///     .await;
/// // ... point the connector at mock.uri() and call it ...
/// mock.assert_no_unexpected();
/// # }
/// ```
pub struct MockPlatform {
    server: MockServer,
    unexpected: Arc<Mutex<Vec<UnexpectedRequest>>>,
}

impl fmt::Debug for MockPlatform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockPlatform")
            .field("uri", &self.server.uri())
            .field("unexpected", &self.unexpected_requests().len())
            .finish()
    }
}

impl MockPlatform {
    /// Starts a server on a free port of 127.0.0.1 with the catch-all mounted.
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .expect("plugboard-testkit: could not bind a port on 127.0.0.1");
        let server = MockServer::builder().listener(listener).start().await;
        let unexpected = Arc::new(Mutex::new(Vec::new()));
        Mock::given(any())
            .respond_with(CatchAll {
                seen: Arc::clone(&unexpected),
            })
            .with_priority(CATCH_ALL_PRIORITY)
            .named("plugboard-testkit catch-all")
            .mount(&server)
            .await;
        Self { server, unexpected }
    }

    /// The base URI, e.g. `http://127.0.0.1:41234` (no trailing slash).
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// The base URI as a URL, ready for `ConnectorConfig::base_url`.
    pub fn url(&self) -> url::Url {
        url::Url::parse(&self.server.uri()).expect("wiremock's URI is a valid URL")
    }

    /// The inner wiremock server, for mounting mocks.
    pub fn server(&self) -> &MockServer {
        &self.server
    }

    /// Every request received so far, expected or not, in arrival order.
    pub async fn received_requests(&self) -> Vec<Request> {
        self.server.received_requests().await.unwrap_or_default()
    }

    /// The received requests with this method and path.
    pub async fn requests_to(&self, method: &str, path: &str) -> Vec<Request> {
        self.received_requests()
            .await
            .into_iter()
            .filter(|r| r.method.as_str().eq_ignore_ascii_case(method) && r.url.path() == path)
            .collect()
    }

    /// The requests that no mounted mock matched (they were answered by the catch-all).
    pub fn unexpected_requests(&self) -> Vec<UnexpectedRequest> {
        self.unexpected
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Panics listing every unexpected request (method, path, query, headers with credential
    /// values redacted) if there was any.
    pub fn assert_no_unexpected(&self) {
        let unexpected = self.unexpected_requests();
        if unexpected.is_empty() {
            return;
        }
        let list: Vec<String> = unexpected.iter().map(|r| format!("  {r}")).collect();
        panic!(
            "plugboard-testkit: {} request(s) matched no mounted mock:\n{}",
            unexpected.len(),
            list.join("\n")
        );
    }

    /// Mounts a mock answering `method path` with `status` and a JSON body.
    pub async fn mount_json(&self, method_name: &str, path_str: &str, status: u16, body: Value) {
        Mock::given(method(method_name))
            .and(path(path_str))
            .respond_with(ResponseTemplate::new(status).set_body_json(body))
            .mount(&self.server)
            .await;
    }

    /// Mounts GitHub-style pages of `GET path`: page `n` answers `page=n` (the first page also
    /// answers a request without a `page` query parameter), and every page but the last
    /// carries `Link: <uri path?page=n+1>; rel="next", <... page=last>; rel="last"`.
    pub async fn mount_link_header_pages(&self, path_str: &str, pages: Vec<Value>) {
        let last = pages.len();
        for (index, body) in pages.into_iter().enumerate() {
            let number = index + 1;
            let mut response = ResponseTemplate::new(200).set_body_json(body);
            if number < last {
                let base = format!("{}{path_str}", self.uri());
                response = response.insert_header(
                    "link",
                    format!(
                        "<{base}?page={}>; rel=\"next\", <{base}?page={last}>; rel=\"last\"",
                        number + 1
                    )
                    .as_str(),
                );
            }
            if number == 1 {
                Mock::given(method("GET"))
                    .and(path(path_str))
                    .and(query_param_is_missing("page"))
                    .respond_with(response.clone())
                    .mount(&self.server)
                    .await;
            }
            Mock::given(method("GET"))
                .and(path(path_str))
                .and(query_param("page", number.to_string()))
                .respond_with(response)
                .mount(&self.server)
                .await;
        }
    }

    /// Mounts page-number pages of `GET path`: `pages[i]` answers `param=first+i`, and the first
    /// page also answers a request without `param`. Include the terminal page the platform
    /// sends (an empty list, or a body with its "last page" flag), or the paginator will ask
    /// for one more page and hit the catch-all.
    pub async fn mount_page_number_pages(
        &self,
        path_str: &str,
        param: &str,
        first: u64,
        pages: Vec<Value>,
    ) {
        for (index, body) in pages.into_iter().enumerate() {
            let number = first + index as u64;
            let response = ResponseTemplate::new(200).set_body_json(body);
            if index == 0 {
                Mock::given(method("GET"))
                    .and(path(path_str))
                    .and(query_param_is_missing(param))
                    .respond_with(response.clone())
                    .mount(&self.server)
                    .await;
            }
            Mock::given(method("GET"))
                .and(path(path_str))
                .and(query_param(param, number.to_string()))
                .respond_with(response)
                .mount(&self.server)
                .await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn catch_all_explains_and_records_unexpected_requests() {
        let mock = MockPlatform::start().await;
        mock.mount_json("GET", "/known", 200, json!({"ok": true}))
            .await;
        let known = get(&format!("{}/known", mock.uri())).await;
        assert_eq!(known.0, 200);
        assert!(mock.unexpected_requests().is_empty());

        let (status, body) = get(&format!("{}/nope?a=1", mock.uri())).await;
        assert_eq!(status, 404);
        let body: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(body["plugboard_testkit"], "no mock matched");
        assert_eq!(body["method"], "GET");
        assert_eq!(body["path"], "/nope");
        assert_eq!(body["query"], "a=1");
        assert_eq!(body["hint"], "mount a mock for this request");
        let unexpected = mock.unexpected_requests();
        assert_eq!(unexpected.len(), 1);
        assert_eq!(unexpected[0].path, "/nope");
        let shown = unexpected[0].to_string();
        assert!(shown.starts_with("GET /nope?a=1"), "{shown}");
        assert!(shown.contains("authorization: [REDACTED]"), "{shown}");
        assert!(!shown.contains("hidden-value"), "{shown}");
        let panic =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| mock.assert_no_unexpected()))
                .unwrap_err();
        let message = panic.downcast_ref::<String>().unwrap();
        assert!(
            message.contains("1 request(s) matched no mounted mock"),
            "{message}"
        );
        assert!(message.contains("GET /nope?a=1"), "{message}");
        assert_eq!(mock.received_requests().await.len(), 2);
        assert_eq!(mock.requests_to("get", "/known").await.len(), 1);
    }

    #[test]
    fn sensitive_header_names() {
        assert!(is_sensitive("Authorization"));
        assert!(is_sensitive("x-api-key"));
        assert!(is_sensitive("Access-Token"));
        assert!(!is_sensitive("accept"));
    }

    async fn get(url: &str) -> (u16, String) {
        let response = reqwest::Client::new()
            .get(url)
            .header("authorization", "Bearer hidden-value")
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.text().await.unwrap())
    }
}
