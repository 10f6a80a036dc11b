//! The transport: one pooled reqwest client with its own retries off, origin rewriting, and
//! mapping of transport failures to error kinds.

use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode};
use url::Url;

use super::policy::Policy;
use crate::error::{Error, ErrorKind, Result};
use crate::http::RequestBody;

pub(crate) struct RawResponse {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

pub(crate) fn build_client(policy: &Policy) -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .connect_timeout(policy.connect_timeout)
        .pool_idle_timeout(std::time::Duration::from_secs(90))
        .user_agent(concat!("plugboard/", env!("CARGO_PKG_VERSION")))
        .retry(reqwest::retry::never())
        .build()
        .map_err(|e| Error::config(format!("HTTP client: {e}")))
}

/// Replaces scheme, host and port of `url` with those of `origin`; the path and query stay.
pub(crate) fn rewrite_origin(url: &Url, origin: Option<&Url>) -> Url {
    let Some(origin) = origin else {
        return url.clone();
    };
    let mut out = origin.clone();
    out.set_path(url.path());
    out.set_query(url.query());
    out.set_fragment(None);
    out
}

pub(crate) async fn send(
    client: &reqwest::Client,
    method: Method,
    url: Url,
    headers: HeaderMap,
    body: &RequestBody,
) -> Result<RawResponse> {
    if let RequestBody::Empty = body {
        // No builder: the headers move into the request instead of being merged one by one.
        let mut request = reqwest::Request::new(method, url);
        *request.headers_mut() = headers;
        return read(client.execute(request).await.map_err(map_error)?).await;
    }
    let mut builder = client.request(method, url).headers(headers);
    builder = match body {
        RequestBody::Empty => builder,
        RequestBody::Json(v) => builder.json(v),
        RequestBody::Form(fields) => builder.form(fields),
        RequestBody::Bytes {
            content_type,
            bytes,
        } => builder
            .header(http::header::CONTENT_TYPE, content_type.as_str())
            .body(bytes.clone()),
    };
    read(builder.send().await.map_err(map_error)?).await
}

async fn read(mut response: reqwest::Response) -> Result<RawResponse> {
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    let body = response.bytes().await.map_err(map_error)?;
    Ok(RawResponse {
        status,
        headers,
        body,
    })
}

fn map_error(e: reqwest::Error) -> Error {
    let (kind, what) = if e.is_timeout() {
        (ErrorKind::Timeout, "timed out")
    } else if e.is_connect() {
        (ErrorKind::Network, "could not connect")
    } else if e.is_body() || e.is_decode() {
        (ErrorKind::Upstream, "response body could not be read")
    } else if e.is_builder() {
        (ErrorKind::InvalidInput, "request could not be built")
    } else {
        (ErrorKind::Network, "request failed")
    };
    // reqwest's Display includes the URL, never headers, so no credential reaches the message.
    let error = Error::new(kind, format!("{what}: {e}"));
    if e.is_connect() {
        error.not_sent()
    } else {
        error
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_is_replaced_and_path_kept() {
        let url = Url::parse("https://api.github.com/repos/o/r/issues?page=2").unwrap();
        let origin = Url::parse("http://127.0.0.1:8080").unwrap();
        let out = rewrite_origin(&url, Some(&origin));
        assert_eq!(
            out.as_str(),
            "http://127.0.0.1:8080/repos/o/r/issues?page=2"
        );
        assert_eq!(rewrite_origin(&url, None), url);
    }
}
