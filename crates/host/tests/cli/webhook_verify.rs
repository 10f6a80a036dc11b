//! `plugboard webhook verify`: GitHub's documented example, Standard Webhooks' official vector,
//! and the exit codes 0 (valid), 1 (rejected), 2 (usage).

use crate::support::{github_example as gh, plugboard, run, run_with_stdin, scratch_dir};

fn github_args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "webhook",
        "verify",
        "github",
        "--header",
        "X-Hub-Signature-256: sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
        "--header",
        "X-GitHub-Event: ping",
        "--header",
        "X-GitHub-Delivery: 72d3162e-cc78-11e3-81ab-4c9367dc0958",
    ];
    args.extend_from_slice(extra);
    args
}

#[test]
fn github_documented_example_is_accepted() {
    let out = run_with_stdin(
        &mut plugboard(&github_args(&["--secret", gh::SECRET])),
        gh::BODY.as_bytes(),
        &[gh::SECRET],
    );
    out.assert_code(0);
    let v = &out.json_lines()[0];
    assert_eq!(v["event_id"], gh::DELIVERY);
    assert_eq!(v["event_type"], "ping");
    assert!(gh::SIGNATURE.starts_with("sha256="));
}

#[test]
fn github_tampered_body_is_rejected_with_exit_1() {
    let dir = scratch_dir("verify");
    let body = dir.join("body.txt");
    std::fs::write(&body, "Hello, World?").unwrap();
    let out = run(
        &mut plugboard(&github_args(&[
            "--secret",
            gh::SECRET,
            "--body-file",
            body.to_str().unwrap(),
        ])),
        &[gh::SECRET],
    );
    out.assert_code(1);
    assert!(out.stdout.is_empty());
    assert!(out.stderr.starts_with("error: "), "{}", out.stderr);
    assert!(
        out.stderr.contains("signature does not match"),
        "{}",
        out.stderr
    );
}

#[test]
fn wrong_secret_rejected_but_rotation_accepts_the_previous_one() {
    let out = run_with_stdin(
        &mut plugboard(&github_args(&["--secret", "not-the-secret"])),
        gh::BODY.as_bytes(),
        &[gh::SECRET, "not-the-secret"],
    );
    out.assert_code(1);
    let out = run_with_stdin(
        &mut plugboard(&github_args(&[
            "--secret",
            "the-new-one",
            "--secret",
            gh::SECRET,
        ])),
        gh::BODY.as_bytes(),
        &[gh::SECRET, "the-new-one"],
    );
    out.assert_code(0);
}

#[test]
fn the_configured_secret_is_used_when_no_secret_is_given() {
    let out = run_with_stdin(
        plugboard(&github_args(&[])).env("PLUGBOARD_GITHUB_WEBHOOK_SECRET", gh::SECRET),
        gh::BODY.as_bytes(),
        &[gh::SECRET],
    );
    out.assert_code(0);
    let out = run_with_stdin(&mut plugboard(&github_args(&[])), gh::BODY.as_bytes(), &[]);
    out.assert_code(2);
    assert!(
        out.stderr.contains("PLUGBOARD_GITHUB_WEBHOOK_SECRET"),
        "{}",
        out.stderr
    );
}

#[test]
fn usage_errors_exit_2() {
    // A header without a colon.
    let out = run_with_stdin(
        &mut plugboard(&[
            "webhook",
            "verify",
            "github",
            "--secret",
            gh::SECRET,
            "--header",
            "X-GitHub-Event ping",
        ]),
        gh::BODY.as_bytes(),
        &[gh::SECRET],
    );
    out.assert_code(2);
    assert!(out.stderr.contains("--header"), "{}", out.stderr);

    // An unknown connector.
    let out = run_with_stdin(
        &mut plugboard(&["webhook", "verify", "gitlab", "--secret", gh::SECRET]),
        gh::BODY.as_bytes(),
        &[gh::SECRET],
    );
    out.assert_code(2);
    assert!(out.stderr.contains("github"), "{}", out.stderr);
    assert!(out.stderr.contains("standard-webhooks"), "{}", out.stderr);

    // An unreadable body file.
    let out = run(
        &mut plugboard(&github_args(&[
            "--secret",
            gh::SECRET,
            "--body-file",
            "/nonexistent/body",
        ])),
        &[gh::SECRET],
    );
    out.assert_code(2);
    assert!(out.stderr.contains("--body-file"), "{}", out.stderr);

    // Not a number.
    let out = run(
        &mut plugboard(&github_args(&[
            "--secret",
            gh::SECRET,
            "--now",
            "yesterday",
        ])),
        &[gh::SECRET],
    );
    out.assert_code(2);
}

mod standard {
    use super::*;

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const BODY: &str = r#"{"test": 2432232314}"#;

    fn args(now: &str) -> Vec<&str> {
        vec![
            "webhook",
            "verify",
            "standard-webhooks",
            "--secret",
            SECRET,
            "--header",
            "webhook-id: msg_p5jXN8AQM9LWM0D4loKWxJek",
            "--header",
            "webhook-timestamp: 1614265330",
            "--header",
            "webhook-signature: v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
            "--now",
            now,
        ]
    }

