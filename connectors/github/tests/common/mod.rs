//! Helpers shared by the GitHub connector's test binaries: a connector pointed at a mock
//! GitHub, the headers every request must carry, fixtures and `Link`-header pages.
#![allow(dead_code)] // each test binary uses a subset

use plugboard_core::{ConnectorConfig, SecretString};
use plugboard_github::GithubConnector;
use plugboard_testkit::MockPlatform;
use plugboard_testkit::wiremock::matchers::{header, method, path, query_param};
use plugboard_testkit::wiremock::{Mock, MockBuilder, ResponseTemplate};
use serde_json::Value;

/// The personal access token the tests configure.
pub const TOKEN: &str = "ghp_test_token_0123456789";

/// A fixture from `tests/fixtures`.
pub fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).expect(&path)).unwrap()
}

/// The configuration of a connector pointed at `uri` with [`TOKEN`] and a 5 s deadline.
pub fn config(uri: &str) -> ConnectorConfig {
    let mut config = ConnectorConfig {
        base_url: Some(uri.parse().unwrap()),
        token: Some(SecretString::from(TOKEN)),
        ..Default::default()
    };
    config.policy.total_timeout_secs = Some(5.0);
    config
}

/// A connector pointed at the mock.
pub fn connector(mock: &MockPlatform) -> GithubConnector {
    GithubConnector::from_config(&config(&mock.uri())).unwrap()
}

/// Requires the headers every GitHub request carries: the token, the media type and the API
/// version.
pub fn github_headers(mock: MockBuilder) -> MockBuilder {
    mock.and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header("accept", "application/vnd.github+json"))
        .and(header("x-github-api-version", "2022-11-28"))
}

/// `METHOD path` with GitHub's headers required.
pub fn github(verb: &str, p: &str) -> MockBuilder {
    github_headers(Mock::given(method(verb)).and(path(p)))
}

/// Mounts `pages` of a list the way GitHub serves them: `first` (a builder with the first
/// request's matchers) answers page 1; page `n > 1` is served at `next_path?page=n` (GitHub's
/// links use `/repositories/{id}/...`); every page but the last has a `Link` header with
/// `rel="next"` and `rel="last"`. Each page must be requested `times` times.
pub async fn mount_link_pages(
    mock: &MockPlatform,
    first: MockBuilder,
    next_path: &str,
    pages: Vec<Value>,
    times: u64,
) {
    let last = pages.len();
    let mut first = Some(first);
    let base = format!("{}{next_path}", mock.uri());
    for (index, body) in pages.into_iter().enumerate() {
        let number = index + 1;
        let mut links = Vec::new();
        if number < last {
            links.push(format!(
                "<{base}?per_page=2&page={}>; rel=\"next\"",
                number + 1
            ));
            links.push(format!("<{base}?per_page=2&page={last}>; rel=\"last\""));
        }
        if number > 1 {
            links.push(format!(
                "<{base}?per_page=2&page={}>; rel=\"prev\"",
                number - 1
            ));
            links.push(format!("<{base}?per_page=2&page=1>; rel=\"first\""));
        }
        let mut response = ResponseTemplate::new(200).set_body_json(body);
        if !links.is_empty() {
            response = response.insert_header("link", links.join(", ").as_str());
        }
        let mock_for_page = if number == 1 {
            github_headers(first.take().expect("page 1 is mounted once"))
        } else {
            github("GET", next_path)
                .and(query_param("page", number.to_string()))
                .and(query_param("per_page", "2"))
        };
        mock_for_page
            .respond_with(response)
            .expect(times)
            .mount(mock.server())
            .await;
    }
}
