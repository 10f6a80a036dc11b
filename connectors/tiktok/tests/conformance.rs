//! The plugboard conformance suite for the TikTok connector.

use plugboard_core::signing::hmac_sha256_hex;
use plugboard_testkit::conformance::{ConformanceSpec, MockedCall, PaginatedCall, WebhookCase};
use plugboard_testkit::wiremock::matchers::{body_json, method, path};
use plugboard_testkit::wiremock::{Mock, ResponseTemplate};
use plugboard_testkit::{MockPlatform, SignedDelivery};
use serde_json::{Value, json};

const SECRET: &str = "tiktok-client-secret-0123";
const NOW: u64 = 1_700_000_000;

fn video(id: u64) -> Value {
    json!({"id": id.to_string(), "title": format!("Video {id}"), "create_time": 1648533245})
}

/// Three pages of `POST /v2/video/list/` (2, 2 and 1 videos), the cursor sent back in the body
/// while `has_more` is true.
fn mount_videos(mock: &MockPlatform) -> futures::future::BoxFuture<'_, ()> {
    Box::pin(async move {
        let pages = [
            (json!({}), vec![video(1), video(2)], 300, true),
            (json!({"cursor": 300}), vec![video(3), video(4)], 200, true),
            (json!({"cursor": 200}), vec![video(5)], 100, false),
        ];
        for (request, videos, cursor, more) in pages {
            Mock::given(method("POST"))
                .and(path("/v2/video/list/"))
                .and(body_json(request))
                .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                    "data": {"videos": videos, "cursor": cursor, "has_more": more},
                    "error": {"code": "ok", "message": "", "log_id": "20220829194722CBE87ED59D524E727021"}
                })))
                .mount(mock.server())
                .await;
        }
    })
}

fn golden() -> SignedDelivery {
    let body = plugboard_testkit::fixture_bytes!("webhook_publish_completed.json");
    let t = NOW.to_string();
    let s = hmac_sha256_hex(SECRET.as_bytes(), &[t.as_bytes(), b".", &body]);
    SignedDelivery::new(body).with_header("TikTok-Signature", &format!("t={t},s={s}"))
}

fn spec() -> ConformanceSpec {
    ConformanceSpec {
        descriptor: &plugboard_tiktok::DESCRIPTOR,
        read: MockedCall {
            operation: "user.info",
            input: json!({}),
            method: "GET",
            path: "/v2/user/info/",
            response: plugboard_testkit::fixture!("user_info.json"),
        },
        // Every TikTok operation is a read (videos.list is a POST that reads).
        write: None,
        paginated: Some(PaginatedCall {
            operation: "videos.list",
            input: json!({}),
            expected_items: 5,
            mount: mount_videos,
        }),
        webhook: Some(WebhookCase {
            secret: SECRET,
            delivery: golden,
            now: NOW,
            expected_event_id: "video.publish.completed:act.example12345Example12345Example:1615338610:19c5376481cbf633",
            expected_event_type: "video.publish.completed",
            replay_window_secs: Some(300),
            signature_headers: &["TikTok-Signature"],
            signs_body: true,
        }),
    }
}

plugboard_testkit::conformance_tests!(spec);