    #[test]
    fn official_vector_is_accepted_at_its_time() {
        let out = run_with_stdin(
            &mut plugboard(&args("1614265330")),
            BODY.as_bytes(),
            &[SECRET],
        );
        out.assert_code(0);
        assert_eq!(
            out.json_lines()[0]["event_id"],
            "msg_p5jXN8AQM9LWM0D4loKWxJek"
        );
    }

    #[test]
    fn ten_minutes_later_it_is_stale() {
        let out = run_with_stdin(
            &mut plugboard(&args(&(1614265330 + 600).to_string())),
            BODY.as_bytes(),
            &[SECRET],
        );
        out.assert_code(1);
        assert!(out.stderr.contains("stale"), "{}", out.stderr);
        assert!(out.stderr.contains("timestamp"), "{}", out.stderr);
    }

    #[test]
    fn a_secret_is_required() {
        let out = run_with_stdin(
            &mut plugboard(&["webhook", "verify", "standard-webhooks"]),
            BODY.as_bytes(),
            &[],
        );
        out.assert_code(2);
    }
}

mod platforms {
    //! Slack's documented example, and ClickUp and Jira deliveries signed here: accepted,
    //! tampered bodies and re-serialised JSON rejected.

    use plugboard_testkit::webhooks::hmac_hex_header;

    use crate::support::{plugboard, run_with_stdin};

    const SLACK_SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
    const SLACK_BODY: &str = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";

    fn slack(now: &str) -> crate::support::Run {
        run_with_stdin(
            &mut plugboard(&[
                "webhook",
                "verify",
                "slack",
                "--secret",
                SLACK_SECRET,
                "--header",
                "X-Slack-Signature: v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
                "--header",
                "X-Slack-Request-Timestamp: 1531420618",
                "--header",
                "Content-Type: application/x-www-form-urlencoded",
                "--now",
                now,
            ]),
            SLACK_BODY.as_bytes(),
            &[SLACK_SECRET],
        )
    }

    #[test]
    fn slack_documented_example_is_accepted_at_its_time_and_stale_ten_minutes_later() {
        let out = slack("1531420618");
        out.assert_code(0);
        let v = &out.json_lines()[0];
        assert!(
            v["event_type"]
                .as_str()
                .unwrap()
                .contains("/webhook-collect"),
            "{v}"
        );
        let out = slack("1531421218");
        out.assert_code(1);
        assert!(out.stderr.contains("stale"), "{}", out.stderr);
    }

    /// Runs `webhook verify <connector>` with the signed delivery's headers and `body`.
    fn verify(connector: &str, secret: &str, headers: &[(String, String)], body: &str) -> i32 {
        let mut args = vec![
            "webhook".to_string(),
            "verify".into(),
            connector.into(),
            "--secret".into(),
            secret.into(),
        ];
        for (name, value) in headers {
            args.push("--header".into());
            args.push(format!("{name}: {value}"));
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = run_with_stdin(&mut plugboard(&args), body.as_bytes(), &[secret]);
        out.code
    }

    fn signed_headers(
        header: &str,
        prefix: &str,
        secret: &str,
        body: &str,
        extra: &[(&str, &str)],
    ) -> Vec<(String, String)> {
        let d = hmac_hex_header(header, prefix, secret, body.to_string());
        let mut headers: Vec<(String, String)> = d
            .headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_str().unwrap().to_string()))
            .collect();
        headers.extend(extra.iter().map(|(n, v)| (n.to_string(), v.to_string())));
        headers
    }

    #[test]
    fn clickup_and_jira_accept_valid_deliveries_and_reject_tampered_and_reserialised_ones() {
        let clickup_body = r#"{"event":"taskStatusUpdated","history_items":[{"id":"2800763136717140857","field":"status"}],"task_id":"1vj37mc","webhook_id":"7fa3ec74-69a8-4530-a251-8a13730bd204"}"#;
        let jira_body = r#"{"timestamp":1700000000000,"webhookEvent":"jira:issue_updated","issue":{"id":"10001","key":"ED-1","fields":{"summary":"Fix the login page"}}}"#;
        for (connector, header, prefix, secret, body, extra) in [
            (
                "clickup",
                "X-Signature",
                "",
                "clickup-webhook-secret",
                clickup_body,
                vec![],
            ),
            (
                "jira",
                "X-Hub-Signature",
                "sha256=",
                "jira-webhook-secret",
                jira_body,
                vec![(
                    "X-Atlassian-Webhook-Identifier",
                    "e6a1bfa5-3e57-4a86-9d11-4b3b4cdbc5f1",
                )],
            ),
        ] {
            let headers = signed_headers(header, prefix, secret, body, &extra);
            assert_eq!(verify(connector, secret, &headers, body), 0, "{connector}");
            let tampered = body.replacen("1", "2", 1);
            assert_eq!(
                verify(connector, secret, &headers, &tampered),
                1,
                "{connector} tampered"
            );
            let value: serde_json::Value = serde_json::from_str(body).unwrap();
            let reserialised = serde_json::to_string_pretty(&value).unwrap();
            assert_eq!(
                verify(connector, secret, &headers, &reserialised),
                1,
                "{connector} re-serialised"
            );
            assert_eq!(
                verify(connector, "another-secret", &headers, body),
                1,
                "{connector} wrong secret"
            );
        }
    }
}
