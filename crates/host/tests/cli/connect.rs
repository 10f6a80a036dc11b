//! The OAuth connect flow: `plugboard connect` prints the authorize URL; `serve` redirects at
//! `/oauth/{connector}/start` and completes at `/oauth/{connector}/callback` against a
//! wiremock token endpoint, storing the connection sealed — and refuses forged, expired,
//! reused and denied callbacks, storing nothing for them.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use plugboard_core::oauth2::pkce_challenge;
use plugboard_core::{ExposeSecret, FixedClock, SecretString};
use plugboard_credentials::{ConnectFlow, ConnectionStore, MasterKey, ProviderConfig, Sealer};
use plugboard_store::MemoryStore;
use serde_json::{Value, json};
use url::Url;
use wiremock::matchers::{body_string_contains, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::host::{Host, write_config};
use crate::support::{plugboard, run, scratch_dir};
use crate::tokens::{
    CLIENT_SECRET, MASTER_KEY, SECRETS, assert_sealed, connections, run_bin, store_config,
};

const GOOGLE_SECRET: &str = "google-client-secret-never-printed";

/// The query of `url` as a map (the last value of a repeated name wins).
fn query(url: &str) -> BTreeMap<String, String> {
    Url::parse(url)
        .unwrap()
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn request_id(r: &reqwest::Response) {
    assert!(
        r.headers()
            .get("x-request-id")
            .is_some_and(|v| !v.is_empty()),
        "no X-Request-Id on {}",
        r.url()
    );
}

#[test]
fn connect_prints_the_authorize_url_and_refuses_what_it_cannot_do() {
    let dir = scratch_dir("connect-cli");
    let connect = |args: &[&str]| {
        let mut all = vec!["connect"];
        all.extend_from_slice(args);
        let mut cmd = plugboard(&all);
        cmd.current_dir(&dir)
            .env("PLUGBOARD_MASTER_KEY", MASTER_KEY)
            .env("PLUGBOARD_SLACK_CLIENT_ID", "slack-client-id")
            .env("PLUGBOARD_SLACK_CLIENT_SECRET", CLIENT_SECRET)
            .env("PLUGBOARD_GOOGLE_CLIENT_ID", "google-client-id")
            .env("PLUGBOARD_GOOGLE_CLIENT_SECRET", GOOGLE_SECRET)
            .env("PLUGBOARD_TIKTOK_CLIENT_KEY", "tiktok-client-key")
            .env("PLUGBOARD_TIKTOK_CLIENT_SECRET", GOOGLE_SECRET);
        run(&mut cmd, &[SECRETS, &[GOOGLE_SECRET][..]].concat())
    };

    let out = connect(&["slack", "--connection", "acme"]);
    out.assert_code(0);
    let printed: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(printed["connection"], "acme");
    assert_eq!(printed["connector"], "slack");
    let url = printed["url"].as_str().unwrap();
    assert!(
        url.starts_with("https://slack.com/oauth/v2/authorize?"),
        "{url}"
    );
    let q = query(url);
    assert_eq!(q["client_id"], "slack-client-id");
    assert_eq!(q["response_type"], "code");
    assert_eq!(
        q["redirect_uri"],
        "http://127.0.0.1:8080/oauth/slack/callback"
    );
    assert_eq!(
        q["scope"],
        "channels:read,groups:read,chat:write,users:read"
    );
    assert!(q["state"].starts_with("v1."), "{url}");
    assert!(!q.contains_key("code_challenge"), "Slack takes no PKCE");

    let out = connect(&["slack", "--scope", "chat:write", "--scope", "files:write"]);
    out.assert_code(0);
    let printed: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(printed["connection"], "default");
    let q = query(printed["url"].as_str().unwrap());
    assert_eq!(q["scope"], "chat:write,files:write");

    // Google: PKCE S256 and an offline grant; TikTok names its client `client_key`.
    let out = connect(&["google", "--connection", "yt"]);
    out.assert_code(0);
    let printed: Value = serde_json::from_str(&out.stdout).unwrap();
    let url = printed["url"].as_str().unwrap();
    assert!(
        url.starts_with("https://accounts.google.com/o/oauth2/v2/auth?"),
        "{url}"
    );
    let q = query(url);
    assert_eq!(q["code_challenge_method"], "S256");
    assert_eq!(q["code_challenge"].len(), 43, "{url}");
    assert_eq!(q["access_type"], "offline");
    assert_eq!(q["prompt"], "consent");
    let out = connect(&["tiktok"]);
    out.assert_code(0);
    let printed: Value = serde_json::from_str(&out.stdout).unwrap();
    let q = query(printed["url"].as_str().unwrap());
    assert_eq!(q["client_key"], "tiktok-client-key");
    assert!(!q.contains_key("client_id"));
    assert!(q.contains_key("code_challenge"));

    // A public URL is where providers send users back.
    write_config(
        &dir,
        "[server]\npublic_url = \"https://hooks.example.com/pb\"\n",
    );
    let out = connect(&["slack"]);
    out.assert_code(0);
    let printed: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        query(printed["url"].as_str().unwrap())["redirect_uri"],
        "https://hooks.example.com/pb/oauth/slack/callback"
    );

    // Refusals are usage errors that say what to do.
    let out = connect(&["nosuch"]);
    out.assert_code(2);
    assert!(out.stderr.contains("known connectors"), "{out:#?}");
    let out = connect(&["github"]);
    out.assert_code(2);
    assert!(
        out.stderr.contains("PLUGBOARD_GITHUB_CLIENT_ID")
            && out.stderr.contains("PLUGBOARD_GITHUB_CLIENT_SECRET"),
        "{out:#?}"
    );
    let out = connect(&["slack", "--connection", "Not A Name"]);
    out.assert_code(2);
    assert!(out.stderr.contains("--connection"), "{out:#?}");

    // Starting a flow stores nothing.
    assert!(!dir.join("plugboard.db").exists());
}

/// The flow test's host: Slack and Google clients pointed at the mock, no webhooks.
async fn start_host(dir: &std::path::Path, mock: &str) -> Host {
    write_config(dir, &store_config(""));
    Host::start(
        dir,
        &[
            ("PLUGBOARD_MASTER_KEY", MASTER_KEY),
            ("PLUGBOARD_SLACK_BASE_URL", mock),
            ("PLUGBOARD_SLACK_CLIENT_ID", "slack-client-id"),
            ("PLUGBOARD_SLACK_CLIENT_SECRET", CLIENT_SECRET),
            ("PLUGBOARD_GOOGLE_BASE_URL", mock),
            ("PLUGBOARD_GOOGLE_CLIENT_ID", "google-client-id"),
            ("PLUGBOARD_GOOGLE_CLIENT_SECRET", GOOGLE_SECRET),
        ],
    )
    .await
}

/// A state for `slack/<name>` signed with `key`, issued at `issued` (Unix seconds).
fn crafted_state(key: MasterKey, issued: u64, name: &str) -> String {
    let connections =
        ConnectionStore::new(Arc::new(MemoryStore::new()), Arc::new(Sealer::new(key)));
    let provider = ProviderConfig::new(
        Url::parse("https://slack.com/oauth/v2/authorize").unwrap(),
        Url::parse("https://slack.com/api/oauth.v2.access").unwrap(),
        "slack-client-id",
        Some(SecretString::from(CLIENT_SECRET)),
        Url::parse("http://127.0.0.1/oauth/slack/callback").unwrap(),
    )
    .pkce(false);
    ConnectFlow::new(connections)
        .provider("slack", provider)
        .clock(Arc::new(FixedClock::at_unix(issued)))
        .start("slack", name)
        .unwrap()
        .state
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_connect_flow_stores_a_connection_and_refuses_bad_callbacks() {
    let dir = scratch_dir("connect-flow");
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/oauth.v2.access"))
        .and(body_string_contains("grant_type=authorization_code"))
        .and(body_string_contains("code=good-code"))
        .and(body_string_contains("client_id=slack-client-id"))
        .and(body_string_contains("redirect_uri="))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "ok": true,
            "access_token": "xoxe.xoxb-connected",
            "refresh_token": "xoxe-1-connected",
            "expires_in": 43200,
            "token_type": "bot",
            "scope": "chat:write,users:read",
            "bot_user_id": "U0BOT",
            "team": {"id": "T0001", "name": "Acme"},
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .and(body_string_contains("grant_type=authorization_code"))
        .and(body_string_contains("code=google-code"))
        .and(body_string_contains("code_verifier="))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "ya29.connected",
            "refresh_token": "1//google-refresh",
            "expires_in": 3599,
            "token_type": "Bearer",
            "scope": "https://www.googleapis.com/auth/youtube.readonly",
        })))
        .expect(1)
        .mount(&server)
        .await;
    let host = start_host(&dir, &server.uri()).await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let start = |connector: &str, name: &str| {
        let url = host.url(&format!("/oauth/{connector}/start?connection={name}"));
        let client = client.clone();
        async move {
            let r = client.get(url).send().await.unwrap();
            assert_eq!(r.status(), 302, "{r:?}");
            request_id(&r);
            assert_eq!(r.headers()["cache-control"], "no-store");
            r.headers()["location"].to_str().unwrap().to_string()
        }
    };
    let callback = |connector: &str, q: String| {
        let url = host.url(&format!("/oauth/{connector}/callback?{q}"));
        let client = client.clone();
        async move {
            let r = client.get(url).send().await.unwrap();
            request_id(&r);
            let status = r.status().as_u16();
            (status, r.text().await.unwrap())
        }
    };
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();

    // Start: a redirect to Slack with a state, back to this server.
    let location = start("slack", "acme").await;
    assert!(
        location.starts_with("https://slack.com/oauth/v2/authorize?"),
        "{location}"
    );
    let q = query(&location);
    assert_eq!(
        q["redirect_uri"],
        host.url("/oauth/slack/callback"),
        "the bound address"
    );
    let state = q["state"].clone();

    // Refusals before the good callback; each needs a valid state to get that far.
    let denied_state = query(&start("slack", "denied").await)["state"].clone();
    let (status, page) = callback(
        "slack",
        format!(
            "error=access_denied&error_description=The+user+said+no&state={}",
            enc(&denied_state)
        ),
    )
    .await;
    assert_eq!(status, 400, "{page}");
    assert!(
        page.contains("provider_error") && page.contains("access_denied"),
        "{page}"
    );

    let (status, page) = callback("slack", format!("state={}", enc(&denied_state))).await;
    assert_eq!(status, 400, "{page}");
    assert!(page.contains("missing_code"), "{page}");

    let (status, page) = callback("slack", "code=good-code".to_string()).await;
    assert_eq!(status, 400, "{page}");
    assert!(page.contains("missing_state"), "{page}");

    // Forged: signed with another key, or altered.
    let foreign = crafted_state(MasterKey::generate().unwrap(), now_secs(), "forged");
    let mut altered = state.clone();
    let last = altered.pop().unwrap();
    altered.push(if last == 'A' { 'B' } else { 'A' });
    for forged in [foreign, altered, "v1.e30.AAAA".to_string()] {
        let (status, page) =
            callback("slack", format!("code=good-code&state={}", enc(&forged))).await;
        assert_eq!(status, 400, "{page}");
        assert!(page.contains("invalid_state"), "{page}");
    }
    // A Slack state presented at another connector's callback.
    let (status, page) = callback("google", format!("code=good-code&state={}", enc(&state))).await;
    assert_eq!(status, 400, "{page}");
    assert!(page.contains("invalid_state"), "{page}");

    // Expired: signed with the server's key an hour ago (states live 10 minutes).
    let expired = crafted_state(
        MasterKey::parse(MASTER_KEY, "test").unwrap(),
        now_secs() - 3600,
        "late",
    );
    let (status, page) = callback("slack", format!("code=good-code&state={}", enc(&expired))).await;
    assert_eq!(status, 400, "{page}");
    assert!(page.contains("expired_state"), "{page}");

    // The good callback: exchanged once and stored.
    let (status, page) = callback("slack", format!("code=good-code&state={}", enc(&state))).await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("Connected") && page.contains("acme"),
        "{page}"
    );
    // The same state again: refused, no second exchange.
    let (status, page) = callback("slack", format!("code=good-code&state={}", enc(&state))).await;
    assert_eq!(status, 400, "{page}");
    assert!(page.contains("reused_state"), "{page}");

    // Google with PKCE: the verifier sent at the exchange matches the challenge sent first.
    let location = start("google", "yt").await;
    let q = query(&location);
    assert_eq!(q["code_challenge_method"], "S256");
    let (status, page) = callback(
        "google",
        format!("code=google-code&state={}", enc(&q["state"])),
    )
    .await;
    assert_eq!(status, 200, "{page}");
    let exchange = server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.url.path() == "/token")
        .expect("the Google exchange");
    let form: BTreeMap<String, String> = url::form_urlencoded::parse(&exchange.body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let verifier = SecretString::from(form["code_verifier"].clone());
    assert_eq!(pkce_challenge(&verifier), q["code_challenge"]);

    // Unknown connector, or one without a client: 404 pages.
    let r = client
        .get(host.url("/oauth/nosuch/start"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    request_id(&r);
    let r = client
        .get(host.url("/oauth/github/start?connection=acme"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert!(r.text().await.unwrap().contains("unknown_connector"));

    let (exit, logs) = host.stop().await;
    assert!(exit.success(), "{logs}");
    crate::support::assert_no_secret(
        &logs,
        &[
            SECRETS,
            &[
                "xoxe.xoxb-connected",
                "xoxe-1-connected",
                "ya29.connected",
                GOOGLE_SECRET,
            ][..],
        ]
        .concat(),
    );
    server.verify().await;

    // Only the completed connects are stored, sealed.
    let stored = connections(&dir).await.list(None).await.unwrap();
    let keys: Vec<String> = stored.iter().map(|c| c.key.to_string()).collect();
    assert_eq!(keys, ["google/yt", "slack/acme"]);
    let acme = &stored[1];
    assert_eq!(
        acme.kind.access_token().unwrap().expose_secret(),
        "xoxe.xoxb-connected"
    );
    assert_eq!(
        acme.params.get("team_id").map(String::as_str),
        Some("T0001")
    );
    assert!(acme.kind.expires_at().unwrap() > SystemTime::now() + Duration::from_secs(40_000));
    assert_sealed(
        &dir,
        &[
            "xoxe.xoxb-connected",
            "xoxe-1-connected",
            "ya29.connected",
            "1//google-refresh",
        ],
    );

    // `tokens list` shows them.
    let mut cmd = plugboard(&["tokens", "list"]);
    cmd.current_dir(&dir)
        .env("PLUGBOARD_MASTER_KEY", MASTER_KEY);
    let out = run_bin(cmd).await;
    out.assert_code(0);
    let lines = out.json_lines();
    assert_eq!(lines.len(), 2, "{out:#?}");
    assert_eq!(lines[1]["connection"], "acme");
    assert_eq!(lines[1]["connector"], "slack");
    assert_eq!(lines[1]["kind"], "oauth2");
    assert_eq!(lines[1]["status"], "active");
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}
