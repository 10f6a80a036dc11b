//! `open` by URL and the periodic purger.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use plugboard_store::{
    Enqueued, MemoryStore, NewEntry, RedisStore, Store, StoreError, StoreUrl, open, spawn_purger,
};
use plugboard_testkit::RedisServer;

fn event(id: &str) -> NewEntry {
    NewEntry {
        connector: "github".into(),
        connection: None,
        event_id: id.into(),
        event_type: "push".into(),
        received_at_ms: 0,
        attributes: BTreeMap::new(),
        body: Bytes::from_static(b"{}"),
    }
}

fn config_error(url: &str) -> String {
    match StoreUrl::parse(url) {
        Err(StoreError::Config { key, message }) => {
            assert_eq!(key, "store.url");
            message
        }
        other => panic!("{url:?} parsed as {other:?}"),
    }
}

#[test]
fn parses_every_kind_of_url() {
    assert_eq!(StoreUrl::parse("memory://").unwrap(), StoreUrl::Memory);
    assert_eq!(
        StoreUrl::parse("sqlite://data/plugboard.db").unwrap(),
        StoreUrl::Sqlite(PathBuf::from("data/plugboard.db"))
    );
    assert_eq!(
        StoreUrl::parse("sqlite:///var/lib/plugboard/store.db").unwrap(),
        StoreUrl::Sqlite(PathBuf::from("/var/lib/plugboard/store.db"))
    );
    assert_eq!(
        StoreUrl::parse("plugboard.db").unwrap(),
        StoreUrl::Sqlite(PathBuf::from("plugboard.db"))
    );
    assert_eq!(
        StoreUrl::parse("redis://127.0.0.1:6379/2?prefix=pb-prod").unwrap(),
        StoreUrl::Redis {
            url: "redis://127.0.0.1:6379/2".into(),
            prefix: "pb-prod".into()
        }
    );
    assert_eq!(
        StoreUrl::parse("rediss://user:pw@cache.internal:6380/0?protocol=resp3").unwrap(),
        StoreUrl::Redis {
            url: "rediss://user:pw@cache.internal:6380/0?protocol=resp3".into(),
            prefix: "plugboard".into()
        }
    );
}

#[test]
fn debug_hides_the_redis_password() {
    let url = StoreUrl::parse("redis://app:s3cr3t-pw@cache:6379/1").unwrap();
    let shown = format!("{url:?}");
    assert!(!shown.contains("s3cr3t-pw"), "{shown}");
    assert!(shown.contains("redis://app:***@cache:6379/1"), "{shown}");
}

#[test]
fn bad_urls_name_the_key() {
    assert!(config_error("").contains("empty"));
    assert!(config_error("ftp://x/y").contains("unsupported scheme \"ftp\""));
    assert!(config_error("sqlite://").contains("file path"));
    assert!(config_error("memory://extra").contains("nothing after"));
    assert!(config_error("redis://127.0.0.1:6379/0?prefix=").contains("prefix"));
    assert!(config_error("redis:///0").contains("host"));
}

#[tokio::test]
async fn opens_each_backend() {
    assert_eq!(open("memory://").await.unwrap().backend(), "memory");

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested").join("store.db");
    let sqlite = open(&format!("sqlite://{}", path.display())).await.unwrap();
    assert_eq!(sqlite.backend(), "sqlite");
    assert!(matches!(
        sqlite
            .enqueue(event("e1"), Duration::from_secs(60), SystemTime::now())
            .await
            .unwrap(),
        Enqueued::Appended(_)
    ));
    drop(sqlite);
    assert!(path.exists());
    let bare = open(path.to_str().unwrap()).await.unwrap();
    assert_eq!(bare.list(&Default::default()).await.unwrap().len(), 1);

    let server = RedisServer::start();
    let redis = open(&format!("{}3?prefix=opened", server.url()))
        .await
        .unwrap();
    assert_eq!(redis.backend(), "redis");
    redis
        .enqueue(event("e1"), Duration::from_secs(60), SystemTime::now())
        .await
        .unwrap();
    // The prefix and database from the URL are the ones used.
    let same = RedisStore::connect(&format!("{}3", server.url()), "opened")
        .await
        .unwrap();
    assert_eq!(same.list(&Default::default()).await.unwrap().len(), 1);
    let other_db = RedisStore::connect(&format!("{}0", server.url()), "opened")
        .await
        .unwrap();
    assert!(other_db.list(&Default::default()).await.unwrap().is_empty());
}

#[tokio::test]
async fn purger_removes_old_delivered_entries() {
    let store = Arc::new(MemoryStore::new());
    // Delivered long ago (2023), so a one-day retention is long past.
    let then = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let Enqueued::Appended(old) = store
        .enqueue(event("old"), Duration::from_secs(1), then)
        .await
        .unwrap()
    else {
        panic!("appended")
    };
    let lease = store
        .lease("w", 1, Duration::from_secs(30), then)
        .await
        .unwrap()[0]
        .lease()
        .unwrap();
    assert!(store.ack(&lease, then).await.unwrap());
    let Enqueued::Appended(pending) = store
        .enqueue(
            event("pending"),
            Duration::from_secs(3600),
            SystemTime::now(),
        )
        .await
        .unwrap()
    else {
        panic!("appended")
    };

    let handle = spawn_purger(
        store.clone(),
        Duration::from_millis(20),
        Duration::from_secs(86_400),
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    while store.get(old).await.unwrap().is_some() {
        assert!(
            Instant::now() < deadline,
            "the purger never removed the old entry"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    handle.abort();
    assert!(
        store.get(pending).await.unwrap().is_some(),
        "pending entries stay"
    );
}
