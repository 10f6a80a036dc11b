//! The OAuth 2.0 gateway's own endpoint: `accessible_resources.list`
//! (`GET https://api.atlassian.com/oauth/token/accessible-resources`), the sites an OAuth 2.0
//! (3LO) token can reach and their cloud ids.

use http::Method;
use plugboard_core::connector::schema_of;
use plugboard_core::{Error, OperationDescriptor, OperationId, RateClass, Result};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use url::Url;

use crate::client::{GATEWAY_ORIGIN, JiraClient, READ};
use crate::models::AccessibleResource;

/// `accessible_resources.list`.
pub const ACCESSIBLE_RESOURCES_LIST: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("accessible_resources.list"),
    summary: "List the sites an OAuth 2.0 token can reach, with their cloud ids (OAuth only)",
    docs_url: "https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/#3-1-get-the-cloudid-for-your-site",
    idempotent: true,
    read_only: true,
    paginated: false,
    rate_class: RateClass(READ),
    cache_ttl: None,
    input_schema: schema_of::<ListAccessibleResources>,
    output_schema: schema_of::<Vec<AccessibleResource>>,
};

/// Input of `accessible_resources.list` (none).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListAccessibleResources {}

/// The gateway API.
#[derive(Debug, Clone, Copy)]
pub struct OauthApi<'a> {
    pub(crate) client: &'a JiraClient,
}

impl OauthApi<'_> {
    /// `GET https://api.atlassian.com/oauth/token/accessible-resources`.
    pub async fn accessible_resources(&self) -> Result<Vec<AccessibleResource>> {
        let request = self
            .client
            .request_at(&ACCESSIBLE_RESOURCES_LIST, Method::GET, GATEWAY_ORIGIN)?
            .segments(["oauth", "token", "accessible-resources"]);
        self.client.runtime().json(request).await
    }

    /// The cloud id of `site` among the accessible resources; without a site, of the only one.
    pub async fn cloud_id_for(&self, site: Option<&Url>) -> Result<String> {
        let resources = self.accessible_resources().await?;
        choose_cloud_id(&resources, site)
    }
}

/// Picks the resource whose URL is `site` (scheme and host compared, case-insensitively), or
/// the only resource when no site is given.
pub fn choose_cloud_id(resources: &[AccessibleResource], site: Option<&Url>) -> Result<String> {
    let listed = || {
        resources
            .iter()
            .map(|r| format!("{} ({})", r.url, r.id))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let found = match site {
        Some(site) => resources.iter().find(|r| {
            Url::parse(&r.url).is_ok_and(|u| {
                u.scheme() == site.scheme()
                    && u.host_str().map(str::to_ascii_lowercase)
                        == site.host_str().map(str::to_ascii_lowercase)
            })
        }),
        None if resources.len() == 1 => resources.first(),
        None => None,
    };
    match (found, site) {
        (Some(r), _) => Ok(r.id.clone()),
        (None, Some(site)) => Err(Error::config(format!(
            "the OAuth token cannot reach {site}; it can reach: {}",
            if resources.is_empty() {
                "no site".to_string()
            } else {
                listed()
            }
        ))),
        (None, None) => Err(Error::config(format!(
            "set the jira cloud_id (PLUGBOARD_JIRA_CLOUD_ID) or base_url to your site: the OAuth \
             token reaches {}",
            if resources.is_empty() {
                "no site".to_string()
            } else {
                listed()
            }
        ))),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn resources() -> Vec<AccessibleResource> {
        serde_json::from_value(json!([
            {"id": "1324a887-45db-1bf4-1e99-ef0ff456d421", "url": "https://acme.atlassian.net",
             "name": "acme", "scopes": ["read:jira-work"], "avatarUrl": "https://x/a.png"},
            {"id": "9a8b7c6d-0000-1111-2222-333344445555", "url": "https://acme-sandbox.atlassian.net",
             "name": "acme-sandbox", "scopes": ["read:jira-work"]}
        ]))
        .unwrap()
    }

    #[test]
    fn picks_the_site_or_names_the_choices() {
        let site: Url = "https://ACME.atlassian.net/".parse().unwrap();
        assert_eq!(
            choose_cloud_id(&resources(), Some(&site)).unwrap(),
            "1324a887-45db-1bf4-1e99-ef0ff456d421"
        );
        let e = choose_cloud_id(&resources(), None).unwrap_err();
        assert!(e.to_string().contains("acme-sandbox.atlassian.net"), "{e}");
        assert!(e.to_string().contains("PLUGBOARD_JIRA_CLOUD_ID"), "{e}");
        let one = &resources()[..1];
        assert_eq!(
            choose_cloud_id(one, None).unwrap(),
            "1324a887-45db-1bf4-1e99-ef0ff456d421"
        );
        let other: Url = "https://other.atlassian.net".parse().unwrap();
        assert!(choose_cloud_id(one, Some(&other)).is_err());
    }
}
