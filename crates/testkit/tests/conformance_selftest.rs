//! The conformance suite run against a small connector written here: it passes for the correct
//! connector, and specific checks fail for deliberately broken variants (POSTs retried, token
//! in the URL, unsorted operations, a verifier that accepts anything).

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::SystemTime;

use async_trait::async_trait;
use futures::FutureExt;
use futures::stream::{self, BoxStream, StreamExt};
use http::Method;
use plugboard_core::auth::{AuthProvider, NoAuth, StaticToken};
use plugboard_core::connector::{
    AuthKind, Capabilities, ConnectorInfo, OperationDescriptor, RateClass, WebhookInfo, schema_of,
};
use plugboard_core::dynamic::{parse_input, to_output, unknown_operation};
use plugboard_core::signing::verify_shared_token;
use plugboard_core::webhook::{
    STANDARD_WEBHOOKS, VerifiedWebhook, WebhookError, WebhookRequest, WebhookSecrets,
    WebhookVerifier,
};
use plugboard_core::{
    ApiRequest, CallContext, Connector, ConnectorConfig, ConnectorDescriptor, ConnectorId, Error,
    ExposeSecret, OperationId, PageSpec, Pagination, Policy, Result, Runtime, SecretString,
};
use plugboard_testkit::conformance::{
    self, ConformanceSpec, MockedCall, PaginatedCall, WebhookCase,
};
use plugboard_testkit::webhooks;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------------
// The connector under test: "things", a tiny REST API.

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct GetInput {
    id: u64,
}

#[derive(Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct CreateInput {
    name: String,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ListInput {
    per_page: Option<u32>,
}

#[derive(Deserialize, Serialize, JsonSchema)]
struct Thing {
    id: u64,
    name: String,
}

const ID: ConnectorId = ConnectorId::new("things");
const BASE: &str = "https://api.things.example";

static INFO: ConnectorInfo = ConnectorInfo {
    id: ID,
    name: "Things",
    docs_url: "https://docs.things.example",
    default_base_url: BASE,
    capabilities: Capabilities {
        webhooks: Some(WebhookInfo {
            scheme: "Standard Webhooks",
            event_id: "webhook-id header",
            handshake: false,
        }),
        auth: &[AuthKind::Token],
        health_operation: Some(OperationId::new("things.list")),
    },
};

const CREATE: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("things.create"),
    summary: "Create a thing",
    docs_url: "https://docs.things.example/create",
    idempotent: false,
    read_only: false,
    paginated: false,
    rate_class: RateClass("core"),
    cache_ttl: None,
    input_schema: schema_of::<CreateInput>,
    output_schema: schema_of::<Thing>,
};

const GET: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("things.get"),
    summary: "Get a thing",
    docs_url: "https://docs.things.example/get",
    idempotent: true,
    read_only: true,
    paginated: false,
    rate_class: RateClass("core"),
    cache_ttl: Some(std::time::Duration::from_secs(60)),
    input_schema: schema_of::<GetInput>,
    output_schema: schema_of::<Thing>,
};

const LIST: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("things.list"),
    summary: "List things",
    docs_url: "https://docs.things.example/list",
    idempotent: true,
    read_only: true,
    paginated: true,
    rate_class: RateClass("core"),
    cache_ttl: None,
    input_schema: schema_of::<ListInput>,
    output_schema: schema_of::<Thing>,
};

static OPERATIONS: [OperationDescriptor; 3] = [CREATE, GET, LIST];

const PAGES: PageSpec = PageSpec::new(
    Pagination::PageNumber {
        param: "page",
        first: 1,
        last_page: None,
    },
    "/items",
);

const EXAMPLE_CONFIG: &str = r#"
token = "things-example-token-do-not-leak"
webhook_secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

[policy]
total_timeout_secs = 20.0

[settings]
api_version = "2024-01-01"
"#;

/// Deliberate bugs the suite must catch.
#[derive(Clone, Copy, Default)]
struct Flaws {
    retry_posts: bool,
    token_in_query: bool,
    token_in_errors: bool,
}

