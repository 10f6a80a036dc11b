//! [`SlackClient`]: the typed client, a handle per Web API family over one runtime, plus an
//! unauthenticated runtime for the URLs Slack hands out (`upload_url`, `response_url`).

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderValue, Method};
use plugboard_core::{
    ApiRequest, AuthProvider, ConnectorConfig, Error, OperationDescriptor, Policy, RequestBody,
    Result, Runtime, StaticToken,
};
use serde::Serialize;
use url::Url;

use crate::api::auth::AuthApi;
use crate::api::chat::ChatApi;
use crate::api::conversations::ConversationsApi;
use crate::api::files::FilesApi;
use crate::api::response_url::ResponseUrlApi;
use crate::api::users::UsersApi;
use crate::api::views::ViewsApi;
use crate::classify::SlackClassifier;
use crate::connector::INFO;
use crate::tiers;

/// The origin of Slack's Web API (`https://slack.com/api/<method>`); `base_url` in the
/// configuration replaces it.
pub const API_ORIGIN: &str = "https://slack.com";

/// The content type of JSON bodies: Slack asks for the charset and warns without it.
const JSON_UTF8: &str = "application/json; charset=utf-8";

/// A typed Slack client.
#[derive(Debug, Clone)]
pub struct SlackClient {
    runtime: Runtime,
    /// Calls to URLs Slack returned or sent (`upload_url`, `response_url`): no credential.
    hooks: Runtime,
    /// The configured origin override, when there is one.
    origin: Option<Url>,
}

impl SlackClient {
    /// Slack's default policy: a 15 s total deadline and the per-method tier buckets (no
    /// connector-wide quota: Slack counts per method), then overrides from the configuration.
    pub fn default_policy(config: &ConnectorConfig) -> Result<Policy> {
        let mut policy = Policy::default().with_total_timeout(Duration::from_secs(15));
        for quota in tiers::class_quotas() {
            policy = policy.with_class_quota(quota);
        }
        policy.with_overrides(&config.policy)
    }

    /// A client from configuration: a bot or user token sent as `Authorization: Bearer`, the
    /// base URL override, and policy overrides.
    pub fn from_config(config: &ConnectorConfig) -> Result<Self> {
        let auth = config.auth_provider(|token| {
            Ok(Arc::new(StaticToken::bearer(token, "default")?) as Arc<dyn AuthProvider>)
        })?;
        let runtime = Runtime::builder(INFO.id)
            .policy(Self::default_policy(config)?)
            .origin(config.base_url.clone())
            .auth(auth)
            .classifier(Arc::new(SlackClassifier))
            .build()?;
        Self::with_runtime(runtime)
    }

    /// A client over an existing runtime (custom auth such as a token manager, shared pools).
    /// The runtime for `upload_url` and `response_url` requests gets the same policy and
    /// origin override, and no credential.
    pub fn with_runtime(runtime: Runtime) -> Result<Self> {
        let api = Url::parse(API_ORIGIN).map_err(|e| Error::internal(e.to_string()))?;
        let resolved = runtime.resolve_url(&api);
        let origin = (resolved != api).then_some(resolved);
        let hooks = Runtime::builder(INFO.id)
            .policy(runtime.policy().clone())
            .origin(origin.clone())
            .classifier(Arc::new(SlackClassifier))
            .build()?;
        Ok(Self {
            runtime,
            hooks,
            origin,
        })
    }

    /// The runtime of Web API calls.
    pub fn runtime(&self) -> &Runtime {
        &self.runtime
    }

    /// The runtime of requests to `upload_url` and `response_url` (no credential).
    pub fn hooks_runtime(&self) -> &Runtime {
        &self.hooks
    }

