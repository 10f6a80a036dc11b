//! [`RedisStore`]: state shared by several hosts through one Redis server. Every transition
//! is a single Lua script, so it is atomic across hosts; a host that dies leaves leases that
//! expire back to the queue.
//!
//! Keys, under a prefix `P` (default `plugboard`):
//!
//! | key | type | holds |
//! |---|---|---|
//! | `P:claim:{key}` | string, `PX` ttl | the claim's expiry (caller clock, Unix ms) |
//! | `P:claims` | sorted set | claim keys by expiry, for `purge` to count and remove |
//! | `P:seq`, `P:lease_seq` | counters | entry ids, lease tokens |
//! | `P:e:{id}` | hash | one entry (`id` zero-padded to 16 digits so sets order like numbers) |
//! | `P:ready` | sorted set | ready entries by `next_attempt_at` |
//! | `P:leased` | sorted set | leased entries by lease expiry |
//! | `P:done` | sorted set | delivered entries by `updated_at` (purge) |
//! | `P:dead` | sorted set | dead entries by id |
//! | `P:ids` | sorted set | every entry by id (`list`) |
//! | `P:stats:{connector}` | hash | ready / leased / dead / done counts |
//! | `P:pending:{connector}` | sorted set | ready and leased entries by `received_at` |
//! | `P:connectors` | set | connectors seen |
//! | `P:cred:{key}`, `P:creds` | hash, sorted set | credential records, their keys |
//! | `P:lock:{name}` | hash, `PX` ttl | lock owner and expiry |
//!
//! Expiry is judged with the caller's `now` (as for every backend); the `PX` ttl only makes
//! Redis forget keys by itself.

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use ::redis::aio::{ConnectionManager, ConnectionManagerConfig};
use ::redis::{FromRedisValue, Script, ScriptInvocation};
use async_trait::async_trait;
use bytes::Bytes;

use crate::error::{StoreError, StoreResult};
use crate::model::{
    CasOutcome, ConnectorStats, CredentialRecord, Enqueued, Entry, EntryFilter, EntryId,
    EntryState, LeaseToken, NewEntry, PurgeReport, QueueStats, unix_millis,
};
use crate::store::Store;

const BACKEND: &str = "redis";
/// Members one `list`, `replay_all` or `purge` script call looks at, so no call blocks Redis
/// for long.
const SCAN: usize = 1_000;

fn rerr(e: ::redis::RedisError) -> StoreError {
    StoreError::backend(BACKEND, e)
}

fn ms(d: Duration) -> i64 {
    d.as_millis().min(i64::MAX as u128) as i64
}

/// A `PX` / `PEXPIRE` argument: Redis refuses 0 and times past its own clock's range, so at
/// least 1 ms and at most ~31,000 years.
fn px(d: Duration) -> i64 {
    ms(d).clamp(1, 1_000_000_000_000_000)
}

/// A set member / key suffix for an entry id: zero-padded so lexical order is numeric order.
fn member(id: EntryId) -> String {
    format!("{:016}", id.0)
}

/// Lua shared by every script: `p` is the key prefix (`ARGV[1]`).
const PRELUDE: &str = r#"
local p = ARGV[1]
local function ek(m) return p .. ':e:' .. m end
local function stat(c, field, n) redis.call('HINCRBY', p .. ':stats:' .. c, field, n) end
local function claim(key, now, expires, ttl)
  local ck = p .. ':claim:' .. key
  local held = redis.call('GET', ck)
  if held and tonumber(held) > tonumber(now) then return false end
  redis.call('SET', ck, expires, 'PX', ttl)
  redis.call('ZADD', p .. ':claims', expires, key)
  return true
end
local function end_lease(m, c)
  redis.call('ZREM', p .. ':leased', m)
  redis.call('HDEL', ek(m), 'owner', 'until', 'token')
  stat(c, 'leased', -1)
end
local function to_ready(m, c, at, now)
  end_lease(m, c)
  redis.call('HSET', ek(m), 'state', 'ready', 'next_at', at, 'updated_at', now)
  redis.call('ZADD', p .. ':ready', at, m)
  stat(c, 'ready', 1)
