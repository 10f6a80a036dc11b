//! [`ApiResponse`]: a successful platform answer, read whole, with where it came from.

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use crate::error::{Error, ErrorKind, Result};

/// Where a response came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheStatus {
    /// Fetched from the platform.
    Miss,
    /// Served from cache while fresh; no request was sent.
    Hit,
    /// The platform confirmed the cached copy (HTTP 304).
    Revalidated,
    /// The platform failed and a stale cached copy was served instead.
    Stale,
}

/// A successful response.
#[derive(Debug, Clone)]
pub struct ApiResponse {
    /// The status (the original 2xx for cached answers).
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
    /// Where it came from.
    pub cache: CacheStatus,
}

impl ApiResponse {
    /// Parses the body as JSON into `T`, naming the path that failed.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T> {
        let de = &mut serde_json::Deserializer::from_slice(&self.body);
        serde_path_to_error::deserialize(de).map_err(|e| {
            Error::new(
                ErrorKind::Upstream,
                format!("unexpected response shape at `{}`: {}", e.path(), e.inner()),
            )
            .permanent()
        })
    }

    /// Parses the body as a JSON value (an empty body is `null`).
    pub fn value(&self) -> Result<serde_json::Value> {
        if self.body.is_empty() {
            return Ok(serde_json::Value::Null);
        }
        self.json()
    }

    /// A header's value as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}
