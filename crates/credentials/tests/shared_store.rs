//! Two independent token managers (separate instances, each with its own in-process state and
//! its own store handle, as two processes would have) share one SQLite file, and again one
//! Redis, and race to renew one connection against a token endpoint that rotates refresh
//! tokens: one token request in total, both end with the newest token, and the stored record
//! holds it — encrypted, with no plaintext token in the file or the Redis value.

mod common;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use common::*;
use plugboard_core::ExposeSecret;
use plugboard_credentials::{ConnectionStore, CredentialsError, TokenManagers};
use plugboard_store::{RedisStore, SqliteStore, Store};
use plugboard_testkit::RedisServer;
use wiremock::MockServer;

/// Races `per_manager` callers on each of two managers over their own stores.
async fn race(first: Arc<dyn Store>, second: Arc<dyn Store>, per_manager: usize) -> OAuthServer {
    let mut oauth = OAuthServer::new();
    // Long enough that the second manager finds the lock taken.
    oauth.delay = Duration::from_millis(300);
    let server = MockServer::start().await;
    oauth.mount(&server).await;
    store_connection(
        &connections(first.clone()),
        oauth_connection(SystemTime::now() - Duration::from_secs(5)),
    )
    .await;

    let a: TokenManagers = managers_builder(first.clone(), &server).build();
    let b: TokenManagers = managers_builder(second.clone(), &server).build();
    let (ma, mb) = (a.manager(&key()), b.manager(&key()));
    let mut tasks = Vec::new();
    for i in 0..per_manager * 2 {
        let m = if i % 2 == 0 { ma.clone() } else { mb.clone() };
        tasks.push(tokio::spawn(async move { m.access_token().await }));
    }
    for task in tasks {
        let token = task.await.unwrap().expect("every caller gets a token");
        assert_eq!(token.expose_secret(), "access-1");
    }
    assert_eq!(oauth.token_requests(), 1, "one refresh request in total");

    // The newest pair is stored, seen the same through either store handle.
    for store in [first, second] {
        let stored = connections(store).get(&key()).await.unwrap().unwrap();
        assert_eq!(
            stored.kind.access_token().unwrap().expose_secret(),
            oauth.valid_access()
        );
        assert_eq!(
            stored.kind.refresh_token().unwrap().expose_secret(),
            oauth.valid_refresh()
        );
        assert_eq!(stored.refresh_count, 1);
    }
    oauth
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_managers_sharing_sqlite_refresh_once_and_store_no_plaintext() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plugboard.db");
    let first: Arc<dyn Store> = Arc::new(SqliteStore::open(&path).unwrap());
    let second: Arc<dyn Store> = Arc::new(SqliteStore::open(&path).unwrap());
    race(first.clone(), second.clone(), 10).await;
    first.flush().await.unwrap();
    second.flush().await.unwrap();

    // Grep the raw bytes of the database and its write-ahead log.
    let mut raw = Vec::new();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        raw.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    assert!(
        contains(&raw, "acme/default"),
        "the record is in the files read"
    );
    for secret in [
        "access-0",
        "refresh-0",
        "access-1",
        "refresh-1",
        CLIENT_SECRET,
    ] {
        assert!(
            !contains(&raw, secret),
            "plaintext {secret} in the SQLite files"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_managers_sharing_redis_refresh_once_and_store_no_plaintext() {
    let redis = RedisServer::start();
    let first: Arc<dyn Store> =
        Arc::new(RedisStore::connect(&redis.url(), "pbtest").await.unwrap());
    let second: Arc<dyn Store> =
        Arc::new(RedisStore::connect(&redis.url(), "pbtest").await.unwrap());
    race(first, second, 10).await;

    // Every value of every key, read raw.
    let client = redis::Client::open(redis.url()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg("*")
        .query_async(&mut conn)
        .await
        .unwrap();
    let mut raw = Vec::new();
    let mut saw_credential = false;
    for key in keys {
        let kind: String = redis::cmd("TYPE")
            .arg(&key)
            .query_async(&mut conn)
            .await
            .unwrap();
        let values: Vec<Vec<u8>> = match kind.as_str() {
            "string" => vec![
                redis::cmd("GET")
                    .arg(&key)
                    .query_async(&mut conn)
                    .await
                    .unwrap(),
            ],
            "hash" => redis::cmd("HGETALL")
                .arg(&key)
                .query_async(&mut conn)
                .await
                .unwrap(),
            "zset" => redis::cmd("ZRANGE")
                .arg(&key)
                .arg(0)
                .arg(-1)
                .query_async(&mut conn)
                .await
                .unwrap(),
            "set" => redis::cmd("SMEMBERS")
                .arg(&key)
                .query_async(&mut conn)
                .await
                .unwrap(),
            _ => vec![],
        };
        if key.contains("cred:acme/default") {
            saw_credential = values.iter().any(|v| v.starts_with(b"pb1:"));
        }
        raw.extend(key.into_bytes());
        values.into_iter().for_each(|v| raw.extend(v));
    }
    assert!(saw_credential, "the sealed credential record was read");
    for secret in [
        "access-0",
        "refresh-0",
        "access-1",
        "refresh-1",
        CLIENT_SECRET,
    ] {
        assert!(!contains(&raw, secret), "plaintext {secret} in Redis");
    }
}

#[tokio::test]
async fn a_stale_writer_never_overwrites_a_newer_token() {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(dir.path().join("s.db")).unwrap());
    let conns: ConnectionStore = connections(store);
    store_connection(&conns, oauth_connection(SystemTime::now())).await;

    let mut stale = conns.get(&key()).await.unwrap().unwrap();
    let mut newer = conns.get(&key()).await.unwrap().unwrap();
    newer.kind.apply_tokens(plugboard_core::TokenSet {
        access_token: "access-new".to_string().into(),
        refresh_token: Some("refresh-new".to_string().into()),
        expires_at: None,
        scopes: vec![],
    });
    conns.put(&mut newer, SystemTime::now()).await.unwrap();
    stale.kind.apply_tokens(plugboard_core::TokenSet {
        access_token: "access-stale".to_string().into(),
        refresh_token: None,
        expires_at: None,
        scopes: vec![],
    });
    let err = conns.put(&mut stale, SystemTime::now()).await.unwrap_err();
    assert!(matches!(
        err,
        CredentialsError::Conflict {
            expected: Some(1),
            found: Some(2),
            ..
        }
    ));
    let stored = conns.get(&key()).await.unwrap().unwrap();
    assert_eq!(
        stored.kind.access_token().unwrap().expose_secret(),
        "access-new"
    );
    assert_eq!(stored.version, 2);
}
