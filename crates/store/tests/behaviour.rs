//! One behaviour suite for every backend: each case in `cases` runs against memory, SQLite (a
//! temporary file) and Redis (a private `redis-server` on loopback), plus checks only SQLite
//! can make (durability across reopen, online backup, group commit).

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use plugboard_store::{
    CasOutcome, ConnectorStats, Enqueued, Entry, EntryFilter, EntryId, EntryState, LeaseToken,
    MemoryStore, NewEntry, PurgeReport, RedisStore, SqliteStore, Store,
};
use plugboard_testkit::RedisServer;

/// `secs` after a fixed instant (Nov 2023), so no case depends on the wall clock.
fn t(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_700_000_000 + secs)
}

fn ms_of(time: SystemTime) -> i64 {
    time.duration_since(UNIX_EPOCH).unwrap().as_millis() as i64
}

const DAY: Duration = Duration::from_secs(24 * 3600);
const LONG: Duration = Duration::from_secs(100 * 24 * 3600);
const VIS: Duration = Duration::from_secs(30);

fn event(connector: &str, event_id: &str) -> NewEntry {
    NewEntry {
        connector: connector.to_string(),
        connection: None,
        event_id: event_id.to_string(),
        event_type: "push".to_string(),
        received_at_ms: ms_of(t(0)),
        attributes: BTreeMap::from([("delivery".to_string(), event_id.to_string())]),
        body: Bytes::from(format!("{{\"id\":\"{event_id}\"}}")),
    }
}

fn received(mut e: NewEntry, at_ms: i64) -> NewEntry {
    e.received_at_ms = at_ms;
    e
}

async fn append(store: &dyn Store, e: NewEntry, now: SystemTime) -> EntryId {
    match store.enqueue(e, LONG, now).await.unwrap() {
        Enqueued::Appended(id) => id,
        Enqueued::Duplicate => panic!("expected an append, got a duplicate"),
    }
}

async fn lease_one(store: &dyn Store, owner: &str, now: SystemTime) -> Entry {
    let mut got = store.lease(owner, 1, VIS, now).await.unwrap();
    assert_eq!(got.len(), 1, "expected one leasable entry at {now:?}");
    got.remove(0)
}

fn ids(entries: &[Entry]) -> Vec<EntryId> {
    entries.iter().map(|e| e.id).collect()
}

fn all() -> EntryFilter {
    EntryFilter {
        limit: 10_000,
        ..EntryFilter::default()
    }
}

/// The state behind a backend; `open` gives a handle on it (a second call gives a second,
/// independent handle on the same state — another "host").
enum Backing {
    Memory(Arc<MemoryStore>),
    Sqlite(tempfile::TempDir),
    Redis(RedisServer),
}

impl Backing {
    fn memory() -> Self {
        Self::Memory(Arc::new(MemoryStore::new()))
    }

    fn sqlite() -> Self {
        Self::Sqlite(tempfile::tempdir().unwrap())
    }

    fn redis() -> Self {
        Self::Redis(RedisServer::start())
    }

    async fn open(&self) -> Arc<dyn Store> {
        match self {
            Self::Memory(m) => m.clone(),
            Self::Sqlite(dir) => Arc::new(SqliteStore::open(dir.path().join("store.db")).unwrap()),
            Self::Redis(server) => {
                Arc::new(RedisStore::connect(&server.url(), "pbtest").await.unwrap())
            }
        }
    }
}

macro_rules! behaviour {
    ($($case:ident),* $(,)?) => {
        mod memory {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    super::cases::$case(&super::Backing::memory()).await;
                }
            )*
        }
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    super::cases::$case(&super::Backing::sqlite()).await;
                }
            )*
        }
        mod redis {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    super::cases::$case(&super::Backing::redis()).await;
                }
            )*
        }
    };
}

behaviour!(
    claims,
    enqueue_appends_once,
    entry_round_trips,
    lease_order,
    visibility_timeout,
    retry_at,
    dead_letter_and_replay,
    replay_all,
    release,
    stats,
    purge,
    credentials,
    locks,
    concurrent_enqueue,
    two_hosts_lease,
);

mod cases {
    use super::*;

    pub async fn claims(b: &Backing) {
        let s = b.open().await;
        let ttl = Duration::from_secs(60);
        assert!(s.claim("github/-/1", ttl, t(0)).await.unwrap());
        assert!(!s.claim("github/-/1", ttl, t(30)).await.unwrap());
        assert!(s.claim("github/-/2", ttl, t(30)).await.unwrap());
        // At its expiry the claim may be taken again, and the new claim runs from then.
        assert!(s.claim("github/-/1", ttl, t(60)).await.unwrap());
        assert!(!s.claim("github/-/1", ttl, t(61)).await.unwrap());
        assert!(!s.claim("github/-/1", ttl, t(119)).await.unwrap());
        assert!(s.claim("github/-/1", ttl, t(120)).await.unwrap());
        // Extreme ttls are accepted: forever, and nothing at all.
        assert!(s.claim("forever", Duration::MAX, t(0)).await.unwrap());
        assert!(
            !s.claim("forever", Duration::MAX, t(1_000_000_000))
                .await
                .unwrap()
        );
        assert!(s.claim("instant", Duration::ZERO, t(0)).await.unwrap());
        assert!(s.claim("instant", Duration::ZERO, t(0)).await.unwrap());
    }