    /// Messages: `chat.*`.
    pub fn chat(&self) -> ChatApi<'_> {
        ChatApi { client: self }
    }

    /// Channels and other conversations: `conversations.*`.
    pub fn conversations(&self) -> ConversationsApi<'_> {
        ConversationsApi { client: self }
    }

    /// Users: `users.*`.
    pub fn users(&self) -> UsersApi<'_> {
        UsersApi { client: self }
    }

    /// Files: the external upload flow.
    pub fn files(&self) -> FilesApi<'_> {
        FilesApi { client: self }
    }

    /// Modals: `views.*`.
    pub fn views(&self) -> ViewsApi<'_> {
        ViewsApi { client: self }
    }

    /// Identity: `auth.test`.
    pub fn auth(&self) -> AuthApi<'_> {
        AuthApi { client: self }
    }

    /// Replies to slash commands and interactions through their `response_url`.
    pub fn response_url(&self) -> ResponseUrlApi<'_> {
        ResponseUrlApi { client: self }
    }

    /// `GET https://slack.com/api/<method>`; arguments go in the query.
    pub(crate) fn get(&self, op: &OperationDescriptor, method: &str) -> Result<ApiRequest> {
        Ok(ApiRequest::new(op, Method::GET, API_ORIGIN)?
            .segments(["api", method])
            .header(
                http::header::ACCEPT,
                HeaderValue::from_static("application/json"),
            ))
    }

    /// `POST https://slack.com/api/<method>` with a JSON body (UTF-8 charset declared).
    pub(crate) fn post_json<T: Serialize>(
        &self,
        op: &OperationDescriptor,
        method: &str,
        body: &T,
    ) -> Result<ApiRequest> {
        let mut request = ApiRequest::new(op, Method::POST, API_ORIGIN)?
            .segments(["api", method])
            .header(
                http::header::ACCEPT,
                HeaderValue::from_static("application/json"),
            );
        request.body = json_body(body)?;
        Ok(request)
    }

    /// `POST https://slack.com/api/<method>` with form fields (methods without JSON support).
    pub(crate) fn post_form(
        &self,
        op: &OperationDescriptor,
        method: &str,
        fields: Vec<(String, String)>,
    ) -> Result<ApiRequest> {
        let mut request = ApiRequest::new(op, Method::POST, API_ORIGIN)?
            .segments(["api", method])
            .header(
                http::header::ACCEPT,
                HeaderValue::from_static("application/json"),
            );
        request.body = RequestBody::Form(fields);
        Ok(request)
    }

    /// A `POST` to a URL Slack handed out, after checking it belongs to Slack (`hosts`) over
    /// HTTPS, or to the configured origin override (tests, proxies).
    pub(crate) fn hook_request(
        &self,
        op: &OperationDescriptor,
        url: &str,
        hosts: fn(&str) -> bool,
        body: RequestBody,
    ) -> Result<ApiRequest> {
        let parsed = Url::parse(url)
            .map_err(|e| Error::invalid_input(format!("{} is not a URL: {e}", op.id)))?;
        let slack = parsed.scheme() == "https" && parsed.host_str().is_some_and(hosts);
        let configured = self
            .origin
            .as_ref()
            .is_some_and(|o| o.origin() == parsed.origin());
        if !(slack || configured) {
            return Err(Error::invalid_input(format!(
                "{}: refusing to send to {}://{}: not a Slack URL",
                op.id,
                parsed.scheme(),
                parsed.host_str().unwrap_or("")
            )));
        }
        let mut request = ApiRequest::new(op, Method::POST, parsed.as_str())?;
        request.body = body;
        Ok(request)
    }
}

/// A JSON body with `Content-Type: application/json; charset=utf-8`.
pub(crate) fn json_body<T: Serialize>(body: &T) -> Result<RequestBody> {
    let bytes = serde_json::to_vec(body)
        .map_err(|e| Error::invalid_input(format!("body does not serialise: {e}")))?;
    Ok(RequestBody::Bytes {
        content_type: JSON_UTF8.to_string(),
        bytes: Bytes::from(bytes),
    })
}
