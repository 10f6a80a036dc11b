//! Pages: `pages.list` (`GET /me/accounts`, cursor pages, Page access tokens kept as
//! sub-credentials) and `pages.publish` (`POST /{page-id}/feed`).

use futures::stream::{BoxStream, StreamExt, TryStreamExt};
use http::Method;
use plugboard_core::connector::schema_of;
use plugboard_core::{
    ApiRequest, Error, OperationDescriptor, OperationId, RateClass, RequestBody, Result,
    SecretString,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Listing, all_typed};
use crate::client::MetaClient;
use crate::models::{Page, PublishedPost};

/// `pages.list`.
pub const PAGES_LIST: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("pages.list"),
    summary: "List the Facebook Pages the user has a role on (Page access tokens kept, never printed)",
    docs_url: "https://developers.facebook.com/docs/graph-api/reference/user/accounts/",
    idempotent: true,
    read_only: true,
    paginated: true,
    rate_class: RateClass("pages"),
    cache_ttl: None,
    input_schema: schema_of::<ListPages>,
    output_schema: schema_of::<Page>,
};

/// `pages.publish`: not idempotent, so never retried once sent.
pub const PAGES_PUBLISH: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("pages.publish"),
    summary: "Publish a post to a Page's feed (with the Page's access token when known)",
    docs_url: "https://developers.facebook.com/docs/graph-api/reference/page/feed/#publish",
    idempotent: false,
    read_only: false,
    paginated: false,
    rate_class: RateClass("pages"),
    cache_ttl: None,
    input_schema: schema_of::<PublishPost>,
    output_schema: schema_of::<PublishedPost>,
};

/// The fields `pages.list` asks for unless told otherwise.
pub const DEFAULT_PAGE_FIELDS: &str = "id,name,category,access_token,tasks";

/// Input of `pages.list`, with Graph's parameter names.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListPages {
    /// Comma-separated Page fields (default `id,name,category,access_token,tasks`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<String>,
    /// Pages per page of results.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub limit: Option<u32>,
    /// The cursor to start after (`paging.cursors.after` of a previous answer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
}

/// Input of `pages.publish`, with Graph's parameter names.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishPost {
    /// The Page to publish on.
    pub page_id: String,
    /// The post's text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// A link to attach.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    /// `false` to create an unpublished post (required with `scheduled_publish_time`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<bool>,
    /// When to publish, Unix seconds (10 minutes to 75 days ahead).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduled_publish_time: Option<i64>,
}

/// The Pages API.
#[derive(Debug, Clone, Copy)]
pub struct PagesApi<'a> {
    pub(crate) client: &'a MetaClient,
}

impl PagesApi<'_> {
    /// The request for the first page of `pages.list`.
    pub fn list_request(&self, input: &ListPages) -> Result<ApiRequest> {
        Ok(self
            .client
            .request(&PAGES_LIST, Method::GET, &["me", "accounts"])?
            .query(
                "fields",
                input.fields.as_deref().unwrap_or(DEFAULT_PAGE_FIELDS),
            )
            .query_opt("limit", input.limit)
            .query_opt("after", input.after.as_deref()))
    }

    /// `GET /me/accounts`: one page. Page access tokens in it are remembered.
    pub async fn list(&self, input: &ListPages) -> Result<Vec<Page>> {
        let listing: Listing<Page> = self
            .client
            .runtime()
            .json(self.list_request(input)?)
            .await?;
        for page in &listing.data {
            self.client.remember_page_token(page);
        }
        Ok(listing.data)
    }

    /// Every Page across every page of results; Page access tokens are remembered.
    pub fn list_all(&self, input: &ListPages) -> BoxStream<'static, Result<Page>> {
        let client = self.client.clone();
        all_typed::<Page>(self.client, self.list_request(input))
            .inspect_ok(move |page| client.remember_page_token(page))
            .boxed()
    }

    /// `POST /{page-id}/feed`, authenticated with the Page's access token when one was learnt
    /// from a Pages listing, else with the connection's token (configure a Page token as the
    /// connection's token to publish without listing first).
    pub async fn publish(&self, input: &PublishPost) -> Result<PublishedPost> {
        let token = self.client.page_token(&input.page_id);
        self.send(input, token.as_ref()).await
    }

    /// `POST /{page-id}/feed` with the given Page access token.
    pub async fn publish_with_token(
        &self,
        input: &PublishPost,
        page_token: &SecretString,
    ) -> Result<PublishedPost> {
        self.send(input, Some(page_token)).await
    }

    async fn send(
        &self,
        input: &PublishPost,
        token: Option<&SecretString>,
    ) -> Result<PublishedPost> {
        if input.message.as_deref().unwrap_or("").is_empty()
            && input.link.as_deref().unwrap_or("").is_empty()
        {
            return Err(Error::invalid_input(
                "invalid input for pages.publish: `message` or `link` is required",
            ));
        }
        if input.page_id.trim().is_empty() {
            return Err(Error::invalid_input(
                "invalid input for pages.publish: field `page_id`: must not be empty",
            ));
        }
        let path = [input.page_id.as_str(), "feed"];
        let mut request = match token {
            Some(token) => self
                .client
                .request_as(&PAGES_PUBLISH, Method::POST, &path, token)?,
            None => self.client.request(&PAGES_PUBLISH, Method::POST, &path)?,
        };
        let mut form = Vec::new();
        if let Some(m) = &input.message {
            form.push(("message".to_string(), m.clone()));
        }
        if let Some(l) = &input.link {
            form.push(("link".to_string(), l.clone()));
        }
        if let Some(p) = input.published {
            form.push(("published".to_string(), p.to_string()));
        }
        if let Some(t) = input.scheduled_publish_time {
            form.push(("scheduled_publish_time".to_string(), t.to_string()));
        }
        request.body = RequestBody::Form(form);
        self.client.runtime().json(request).await
    }
}