    pub async fn enqueue_appends_once(b: &Backing) {
        let s = b.open().await;
        let first = append(&*s, event("github", "d-1"), t(0)).await;
        assert_eq!(
            s.enqueue(event("github", "d-1"), LONG, t(1)).await.unwrap(),
            Enqueued::Duplicate
        );
        // The same event id through another connection or connector is another event.
        let mut other = event("github", "d-1");
        other.connection = Some("acme".into());
        let second = append(&*s, other, t(1)).await;
        let third = append(&*s, event("slack", "d-1"), t(1)).await;
        assert!(
            first < second && second < third,
            "ids increase in append order"
        );
        // A key taken with `claim` makes the event a duplicate: one key space.
        let taken = event("github", "d-2");
        assert!(s.claim(&taken.claim_key(), LONG, t(2)).await.unwrap());
        assert_eq!(
            s.enqueue(taken, LONG, t(2)).await.unwrap(),
            Enqueued::Duplicate
        );
        // Once its claim expires an event may be appended again.
        let short = Duration::from_secs(10);
        assert!(matches!(
            s.enqueue(event("github", "d-3"), short, t(3))
                .await
                .unwrap(),
            Enqueued::Appended(_)
        ));
        assert_eq!(
            s.enqueue(event("github", "d-3"), short, t(12))
                .await
                .unwrap(),
            Enqueued::Duplicate
        );
        assert!(matches!(
            s.enqueue(event("github", "d-3"), short, t(13))
                .await
                .unwrap(),
            Enqueued::Appended(_)
        ));
        let entries = s.list(&all()).await.unwrap();
        let keys: Vec<String> = entries.iter().map(|e| e.event.claim_key()).collect();
        assert_eq!(
            keys,
            [
                "github/-/d-1",
                "github/acme/d-1",
                "slack/-/d-1",
                "github/-/d-3",
                "github/-/d-3"
            ]
        );
    }

