//! The user: `user.info` (`GET /v2/user/info/?fields=...`), the connection check.

use http::Method;
use plugboard_core::connector::schema_of;
use plugboard_core::{OperationDescriptor, OperationId, RateClass, Result};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::client::{OPEN_API_CLASS, TiktokClient};
use crate::models::User;

/// `user.info`.
pub const USER_INFO: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("user.info"),
    summary: "Get the token's TikTok user (open_id, display name, avatar...); the health check",
    docs_url: "https://developers.tiktok.com/doc/tiktok-api-v2-get-user-info",
    idempotent: true,
    read_only: true,
    paginated: false,
    rate_class: RateClass(OPEN_API_CLASS),
    cache_ttl: None,
    input_schema: schema_of::<GetUserInfo>,
    output_schema: schema_of::<User>,
};

/// The fields `user.info` asks for unless told otherwise (scope `user.info.basic`).
pub const DEFAULT_USER_FIELDS: &str = "open_id,union_id,avatar_url,display_name";

/// Input of `user.info`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetUserInfo {
    /// Comma-separated fields (default `open_id,union_id,avatar_url,display_name`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<String>,
}

/// The user API.
#[derive(Debug, Clone, Copy)]
pub struct UserApi<'a> {
    pub(crate) client: &'a TiktokClient,
}

impl UserApi<'_> {
    /// `GET /v2/user/info/?fields=...`: the answer's `data.user`.
    pub async fn info(&self, input: &GetUserInfo) -> Result<User> {
        #[derive(Deserialize)]
        struct Answer {
            data: Data,
        }
        #[derive(Deserialize)]
        struct Data {
            user: User,
        }
        let request = self
            .client
            .open_request(&USER_INFO, Method::GET, &["user", "info"])?
            .query(
                "fields",
                input.fields.as_deref().unwrap_or(DEFAULT_USER_FIELDS),
            );
        let answer: Answer = self.client.runtime().json(request).await?;
        Ok(answer.data.user)
    }
}
