//! [`ApiRequest`]: one platform call as data, built by a connector and executed by the runtime.

use std::time::Duration;

use http::{HeaderMap, HeaderName, HeaderValue, Method};
use serde::Serialize;
use url::{Url, form_urlencoded};

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

    /// Sets (replaces) a query parameter, leaving every other pair byte for byte as it was
    /// (so a platform's own forms such as `statuses[]=to%20do` survive). The first pair whose
    /// decoded name is `name` takes the new value in place, later ones are dropped; without
    /// one, `name=value` is appended. Name and value are encoded as [`ApiRequest::query`]
    /// encodes them.
    pub fn set_query(&mut self, name: &str, value: &str) {
        let encoded = format!(
            "{}={}",
            form_urlencoded::byte_serialize(name.as_bytes()).collect::<String>(),
            form_urlencoded::byte_serialize(value.as_bytes()).collect::<String>()
        );
        let mut segments: Vec<&str> = Vec::new();
        let mut placed = false;
        for segment in self.url.query().unwrap_or_default().split('&') {
            let is_name = !segment.is_empty()
                && form_urlencoded::parse(segment.as_bytes())
                    .next()
                    .is_some_and(|(k, _)| k == name);
            if !is_name {
                if !segment.is_empty() {
                    segments.push(segment);
                }
            } else if !placed {
                segments.push(&encoded);
                placed = true;
            }
        }
        if !placed {
            segments.push(&encoded);
        }
        let query = segments.join("&");
        self.url.set_query(Some(&query));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connector::schema_of;

    const LIST: OperationDescriptor = OperationDescriptor {
        id: OperationId::new("things.list"),
        summary: "test",
        docs_url: "",
        idempotent: true,
        read_only: true,
        paginated: true,
        rate_class: RateClass("core"),
        cache_ttl: None,
        input_schema: schema_of::<serde_json::Value>,
        output_schema: schema_of::<serde_json::Value>,
    };

    fn with_query(raw: &str) -> ApiRequest {
        let mut request =
            ApiRequest::new(&LIST, Method::GET, "https://api.example.com/list").unwrap();
        request.url.set_query(Some(raw));
        request
    }

    #[test]
    fn set_query_keeps_the_other_pairs_byte_for_byte() {
        let mut request = with_query("statuses[]=to%20do&statuses[]=done");
        request.set_query("page", "2");
        assert_eq!(
            request.url.query(),
            Some("statuses[]=to%20do&statuses[]=done&page=2")
        );
        request.set_query("page", "3");
        assert_eq!(
            request.url.query(),
            Some("statuses[]=to%20do&statuses[]=done&page=3")
        );
    }

    #[test]
    fn set_query_replaces_in_place_and_encodes_like_query() {
        // The first pair named `page` (even percent-encoded) takes the value, later ones go.
        let mut request = with_query("%70age=0&tags[]=a%20b&page=9&x=1");
        request.set_query("page", "1");
        assert_eq!(request.url.query(), Some("page=1&tags[]=a%20b&x=1"));

        let mut request = with_query("tags[]=a%20b");
        request.set_query("next cursor", "a b&c=");
        let expected = ApiRequest::new(&LIST, Method::GET, "https://api.example.com/list")
            .unwrap()
            .query("next cursor", "a b&c=");
        assert_eq!(
            request.url.query(),
            Some(format!("tags[]=a%20b&{}", expected.url.query().unwrap()).as_str())
        );

        let mut request = with_query("");
        request.url.set_query(None);
        request.set_query("page", "0");
        assert_eq!(request.url.query(), Some("page=0"));
    }
}