    pub async fn entry_round_trips(b: &Backing) {
        let s = b.open().await;
        let mut e = event("github", "round");
        e.connection = Some("acme-prod".into());
        e.event_type = "pull_request.opened".into();
        e.received_at_ms = 1_700_000_123_456;
        e.attributes.insert("retry_num".into(), "2".into());
        e.body = Bytes::from_static(b"\x00\xff binary \r\n body");
        let id = append(&*s, e.clone(), t(5)).await;
        let got = s.get(id).await.unwrap().expect("stored");
        assert_eq!(got.id, id);
        assert_eq!(got.event, e);
        assert_eq!(got.state, EntryState::Ready);
        assert_eq!(got.attempts, 0);
        assert_eq!(got.next_attempt_at_ms, ms_of(t(5)));
        assert_eq!(got.updated_at_ms, ms_of(t(5)));
        assert_eq!(
            (
                got.last_error,
                got.lease_owner,
                got.lease_until_ms,
                got.lease_token
            ),
            (None, None, None, None)
        );
        assert_eq!(s.get(EntryId(id.0 + 1000)).await.unwrap(), None);
        let listed = s.list(&all()).await.unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].event, e);
    }

    pub async fn lease_order(b: &Backing) {
        let s = b.open().await;
        let late = append(&*s, event("github", "late"), t(2)).await;
        let early1 = append(&*s, event("github", "early-1"), t(1)).await;
        let early2 = append(&*s, event("github", "early-2"), t(1)).await;
        let later = append(&*s, event("github", "later"), t(5)).await;
        let future = append(&*s, event("github", "future"), t(20)).await;
        // Nothing is due before its time.
        assert!(s.lease("w", 10, VIS, t(0)).await.unwrap().is_empty());
        // Oldest due first, then by id.
        let got = s.lease("w", 2, VIS, t(10)).await.unwrap();
        assert_eq!(ids(&got), [early1, early2]);
        for e in &got {
            assert_eq!(e.state, EntryState::Leased);
            assert_eq!(e.lease_owner.as_deref(), Some("w"));
            assert_eq!(e.lease_until_ms, Some(ms_of(t(10)) + 30_000));
            assert!(e.lease_token.is_some());
            assert_eq!(e.updated_at_ms, ms_of(t(10)));
        }
        assert_ne!(got[0].lease_token, got[1].lease_token);
        let stored = s.get(early1).await.unwrap().unwrap();
        assert_eq!(stored.state, EntryState::Leased);
        assert_eq!(stored.lease_token, got[0].lease_token);
        assert_eq!(
            ids(&s.lease("w", 10, VIS, t(10)).await.unwrap()),
            [late, later]
        );
        assert!(s.lease("w", 10, VIS, t(10)).await.unwrap().is_empty());
        assert_eq!(ids(&s.lease("w", 10, VIS, t(20)).await.unwrap()), [future]);
        assert!(s.lease("w", 0, VIS, t(100)).await.unwrap().is_empty());

        // Many entries appended in the same millisecond come out in append order (ids past 9
        // included, where text order and number order differ).
        let mut batch = Vec::new();
        for i in 0..25 {
            batch.push(append(&*s, event("github", &format!("same-{i}")), t(30)).await);
        }
        assert_eq!(ids(&s.lease("w", 25, VIS, t(30)).await.unwrap()), batch);
    }

    pub async fn visibility_timeout(b: &Backing) {
        let s = b.open().await;
        let id = append(&*s, event("github", "v"), t(0)).await;
        let first = lease_one(&*s, "w1", t(0)).await;
        let old = first.lease().unwrap();
        assert_eq!(old.id, id);
        assert!(s.lease("w2", 10, VIS, t(10)).await.unwrap().is_empty());
        // Extending moves the expiry to now + visibility.
        assert!(s.extend(&old, VIS, t(20)).await.unwrap());
        assert_eq!(
            s.get(id).await.unwrap().unwrap().lease_until_ms,
            Some(ms_of(t(50)))
        );
        assert!(s.lease("w2", 10, VIS, t(40)).await.unwrap().is_empty());
        // The holder died: the lease expires and another worker takes the entry.
        let second = lease_one(&*s, "w2", t(50)).await;
        assert_eq!(second.id, id);
        assert_eq!(second.lease_owner.as_deref(), Some("w2"));
        let new = second.lease().unwrap();
        assert_ne!(new.token, old.token);
        // The old holder is refused everything.
        assert!(!s.ack(&old, t(51)).await.unwrap());
        assert!(!s.extend(&old, VIS, t(51)).await.unwrap());
        assert!(!s.retry_at(&old, t(60), "late", t(51)).await.unwrap());
        assert!(!s.dead_letter(&old, "late", t(51)).await.unwrap());
        assert!(!s.release(&old, t(51)).await.unwrap());
        let forged = LeaseToken {
            id,
            token: new.token + 1000,
        };
        assert!(!s.ack(&forged, t(51)).await.unwrap());
        let still = s.get(id).await.unwrap().unwrap();
        assert_eq!(
            (still.state, still.attempts, still.lease_token),
            (EntryState::Leased, 0, Some(new.token))
        );
        assert!(s.ack(&new, t(52)).await.unwrap());
        let done = s.get(id).await.unwrap().unwrap();
        assert_eq!(done.state, EntryState::Done);
        assert_eq!(done.updated_at_ms, ms_of(t(52)));
        assert_eq!(
            (done.lease_owner, done.lease_until_ms, done.lease_token),
            (None, None, None)
        );
        assert!(
            !s.ack(&new, t(53)).await.unwrap(),
            "a finished lease cannot be acked twice"
        );
        assert!(
            s.lease("w3", 10, VIS, t(1000)).await.unwrap().is_empty(),
            "done is never leased"
        );
    }

    pub async fn retry_at(b: &Backing) {
        let s = b.open().await;
        let id = append(&*s, event("github", "r"), t(0)).await;
        let l = lease_one(&*s, "w", t(0)).await.lease().unwrap();
        assert!(
            s.retry_at(&l, t(60), "502 Bad Gateway", t(1))
                .await
                .unwrap()
        );
        let e = s.get(id).await.unwrap().unwrap();
        assert_eq!(e.state, EntryState::Ready);
        assert_eq!(e.attempts, 1);
        assert_eq!(e.next_attempt_at_ms, ms_of(t(60)));
        assert_eq!(e.last_error.as_deref(), Some("502 Bad Gateway"));
        assert_eq!((e.lease_owner, e.lease_token), (None, None));
        assert!(!s.ack(&l, t(2)).await.unwrap());
        assert!(s.lease("w", 10, VIS, t(59)).await.unwrap().is_empty());
        let again = lease_one(&*s, "w", t(60)).await;
        assert_eq!((again.id, again.attempts), (id, 1));
        assert!(
            s.retry_at(&again.lease().unwrap(), t(90), "timeout", t(61))
                .await
                .unwrap()
        );
        let third = lease_one(&*s, "w", t(90)).await;
        assert_eq!(third.attempts, 2);
        assert_eq!(third.last_error.as_deref(), Some("timeout"));
        assert!(
            s.dead_letter(&third.lease().unwrap(), "gave up", t(91))
                .await
                .unwrap()
        );
        assert_eq!(s.get(id).await.unwrap().unwrap().attempts, 3);
    }

    pub async fn dead_letter_and_replay(b: &Backing) {
        let s = b.open().await;
        let keep = append(&*s, event("github", "ok"), t(0)).await;
        let id = append(&*s, event("github", "bad"), t(1)).await;
        let first = lease_one(&*s, "w", t(0)).await;
        assert!(s.ack(&first.lease().unwrap(), t(0)).await.unwrap());
        let l = lease_one(&*s, "w", t(1)).await.lease().unwrap();
        assert_eq!(l.id, id);
        assert!(s.dead_letter(&l, "410 Gone", t(2)).await.unwrap());
        let dead = s.get(id).await.unwrap().unwrap();
        assert_eq!((dead.state, dead.attempts), (EntryState::Dead, 1));
        assert_eq!(dead.last_error.as_deref(), Some("410 Gone"));
        assert_eq!(dead.updated_at_ms, ms_of(t(2)));
        assert!(s.lease("w", 10, VIS, t(10_000)).await.unwrap().is_empty());
        let listed = s
            .list(&EntryFilter {
                state: Some(EntryState::Dead),
                ..EntryFilter::default()
            })
            .await
            .unwrap();
        assert_eq!(ids(&listed), [id]);
        assert!(
            !s.replay(keep, t(20_000)).await.unwrap(),
            "only dead entries replay"
        );
        assert!(!s.replay(EntryId(id.0 + 1000), t(20_000)).await.unwrap());
        assert!(s.replay(id, t(20_000)).await.unwrap());
        assert!(!s.replay(id, t(20_000)).await.unwrap());
        let back = s.get(id).await.unwrap().unwrap();
        assert_eq!((back.state, back.attempts), (EntryState::Ready, 0));
        assert_eq!(back.next_attempt_at_ms, ms_of(t(20_000)));
        let again = lease_one(&*s, "w", t(20_000)).await;
        assert_eq!(again.id, id);
        assert!(s.ack(&again.lease().unwrap(), t(20_001)).await.unwrap());
    }

    pub async fn replay_all(b: &Backing) {
        let s = b.open().await;
        for (c, n) in [("github", "g1"), ("github", "g2"), ("slack", "s1")] {
            append(&*s, event(c, n), t(0)).await;
        }
        for e in s.lease("w", 10, VIS, t(0)).await.unwrap() {
            assert!(
                s.dead_letter(&e.lease().unwrap(), "no", t(1))
                    .await
                    .unwrap()
            );
        }
        assert_eq!(s.replay_all(Some("github"), t(2)).await.unwrap(), 2);
        let dead = s
            .list(&EntryFilter {
                state: Some(EntryState::Dead),
                ..EntryFilter::default()
            })
            .await
            .unwrap();
        assert_eq!(dead.len(), 1);
        assert_eq!(dead[0].event.connector, "slack");
        assert_eq!(s.replay_all(Some("github"), t(2)).await.unwrap(), 0);
        assert_eq!(s.replay_all(None, t(3)).await.unwrap(), 1);
        assert_eq!(s.replay_all(None, t(3)).await.unwrap(), 0);
        let leased = s.lease("w", 10, VIS, t(3)).await.unwrap();
        assert_eq!(leased.len(), 3);
        assert!(leased.iter().all(|e| e.attempts == 0));
    }

    pub async fn release(b: &Backing) {
        let s = b.open().await;
        for i in 0..3 {
            append(&*s, event("github", &format!("e{i}")), t(0)).await;
        }
        let mine = lease_one(&*s, "host-a", t(1)).await;
        let theirs = s.lease("host-b", 2, VIS, t(1)).await.unwrap();
        assert_eq!(theirs.len(), 2);
        let l = mine.lease().unwrap();
        assert!(s.release(&l, t(2)).await.unwrap());
        assert!(!s.release(&l, t(2)).await.unwrap());
        let e = s.get(mine.id).await.unwrap().unwrap();
        assert_eq!(
            (e.state, e.attempts, e.next_attempt_at_ms),
            (EntryState::Ready, 0, ms_of(t(2)))
        );
        assert_eq!(e.lease_owner, None);
        // Leasable at once, not after the visibility timeout.
        assert_eq!(
            ids(&s.lease("host-c", 10, VIS, t(2)).await.unwrap()),
            [mine.id]
        );
        // A restarting host takes back everything it held.
        assert_eq!(s.release_owner("host-b", t(3)).await.unwrap(), 2);
        assert_eq!(s.release_owner("host-b", t(3)).await.unwrap(), 0);
        for e in &theirs {
            assert!(!s.ack(&e.lease().unwrap(), t(3)).await.unwrap());
        }
        let back = s.lease("host-b", 10, VIS, t(3)).await.unwrap();
        assert_eq!(ids(&back), ids(&theirs));
        assert!(back.iter().all(|e| e.attempts == 0));
        assert_eq!(
            s.get(mine.id)
                .await
                .unwrap()
                .unwrap()
                .lease_owner
                .as_deref(),
            Some("host-c")
        );
    }

    pub async fn stats(b: &Backing) {
        let s = b.open().await;
        assert!(s.stats(t(0)).await.unwrap().connectors.is_empty());
        // Appended in this order, so leased in this order too.
        append(&*s, received(event("github", "done"), 2_000), t(0)).await;
        append(&*s, received(event("github", "dead"), 1_000), t(0)).await;
        let leased = append(&*s, received(event("github", "leased"), 3_000), t(0)).await;
        let ready = append(&*s, received(event("github", "ready"), 5_000), t(0)).await;
        append(&*s, received(event("slack", "ready"), 7_000), t(0)).await;
        let done = lease_one(&*s, "w", t(1)).await;
        assert!(s.ack(&done.lease().unwrap(), t(1)).await.unwrap());
        let dead = lease_one(&*s, "w", t(1)).await;
        assert!(
            s.dead_letter(&dead.lease().unwrap(), "x", t(1))
                .await
                .unwrap()
        );
        let held = lease_one(&*s, "w", t(1)).await;
        assert_eq!(held.id, leased);
        let stats = s.stats(t(2)).await.unwrap();
        assert_eq!(stats.connectors.len(), 2);
        assert_eq!(
            stats.connector("github"),
            ConnectorStats {
                ready: 1,
                leased: 1,
                dead: 1,
                done: 1,
                oldest_pending_ms: Some(3_000),
            }
        );
        assert_eq!(
            stats.connector("slack"),
            ConnectorStats {
                ready: 1,
                oldest_pending_ms: Some(7_000),
                ..ConnectorStats::default()
            }
        );
        assert_eq!(stats.connector("jira"), ConnectorStats::default());
        // Delivering the pending ones leaves no oldest pending; a replay brings one back.
        assert!(s.ack(&held.lease().unwrap(), t(3)).await.unwrap());
        let r = lease_one(&*s, "w", t(3)).await;
        assert_eq!(r.id, ready);
        assert!(s.ack(&r.lease().unwrap(), t(3)).await.unwrap());
        let gh = s.stats(t(4)).await.unwrap().connector("github");
        assert_eq!(
            (gh.ready, gh.leased, gh.dead, gh.done, gh.oldest_pending_ms),
            (0, 0, 1, 3, None)
        );
        assert!(s.replay(dead.id, t(5)).await.unwrap());
        let gh = s.stats(t(5)).await.unwrap().connector("github");
        assert_eq!(
            (gh.ready, gh.dead, gh.oldest_pending_ms),
            (1, 0, Some(1_000))
        );
        // Retries and releases keep the counts right.
        let l = lease_one(&*s, "w", t(5)).await.lease().unwrap();
        assert!(s.retry_at(&l, t(100), "x", t(5)).await.unwrap());
        let gh = s.stats(t(5)).await.unwrap().connector("github");
        assert_eq!(
            (gh.ready, gh.leased, gh.oldest_pending_ms),
            (1, 0, Some(1_000))
        );
    }

    pub async fn purge(b: &Backing) {
        let s = b.open().await;
        let ten_secs = Duration::from_secs(10);
        assert!(s.claim("x", ten_secs, t(0)).await.unwrap());
        assert!(s.claim("y", ten_secs, t(0)).await.unwrap());
        assert!(
            s.claim("z", Duration::from_secs(10 * 86_400), t(0))
                .await
                .unwrap()
        );
        let old_done = append(&*s, event("github", "old-done"), t(0)).await;
        let fresh_done = append(&*s, event("github", "fresh-done"), t(0)).await;
        let old_dead = append(&*s, event("github", "old-dead"), t(0)).await;
        let ready = append(&*s, event("github", "ready"), t(0)).await;
        let l = lease_one(&*s, "w", t(0)).await.lease().unwrap();
        assert!(s.ack(&l, t(0)).await.unwrap());
        let l = lease_one(&*s, "w", t(0)).await.lease().unwrap();
        let l3 = lease_one(&*s, "w", t(0)).await.lease().unwrap();
        assert!(s.dead_letter(&l3, "x", t(0)).await.unwrap());
        assert!(s.ack(&l, t(2 * 86_400)).await.unwrap());

        let now = t(2 * 86_400 + 3_600);
        let report = s.purge(now, DAY).await.unwrap();
        assert_eq!(
            report,
            PurgeReport {
                claims: 2,
                entries: 1
            }
        );
        assert_eq!(s.get(old_done).await.unwrap(), None);
        assert_eq!(
            s.get(fresh_done).await.unwrap().unwrap().state,
            EntryState::Done
        );
        assert_eq!(
            s.get(old_dead).await.unwrap().unwrap().state,
            EntryState::Dead
        );
        assert_eq!(
            s.get(ready).await.unwrap().unwrap().state,
            EntryState::Ready
        );
        assert_eq!(
            ids(&s.list(&all()).await.unwrap()),
            [fresh_done, old_dead, ready]
        );
        // Expired claims are gone, live ones stay (the entries' own claims included).
        assert!(s.claim("x", ten_secs, now).await.unwrap());
        assert!(!s.claim("z", ten_secs, now).await.unwrap());
        assert_eq!(
            s.enqueue(event("github", "old-done"), LONG, now)
                .await
                .unwrap(),
            Enqueued::Duplicate
        );
        let gh = s.stats(now).await.unwrap().connector("github");
        assert_eq!((gh.ready, gh.dead, gh.done), (1, 1, 1));
        assert_eq!(s.purge(now, DAY).await.unwrap(), PurgeReport::default());
        // Retention zero removes every delivered entry.
        assert_eq!(s.purge(now, Duration::ZERO).await.unwrap().entries, 1);
    }

    pub async fn credentials(b: &Backing) {
        let s = b.open().await;
        let key = "github/default";
        assert!(s.get_credential(key).await.unwrap().is_none());
        assert_eq!(
            s.put_credential(key, Some(1), b"v0".to_vec(), t(0))
                .await
                .unwrap(),
            CasOutcome::Conflict { current: None }
        );
        assert_eq!(
            s.put_credential(key, None, b"v1".to_vec(), t(1))
                .await
                .unwrap(),
            CasOutcome::Written { version: 1 }
        );
        assert_eq!(
            s.put_credential(key, None, b"other".to_vec(), t(2))
                .await
                .unwrap(),
            CasOutcome::Conflict { current: Some(1) }
        );
        assert_eq!(
            s.put_credential(key, Some(2), b"stale".to_vec(), t(2))
                .await
                .unwrap(),
            CasOutcome::Conflict { current: Some(1) }
        );
        let sealed = vec![0u8, 255, 10, 13, 0, 7];
        assert_eq!(
            s.put_credential(key, Some(1), sealed.clone(), t(3))
                .await
                .unwrap(),
            CasOutcome::Written { version: 2 }
        );
        let rec = s.get_credential(key).await.unwrap().unwrap();
        assert_eq!(
            (rec.key.as_str(), rec.version, &rec.data, rec.updated_at_ms),
            (key, 2, &sealed, ms_of(t(3)))
        );
        for k in ["slack/default", "github/other", "github0", "github"] {
            assert_eq!(
                s.put_credential(k, None, k.as_bytes().to_vec(), t(4))
                    .await
                    .unwrap(),
                CasOutcome::Written { version: 1 }
            );
        }
        let keys = |v: Vec<plugboard_store::CredentialRecord>| {
            v.into_iter().map(|r| r.key).collect::<Vec<_>>()
        };
        assert_eq!(
            keys(s.list_credentials("github/").await.unwrap()),
            ["github/default", "github/other"]
        );
        assert_eq!(
            keys(s.list_credentials("").await.unwrap()),
            [
                "github",
                "github/default",
                "github/other",
                "github0",
                "slack/default"
            ]
        );
        assert!(s.list_credentials("jira/").await.unwrap().is_empty());
        let listed = s.list_credentials("github/d").await.unwrap();
        assert_eq!(listed, vec![rec.clone()]);
        assert_eq!(
            s.delete_credential(key, 1).await.unwrap(),
            CasOutcome::Conflict { current: Some(2) }
        );
        assert_eq!(
            s.delete_credential(key, 2).await.unwrap(),
            CasOutcome::Written { version: 0 }
        );
        assert!(s.get_credential(key).await.unwrap().is_none());
        assert_eq!(
            s.delete_credential(key, 2).await.unwrap(),
            CasOutcome::Conflict { current: None }
        );
        assert_eq!(
            keys(s.list_credentials("github/").await.unwrap()),
            ["github/other"]
        );
        assert_eq!(
            s.put_credential(key, None, b"again".to_vec(), t(5))
                .await
                .unwrap(),
            CasOutcome::Written { version: 1 }
        );
    }

    pub async fn locks(b: &Backing) {
        let s = b.open().await;
        let ttl = Duration::from_secs(30);
        assert!(s.try_lock("refresh/github", "a", ttl, t(0)).await.unwrap());
        assert!(!s.try_lock("refresh/github", "b", ttl, t(10)).await.unwrap());
        assert!(
            s.try_lock("refresh/slack", "b", ttl, t(10)).await.unwrap(),
            "locks are by name"
        );
        // Re-entrant for its owner, and extended from then.
        assert!(s.try_lock("refresh/github", "a", ttl, t(20)).await.unwrap());
        assert!(!s.try_lock("refresh/github", "b", ttl, t(40)).await.unwrap());
        // Only the owner unlocks.
        s.unlock("refresh/github", "b").await.unwrap();
        assert!(!s.try_lock("refresh/github", "b", ttl, t(45)).await.unwrap());
        s.unlock("refresh/github", "a").await.unwrap();
        assert!(s.try_lock("refresh/github", "b", ttl, t(46)).await.unwrap());
        // An expired lock is free for anyone.
        assert!(!s.try_lock("refresh/github", "a", ttl, t(75)).await.unwrap());
        assert!(s.try_lock("refresh/github", "a", ttl, t(76)).await.unwrap());
        s.unlock("refresh/github", "nobody").await.unwrap();
        assert!(!s.try_lock("refresh/github", "b", ttl, t(77)).await.unwrap());
    }

    pub async fn concurrent_enqueue(b: &Backing) {
        let s = b.open().await;
        let tasks: Vec<_> = (0..50)
            .map(|task| {
                let s = s.clone();
                tokio::spawn(async move {
                    let mut out = Vec::new();
                    for j in 0..20 {
                        // Every tenth event repeats one another task sends (10 % duplicates).
                        let id = if j % 10 == 9 {
                            format!("ev-{}-{}", (task + 1) % 50, j - 1)
                        } else {
                            format!("ev-{task}-{j}")
                        };
                        out.push(s.enqueue(event("github", &id), LONG, t(0)).await.unwrap());
                    }
                    out
                })
            })
            .collect();
        let mut appended = Vec::new();
        let mut duplicates = 0;
        for task in tasks {
            for outcome in task.await.unwrap() {
                match outcome {
                    Enqueued::Appended(id) => appended.push(id),
                    Enqueued::Duplicate => duplicates += 1,
                }
            }
        }
        assert_eq!((appended.len(), duplicates), (900, 100));
        assert_eq!(
            appended.iter().collect::<HashSet<_>>().len(),
            900,
            "ids are distinct"
        );
        let stored = s.list(&all()).await.unwrap();
        assert_eq!(stored.len(), 900);
        let events: HashSet<_> = stored.iter().map(|e| e.event.event_id.clone()).collect();
        assert_eq!(events.len(), 900, "each distinct event stored once");
        let mut stored_ids = ids(&stored);
        stored_ids.sort();
        appended.sort();
        assert_eq!(stored_ids, appended);
        assert_eq!(s.stats(t(0)).await.unwrap().connector("github").ready, 900);
    }

    pub async fn two_hosts_lease(b: &Backing) {
        let host_a = b.open().await;
        let host_b = b.open().await;
        for i in 0..200 {
            let host = if i % 2 == 0 { &host_a } else { &host_b };
            append(&**host, event("github", &format!("e{i}")), t(0)).await;
        }
        let workers: Vec<_> = (0..8)
            .map(|w| {
                let s = if w % 2 == 0 {
                    host_a.clone()
                } else {
                    host_b.clone()
                };
                tokio::spawn(async move {
                    let owner = format!("worker-{w}");
                    let mut got = Vec::new();
                    loop {
                        let batch = s
                            .lease(&owner, 7, Duration::from_secs(3600), t(1))
                            .await
                            .unwrap();
                        if batch.is_empty() {
                            return got;
                        }
                        for e in batch {
                            assert!(s.ack(&e.lease().unwrap(), t(2)).await.unwrap());
                            got.push(e.id);
                        }
                    }
                })
            })
            .collect();
        let mut seen = Vec::new();
        for w in workers {
            seen.extend(w.await.unwrap());
        }
        assert_eq!(seen.len(), 200, "every entry leased exactly once in total");
        assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 200);
        assert_eq!(
            host_b.stats(t(3)).await.unwrap().connector("github").done,
            200
        );
    }
}

