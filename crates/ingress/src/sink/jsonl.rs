//! [`JsonlSink`]: one JSON line per event, appended to a file and fsynced before the delivery
//! counts as done — and never twice for one event: the sink knows every event key in the file
//! (read at open, then whatever other processes appended since), under an exclusive file lock,
//! so a redelivery after a crash between the append and the acknowledgement, or by another
//! host sharing the file, is recognised and skipped. Lines look like:
//!
//! `{"entry_id","connector","connection","event_id","event_type","received_at","attributes",
//! "body","body_encoding"}` — `body` is the event's JSON when the body parses, else its base64
//! (`body_encoding` says which: `json` or `base64`).

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use plugboard_store::Entry;
use serde_json::{Value, json};

use super::{Sink, SinkError, rfc3339_millis};

/// Appends events to a JSON-lines file.
#[derive(Debug, Clone)]
pub struct JsonlSink {
    name: String,
    path: PathBuf,
    file: Arc<Mutex<Appender>>,
}

/// The open file and what this process knows of its contents.
#[derive(Debug)]
struct Appender {
    file: File,
    /// Event keys of every line up to `known_len`.
    keys: HashSet<String>,
    /// How many bytes of the file `keys` covers.
    known_len: u64,
}

impl Appender {
    /// Reads lines appended (by anyone) since `known_len` into `keys`.
    fn catch_up(&mut self) -> io::Result<()> {
        let len = self.file.metadata()?.len();
        if len <= self.known_len {
            return Ok(());
        }
        self.file.seek(SeekFrom::Start(self.known_len))?;
        let mut reader = io::BufReader::new((&self.file).take(len - self.known_len));
        let mut line = Vec::new();
        let mut consumed = 0u64;
        loop {
            line.clear();
            let n = reader.read_until(b'\n', &mut line)?;
            if n == 0 || line.last() != Some(&b'\n') {
                break; // a line still being written is read next time
            }
            consumed += n as u64;
            if let Some(key) = line_key(&line) {
                self.keys.insert(key);
            }
        }
        self.known_len += consumed;
        Ok(())
    }
}

/// The event key of one written line: connector, connection and event id.
fn line_key(line: &[u8]) -> Option<String> {
    let v: Value = serde_json::from_slice(line).ok()?;
    Some(event_key(
        v.get("connector")?.as_str()?,
        v.get("connection").and_then(Value::as_str),
        v.get("event_id")?.as_str()?,
    ))
}

fn event_key(connector: &str, connection: Option<&str>, event_id: &str) -> String {
    format!("{connector}/{}/{event_id}", connection.unwrap_or("-"))
}

impl JsonlSink {
    /// Opens (or creates) the file for appending. A torn last line (a crash mid-write) is
    /// ended first so the next line parses.
    pub fn open(path: impl AsRef<Path>) -> io::Result<Self> {
        let path = path.as_ref().to_path_buf();
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .read(true)
            .open(&path)?;
        file.lock()?;
        let len = file.metadata()?.len();
        if len > 0 {
            let mut last = [0u8; 1];
            file.seek(SeekFrom::Start(len - 1))?;
            file.read_exact(&mut last)?;
            if last[0] != b'\n' {
                file.write_all(b"\n")?;
            }
        }
        file.sync_all()?;
        let mut appender = Appender {
            file,
            keys: HashSet::new(),
            known_len: 0,
        };
        let caught_up = appender.catch_up();
        appender.file.unlock()?;
        caught_up?;
        Ok(Self {
            name: "jsonl".into(),
            path,
            file: Arc::new(Mutex::new(appender)),
        })
    }

    /// Renames the sink.
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// The JSON line written for `entry`.
pub fn record(entry: &Entry) -> Value {
    let e = &entry.event;
    let (body, encoding) = match serde_json::from_slice::<Value>(&e.body) {
        Ok(v) => (v, "json"),
        Err(_) => (Value::String(STANDARD.encode(&e.body)), "base64"),
    };
    json!({
        "entry_id": entry.id.0,
        "connector": e.connector,
        "connection": e.connection,
        "event_id": e.event_id,
        "event_type": e.event_type,
        "received_at": rfc3339_millis(e.received_at_ms),
        "attributes": e.attributes,
        "body": body,
        "body_encoding": encoding,
    })
}

#[async_trait]
impl Sink for JsonlSink {
    fn name(&self) -> &str {
        &self.name
    }

    async fn deliver(&self, entry: &Entry) -> Result<(), SinkError> {
        let mut line = serde_json::to_vec(&record(entry))
            .map_err(|e| SinkError::permanent(format!("cannot encode: {e}")))?;
        line.push(b'\n');
        let key = event_key(
            &entry.event.connector,
            entry.event.connection.as_deref(),
            &entry.event.event_id,
        );
        let file = self.file.clone();
        let written = tokio::task::spawn_blocking(move || {
            let mut appender = file.lock().unwrap_or_else(PoisonError::into_inner);
            appender.file.lock()?;
            let result = (|| {
                appender.catch_up()?;
                if appender.keys.contains(&key) {
                    return Ok(()); // written before: a redelivery
                }
                let before = appender.file.metadata()?.len();
                let appended = appender
                    .file
                    .write_all(&line)
                    .and_then(|()| appender.file.sync_data());
                if appended.is_err() {
                    // Never leave half a line for the next append to run into.
                    let _ = appender.file.set_len(before);
                    return appended;
                }
                appender.keys.insert(key);
                appender.known_len = before + line.len() as u64;
                Ok(())
            })();
            let _ = appender.file.unlock();
            result
        })
        .await;
        match written {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(SinkError::transient(format!(
                "cannot append to {}: {e}",
                self.path.display()
            ))),
            Err(e) => Err(SinkError::transient(format!("append task failed: {e}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use bytes::Bytes;
    use plugboard_store::{EntryId, EntryState, NewEntry};

    use super::*;

    fn entry(id: u64, event_id: &str) -> Entry {
        Entry {
            id: EntryId(id),
            event: NewEntry {
                connector: "github".into(),
                connection: None,
                event_id: event_id.into(),
                event_type: "push".into(),
                received_at_ms: 1_700_000_000_000,
                attributes: BTreeMap::new(),
                body: Bytes::from_static(b"{\"ok\":true}"),
            },
            state: EntryState::Leased,
            attempts: 0,
            next_attempt_at_ms: 0,
            last_error: None,
            lease_owner: None,
            lease_until_ms: None,
            lease_token: Some(1),
            updated_at_ms: 0,
        }
    }

    fn lines(path: &Path) -> Vec<Value> {
        std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    #[tokio::test]
    async fn an_event_is_written_once_across_redeliveries_reopens_and_processes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("events.jsonl");
        let first = JsonlSink::open(&path).unwrap();
        first.deliver(&entry(1, "a")).await.unwrap();
        first.deliver(&entry(1, "a")).await.unwrap();
        first.deliver(&entry(2, "b")).await.unwrap();
        // A restarted process (the file is read at open) and a second host sharing the file
        // (lines appended by another writer are read before each append).
        let reopened = JsonlSink::open(&path).unwrap();
        reopened.deliver(&entry(1, "a")).await.unwrap();
        first.deliver(&entry(3, "c")).await.unwrap();
        reopened.deliver(&entry(3, "c")).await.unwrap();
        reopened.deliver(&entry(4, "d")).await.unwrap();
        first.deliver(&entry(4, "d")).await.unwrap();
        let ids: Vec<String> = lines(&path)
            .iter()
            .map(|l| l["event_id"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(ids, ["a", "b", "c", "d"]);
    }
}