end
local function revive(m, c, received, now)
  redis.call('HSET', ek(m), 'state', 'ready', 'attempts', 0, 'next_at', now, 'updated_at', now)
  redis.call('ZREM', p .. ':dead', m)
  redis.call('ZADD', p .. ':ready', now, m)
  redis.call('ZADD', p .. ':pending:' .. c, received, m)
  stat(c, 'dead', -1)
  stat(c, 'ready', 1)
end
"#;

/// ARGV: 2 key, 3 now, 4 expires, 5 ttl ms.
const CLAIM: &str = r#"
if claim(ARGV[2], ARGV[3], ARGV[4], ARGV[5]) then return 1 end
return 0
"#;

/// ARGV: 2 claim key, 3 now, 4 claim expires, 5 claim ttl ms, 6 connector, 7 connection,
/// 8 has connection, 9 event id, 10 event type, 11 received at, 12 attributes, 13 body.
/// Returns the new id, or 0 for a duplicate.
const ENQUEUE: &str = r#"
if not claim(ARGV[2], ARGV[3], ARGV[4], ARGV[5]) then return 0 end
local id = redis.call('INCR', p .. ':seq')
local m = string.format('%016d', id)
local k = ek(m)
redis.call('HSET', k, 'id', id, 'connector', ARGV[6], 'event_id', ARGV[9],
  'event_type', ARGV[10], 'received_at', ARGV[11], 'attributes', ARGV[12], 'body', ARGV[13],
  'state', 'ready', 'attempts', 0, 'next_at', ARGV[3], 'updated_at', ARGV[3])
if ARGV[8] == '1' then redis.call('HSET', k, 'connection', ARGV[7]) end
redis.call('ZADD', p .. ':ready', ARGV[3], m)
redis.call('ZADD', p .. ':ids', id, m)
redis.call('ZADD', p .. ':pending:' .. ARGV[6], ARGV[11], m)
redis.call('SADD', p .. ':connectors', ARGV[6])
stat(ARGV[6], 'ready', 1)
return id
"#;