/// Checks only the SQLite backend can make.
mod sqlite_only {
    use super::*;

    fn open(dir: &tempfile::TempDir) -> SqliteStore {
        SqliteStore::open(dir.path().join("store.db")).unwrap()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn reopen_keeps_everything() {
        let dir = tempfile::tempdir().unwrap();
        let s = open(&dir);
        assert_eq!(s.path(), dir.path().join("store.db"));
        for i in 0..10 {
            append(&s, event("github", &format!("e{i}")), t(0)).await;
        }
        let a = lease_one(&s, "w", t(1)).await;
        let b = lease_one(&s, "w", t(1)).await;
        let held = lease_one(&s, "w", t(1)).await;
        assert!(s.ack(&a.lease().unwrap(), t(2)).await.unwrap());
        assert!(s.dead_letter(&b.lease().unwrap(), "x", t(2)).await.unwrap());
        s.put_credential("github/default", None, vec![1, 2, 3], t(2))
            .await
            .unwrap();
        assert!(
            s.try_lock("l", "a", Duration::from_secs(60), t(2))
                .await
                .unwrap()
        );
        let before = s.list(&all()).await.unwrap();
        drop(s);

        let s = open(&dir);
        assert_eq!(s.list(&all()).await.unwrap(), before);
        assert_eq!(
            s.get_credential("github/default")
                .await
                .unwrap()
                .unwrap()
                .data,
            [1, 2, 3]
        );
        assert!(
            !s.try_lock("l", "b", Duration::from_secs(60), t(3))
                .await
                .unwrap()
        );
        assert_eq!(
            s.enqueue(event("github", "e3"), LONG, t(3)).await.unwrap(),
            Enqueued::Duplicate
        );
        // Lease tokens never repeat across a restart.
        let next = lease_one(&s, "w", t(3)).await;
        assert!(next.lease_token.unwrap() > held.lease_token.unwrap());
        assert!(
            s.ack(&held.lease().unwrap(), t(3)).await.unwrap(),
            "a lease survives a restart"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn acknowledged_enqueue_is_on_disk_without_a_clean_shutdown() {
        let dir = tempfile::tempdir().unwrap();
        let s = open(&dir);
        let mut appended = Vec::new();
        for i in 0..20 {
            appended.push(append(&s, event("github", &format!("e{i}")), t(0)).await);
        }
        // No drop, no flush, no checkpoint: as if the process were killed now.
        std::mem::forget(s);
        let other = open(&dir);
        assert_eq!(ids(&other.list(&all()).await.unwrap()), appended);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn backup_is_a_working_copy() {
        let dir = tempfile::tempdir().unwrap();
        let s = open(&dir);
        for i in 0..50 {
            append(&s, event("github", &format!("e{i}")), t(0)).await;
        }
        s.put_credential("github/default", None, vec![9], t(0))
            .await
            .unwrap();
        let target = dir.path().join("backups").join("copy.db");
        s.backup(&target).await.unwrap();
        let copy = SqliteStore::open(&target).unwrap();
        assert_eq!(
            copy.list(&all()).await.unwrap(),
            s.list(&all()).await.unwrap()
        );
        assert_eq!(
            copy.get_credential("github/default")
                .await
                .unwrap()
                .unwrap()
                .version,
            1
        );
        drop(copy);
        // A second backup replaces the first.
        for i in 50..60 {
            append(&s, event("github", &format!("e{i}")), t(0)).await;
        }
        s.backup(&target).await.unwrap();
        let copy = SqliteStore::open(&target).unwrap();
        assert_eq!(copy.list(&all()).await.unwrap().len(), 60);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_enqueues_share_commits() {
        let dir = tempfile::tempdir().unwrap();
        let s = Arc::new(open(&dir));
        let before = s.commit_count();
        let outcomes = futures::future::join_all(
            (0..500).map(|i| s.enqueue(event("github", &format!("e{i}")), LONG, t(0))),
        )
        .await;
        assert!(
            outcomes
                .iter()
                .all(|o| matches!(o, Ok(Enqueued::Appended(_))))
        );
        let commits = s.commit_count() - before;
        assert!(commits >= 1);
        assert!(
            commits <= 25,
            "500 concurrent enqueues took {commits} commits"
        );
        s.flush().await.unwrap();
        assert_eq!(s.list(&all()).await.unwrap().len(), 500);
        // One at a time, each enqueue is its own commit.
        let before = s.commit_count();
        for i in 0..5 {
            append(&*s, event("github", &format!("solo-{i}")), t(0)).await;
        }
        assert_eq!(s.commit_count() - before, 5);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn refuses_a_newer_schema() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store.db");
        drop(SqliteStore::open(&path).unwrap());
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
        drop(conn);
        let err = SqliteStore::open(&path).unwrap_err().to_string();
        assert!(err.contains("schema version 99"), "{err}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn claims_made_by_another_process_on_the_file_are_seen_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store.db");
        let a = SqliteStore::open(&path).unwrap();
        let b = SqliteStore::open(&path).unwrap();
        // Each store has its own writer thread and in-memory claim index.
        assert!(a.claim("github/-/x", LONG, t(0)).await.unwrap());
        assert!(!b.claim("github/-/x", LONG, t(1)).await.unwrap());
        assert_eq!(
            b.enqueue(event("github", "e"), LONG, t(1)).await.unwrap(),
            Enqueued::Appended(EntryId(1))
        );
        assert_eq!(
            a.enqueue(event("github", "e"), LONG, t(2)).await.unwrap(),
            Enqueued::Duplicate
        );
        // A purge by one is not undone by the other's index.
        assert_eq!(b.purge(t(1) + LONG, DAY).await.unwrap().claims, 2);
        assert!(a.claim("github/-/x", LONG, t(1) + LONG).await.unwrap());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_version_1_file_keeps_its_claims() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store.db");
        drop(SqliteStore::open(&path).unwrap());
        {
            // Turn the file into what version 1 wrote: claims in a keyed table.
            let conn = rusqlite::Connection::open(&path).unwrap();
            conn.execute_batch(
                "DROP TABLE claim_log;
                 CREATE TABLE claims (key TEXT PRIMARY KEY, expires_at INTEGER NOT NULL) WITHOUT ROWID;
                 CREATE INDEX claims_expiry ON claims (expires_at);
                 INSERT INTO claims VALUES ('github/-/old', 9000000000000);
                 PRAGMA user_version = 1;",
            )
            .unwrap();
        }
        let s = SqliteStore::open(&path).unwrap();
        assert!(!s.claim("github/-/old", LONG, t(0)).await.unwrap());
        assert!(s.claim("github/-/new", LONG, t(0)).await.unwrap());
        assert_eq!(
            s.enqueue(event("github", "old"), LONG, t(0)).await.unwrap(),
            Enqueued::Duplicate
        );
    }
}

/// Checks only the Redis backend can make.
mod redis_only {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn prefixes_keep_stores_apart() {
        let server = RedisServer::start();
        let a = RedisStore::connect(&server.url(), "tenant-a")
            .await
            .unwrap();
        let b = RedisStore::connect(&server.url(), "tenant-b")
            .await
            .unwrap();
        assert_eq!(a.prefix(), "tenant-a");
        append(&a, event("github", "e1"), t(0)).await;
        assert_eq!(
            b.enqueue(event("github", "e1"), LONG, t(0)).await.unwrap(),
            Enqueued::Appended(EntryId(1))
        );
        assert!(b.lease("w", 10, VIS, t(0)).await.unwrap().len() == 1);
        assert_eq!(a.stats(t(0)).await.unwrap().connector("github").ready, 1);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn unreachable_server_is_a_backend_error() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let err = RedisStore::connect(&format!("redis://127.0.0.1:{port}/"), "p")
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                plugboard_store::StoreError::Backend {
                    backend: "redis",
                    ..
                }
            ),
            "{err}"
        );
    }
}
