//! The events file: one JSON line per verified delivery,
//! `{"connector","event_id","event_type","received_at","body","body_encoding"}`, appended,
//! flushed and fsynced before the delivery is acknowledged. Event ids already in the file (or
//! appended since start-up) are not appended again.

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;
use std::sync::{Mutex, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use plugboard_core::VerifiedWebhook;
use serde_json::{Value, json};

/// An append-only JSON-lines file of verified deliveries, de-duplicated by
/// (connector, event id).
pub struct EventLog {
    inner: Mutex<Inner>,
}

struct Inner {
    file: File,
    seen: HashSet<(String, String)>,
}

impl EventLog {
    /// Opens (or creates) the file and remembers the event ids it already holds.
    pub fn open(path: &Path) -> io::Result<Self> {
        let mut seen = HashSet::new();
        let mut torn_tail = false;
        match std::fs::read(path) {
            Ok(bytes) => {
                for line in bytes.split(|b| *b == b'\n') {
                    if let Ok(v) = serde_json::from_slice::<Value>(line)
                        && let (Some(c), Some(id)) =
                            (v["connector"].as_str(), v["event_id"].as_str())
                    {
                        seen.insert((c.to_string(), id.to_string()));
                    }
                }
                // A crash mid-append leaves a partial last line: start on a fresh one.
                torn_tail = !bytes.is_empty() && !bytes.ends_with(b"\n");
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        let existed = path.exists();
        let mut file = OpenOptions::new().create(true).append(true).open(path)?;
        if torn_tail {
            file.write_all(b"\n")?;
        }
        file.sync_all()?;
        if !existed {
            sync_parent(path);
        }
        Ok(Self {
            inner: Mutex::new(Inner { file, seen }),
        })
    }

    /// How many distinct events are known.
    pub fn len(&self) -> usize {
        self.lock().seen.len()
    }

    /// Appends the delivery unless its event id was seen; `Ok(false)` for a duplicate. The
    /// line is on disk (written and fsynced) when this returns `Ok(true)`.
    pub fn append(&self, connector: &str, event: &VerifiedWebhook) -> io::Result<bool> {
        let mut inner = self.lock();
        let key = (connector.to_string(), event.event_id().to_string());
        if inner.seen.contains(&key) {
            return Ok(false);
        }
        let mut line = serde_json::to_vec(&record(connector, event))?;
        line.push(b'\n');
        let before = inner.file.metadata()?.len();
        let written = inner
            .file
            .write_all(&line)
            .and_then(|()| inner.file.flush())
            .and_then(|()| inner.file.sync_all());
        if let Err(e) = written {
            // Never leave half a line behind for the next append to run into.
            let _ = inner.file.set_len(before);
            return Err(e);
        }
        inner.seen.insert(key);
        Ok(true)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The JSON line for one delivery: the body as text when it is UTF-8, else base64.
pub fn record(connector: &str, event: &VerifiedWebhook) -> Value {
    let (body, encoding) = match std::str::from_utf8(event.body()) {
        Ok(text) => (text.to_string(), "utf8"),
        Err(_) => (STANDARD.encode(event.body()), "base64"),
    };
    json!({
        "connector": connector,
        "event_id": event.event_id(),
        "event_type": event.event_type(),
        "received_at": rfc3339(event.received_at()),
        "body": body,
        "body_encoding": encoding,
    })
}

/// Makes a newly created file's directory entry durable (best effort; Unix only).
fn sync_parent(path: &Path) {
    #[cfg(unix)]
    {
        let parent = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        if let Ok(dir) = File::open(parent) {
            let _ = dir.sync_all();
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ` in UTC.
pub fn rfc3339(t: SystemTime) -> String {
    let d = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = d.as_secs();
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (y, m, day) = civil_from_days(days as i64);
    format!(
        "{y:04}-{m:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        d.subsec_millis()
    )
}

/// The proleptic Gregorian date of a day count since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    // Shift the epoch to 0000-03-01 so leap days fall at the end of a 400-year era.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use http::{HeaderMap, Method};
    use plugboard_core::webhook::{STANDARD_WEBHOOKS, sign_standard};
    use plugboard_core::{WebhookRequest, WebhookSecrets, WebhookVerifier};
    use std::time::Duration;

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    fn verified(id: &str, body: &'static [u8]) -> VerifiedWebhook {
        let body = Bytes::from_static(body);
        let ts = 1_700_000_000;
        let mut h = HeaderMap::new();
        h.insert("webhook-id", id.parse().unwrap());
        h.insert("webhook-timestamp", ts.to_string().parse().unwrap());
        let sig = sign_standard(SECRET, id, ts, &body).unwrap();
        h.insert("webhook-signature", sig.parse().unwrap());
        let request = WebhookRequest {
            method: &Method::POST,
            headers: &h,
            query: None,
            body: &body,
        };
        let secrets = WebhookSecrets::from_strs([SECRET]).unwrap();
        let now = UNIX_EPOCH + Duration::from_secs(ts as u64);
        STANDARD_WEBHOOKS.verify(&request, &secrets, now).unwrap()
    }

    fn scratch(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "plugboard-events-{}-{name}-{}",
            std::process::id(),
            fastrand::u64(..)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        dir.join("events.jsonl")
    }

    fn lines(path: &Path) -> Vec<Value> {
        std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .filter(|l| !l.is_empty())
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    #[test]
    fn appends_once_per_event_id_and_remembers_across_reopen() {
        let path = scratch("dedup");
        let log = EventLog::open(&path).unwrap();
        assert!(
            log.append("standard-webhooks", &verified("msg_1", b"{\"type\":\"a\"}"))
                .unwrap()
        );
        assert!(
            !log.append("standard-webhooks", &verified("msg_1", b"{\"type\":\"a\"}"))
                .unwrap()
        );
        // The same id from another connector is another event.
        assert!(log.append("other", &verified("msg_1", b"{}")).unwrap());
        assert!(
            log.append("standard-webhooks", &verified("msg_2", b"\xff\xfe"))
                .unwrap()
        );
        let got = lines(&path);
        assert_eq!(got.len(), 3);
        assert_eq!(got[0]["event_id"], "msg_1");
        assert_eq!(got[0]["event_type"], "a");
        assert_eq!(got[0]["body"], "{\"type\":\"a\"}");
        assert_eq!(got[0]["body_encoding"], "utf8");
        assert_eq!(got[0]["received_at"], "2023-11-14T22:13:20.000Z");
        assert_eq!(got[2]["body"], "//4=");
        assert_eq!(got[2]["body_encoding"], "base64");
        drop(log);

        let log = EventLog::open(&path).unwrap();
        assert_eq!(log.len(), 3);
        assert!(
            !log.append("standard-webhooks", &verified("msg_2", b"\xff\xfe"))
                .unwrap()
        );
        assert_eq!(lines(&path).len(), 3);
    }

    #[test]
    fn a_torn_last_line_does_not_corrupt_the_next_append() {
        let path = scratch("torn");
        std::fs::write(
            &path,
            "{\"connector\":\"x\",\"event_id\":\"e1\"}\n{\"connector\":\"x\",\"ev",
        )
        .unwrap();
        let log = EventLog::open(&path).unwrap();
        assert_eq!(log.len(), 1);
        assert!(log.append("x", &verified("e2", b"{}")).unwrap());
        let text = std::fs::read_to_string(&path).unwrap();
        let last: Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
        assert_eq!(last["event_id"], "e2");
    }

    #[test]
    fn formats_utc_timestamps() {
        let at = |s: u64, ms: u64| UNIX_EPOCH + Duration::from_secs(s) + Duration::from_millis(ms);
        assert_eq!(rfc3339(at(0, 0)), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(at(1_614_265_330, 42)), "2021-02-25T15:02:10.042Z");
        assert_eq!(rfc3339(at(951_782_400, 0)), "2000-02-29T00:00:00.000Z");
        assert_eq!(rfc3339(at(4_107_542_399, 999)), "2100-02-28T23:59:59.999Z");
        assert_eq!(rfc3339(at(1_709_251_199, 0)), "2024-02-29T23:59:59.000Z");
    }
}
