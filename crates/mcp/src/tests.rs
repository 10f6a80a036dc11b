//! The server against a fake connector (no network): listing, filters, argument handling,
//! pagination, connections, error mapping, extra tools, and a session over an in-memory
//! transport with rmcp's client.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use futures::stream::{self, BoxStream, StreamExt};
use plugboard_core::connector::{find_operation, schema_of};
use plugboard_core::dynamic::{parse_input, unknown_operation};
use plugboard_core::{
    CallContext, Capabilities, Connector, ConnectorConfig, ConnectorId, ConnectorInfo, Error,
    OperationDescriptor, RateClass, Result,
};
use rmcp::ServiceExt;
use rmcp::model::{CallToolRequestParams, CallToolResult, Tool, ToolAnnotations};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::schema::JsonObject;
use crate::{
    BuildError, ExtraTool, McpServerBuilder, PlugboardMcp, ToolFilter, cap_rate_limit_wait,
    describe_operations,
};

static INFO: ConnectorInfo = ConnectorInfo {
    id: ConnectorId::new("fake"),
    name: "Fake",
    docs_url: "https://fake.example/docs",
    default_base_url: "https://api.fake.example",
    capabilities: Capabilities {
        webhooks: None,
        auth: &[],
        health_operation: None,
    },
};

/// Input of `things.get` and `things.delete`.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct ById {
    /// The id.
    id: u64,
}

/// Input of `things.create`.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct Create {
    /// The title.
    title: String,
}

/// Input of `things.list`.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct List {
    /// Filter.
    #[serde(default)]
    #[allow(dead_code)]
    kind: Option<String>,
}

/// A thing.
#[derive(schemars::JsonSchema)]
#[allow(dead_code)]
struct Thing {
    id: u64,
}

const fn op(
    id: &'static str,
    read_only: bool,
    paginated: bool,
    input_schema: fn() -> schemars::Schema,
    output_schema: fn() -> schemars::Schema,
) -> OperationDescriptor {
    OperationDescriptor {
        id: plugboard_core::OperationId::new(id),
        summary: "Does a thing",
        docs_url: "https://fake.example/docs/op",
        idempotent: read_only,
        read_only,
        paginated,
        rate_class: RateClass("core"),
        cache_ttl: None,
        input_schema,
        output_schema,
    }
}

static OPERATIONS: &[OperationDescriptor] = &[
    op(
        "things.create",
        false,
        false,
        schema_of::<Create>,
        schema_of::<Thing>,
    ),
    op(
        "things.delete",
        false,
        false,
        schema_of::<ById>,
        schema_of::<()>,
    ),
    op(
        "things.get",
        true,
        false,
        schema_of::<ById>,
        schema_of::<Thing>,
    ),
    op(
        "things.list",
        true,
        true,
        schema_of::<List>,
        schema_of::<Thing>,
    ),
];

/// What the fake connector was asked: (connection, operation, input).
type Calls = Arc<Mutex<Vec<(String, String, Value)>>>;

struct Fake {
    name: &'static str,
    calls: Calls,
}

impl Fake {
    fn record(&self, ctx: &CallContext, op: &str, input: &Value) {
        assert_eq!(ctx.connection.as_deref(), Some(self.name));
        self.calls
            .lock()
            .unwrap()
            .push((self.name.to_string(), op.to_string(), input.clone()));
    }
}

