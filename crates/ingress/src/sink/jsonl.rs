//! [`JsonlSink`]: one JSON line per event, appended to a file and fsynced before the delivery
//! counts as done:
//!
//! `{"entry_id","connector","connection","event_id","event_type","received_at","attributes",
//! "body","body_encoding"}` — `body` is the event's JSON when the body parses, else its base64
//! (`body_encoding` says which: `json` or `base64`).

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
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
    file: Arc<Mutex<File>>,
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
        let len = file.metadata()?.len();
        if len > 0 {
            use std::io::{Read, Seek, SeekFrom};
            let mut last = [0u8; 1];
            file.seek(SeekFrom::Start(len - 1))?;
            file.read_exact(&mut last)?;
            if last[0] != b'\n' {
                file.write_all(b"\n")?;
            }
        }
        file.sync_all()?;
        Ok(Self {
            name: "jsonl".into(),
            path,
            file: Arc::new(Mutex::new(file)),
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
        let file = self.file.clone();
        let written = tokio::task::spawn_blocking(move || {
            let mut file = file.lock().unwrap_or_else(PoisonError::into_inner);
            let before = file.metadata()?.len();
            let result = file.write_all(&line).and_then(|()| file.sync_data());
            if result.is_err() {
                // Never leave half a line for the next append to run into.
                let _ = file.set_len(before);
            }
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