struct ThingsConnector {
    runtime: Runtime,
    token: SecretString,
    flaws: Flaws,
}

fn build_with(config: ConnectorConfig, flaws: Flaws) -> Result<Arc<dyn Connector>> {
    let token = config.require_token(ID)?.clone();
    let policy = Policy::default().with_overrides(&config.policy)?;
    let auth: Arc<dyn AuthProvider> = if flaws.token_in_query {
        Arc::new(NoAuth)
    } else {
        Arc::new(StaticToken::bearer(&token, "default")?)
    };
    let runtime = Runtime::builder(ID)
        .policy(policy)
        .origin(config.base_url.clone())
        .auth(auth)
        .build()?;
    Ok(Arc::new(ThingsConnector {
        runtime,
        token,
        flaws,
    }))
}

fn build(config: ConnectorConfig) -> Result<Arc<dyn Connector>> {
    build_with(config, Flaws::default())
}

impl ThingsConnector {
    fn request(&self, op: &OperationDescriptor, method: Method) -> Result<ApiRequest> {
        let mut request = ApiRequest::new(op, method, BASE)?;
        if self.flaws.token_in_query {
            request = request.query("access_token", self.token.expose_secret());
        }
        if self.flaws.retry_posts {
            request.idempotent = true;
        }
        Ok(request)
    }

    fn list_request(&self, input: Value) -> Result<ApiRequest> {
        let input: ListInput = parse_input(&LIST, input)?;
        Ok(self
            .request(&LIST, Method::GET)?
            .segments(["things"])
            .query_opt("per_page", input.per_page))
    }

    async fn dispatch(&self, _ctx: &CallContext, operation: &str, input: Value) -> Result<Value> {
        match operation {
            "things.get" => {
                let input: GetInput = parse_input(&GET, input)?;
                let request = self
                    .request(&GET, Method::GET)?
                    .segments(["things", &input.id.to_string()]);
                let thing: Thing = self.runtime.json(request).await?;
                to_output(&thing)
            }
            "things.create" => {
                let input: CreateInput = parse_input(&CREATE, input)?;
                let request = self
                    .request(&CREATE, Method::POST)?
                    .segments(["things"])
                    .json(&input)?;
                let thing: Thing = self.runtime.json(request).await?;
                to_output(&thing)
            }
            "things.list" => {
                let page = self.runtime.page(self.list_request(input)?, &PAGES).await?;
                Ok(Value::Array(page.items))
            }
            other => Err(unknown_operation(&INFO, &OPERATIONS, other)),
        }
    }
}

#[async_trait]
impl Connector for ThingsConnector {
    fn info(&self) -> &'static ConnectorInfo {
        &INFO
    }

    fn operations(&self) -> &'static [OperationDescriptor] {
        &OPERATIONS
    }

    async fn call(&self, ctx: &CallContext, operation: &str, input: Value) -> Result<Value> {
        let result = self.dispatch(ctx, operation, input).await;
        if self.flaws.token_in_errors {
            return result.map_err(|e| {
                let message = format!("{} (sent with {})", e.message(), self.token.expose_secret());
                Error::new(e.kind(), message)
            });
        }
        result
    }

    fn call_all<'a>(
        &'a self,
        ctx: &'a CallContext,
        operation: &'a str,
        input: Value,
    ) -> BoxStream<'a, Result<Value>> {
        if operation != "things.list" {
            return stream::once(self.call(ctx, operation, input)).boxed();
        }
        match self.list_request(input) {
            Ok(request) => self.runtime.paginate(request, PAGES),
            Err(e) => stream::once(async move { Err(e) }).boxed(),
        }
    }

    async fn health(&self, ctx: &CallContext) -> Result<Value> {
        self.call(ctx, "things.list", json!({})).await
    }

    fn webhook_verifier(&self) -> Option<&'static dyn WebhookVerifier> {
        DESCRIPTOR.webhook_verifier
    }
}

const CORRECT: ConnectorDescriptor = ConnectorDescriptor {
    info: &INFO,
    operations: &OPERATIONS,
    webhook_verifier: Some(&STANDARD_WEBHOOKS),
    example_config: EXAMPLE_CONFIG,
    config_keys: &[],
    build,
};

