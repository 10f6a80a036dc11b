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