#[async_trait]
impl Connector for Fake {
    fn info(&self) -> &'static ConnectorInfo {
        &INFO
    }

    fn operations(&self) -> &'static [OperationDescriptor] {
        OPERATIONS
    }

    async fn call(&self, ctx: &CallContext, operation: &str, input: Value) -> Result<Value> {
        let op = find_operation(OPERATIONS, operation)
            .ok_or_else(|| unknown_operation(&INFO, OPERATIONS, operation))?;
        match operation {
            "things.create" => {
                let c: Create = parse_input(op, input.clone())?;
                self.record(ctx, operation, &input);
                Ok(json!({"id": 1, "title": c.title, "via": self.name}))
            }
            "things.get" => {
                let g: ById = parse_input(op, input.clone())?;
                self.record(ctx, operation, &input);
                if g.id == 429 {
                    return Err(Error::rate_limited(
                        Some(Duration::from_secs(120)),
                        "API rate limit exceeded",
                    )
                    .with_status(429)
                    .exhausted());
                }
                Ok(json!({"id": g.id, "via": self.name}))
            }
            "things.delete" => {
                let _: ById = parse_input(op, input.clone())?;
                self.record(ctx, operation, &input);
                Ok(Value::Null)
            }
            "things.list" => {
                let _: List = parse_input(op, input.clone())?;
                self.record(ctx, operation, &input);
                Ok(json!([{"id": 1}, {"id": 2}]))
            }
            _ => Err(unknown_operation(&INFO, OPERATIONS, operation)),
        }
    }

    fn call_all<'a>(
        &'a self,
        ctx: &'a CallContext,
        operation: &'a str,
        input: Value,
    ) -> BoxStream<'a, Result<Value>> {
        self.record(ctx, &format!("{operation}(all)"), &input);
        stream::iter((1..=5).map(|id| Ok(json!({"id": id})))).boxed()
    }

    async fn health(&self, _ctx: &CallContext) -> Result<Value> {
        Ok(Value::Null)
    }
}

struct Echo;

#[async_trait]
impl ExtraTool for Echo {
    fn tool(&self) -> Tool {
        let schema = json!({
            "type": "object",
            "properties": {"text": {"type": "string"}},
            "required": ["text"],
        });
        Tool::new(
            "echo_report",
            "Echoes its text",
            Arc::new(schema.as_object().unwrap().clone()),
        )
        .with_annotations(ToolAnnotations::new().read_only(true))
    }

    fn connectors(&self) -> &[&str] {
        &["fake"]
    }

    async fn call(&self, arguments: Value) -> Result<Value> {
        match arguments.get("text").and_then(Value::as_str) {
            Some(text) => Ok(json!(text)),
            None => {
                Err(Error::invalid_input("field `text` is required").with_context("field", "text"))
            }
        }
    }
}