/// Registered as a plain static, not through `inventory`.
static DESCRIPTOR: ConnectorDescriptor = CORRECT;

// ---------------------------------------------------------------------------------------------
// The spec, and the suite on the correct connector.

const WHSEC: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const SENT_AT: i64 = 1_700_000_000;

fn golden() -> webhooks::SignedDelivery {
    webhooks::standard_webhooks(
        WHSEC,
        "msg_2Lh9KRb0pVdHv5iWZ8tFz",
        SENT_AT,
        r#"{"type":"thing.created","data":{"id":7,"name":"seven"}}"#,
    )
}

fn spec_for(descriptor: &'static ConnectorDescriptor) -> ConformanceSpec {
    ConformanceSpec {
        descriptor,
        read: MockedCall {
            operation: "things.get",
            input: json!({"id": 7}),
            method: "GET",
            path: "/things/7",
            response: json!({"id": 7, "name": "seven"}),
        },
        write: Some(MockedCall {
            operation: "things.create",
            input: json!({"name": "eight"}),
            method: "POST",
            path: "/things",
            response: json!({"id": 8, "name": "eight"}),
        }),
        paginated: Some(PaginatedCall {
            operation: "things.list",
            input: json!({}),
            expected_items: 5,
            mount: |mock| {
                Box::pin(mock.mount_page_number_pages(
                    "/things",
                    "page",
                    1,
                    vec![
                        json!({"items": [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}]}),
                        json!({"items": [{"id": 3, "name": "c"}, {"id": 4, "name": "d"}]}),
                        json!({"items": [{"id": 5, "name": "e"}]}),
                        json!({"items": []}),
                    ],
                ))
            },
        }),
        webhook: Some(WebhookCase {
            secret: WHSEC,
            delivery: golden,
            now: SENT_AT as u64 + 10,
            expected_event_id: "msg_2Lh9KRb0pVdHv5iWZ8tFz",
            expected_event_type: "thing.created",
            replay_window_secs: Some(300),
            signature_headers: &["webhook-signature"],
            signs_body: true,
        }),
    }
}

fn spec() -> ConformanceSpec {
    spec_for(&DESCRIPTOR)
}

plugboard_testkit::conformance_tests!(spec);

#[tokio::test]
async fn run_all_passes_for_the_correct_connector() {
    conformance::run_all(&spec()).await;
}

// ---------------------------------------------------------------------------------------------
// Broken variants: each must make a specific check fail, for the right reason.

async fn expect_failure(check: impl Future<Output = ()>, needle: &str) {
    let payload = AssertUnwindSafe(check)
        .catch_unwind()
        .await
        .expect_err("the check passed for a broken connector");
    let message = payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default();
    assert!(
        message.contains(needle),
        "the check failed, but not with {needle:?}: {message}"
    );
}

fn build_retrying_posts(config: ConnectorConfig) -> Result<Arc<dyn Connector>> {
    build_with(
        config,
        Flaws {
            retry_posts: true,
            ..Flaws::default()
        },
    )
}

static RETRIES_POSTS: ConnectorDescriptor = ConnectorDescriptor {
    build: build_retrying_posts,
    ..CORRECT
};

#[tokio::test]
async fn a_connector_that_retries_posts_fails_the_idempotency_check() {
    expect_failure(
        conformance::server_error_retried_only_when_idempotent(&spec_for(&RETRIES_POSTS)),
        "things.create answered 500 (a non-idempotent call must not be retried): expected exactly 1 request(s) to POST /things",
    )
    .await;
}

fn build_token_in_query(config: ConnectorConfig) -> Result<Arc<dyn Connector>> {
    build_with(
        config,
        Flaws {
            token_in_query: true,
            ..Flaws::default()
        },
    )
}

static TOKEN_IN_QUERY: ConnectorDescriptor = ConnectorDescriptor {
    build: build_token_in_query,
    ..CORRECT
};

#[tokio::test]
async fn a_connector_that_puts_the_token_in_the_url_fails_request_shape() {
    expect_failure(
        conformance::request_shape(&spec_for(&TOKEN_IN_QUERY)),
        "things.get puts the token in the URL",
    )
    .await;
}

