//! [`ApiRequest`]: one platform call as data, built by a connector and executed by the runtime.

use std::time::Duration;

use http::{HeaderMap, HeaderName, HeaderValue, Method};
use serde::Serialize;
use url::Url;

use crate::connector::{OperationDescriptor, RateClass};
use crate::error::{Error, Result};
use crate::ids::OperationId;

/// A request body.
#[derive(Debug, Clone, Default)]
pub enum RequestBody {
    /// No body.
    #[default]
    Empty,
    /// A JSON document (`Content-Type: application/json`).
    Json(serde_json::Value),
    /// Form fields (`application/x-www-form-urlencoded`).
    Form(Vec<(String, String)>),
    /// Raw bytes with their content type.
    Bytes {
        /// The `Content-Type`.
        content_type: String,
        /// The bytes.
        bytes: bytes::Bytes,
    },
}

/// One call to a platform: method, the platform's documented URL, headers, body, and the
/// operation's properties that steer the runtime (idempotency, cache TTL).
#[derive(Debug, Clone)]
pub struct ApiRequest {
    /// The operation this request serves.
    pub operation: OperationId,
    /// Whether the request may be repeated safely.
    pub idempotent: bool,
    /// The platform's rate class (per-class quotas apply to it).
    pub rate_class: RateClass,
    /// How long a response may be served from cache (GETs only).
    pub cache_ttl: Option<Duration>,
    /// The HTTP method.
    pub method: Method,
    /// The full URL as the platform documents it; the runtime may swap its origin.
    pub url: Url,
    /// Extra headers (auth is added by the runtime).
    pub headers: HeaderMap,
    /// The body.
    pub body: RequestBody,
}

impl ApiRequest {
    /// A request for `op` with the operation's method semantics, to `base` (an origin such as
    /// `https://api.github.com`) and no path yet.
    pub fn new(op: &OperationDescriptor, method: Method, base: &str) -> Result<Self> {
        let url = Url::parse(base)
            .map_err(|e| Error::config(format!("invalid base URL {base:?}: {e}")))?;
        Ok(Self {
            operation: op.id,
            idempotent: op.idempotent,
            rate_class: op.rate_class,
            cache_ttl: op.cache_ttl,
            method,
            url,
            headers: HeaderMap::new(),
            body: RequestBody::Empty,
        })
    }

    /// Appends path segments, each percent-encoded (so `a/b` stays one segment).
    pub fn segments<I, S>(mut self, segments: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        if let Ok(mut path) = self.url.path_segments_mut() {
            path.pop_if_empty();
            for s in segments {
                path.push(s.as_ref());
            }
        }
        self
    }

    /// Appends a query parameter.
    pub fn query(mut self, name: &str, value: impl ToString) -> Self {
        self.url
            .query_pairs_mut()
            .append_pair(name, &value.to_string());
        self
    }

    /// Appends a query parameter when the value is present.
    pub fn query_opt<V: ToString>(self, name: &str, value: Option<V>) -> Self {
        match value {
            Some(v) => self.query(name, v),
            None => self,
        }
    }

    /// Sets (replaces) a query parameter.
    pub fn set_query(&mut self, name: &str, value: &str) {
        let pairs: Vec<(String, String)> = self
            .url
            .query_pairs()
            .filter(|(k, _)| k != name)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let mut q = self.url.query_pairs_mut();
        q.clear();
        for (k, v) in pairs {
            q.append_pair(&k, &v);
        }
        q.append_pair(name, value);
    }

    /// Adds a header.
    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.insert(name, value);
        self
    }

    /// Sets a JSON body from any serialisable value.
    pub fn json<T: Serialize>(mut self, body: &T) -> Result<Self> {
        let value = serde_json::to_value(body)
            .map_err(|e| Error::invalid_input(format!("body does not serialise: {e}")))?;
        self.body = RequestBody::Json(value);
        Ok(self)
    }

    /// Whether the response may be cached.
    pub fn is_cacheable(&self) -> bool {
        self.method == Method::GET && self.idempotent && self.cache_ttl.is_some()
    }
}
