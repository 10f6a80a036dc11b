//! Webhook subscriptions: `webhooks.create` (the answer carries the signing secret),
//! `webhooks.list` and `webhooks.delete`.

use http::Method;
use plugboard_core::connector::schema_of;
use plugboard_core::{OperationDescriptor, OperationId, Result};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{Id, RATE_CLASS, invalid, list_of};
use crate::client::ClickupClient;
use crate::models::{NewWebhook, Webhook};

/// `webhooks.create`: not idempotent (a repeat creates a second subscription).
pub const WEBHOOKS_CREATE: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("webhooks.create"),
    summary: "Subscribe an endpoint to Workspace events; the answer carries the signing secret",
    docs_url: "https://developer.clickup.com/reference/createwebhook",
    idempotent: false,
    read_only: false,
    paginated: false,
    rate_class: RATE_CLASS,
    cache_ttl: None,
    input_schema: schema_of::<CreateWebhook>,
    output_schema: schema_of::<NewWebhook>,
};

/// `webhooks.list`.
pub const WEBHOOKS_LIST: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("webhooks.list"),
    summary: "List the Workspace's webhooks created by this token, with their health",
    docs_url: "https://developer.clickup.com/reference/getwebhooks",
    idempotent: true,
    read_only: true,
    paginated: false,
    rate_class: RATE_CLASS,
    cache_ttl: None,
    input_schema: schema_of::<ListWebhooks>,
    output_schema: schema_of::<Vec<Webhook>>,
};

/// `webhooks.delete`.
pub const WEBHOOKS_DELETE: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("webhooks.delete"),
    summary: "Delete a webhook",
    docs_url: "https://developer.clickup.com/reference/deletewebhook",
    idempotent: true,
    read_only: false,
    paginated: false,
    rate_class: RATE_CLASS,
    cache_ttl: None,
    input_schema: schema_of::<DeleteWebhook>,
    output_schema: schema_of::<Value>,
};

/// Input of `webhooks.create`: the endpoint, the events (`["*"]` for all) and at most one
/// location to narrow them to.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWebhook {
    /// The Workspace id.
    pub team_id: Id,
    /// The HTTPS URL ClickUp posts events to.
    pub endpoint: String,
    /// Event names (`taskCreated`, `taskStatusUpdated`...) or `*`.
    pub events: Vec<String>,
    /// Only events in this Space.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub space_id: Option<Id>,
    /// Only events in this Folder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub folder_id: Option<Id>,
    /// Only events in this List.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list_id: Option<Id>,
    /// Only events of this task.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_id: Option<Id>,
}

/// Input of `webhooks.list`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListWebhooks {
    /// The Workspace id.
    pub team_id: Id,
}

/// Input of `webhooks.delete`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeleteWebhook {
    /// The webhook id.
    pub webhook_id: Id,
}

/// The webhooks API.
#[derive(Debug, Clone, Copy)]
pub struct WebhooksApi<'a> {
    pub(crate) client: &'a ClickupClient,
}

impl WebhooksApi<'_> {
    /// `POST /team/{team_id}/webhook`. Keep `webhook.secret` from the answer: it signs every
    /// delivery (configure it as `webhook_secret`), and ClickUp shows it only here.
    pub async fn create(&self, input: &CreateWebhook) -> Result<NewWebhook> {
        if input.events.is_empty() {
            return Err(invalid(
                "webhooks.create",
                "field `events`: name at least one event, or \"*\" for all",
            ));
        }
        let locations = [
            &input.space_id,
            &input.folder_id,
            &input.list_id,
            &input.task_id,
        ];
        if locations.iter().filter(|l| l.is_some()).count() > 1 {
            return Err(invalid(
                "webhooks.create",
                "name at most one of `space_id`, `folder_id`, `list_id` and `task_id`",
            ));
        }
        let mut body = json!({"endpoint": input.endpoint, "events": input.events});
        // ClickUp documents these location ids as integers and the task id as text.
        for (name, id) in [
            ("space_id", &input.space_id),
            ("folder_id", &input.folder_id),
            ("list_id", &input.list_id),
        ] {
            if let Some(id) = id {
                body[name] = id.to_json();
            }
        }
        if let Some(task) = &input.task_id {
            body["task_id"] = json!(task.as_str());
        }
        let request = self
            .client
            .request(&WEBHOOKS_CREATE, Method::POST)?
            .segments(["team", input.team_id.as_str(), "webhook"])
            .json(&body)?;
        self.client.runtime().json(request).await
    }

    /// `GET /team/{team_id}/webhook`.
    pub async fn list(&self, input: &ListWebhooks) -> Result<Vec<Webhook>> {
        let request = self.client.request(&WEBHOOKS_LIST, Method::GET)?.segments([
            "team",
            input.team_id.as_str(),
            "webhook",
        ]);
        list_of(self.client.runtime(), request, "webhooks").await
    }

    /// `DELETE /webhook/{webhook_id}`: ClickUp's answer (an empty object).
    pub async fn delete(&self, input: &DeleteWebhook) -> Result<Value> {
        let request = self
            .client
            .request(&WEBHOOKS_DELETE, Method::DELETE)?
            .segments(["webhook", input.webhook_id.as_str()]);
        super::value(self.client.runtime(), request).await
    }
}