static UNSORTED_OPERATIONS: [OperationDescriptor; 3] = [GET, CREATE, LIST];

static UNSORTED: ConnectorDescriptor = ConnectorDescriptor {
    operations: &UNSORTED_OPERATIONS,
    ..CORRECT
};

#[tokio::test]
async fn unsorted_operations_fail_descriptor_sanity() {
    expect_failure(
        conformance::descriptor_sanity(&spec_for(&UNSORTED)),
        "operations must be sorted by id and unique",
    )
    .await;
}

/// A verifier that checks nothing about the delivery: it proves "a signature matched" by
/// comparing the configured secret with itself.
struct AcceptsAnything;

impl WebhookVerifier for AcceptsAnything {
    fn scheme(&self) -> &'static str {
        "accepts anything (broken on purpose)"
    }

    fn verify(
        &self,
        request: &WebhookRequest<'_>,
        secrets: &WebhookSecrets,
        now: SystemTime,
    ) -> std::result::Result<VerifiedWebhook, WebhookError> {
        let secret = secrets.iter().next().ok_or(WebhookError::NoSecret)?;
        let proof = verify_shared_token(secrets, secret.expose_secret())?;
        let id = request.header("webhook-id").unwrap_or("none").to_string();
        Ok(VerifiedWebhook::new(
            proof,
            id,
            "thing.created",
            request.body.clone(),
            now,
        ))
    }
}

static ACCEPTS_ANYTHING: AcceptsAnything = AcceptsAnything;

static LAX_WEBHOOKS: ConnectorDescriptor = ConnectorDescriptor {
    webhook_verifier: Some(&ACCEPTS_ANYTHING),
    ..CORRECT
};

#[tokio::test]
async fn a_verifier_that_accepts_anything_fails_every_rejection_check() {
    let spec = spec_for(&LAX_WEBHOOKS);
    conformance::webhook_golden_accepted(&spec).await;
    expect_failure(
        conformance::webhook_tampered_rejected(&spec),
        "the verifier accepted a tampered body",
    )
    .await;
    expect_failure(
        conformance::webhook_wrong_secret_rejected(&spec),
        "the verifier accepted a delivery signed with another secret",
    )
    .await;
    expect_failure(
        conformance::webhook_stale_rejected(&spec),
        "the verifier accepted the golden delivery 601s after its time",
    )
    .await;
    expect_failure(
        conformance::webhook_missing_signature_rejected(&spec),
        "the verifier accepted a delivery without webhook-signature",
    )
    .await;
}

#[tokio::test]
async fn a_spec_that_skips_the_write_case_fails_descriptor_sanity() {
    let mut spec = spec();
    spec.write = None;
    expect_failure(
        conformance::descriptor_sanity(&spec),
        "operation things.create is not idempotent, so the spec needs a `write` case",
    )
    .await;
}

#[tokio::test]
async fn a_wrong_expected_item_count_fails_pagination() {
    let mut spec = spec();
    if let Some(p) = spec.paginated.as_mut() {
        p.expected_items = 4;
    }
    expect_failure(
        conformance::pagination_terminates(&spec),
        "call_all(things.list) yielded 5 items, expected 4",
    )
    .await;
}

fn build_leaking_errors(config: ConnectorConfig) -> Result<Arc<dyn Connector>> {
    build_with(
        config,
        Flaws {
            token_in_errors: true,
            ..Flaws::default()
        },
    )
}

static LEAKS_IN_ERRORS: ConnectorDescriptor = ConnectorDescriptor {
    build: build_leaking_errors,
    ..CORRECT
};

#[tokio::test]
async fn a_connector_that_shows_the_token_in_errors_fails() {
    let spec = spec_for(&LEAKS_IN_ERRORS);
    expect_failure(
        conformance::request_shape(&spec),
        "the error of a call answered 500 shows the token",
    )
    .await;
    expect_failure(
        conformance::unauthorized_401(&spec),
        "the error of a 401 shows the token",
    )
    .await;
}