/// ARGV: 2 owner, 3 max, 4 now, 5 lease until. Returns the leased entries (HGETALL each).
const LEASE: &str = r#"
local max = tonumber(ARGV[3])
local cand = {}
local r = redis.call('ZRANGEBYSCORE', p .. ':ready', '-inf', ARGV[4], 'WITHSCORES', 'LIMIT', 0, max)
for i = 1, #r, 2 do cand[#cand + 1] = {r[i], tonumber(r[i + 1]), true} end
local l = redis.call('ZRANGEBYSCORE', p .. ':leased', '-inf', ARGV[4], 'WITHSCORES', 'LIMIT', 0, max)
for i = 1, #l, 2 do cand[#cand + 1] = {l[i], tonumber(l[i + 1]), false} end
table.sort(cand, function(a, b)
  if a[2] ~= b[2] then return a[2] < b[2] end
  return a[1] < b[1]
end)
local out = {}
for i = 1, math.min(max, #cand) do
  local m = cand[i][1]
  local k = ek(m)
  if cand[i][3] then
    redis.call('ZREM', p .. ':ready', m)
    local c = redis.call('HGET', k, 'connector')
    stat(c, 'ready', -1)
    stat(c, 'leased', 1)
  end
  local token = redis.call('INCR', p .. ':lease_seq')
  redis.call('ZADD', p .. ':leased', ARGV[5], m)
  redis.call('HSET', k, 'state', 'leased', 'owner', ARGV[2], 'until', ARGV[5], 'token', token,
    'updated_at', ARGV[4])
  out[#out + 1] = redis.call('HGETALL', k)
end
return out
"#;

/// ARGV: 2 member, 3 token, 4 now, 5 mode (extend | ack | retry | dead | release),
/// 6 until (extend) or at (retry) or error (dead), 7 error (retry). 1 if the lease held.
const TRANSITION: &str = r#"
local m, now, mode = ARGV[2], ARGV[4], ARGV[5]
local k = ek(m)
local h = redis.call('HMGET', k, 'state', 'token', 'connector')
if h[1] ~= 'leased' or tonumber(h[2]) ~= tonumber(ARGV[3]) then return 0 end
local c = h[3]
if mode == 'extend' then
  redis.call('HSET', k, 'until', ARGV[6])
  redis.call('ZADD', p .. ':leased', ARGV[6], m)
elseif mode == 'ack' then
  end_lease(m, c)
  redis.call('HSET', k, 'state', 'done', 'updated_at', now)
  redis.call('ZADD', p .. ':done', now, m)
  redis.call('ZREM', p .. ':pending:' .. c, m)
  stat(c, 'done', 1)
elseif mode == 'retry' then
  to_ready(m, c, ARGV[6], now)
  redis.call('HINCRBY', k, 'attempts', 1)
  redis.call('HSET', k, 'last_error', ARGV[7])
elseif mode == 'dead' then
  end_lease(m, c)
  redis.call('HINCRBY', k, 'attempts', 1)
  redis.call('HSET', k, 'state', 'dead', 'last_error', ARGV[6], 'updated_at', now)
  redis.call('ZADD', p .. ':dead', tonumber(m), m)
  redis.call('ZREM', p .. ':pending:' .. c, m)
  stat(c, 'dead', 1)
elseif mode == 'release' then
  to_ready(m, c, now, now)
else
  return redis.error_reply('unknown transition ' .. mode)
end
return 1
"#;

/// ARGV: 2 owner, 3 now. Returns how many leases were released.
const RELEASE_OWNER: &str = r#"
local n = 0
for _, m in ipairs(redis.call('ZRANGE', p .. ':leased', 0, -1)) do
  local h = redis.call('HMGET', ek(m), 'owner', 'connector')
  if h[1] == ARGV[2] then
    to_ready(m, h[2], ARGV[3], ARGV[3])
    n = n + 1
  end
end
return n
"#;

/// ARGV: 2 member, 3 now. 1 if the entry was dead.
const REPLAY: &str = r#"
local h = redis.call('HMGET', ek(ARGV[2]), 'state', 'connector', 'received_at')
if h[1] ~= 'dead' then return 0 end
revive(ARGV[2], h[2], h[3], ARGV[3])
return 1
"#;

/// ARGV: 2 now, 3 connector, 4 has connector, 5 after id, 6 batch.
/// Returns {replayed, scanned, last member}.
const REPLAY_BATCH: &str = r#"
local ms = redis.call('ZRANGEBYSCORE', p .. ':dead', '(' .. ARGV[5], '+inf', 'LIMIT', 0, tonumber(ARGV[6]))
local n = 0
for _, m in ipairs(ms) do
  local h = redis.call('HMGET', ek(m), 'state', 'connector', 'received_at')
  if h[1] == 'dead' and (ARGV[4] == '0' or h[2] == ARGV[3]) then
    revive(m, h[2], h[3], ARGV[2])
    n = n + 1
  end
end
return {n, #ms, ms[#ms] or ''}
"#;

/// Returns {connector, ready, leased, dead, done, oldest pending or ''} per connector.
const STATS: &str = r#"
local out = {}
for _, c in ipairs(redis.call('SMEMBERS', p .. ':connectors')) do
  local h = redis.call('HMGET', p .. ':stats:' .. c, 'ready', 'leased', 'dead', 'done')
  local o = redis.call('ZRANGE', p .. ':pending:' .. c, 0, 0, 'WITHSCORES')
  out[#out + 1] = {c, h[1] or '0', h[2] or '0', h[3] or '0', h[4] or '0', o[2] or ''}
end
return out
"#;

/// ARGV: 2 now, 3 cutoff, 4 batch. Returns {claims removed, entries removed}.
const PURGE: &str = r#"
local batch = tonumber(ARGV[4])
local cl = redis.call('ZRANGEBYSCORE', p .. ':claims', '-inf', ARGV[2], 'LIMIT', 0, batch)
for _, key in ipairs(cl) do
  local ck = p .. ':claim:' .. key
  local v = redis.call('GET', ck)
  if v and tonumber(v) <= tonumber(ARGV[2]) then redis.call('DEL', ck) end
  redis.call('ZREM', p .. ':claims', key)
end
local en = redis.call('ZRANGEBYSCORE', p .. ':done', '-inf', ARGV[3], 'LIMIT', 0, batch)
for _, m in ipairs(en) do
  local c = redis.call('HGET', ek(m), 'connector')
  redis.call('DEL', ek(m))
  redis.call('ZREM', p .. ':done', m)
  redis.call('ZREM', p .. ':ids', m)
  if c then stat(c, 'done', -1) end
end
return {#cl, #en}
"#;

/// ARGV: 2 source set (ids | dead), 3 after id, 4 limit, 5 state or '', 6 connector,
/// 7 has connector, 8 batch. Returns {scanned, last member, entries}.
const LIST: &str = r#"
local ms = redis.call('ZRANGEBYSCORE', p .. ':' .. ARGV[2], '(' .. ARGV[3], '+inf', 'LIMIT', 0, tonumber(ARGV[8]))
local out = {}
local last = ''
for _, m in ipairs(ms) do
  last = m
  local h = redis.call('HMGET', ek(m), 'state', 'connector')
  if h[1] and (ARGV[5] == '' or h[1] == ARGV[5]) and (ARGV[7] == '0' or h[2] == ARGV[6]) then
    out[#out + 1] = redis.call('HGETALL', ek(m))
    if #out >= tonumber(ARGV[4]) then break end
  end
end
return {#ms, last, out}
"#;

/// ARGV: 2 key, 3 expected version or '', 4 data, 5 now. Returns {written, version}
/// (version -1: no record).
const CRED_PUT: &str = r#"
local k = p .. ':cred:' .. ARGV[2]
local cur = redis.call('HGET', k, 'version')
local ok
if ARGV[3] == '' then ok = not cur else ok = cur and tonumber(cur) == tonumber(ARGV[3]) end
if not ok then return {0, cur and tonumber(cur) or -1} end
local v = (cur and tonumber(cur) or 0) + 1
redis.call('HSET', k, 'version', v, 'data', ARGV[4], 'updated_at', ARGV[5])
redis.call('ZADD', p .. ':creds', 0, ARGV[2])
return {1, v}
"#;

/// ARGV: 2 key, 3 expected version. Returns {deleted, current version or -1}.
const CRED_DELETE: &str = r#"
local k = p .. ':cred:' .. ARGV[2]
local cur = redis.call('HGET', k, 'version')
if not cur or tonumber(cur) ~= tonumber(ARGV[3]) then return {0, cur and tonumber(cur) or -1} end
redis.call('DEL', k)
redis.call('ZREM', p .. ':creds', ARGV[2])
return {1, 0}
"#;

/// ARGV: 2 prefix. Returns {key, version, data, updated_at} by key.
const CRED_LIST: &str = r#"
local lo, hi = '-', '+'
if ARGV[2] ~= '' then
  lo = '[' .. ARGV[2]
  hi = '[' .. ARGV[2] .. '\255'
end
local out = {}
for _, key in ipairs(redis.call('ZRANGEBYLEX', p .. ':creds', lo, hi)) do
  local h = redis.call('HMGET', p .. ':cred:' .. key, 'version', 'data', 'updated_at')
  if h[1] then out[#out + 1] = {key, h[1], h[2], h[3]} end
end
return out
"#;

/// ARGV: 2 name, 3 owner, 4 now, 5 until, 6 ttl ms.
const LOCK: &str = r#"
local k = p .. ':lock:' .. ARGV[2]
local h = redis.call('HMGET', k, 'owner', 'until')
if h[1] and h[1] ~= ARGV[3] and tonumber(h[2]) > tonumber(ARGV[4]) then return 0 end
redis.call('HSET', k, 'owner', ARGV[3], 'until', ARGV[5])
redis.call('PEXPIRE', k, ARGV[6])
return 1
"#;

/// ARGV: 2 name, 3 owner.
const UNLOCK: &str = r#"
local k = p .. ':lock:' .. ARGV[2]
if redis.call('HGET', k, 'owner') == ARGV[3] then redis.call('DEL', k) end
return 1
"#;

struct Scripts {
    claim: Script,
    enqueue: Script,
    lease: Script,
    transition: Script,
    release_owner: Script,
    replay: Script,
    replay_batch: Script,
    stats: Script,
    purge: Script,
    list: Script,
    cred_put: Script,
    cred_delete: Script,
    cred_list: Script,
    lock: Script,
    unlock: Script,
}

impl Scripts {
    fn new() -> Self {
        let s = |body: &str| Script::new(&format!("{PRELUDE}{body}"));
        Self {
            claim: s(CLAIM),
            enqueue: s(ENQUEUE),
            lease: s(LEASE),
            transition: s(TRANSITION),
            release_owner: s(RELEASE_OWNER),
            replay: s(REPLAY),
            replay_batch: s(REPLAY_BATCH),
            stats: s(STATS),
            purge: s(PURGE),
            list: s(LIST),
            cred_put: s(CRED_PUT),
            cred_delete: s(CRED_DELETE),
            cred_list: s(CRED_LIST),
            lock: s(LOCK),
            unlock: s(UNLOCK),
        }
    }
}

/// A store in Redis, shared by every host connected with the same prefix.
pub struct RedisStore {
    conn: ConnectionManager,
    prefix: String,
    scripts: Scripts,
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStore")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

impl RedisStore {
    /// Connects to `url` (`redis://[user:password@]host:port/db`, or `rediss://`) and keeps
    /// every key under `prefix`. The connection reconnects by itself after a failure.
    pub async fn connect(url: &str, prefix: &str) -> StoreResult<Self> {
        if prefix.is_empty() {
            return Err(StoreError::Config {
                key: "store.url",
                message: "the Redis key prefix is empty".into(),
            });
        }
        let client = ::redis::Client::open(url).map_err(|e| StoreError::Config {
            key: "store.url",
            message: format!("not a usable Redis URL: {e}"),
        })?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(5)))
            .set_response_timeout(Some(Duration::from_secs(30)))
            .set_number_of_retries(3);
        let conn = ConnectionManager::new_with_config(client, config)
            .await
            .map_err(rerr)?;
        let store = Self {
            conn,
            prefix: prefix.to_string(),
            scripts: Scripts::new(),
        };
        let _: String = ::redis::cmd("PING")
            .query_async(&mut store.conn.clone())
            .await
            .map_err(rerr)?;
        Ok(store)
    }

    /// The key prefix.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// Runs a script with the prefix as `ARGV[1]` and `args` after it.
    async fn run<T: FromRedisValue>(
        &self,
        script: &Script,
        args: impl FnOnce(&mut ScriptInvocation<'_>),
    ) -> StoreResult<T> {
        let mut inv = script.prepare_invoke();
        inv.arg(&self.prefix);
        args(&mut inv);
        inv.invoke_async(&mut self.conn.clone()).await.map_err(rerr)
    }

    async fn transition(
        &self,
        lease: &LeaseToken,
        now: SystemTime,
        mode: &str,
        extra: &[&[u8]],
    ) -> StoreResult<bool> {
        let n: i64 = self
            .run(&self.scripts.transition, |inv| {
                inv.arg(member(lease.id))
                    .arg(lease.token)
                    .arg(unix_millis(now))
                    .arg(mode);
                for e in extra {
                    inv.arg(*e);
                }
            })
            .await?;
        Ok(n == 1)
    }
}

fn corrupt(key: String, message: impl Into<String>) -> StoreError {
    StoreError::Corrupt {
        backend: BACKEND,
        key,
        message: message.into(),
    }
}

/// An entry's hash fields, taken out one by one.
struct Fields {
    key: String,
    h: HashMap<String, Vec<u8>>,
}

impl Fields {
    fn corrupt(&self, message: impl Into<String>) -> StoreError {
        corrupt(self.key.clone(), message)
    }

    fn text(&mut self, f: &str) -> StoreResult<Option<String>> {
        match self.h.remove(f) {
            None => Ok(None),
            Some(v) => String::from_utf8(v)
                .map(Some)
                .map_err(|_| self.corrupt(format!("{f}: not UTF-8"))),
        }
    }

    fn required(&mut self, f: &str) -> StoreResult<String> {
        self.text(f)?
            .ok_or_else(|| self.corrupt(format!("{f} missing")))
    }

    fn int(&mut self, f: &str) -> StoreResult<Option<i64>> {
        match self.text(f)? {
            None => Ok(None),
            Some(s) => s
                .parse()
                .map(Some)
                .map_err(|_| self.corrupt(format!("{f}: not a number"))),
        }
    }
}

/// An entry from its hash fields.
fn parse_entry(h: HashMap<String, Vec<u8>>) -> StoreResult<Entry> {
    let key = format!(
        "entry {}",
        h.get("id")
            .map(|v| String::from_utf8_lossy(v))
            .unwrap_or_default()
    );
    let mut f = Fields { key, h };
    let id = f.int("id")?.ok_or_else(|| f.corrupt("id missing"))?;
    let attributes = f.required("attributes")?;
    let state = f.required("state")?;
    Ok(Entry {
        id: EntryId(id as u64),
        event: NewEntry {
            connector: f.required("connector")?,
            connection: f.text("connection")?,
            event_id: f.required("event_id")?,
            event_type: f.required("event_type")?,
            received_at_ms: f.int("received_at")?.unwrap_or(0),
            attributes: serde_json::from_str(&attributes)
                .map_err(|e| f.corrupt(format!("attributes: {e}")))?,
            body: Bytes::from(f.h.remove("body").unwrap_or_default()),
        },
        state: EntryState::parse(&state).ok_or_else(|| f.corrupt(format!("state {state:?}")))?,
        attempts: f.int("attempts")?.unwrap_or(0).clamp(0, u32::MAX as i64) as u32,
        next_attempt_at_ms: f.int("next_at")?.unwrap_or(0),
        last_error: f.text("last_error")?,
        lease_owner: f.text("owner")?,
        lease_until_ms: f.int("until")?,
        lease_token: f.int("token")?.map(|t| t as u64),
        updated_at_ms: f.int("updated_at")?.unwrap_or(0),
    })
}

fn cas(written: i64, version: i64) -> CasOutcome {
    if written == 1 {
        CasOutcome::Written {
            version: version as u64,
        }
    } else {
        CasOutcome::Conflict {
            current: (version >= 0).then_some(version as u64),
        }
    }
}

#[async_trait]
impl Store for RedisStore {
    fn backend(&self) -> &'static str {
        BACKEND
    }

    async fn claim(&self, key: &str, ttl: Duration, now: SystemTime) -> StoreResult<bool> {
        let now = unix_millis(now);
        let n: i64 = self
            .run(&self.scripts.claim, |inv| {
                inv.arg(key)
                    .arg(now)
                    .arg(now.saturating_add(ms(ttl)))
                    .arg(px(ttl));
            })
            .await?;
        Ok(n == 1)
    }

    async fn enqueue(
        &self,
        entry: NewEntry,
        claim_ttl: Duration,
        now: SystemTime,
    ) -> StoreResult<Enqueued> {
        let now = unix_millis(now);
        let attributes = serde_json::to_string(&entry.attributes)
            .map_err(|e| StoreError::backend(BACKEND, format!("attributes: {e}")))?;
        let id: i64 = self
            .run(&self.scripts.enqueue, |inv| {
                inv.arg(entry.claim_key())
                    .arg(now)
                    .arg(now.saturating_add(ms(claim_ttl)))
                    .arg(px(claim_ttl))
                    .arg(&entry.connector)
                    .arg(entry.connection.as_deref().unwrap_or(""))
                    .arg(if entry.connection.is_some() { "1" } else { "0" })
                    .arg(&entry.event_id)
                    .arg(&entry.event_type)
                    .arg(entry.received_at_ms)
                    .arg(&attributes)
                    .arg(&entry.body[..]);
            })
            .await?;
        Ok(if id > 0 {
            Enqueued::Appended(EntryId(id as u64))
        } else {
            Enqueued::Duplicate
        })
    }

    async fn lease(
        &self,
        owner: &str,
        max: usize,
        visibility: Duration,
        now: SystemTime,
    ) -> StoreResult<Vec<Entry>> {
        if max == 0 {
            return Ok(Vec::new());
        }
        let now = unix_millis(now);
        let rows: Vec<HashMap<String, Vec<u8>>> = self
            .run(&self.scripts.lease, |inv| {
                inv.arg(owner)
                    .arg(max)
                    .arg(now)
                    .arg(now.saturating_add(ms(visibility)));
            })
            .await?;
        rows.into_iter().map(parse_entry).collect()
    }

    async fn extend(
        &self,
        lease: &LeaseToken,
        visibility: Duration,
        now: SystemTime,
    ) -> StoreResult<bool> {
        let until = unix_millis(now).saturating_add(ms(visibility)).to_string();
        self.transition(lease, now, "extend", &[until.as_bytes()])
            .await
    }

    async fn ack(&self, lease: &LeaseToken, now: SystemTime) -> StoreResult<bool> {
        self.transition(lease, now, "ack", &[]).await
    }

    async fn retry_at(
        &self,
        lease: &LeaseToken,
        at: SystemTime,
        error: &str,
        now: SystemTime,
    ) -> StoreResult<bool> {
        let at = unix_millis(at).to_string();
        self.transition(lease, now, "retry", &[at.as_bytes(), error.as_bytes()])
            .await
    }

    async fn dead_letter(
        &self,
        lease: &LeaseToken,
        error: &str,
        now: SystemTime,
    ) -> StoreResult<bool> {
        self.transition(lease, now, "dead", &[error.as_bytes()])
            .await
    }

    async fn release(&self, lease: &LeaseToken, now: SystemTime) -> StoreResult<bool> {
        self.transition(lease, now, "release", &[]).await
    }

    async fn release_owner(&self, owner: &str, now: SystemTime) -> StoreResult<u64> {
        self.run(&self.scripts.release_owner, |inv| {
            inv.arg(owner).arg(unix_millis(now));
        })
        .await
    }

    async fn get(&self, id: EntryId) -> StoreResult<Option<Entry>> {
        let h: HashMap<String, Vec<u8>> = ::redis::cmd("HGETALL")
            .arg(format!("{}:e:{}", self.prefix, member(id)))
            .query_async(&mut self.conn.clone())
            .await
            .map_err(rerr)?;
        if h.is_empty() {
            return Ok(None);
        }
        parse_entry(h).map(Some)
    }

    async fn list(&self, filter: &EntryFilter) -> StoreResult<Vec<Entry>> {
        let limit = filter.effective_limit();
        let source = if filter.state == Some(EntryState::Dead) {
            "dead"
        } else {
            "ids"
        };
        let state = filter.state.map_or("", EntryState::as_str);
        let connector = filter.connector.as_deref().unwrap_or("");
        let has_connector = if filter.connector.is_some() { "1" } else { "0" };
        let mut after = filter.after.map_or(0, |a| a.0);
        let mut out = Vec::new();
        loop {
            let (scanned, last, rows): (usize, String, Vec<HashMap<String, Vec<u8>>>) = self
                .run(&self.scripts.list, |inv| {
                    inv.arg(source)
                        .arg(after)
                        .arg(limit - out.len())
                        .arg(state)
                        .arg(connector)
                        .arg(has_connector)
                        .arg(SCAN);
                })
                .await?;
            for row in rows {
                out.push(parse_entry(row)?);
            }
            if out.len() >= limit || scanned < SCAN {
                break;
            }
            after = last
                .parse()
                .map_err(|_| corrupt(last.clone(), "not an entry id"))?;
        }
        Ok(out)
    }

    async fn replay(&self, id: EntryId, now: SystemTime) -> StoreResult<bool> {
        let n: i64 = self
            .run(&self.scripts.replay, |inv| {
                inv.arg(member(id)).arg(unix_millis(now));
            })
            .await?;
        Ok(n == 1)
    }

    async fn replay_all(&self, connector: Option<&str>, now: SystemTime) -> StoreResult<u64> {
        let now = unix_millis(now);
        let mut after: u64 = 0;
        let mut total = 0;
        loop {
            let (replayed, scanned, last): (u64, usize, String) = self
                .run(&self.scripts.replay_batch, |inv| {
                    inv.arg(now)
                        .arg(connector.unwrap_or(""))
                        .arg(if connector.is_some() { "1" } else { "0" })
                        .arg(after)
                        .arg(SCAN);
                })
                .await?;
            total += replayed;
            if scanned < SCAN {
                return Ok(total);
            }
            after = last
                .parse()
                .map_err(|_| corrupt(last.clone(), "not an entry id"))?;
        }
    }

    async fn stats(&self, _now: SystemTime) -> StoreResult<QueueStats> {
        let rows: Vec<(String, u64, u64, u64, u64, String)> =
            self.run(&self.scripts.stats, |_| {}).await?;
        let mut stats = QueueStats::default();
        for (connector, ready, leased, dead, done, oldest) in rows {
            if ready + leased + dead + done == 0 {
                continue;
            }
            let oldest_pending_ms = if oldest.is_empty() {
                None
            } else {
                Some(
                    oldest
                        .parse::<f64>()
                        .map_err(|_| corrupt(format!("pending of {connector}"), "bad score"))?
                        as i64,
                )
            };
            stats.connectors.insert(
                connector,
                ConnectorStats {
                    ready,
                    leased,
                    dead,
                    done,
                    oldest_pending_ms,
                },
            );
        }
        Ok(stats)
    }

    async fn purge(&self, now: SystemTime, retention: Duration) -> StoreResult<PurgeReport> {
        let now = unix_millis(now);
        let cutoff = now.saturating_sub(ms(retention));
        let mut report = PurgeReport::default();
        loop {
            let (claims, entries): (u64, u64) = self
                .run(&self.scripts.purge, |inv| {
                    inv.arg(now).arg(cutoff).arg(SCAN);
                })
                .await?;
            report.claims += claims;
            report.entries += entries;
            if claims < SCAN as u64 && entries < SCAN as u64 {
                return Ok(report);
            }
        }
    }

    async fn get_credential(&self, key: &str) -> StoreResult<Option<CredentialRecord>> {
        let (version, data, updated): (Option<u64>, Option<Vec<u8>>, Option<i64>) =
            ::redis::cmd("HMGET")
                .arg(format!("{}:cred:{key}", self.prefix))
                .arg("version")
                .arg("data")
                .arg("updated_at")
                .query_async(&mut self.conn.clone())
                .await
                .map_err(rerr)?;
        Ok(version.map(|version| CredentialRecord {
            key: key.to_string(),
            version,
            data: data.unwrap_or_default(),
            updated_at_ms: updated.unwrap_or(0),
        }))
    }

    async fn put_credential(
        &self,
        key: &str,
        expected: Option<u64>,
        data: Vec<u8>,
        now: SystemTime,
    ) -> StoreResult<CasOutcome> {
        let expected = expected.map(|v| v.to_string()).unwrap_or_default();
        let (written, version): (i64, i64) = self
            .run(&self.scripts.cred_put, |inv| {
                inv.arg(key)
                    .arg(&expected)
                    .arg(&data[..])
                    .arg(unix_millis(now));
            })
            .await?;
        Ok(cas(written, version))
    }

    async fn list_credentials(&self, prefix: &str) -> StoreResult<Vec<CredentialRecord>> {
        let rows: Vec<(String, u64, Vec<u8>, i64)> = self
            .run(&self.scripts.cred_list, |inv| {
                inv.arg(prefix);
            })
            .await?;
        Ok(rows
            .into_iter()
            .map(|(key, version, data, updated_at_ms)| CredentialRecord {
                key,
                version,
                data,
                updated_at_ms,
            })
            .collect())
    }

    async fn delete_credential(&self, key: &str, expected: u64) -> StoreResult<CasOutcome> {
        let (written, version): (i64, i64) = self
            .run(&self.scripts.cred_delete, |inv| {
                inv.arg(key).arg(expected);
            })
            .await?;
        Ok(cas(written, version))
    }

    async fn try_lock(
        &self,
        name: &str,
        owner: &str,
        ttl: Duration,
        now: SystemTime,
    ) -> StoreResult<bool> {
        let now = unix_millis(now);
        let n: i64 = self
            .run(&self.scripts.lock, |inv| {
                inv.arg(name)
                    .arg(owner)
                    .arg(now)
                    .arg(now.saturating_add(ms(ttl)))
                    .arg(px(ttl));
            })
            .await?;
        Ok(n == 1)
    }

    async fn unlock(&self, name: &str, owner: &str) -> StoreResult<()> {
        let _: i64 = self
            .run(&self.scripts.unlock, |inv| {
                inv.arg(name).arg(owner);
            })
            .await?;
        Ok(())
    }
}