fn server(filter: ToolFilter, names: &[&'static str]) -> (PlugboardMcp, Calls) {
    let calls = Calls::default();
    let mut builder = McpServerBuilder::new("plugboard", "0.0.0-test").filter(filter);
    for name in names {
        builder = builder.connection(
            *name,
            Arc::new(Fake {
                name,
                calls: calls.clone(),
            }),
        );
    }
    let server = builder.extra_tool(Arc::new(Echo)).build().unwrap();
    (server, calls)
}

fn args(v: Value) -> Option<JsonObject> {
    Some(v.as_object().unwrap().clone())
}

fn structured(r: &CallToolResult) -> &Value {
    r.structured_content.as_ref().expect("structured content")
}

fn names(server: &PlugboardMcp) -> Vec<&str> {
    server.tools().iter().map(|t| t.name.as_ref()).collect()
}

#[test]
fn every_operation_is_a_tool_with_object_schemas_and_annotations() {
    let (server, _) = server(ToolFilter::default(), &["default"]);
    assert_eq!(
        names(&server),
        [
            "echo_report",
            "fake_things_create",
            "fake_things_delete",
            "fake_things_get",
            "fake_things_list"
        ]
    );
    for tool in server.tools() {
        assert_eq!(tool.input_schema["type"], "object", "{}", tool.name);
    }
    let create = &server.tools()[1];
    let a = create.annotations.as_ref().unwrap();
    assert_eq!(
        (
            a.read_only_hint,
            a.destructive_hint,
            a.idempotent_hint,
            a.open_world_hint
        ),
        (Some(false), Some(true), Some(false), Some(true))
    );
    let description = create.description.as_deref().unwrap();
    assert!(description.starts_with("Does a thing."), "{description}");
    assert!(
        description.contains("https://fake.example/docs/op"),
        "{description}"
    );
    assert_eq!(
        create.output_schema.as_ref().unwrap()["type"],
        "object",
        "object outputs keep their schema"
    );
    let get = &server.tools()[3];
    let a = get.annotations.as_ref().unwrap();
    assert_eq!(
        (a.read_only_hint, a.destructive_hint),
        (Some(true), Some(false))
    );
    assert!(
        !get.input_schema["properties"]
            .as_object()
            .unwrap()
            .contains_key("connection"),
        "one connection: no `connection` argument"
    );
    let list = &server.tools()[4];
    let props = list.input_schema["properties"].as_object().unwrap();
    assert!(props.contains_key("all") && props.contains_key("max_items"));
    assert_eq!(
        list.output_schema.as_ref().unwrap()["properties"]["items"]["type"],
        "array"
    );
    let delete = &server.tools()[2];
    assert_eq!(
        delete.output_schema.as_ref().unwrap()["required"],
        json!(["result"])
    );
}

#[test]
fn operations_can_be_described_without_a_connection() {
    let tools = describe_operations(&INFO, OPERATIONS).unwrap();
    let (server, _) = server(ToolFilter::default(), &["default"]);
    assert_eq!(
        tools.as_slice(),
        &server.tools()[1..],
        "the same tools as served"
    );
}

#[tokio::test]
async fn filters_hide_tools_and_hidden_tools_cannot_be_called() {
    let (server, calls) = server(ToolFilter::new(true, None, None), &["default"]);
    assert_eq!(
        names(&server),
        ["echo_report", "fake_things_get", "fake_things_list"]
    );
    let e = server
        .call("fake_things_create", args(json!({"title": "t"})))
        .await
        .unwrap_err();
    assert_eq!(e.code, rmcp::model::ErrorCode::INVALID_PARAMS);
    assert!(
        e.message.contains("unknown tool: fake_things_create"),
        "{e:?}"
    );
    assert!(calls.lock().unwrap().is_empty(), "nothing was called");

    let (server, _) = server_with(ToolFilter::new(
        false,
        Some(vec!["fake_things_get".into(), "echo_report".into()]),
        None,
    ));
    assert_eq!(names(&server), ["echo_report", "fake_things_get"]);

    let (server, _) = server_with(ToolFilter::new(false, None, Some(vec!["fake".into()])));
    assert_eq!(server.tools().len(), 5);

    for (filter, unknown) in [
        (
            ToolFilter::new(false, Some(vec!["fake_things_nope".into()]), None),
            "fake_things_nope",
        ),
        (
            ToolFilter::new(false, None, Some(vec!["nosuch".into()])),
            "nosuch",
        ),
    ] {
        let e = McpServerBuilder::new("p", "0")
            .connection("default", fake())
            .filter(filter)
            .build()
            .unwrap_err();
        assert!(matches!(e, BuildError::UnknownNames(_)), "{e:?}");
        assert!(e.message().contains(unknown), "{e}");
    }
}

fn fake() -> Arc<dyn Connector> {
    Arc::new(Fake {
        name: "default",
        calls: Calls::default(),
    })
}

fn server_with(filter: ToolFilter) -> (PlugboardMcp, Calls) {
    server(filter, &["default"])
}

/// A connector that exists but has no connection.
static KNOWN: plugboard_core::ConnectorDescriptor = plugboard_core::ConnectorDescriptor {
    info: &ConnectorInfo {
        id: ConnectorId::new("other"),
        name: "Other",
        docs_url: "",
        default_base_url: "",
        capabilities: Capabilities {
            webhooks: None,
            auth: &[],
            health_operation: None,
        },
    },
    operations: OPERATIONS,
    webhook_verifier: None,
    example_config: "",
    config_keys: &[],
    build: |_| Err(Error::config("test")),
};

#[test]
fn known_connectors_make_unconfigured_names_valid_and_bad_setups_are_refused() {
    let server = McpServerBuilder::new("p", "0")
        .known_connectors([&KNOWN])
        .connection("default", fake())
        .filter(ToolFilter::new(
            false,
            Some(vec!["other_things_get".into(), "fake_things_get".into()]),
            Some(vec!["other".into(), "fake".into()]),
        ))
        .build()
        .unwrap();
    assert_eq!(names(&server), ["fake_things_get"]);

    let e = McpServerBuilder::new("p", "0")
        .connection("default", fake())
        .connection("default", fake())
        .build()
        .unwrap_err();
    assert!(matches!(e, BuildError::Invalid(_)), "{e:?}");

    struct Bad;
    #[async_trait]
    impl ExtraTool for Bad {
        fn tool(&self) -> Tool {
            Tool::new("fake_things_get", "clash", Arc::new(JsonObject::new()))
        }
        async fn call(&self, _: Value) -> Result<Value> {
            Ok(Value::Null)
        }
    }
    let e = McpServerBuilder::new("p", "0")
        .connection("default", fake())
        .extra_tool(Arc::new(Bad))
        .build()
        .unwrap_err();
    assert!(matches!(e, BuildError::Invalid(_)), "{e:?}");
}

#[tokio::test]
async fn a_call_returns_the_output_as_structured_content_and_text() {
    let (server, calls) = server(ToolFilter::default(), &["default"]);
    let r = server
        .call("fake_things_create", args(json!({"title": "Hello"})))
        .await
        .unwrap();
    assert_eq!(r.is_error, Some(false));
    assert_eq!(
        structured(&r),
        &json!({"id": 1, "title": "Hello", "via": "default"})
    );
    let text: Value = serde_json::from_str(&r.content[0].as_text().unwrap().text).unwrap();
    assert_eq!(&text, structured(&r));
    assert_eq!(
        calls.lock().unwrap().as_slice(),
        [(
            "default".to_string(),
            "things.create".to_string(),
            json!({"title": "Hello"})
        )]
    );

    let r = server
        .call("fake_things_delete", args(json!({"id": 3})))
        .await
        .unwrap();
    assert_eq!(structured(&r), &json!({"result": null}));
}

#[tokio::test]
async fn invalid_arguments_are_tool_errors_naming_the_field_and_nothing_is_called() {
    let (server, calls) = server(ToolFilter::default(), &["default"]);
    for (tool, arguments, field) in [
        ("fake_things_get", json!({"id": "seven"}), "id"),
        ("fake_things_get", json!({"id": 1, "bogus": true}), "bogus"),
        ("fake_things_create", json!({}), "title"),
        (
            "fake_things_get",
            json!({"id": 1, "connection": "x"}),
            "connection",
        ),
        ("fake_things_list", json!({"all": "yes"}), "all"),
        ("fake_things_list", json!({"max_items": 0}), "max_items"),
    ] {
        let r = server.call(tool, args(arguments.clone())).await.unwrap();
        assert_eq!(r.is_error, Some(true), "{arguments}");
        let e = &structured(&r)["error"];
        assert_eq!(e["kind"], "invalid_input", "{arguments}: {e}");
        assert!(
            e["message"].as_str().unwrap().contains(field),
            "{arguments}: {e}"
        );
        let text = &r.content[0].as_text().unwrap().text;
        assert!(text.contains(field), "{text}");
    }
    let r = server.call("fake_things_get", None).await.unwrap();
    assert_eq!(r.is_error, Some(true), "missing arguments are `{{}}`");
    assert!(
        calls.lock().unwrap().is_empty(),
        "{:?}",
        calls.lock().unwrap()
    );
}

#[tokio::test]
async fn a_rate_limit_is_a_tool_error_with_its_wait() {
    let (server, _) = server(ToolFilter::default(), &["default"]);
    let r = server
        .call("fake_things_get", args(json!({"id": 429})))
        .await
        .unwrap();
    assert_eq!(r.is_error, Some(true));
    let e = &structured(&r)["error"];
    assert_eq!(e["kind"], "rate_limited");
    assert_eq!(e["retry_after_secs"], 120);
    assert_eq!(e["status"], 429);
    assert_eq!(e["connector"], "fake");
    assert_eq!(e["operation"], "things.get");
    assert_eq!(e["retryable"], true);
}

#[tokio::test]
async fn paginated_tools_return_the_first_page_or_follow_pages_up_to_max_items() {
    let (server, calls) = server(ToolFilter::default(), &["default"]);
    let first = server
        .call("fake_things_list", args(json!({"kind": "a"})))
        .await
        .unwrap();
    assert_eq!(
        structured(&first),
        &json!({"items": [{"id": 1}, {"id": 2}]})
    );
    let all = server
        .call("fake_things_list", args(json!({"all": true})))
        .await
        .unwrap();
    assert_eq!(structured(&all)["items"].as_array().unwrap().len(), 5);
    assert!(structured(&all).get("truncated").is_none());
    let some = server
        .call(
            "fake_things_list",
            args(json!({"max_items": 3, "kind": "b"})),
        )
        .await
        .unwrap();
    assert_eq!(
        structured(&some),
        &json!({"items": [{"id": 1}, {"id": 2}, {"id": 3}], "truncated": true})
    );
    let seen: Vec<(String, Value)> = calls
        .lock()
        .unwrap()
        .iter()
        .map(|(_, op, input)| (op.clone(), input.clone()))
        .collect();
    assert_eq!(
        seen,
        [
            ("things.list".to_string(), json!({"kind": "a"})),
            ("things.list(all)".to_string(), json!({})),
            ("things.list(all)".to_string(), json!({"kind": "b"})),
        ],
        "plugboard's arguments are stripped before the call"
    );
}

#[tokio::test]
async fn several_connections_share_tools_and_connection_picks_one() {
    let (server, calls) = server(ToolFilter::default(), &["default", "acme"]);
    let get = server
        .tools()
        .iter()
        .find(|t| t.name == "fake_things_get")
        .unwrap();
    assert_eq!(
        get.input_schema["properties"]["connection"]["enum"],
        json!(["acme", "default"])
    );
    assert_eq!(
        get.input_schema["properties"]["connection"]["default"],
        "default"
    );
    let r = server
        .call("fake_things_get", args(json!({"id": 1})))
        .await
        .unwrap();
    assert_eq!(structured(&r)["via"], "default");
    let r = server
        .call(
            "fake_things_get",
            args(json!({"id": 1, "connection": "acme"})),
        )
        .await
        .unwrap();
    assert_eq!(structured(&r)["via"], "acme");
    let r = server
        .call(
            "fake_things_get",
            args(json!({"id": 1, "connection": "globex"})),
        )
        .await
        .unwrap();
    assert_eq!(structured(&r)["error"]["field"], "connection");
    assert_eq!(calls.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn extra_tools_are_listed_filtered_and_called_like_operations() {
    let (server, _) = server(ToolFilter::default(), &["default"]);
    let r = server
        .call("echo_report", args(json!({"text": "hi"})))
        .await
        .unwrap();
    assert_eq!(structured(&r), &json!({"result": "hi"}));
    let r = server.call("echo_report", args(json!({}))).await.unwrap();
    assert_eq!(r.is_error, Some(true));
    assert_eq!(structured(&r)["error"]["field"], "text");

    let served = |filter: ToolFilter| {
        let server = McpServerBuilder::new("p", "0")
            .known_connectors([&KNOWN])
            .connection("default", fake())
            .extra_tool(Arc::new(Echo))
            .filter(filter)
            .build()
            .unwrap();
        names(&server).contains(&"echo_report")
    };
    assert!(served(ToolFilter::new(
        true,
        None,
        Some(vec!["fake".into()])
    )));
    assert!(!served(ToolFilter::new(
        false,
        None,
        Some(vec!["other".into()])
    )));
    assert!(!served(ToolFilter::new(
        false,
        Some(vec!["fake_things_get".into()]),
        None
    )));
}

#[test]
fn the_rate_limit_wait_is_capped_unless_configured() {
    let mut config = ConnectorConfig::default();
    cap_rate_limit_wait(&mut config);
    assert_eq!(config.policy.max_rate_limit_wait_secs, Some(2.0));
    config.policy.max_rate_limit_wait_secs = Some(0.0);
    cap_rate_limit_wait(&mut config);
    assert_eq!(config.policy.max_rate_limit_wait_secs, Some(0.0));
}

#[tokio::test]
async fn a_client_session_initializes_lists_and_calls_over_a_transport() {
    let (server, calls) = server(ToolFilter::default(), &["default"]);
    let (server_io, client_io) = tokio::io::duplex(64 * 1024);
    let (running, client) = tokio::join!(server.serve(server_io), ().serve(client_io));
    let running = running.unwrap();
    let client = client.unwrap();

    let info = client.peer_info().expect("initialized");
    let implementation = info.server_info.as_ref().unwrap();
    assert_eq!(
        (
            implementation.name.as_str(),
            implementation.version.as_str()
        ),
        ("plugboard", "0.0.0-test")
    );
    assert!(info.capabilities.tools.is_some());

    let tools = client.list_all_tools().await.unwrap();
    assert_eq!(tools.len(), 5);
    let r = client
        .call_tool(
            CallToolRequestParams::new("fake_things_get")
                .with_arguments(args(json!({"id": 9})).unwrap()),
        )
        .await
        .unwrap();
    assert_eq!(
        r.structured_content,
        Some(json!({"id": 9, "via": "default"}))
    );
    let e = client
        .call_tool(CallToolRequestParams::new("fake_nope"))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("unknown tool"), "{e}");
    assert_eq!(calls.lock().unwrap().len(), 1);

    client.cancel().await.unwrap();
    running.waiting().await.unwrap();
}
