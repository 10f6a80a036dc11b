//! The page helpers of `MockPlatform` serve what the core paginator follows: every item once,
//! then the end, with nothing unexpected requested.

use futures::TryStreamExt;
use http::Method;
use plugboard_core::connector::{OperationDescriptor, RateClass, schema_of};
use plugboard_core::{ApiRequest, ConnectorId, OperationId, PageSpec, Pagination, Runtime};
use plugboard_testkit::MockPlatform;
use serde_json::{Value, json};

const LIST: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("issues.list"),
    summary: "List issues",
    docs_url: "",
    idempotent: true,
    read_only: true,
    paginated: true,
    rate_class: RateClass("core"),
    cache_ttl: None,
    input_schema: schema_of::<()>,
    output_schema: schema_of::<()>,
};

async fn collect(mock: &MockPlatform, spec: PageSpec, path: &str) -> Vec<Value> {
    let runtime = Runtime::builder(ConnectorId::new("pages"))
        .origin(Some(mock.url()))
        .build()
        .unwrap();
    let request = ApiRequest::new(&LIST, Method::GET, "https://api.example.com")
        .unwrap()
        .segments(path.trim_start_matches('/').split('/'))
        .query("per_page", 2);
    runtime.paginate(request, spec).try_collect().await.unwrap()
}

#[tokio::test]
async fn link_header_pages_are_followed_to_the_end() {
    let mock = MockPlatform::start().await;
    mock.mount_link_header_pages(
        "/repos/o/r/issues",
        vec![json!([1, 2]), json!([3, 4]), json!([5])],
    )
    .await;
    let items = collect(
        &mock,
        PageSpec::new(Pagination::LinkHeader, ""),
        "/repos/o/r/issues",
    )
    .await;
    assert_eq!(
        items,
        vec![json!(1), json!(2), json!(3), json!(4), json!(5)]
    );
    mock.assert_no_unexpected();
    let pages: Vec<Option<String>> = mock
        .received_requests()
        .await
        .iter()
        .map(|r| r.url.query().map(str::to_string))
        .collect();
    assert_eq!(
        pages,
        vec![
            Some("per_page=2".to_string()),
            Some("page=2".to_string()),
            Some("page=3".to_string())
        ]
    );
}

#[tokio::test]
async fn page_number_pages_end_on_the_empty_page() {
    let mock = MockPlatform::start().await;
    mock.mount_page_number_pages(
        "/things",
        "page",
        1,
        vec![
            json!({"items": [1, 2]}),
            json!({"items": [3]}),
            json!({"items": []}),
        ],
    )
    .await;
    let spec = PageSpec::new(
        Pagination::PageNumber {
            param: "page",
            first: 1,
            last_page: None,
        },
        "/items",
    );
    let items = collect(&mock, spec, "/things").await;
    assert_eq!(items, vec![json!(1), json!(2), json!(3)]);
    mock.assert_no_unexpected();
    assert_eq!(mock.received_requests().await.len(), 3);
}
