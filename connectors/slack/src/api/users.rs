//! Users: `users.list` and `users.info`, both cached 30 minutes; the list pages with Slack's
//! cursor.

use futures::stream::BoxStream;
use plugboard_core::connector::schema_of;
use plugboard_core::runtime::PageSpec;
use plugboard_core::{ApiRequest, OperationDescriptor, OperationId, Result};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{DIRECTORY_CACHE_TTL, all_raw, check_limit, cursor_pages, typed};
use crate::client::SlackClient;
use crate::models::{User, UserInfo, UsersPage};
use crate::tiers;

/// `users.list`: cached 30 minutes per page.
pub const USERS_LIST: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("users.list"),
    summary: "List the workspace's users (users.list)",
    docs_url: "https://docs.slack.dev/reference/methods/users.list",
    idempotent: true,
    read_only: true,
    paginated: true,
    rate_class: tiers::TIER_2,
    cache_ttl: Some(DIRECTORY_CACHE_TTL),
    input_schema: schema_of::<ListUsers>,
    output_schema: schema_of::<User>,
};

/// `users.info`: cached 30 minutes.
pub const USERS_INFO: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("users.info"),
    summary: "Get a user (users.info)",
    docs_url: "https://docs.slack.dev/reference/methods/users.info",
    idempotent: true,
    read_only: true,
    paginated: false,
    rate_class: tiers::TIER_4,
    cache_ttl: Some(DIRECTORY_CACHE_TTL),
    input_schema: schema_of::<GetUser>,
    output_schema: schema_of::<UserInfo>,
};

/// How `users.list` pages.
pub const USERS_PAGES: PageSpec = cursor_pages("/members", None);

/// Input of `users.list`, with Slack's argument names.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListUsers {
    /// The cursor of the page to fetch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// Include each user's locale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_locale: Option<bool>,
    /// Users per page, 1 to 1000 (200 or fewer advised).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 1000))]
    pub limit: Option<u32>,
    /// The workspace, for org-wide tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_id: Option<String>,
}

/// Input of `users.info`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetUser {
    /// The user id.
    pub user: String,
    /// Include the user's locale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_locale: Option<bool>,
}

/// The `users.*` methods.
#[derive(Debug, Clone, Copy)]
pub struct UsersApi<'a> {
    pub(crate) client: &'a SlackClient,
}

impl UsersApi<'_> {
    /// The request for the first page of `users.list`.
    pub fn list_request(&self, input: &ListUsers) -> Result<ApiRequest> {
        check_limit(&USERS_LIST, input.limit)?;
        Ok(self
            .client
            .get(&USERS_LIST, "users.list")?
            .query_opt("cursor", input.cursor.as_deref())
            .query_opt("include_locale", input.include_locale)
            .query_opt("limit", input.limit)
            .query_opt("team_id", input.team_id.as_deref()))
    }

    /// `GET /api/users.list`: one page.
    pub async fn list(&self, input: &ListUsers) -> Result<UsersPage> {
        self.client.runtime().json(self.list_request(input)?).await
    }

    /// Every user across every page, in order.
    pub fn list_all(&self, input: &ListUsers) -> BoxStream<'static, Result<User>> {
        typed(self.list_all_raw(input))
    }

    /// Every user across every page as Slack's JSON.
    pub fn list_all_raw(&self, input: &ListUsers) -> BoxStream<'static, Result<Value>> {
        all_raw(self.client.runtime(), self.list_request(input), USERS_PAGES)
    }

    /// `GET /api/users.info`.
    pub async fn info(&self, input: &GetUser) -> Result<UserInfo> {
        let request = self
            .client
            .get(&USERS_INFO, "users.info")?
            .query("user", &input.user)
            .query_opt("include_locale", input.include_locale);
        self.client.runtime().json(request).await
    }
}
