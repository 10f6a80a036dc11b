//! Advertisers: `advertisers.list` (`GET /open_api/v1.3/oauth2/advertiser/get/`), the ad
//! accounts the Business token is authorised for. TikTok answers the whole list at once.

use plugboard_core::connector::schema_of;
use plugboard_core::{ExposeSecret, OperationDescriptor, OperationId, RateClass, Result};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::BusinessList;
use crate::client::{BUSINESS_CLASS, TiktokClient};
use crate::models::Advertiser;

/// `advertisers.list`.
pub const ADVERTISERS_LIST: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("advertisers.list"),
    summary: "List the advertisers (ad accounts) the API for Business token is authorised for",
    docs_url: "https://business-api.tiktok.com/portal/docs?id=1738455508553729",
    idempotent: true,
    read_only: true,
    paginated: false,
    rate_class: RateClass(BUSINESS_CLASS),
    cache_ttl: None,
    input_schema: schema_of::<ListAdvertisers>,
    output_schema: schema_of::<Vec<Advertiser>>,
};

/// Input of `advertisers.list` (none: the app id and secret come from the configuration).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListAdvertisers {}

/// The advertisers API.
#[derive(Debug, Clone, Copy)]
pub struct AdvertisersApi<'a> {
    pub(crate) client: &'a TiktokClient,
}

impl AdvertisersApi<'_> {
    /// `GET /open_api/v1.3/oauth2/advertiser/get/?app_id=...&secret=...` (needs `app_id` and
    /// `app_secret`): the answer's `data.list`.
    pub async fn list(&self) -> Result<Vec<Advertiser>> {
        let (app_id, secret) = self.client.app_credentials()?;
        let request = self
            .client
            .business_request(&ADVERTISERS_LIST, &["oauth2", "advertiser", "get"])?
            .query("app_id", app_id)
            .query("secret", secret.expose_secret());
        let answer: BusinessList<Advertiser> = self
            .client
            .business_runtime()
            .json(request)
            .await
            .map_err(|e| e.redact(&[secret.expose_secret()]))?;
        Ok(answer.data.list)
    }
}
