//! OpenID Connect userinfo: `userinfo.get`, also the connection's health check (it needs only
//! the `openid` scope and costs no API quota).

use http::Method;
use plugboard_core::connector::schema_of;
use plugboard_core::{OperationDescriptor, OperationId, RateClass, Result};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::client::{GoogleClient, USERINFO_ORIGIN};
use crate::models::UserInfo;

/// `userinfo.get`.
pub const USERINFO_GET: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("userinfo.get"),
    summary: "Get the authenticated user's OpenID Connect profile (health check)",
    docs_url: "https://developers.google.com/identity/openid-connect/openid-connect#obtainuserinfo",
    idempotent: true,
    read_only: true,
    paginated: false,
    rate_class: RateClass("userinfo"),
    cache_ttl: None,
    input_schema: schema_of::<GetUserinfo>,
    output_schema: schema_of::<UserInfo>,
};

/// Input of `userinfo.get` (none).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetUserinfo {}

/// The userinfo API.
#[derive(Debug, Clone, Copy)]
pub struct UserinfoApi<'a> {
    pub(crate) client: &'a GoogleClient,
}

impl UserinfoApi<'_> {
    /// `GET https://openidconnect.googleapis.com/v1/userinfo`.
    pub async fn get(&self) -> Result<UserInfo> {
        let request = self
            .client
            .request(&USERINFO_GET, Method::GET, USERINFO_ORIGIN)?
            .segments(["v1", "userinfo"]);
        self.client.runtime().json(request).await
    }
}
