//! [`GithubClient`]: the typed client, a handle per resource over one runtime.

use std::sync::Arc;
use std::time::Duration;

use http::{HeaderValue, Method};
use plugboard_core::runtime::{ClassQuota, Quota};
use plugboard_core::{
    ApiRequest, AuthProvider, ConnectorConfig, OperationDescriptor, Policy, Result, Runtime,
    StaticToken,
};

use crate::api::actions::ActionsApi;
use crate::api::branches::BranchesApi;
use crate::api::commits::CommitsApi;
use crate::api::issues::IssuesApi;
use crate::api::labels::LabelsApi;
use crate::api::milestones::MilestonesApi;
use crate::api::pulls::PullsApi;
use crate::api::rate_limit::RateLimitApi;
use crate::api::repos::ReposApi;
use crate::classify::GithubClassifier;
use crate::connector::INFO;

/// The origin of GitHub's REST API; `base_url` in the configuration replaces it.
pub const API_ORIGIN: &str = "https://api.github.com";

/// The REST API version every request asks for.
pub const API_VERSION: &str = "2022-11-28";

/// The rate class of requests that create content (issues, comments, pull requests, reviews,
/// labels, milestones, branches). GitHub's secondary limits allow about 80 of them per minute.
pub const CONTENT_CLASS: &str = "content";

/// GitHub's secondary limit on content-creating requests, kept client-side.
pub const CONTENT_QUOTA: ClassQuota = ClassQuota {
    class: CONTENT_CLASS,
    quota: Quota::per_minute(80),
    per_operation: false,
};

/// A typed GitHub client.
#[derive(Debug, Clone)]
pub struct GithubClient {
    runtime: Runtime,
}

impl GithubClient {
    /// GitHub's default policy: 30 s total deadline, 5 000 requests per hour per token (60 for
    /// anonymous calls), at most 80 content-creating requests per minute, then any overrides
    /// from the configuration.
    pub fn default_policy(config: &ConnectorConfig) -> Result<Policy> {
        let hourly = if config.token.is_some() || config.auth.is_some() {
            5_000
        } else {
            60
        };
        Policy::default()
            .with_total_timeout(Duration::from_secs(30))
            .with_quota(Quota::per_hour(hourly))
            .with_class_quota(CONTENT_QUOTA)
            .with_overrides(&config.policy)
    }

    /// A client from configuration: a personal access token (or anonymous), the base URL
    /// override, and policy overrides.
    pub fn from_config(config: &ConnectorConfig) -> Result<Self> {
        let auth = config.auth_provider(|token| {
            Ok(Arc::new(StaticToken::bearer(token, "default")?) as Arc<dyn AuthProvider>)
        })?;
        let runtime = Runtime::builder(INFO.id)
            .policy(Self::default_policy(config)?)
            .origin(config.base_url.clone())
            .auth(auth)
            .classifier(Arc::new(GithubClassifier))
            .build()?;
        Ok(Self::with_runtime(runtime))
    }

    /// A client over an existing runtime (custom auth, shared pools).
    pub fn with_runtime(runtime: Runtime) -> Self {
        Self { runtime }
    }

    /// The runtime.
    pub fn runtime(&self) -> &Runtime {
        &self.runtime
    }

    /// Repositories.
    pub fn repos(&self) -> ReposApi<'_> {
        ReposApi { client: self }
    }

    /// Issues.
    pub fn issues(&self) -> IssuesApi<'_> {
        IssuesApi { client: self }
    }

    /// Pull requests and their reviews.
    pub fn pulls(&self) -> PullsApi<'_> {
        PullsApi { client: self }
    }

    /// Branches (git references under `refs/heads/`).
    pub fn branches(&self) -> BranchesApi<'_> {
        BranchesApi { client: self }
    }

    /// Labels.
    pub fn labels(&self) -> LabelsApi<'_> {
        LabelsApi { client: self }
    }

    /// Milestones.
    pub fn milestones(&self) -> MilestonesApi<'_> {
        MilestonesApi { client: self }
    }

    /// GitHub Actions workflows and runs.
    pub fn actions(&self) -> ActionsApi<'_> {
        ActionsApi { client: self }
    }

    /// Commits.
    pub fn commits(&self) -> CommitsApi<'_> {
        CommitsApi { client: self }
    }

    /// Rate-limit status.
    pub fn rate_limit(&self) -> RateLimitApi<'_> {
        RateLimitApi { client: self }
    }

    /// A request for `op` with GitHub's media type and API version headers.
    pub(crate) fn request(&self, op: &OperationDescriptor, method: Method) -> Result<ApiRequest> {
        Ok(ApiRequest::new(op, method, API_ORIGIN)?
            .header(
                http::header::ACCEPT,
                HeaderValue::from_static("application/vnd.github+json"),
            )
            .header(
                http::HeaderName::from_static("x-github-api-version"),
                HeaderValue::from_static(API_VERSION),
            ))
    }
}
