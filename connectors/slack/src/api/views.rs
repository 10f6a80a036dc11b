//! Modals: `views.open`.

use plugboard_core::connector::schema_of;
use plugboard_core::{OperationDescriptor, OperationId, Result};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::client::SlackClient;
use crate::models::ViewResponse;
use crate::tiers;

/// `views.open`: not idempotent (a `trigger_id` opens one modal, once, within 3 s).
pub const VIEWS_OPEN: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("views.open"),
    summary: "Open a modal for the user of an interaction (views.open)",
    docs_url: "https://docs.slack.dev/reference/methods/views.open",
    idempotent: false,
    read_only: false,
    paginated: false,
    rate_class: tiers::TIER_4,
    cache_ttl: None,
    input_schema: schema_of::<OpenView>,
    output_schema: schema_of::<ViewResponse>,
};

/// Input of `views.open`. One of `trigger_id` and `interactivity_pointer` is required.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenView {
    /// The `trigger_id` of the interaction (valid for 3 s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger_id: Option<String>,
    /// The `interactivity_pointer` of a workflow interaction, instead of `trigger_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interactivity_pointer: Option<String>,
    /// The view: a JSON object with `type: "modal"`, `title`, `blocks`...
    pub view: Value,
}

/// The `views.*` methods.
#[derive(Debug, Clone, Copy)]
pub struct ViewsApi<'a> {
    pub(crate) client: &'a SlackClient,
}

impl ViewsApi<'_> {
    /// `POST /api/views.open`.
    pub async fn open(&self, input: &OpenView) -> Result<ViewResponse> {
        if input.trigger_id.is_none() && input.interactivity_pointer.is_none() {
            return Err(plugboard_core::Error::invalid_input(
                "invalid input for views.open: one of `trigger_id` or `interactivity_pointer` is required",
            ));
        }
        if !input.view.is_object() {
            return Err(plugboard_core::Error::invalid_input(
                "invalid input for views.open: field `view`: must be a JSON object",
            ));
        }
        let request = self.client.post_json(&VIEWS_OPEN, "views.open", input)?;
        self.client.runtime().json(request).await
    }
}
