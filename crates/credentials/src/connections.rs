//! [`ConnectionStore`]: connections sealed into the [`Store`]'s versioned credential records.
//! Every write is compare-and-swap on the version the connection was read at.

use std::sync::Arc;
use std::time::SystemTime;

use plugboard_store::{CasOutcome, CredentialRecord, Store};

use crate::connection::{Connection, ConnectionKey};
use crate::error::{CredentialsError, CredentialsResult};
use crate::sealer::Sealer;

/// Encrypted, versioned connections on top of a [`Store`].
#[derive(Clone)]
pub struct ConnectionStore {
    store: Arc<dyn Store>,
    sealer: Arc<Sealer>,
}

impl std::fmt::Debug for ConnectionStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectionStore")
            .field("backend", &self.store.backend())
            .field("sealer", &self.sealer)
            .finish()
    }
}

impl ConnectionStore {
    /// Connections in `store`, sealed by `sealer`.
    pub fn new(store: Arc<dyn Store>, sealer: Arc<Sealer>) -> Self {
        Self { store, sealer }
    }

    /// The underlying store (locks, claims).
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// The sealer.
    pub fn sealer(&self) -> &Arc<Sealer> {
        &self.sealer
    }

    /// One connection, with its version.
    pub async fn get(&self, key: &ConnectionKey) -> CredentialsResult<Option<Connection>> {
        let storage_key = key.storage_key();
        match self.store.get_credential(&storage_key).await? {
            Some(record) => self.open(&record).map(Some),
            None => Ok(None),
        }
    }

    /// Every connection (of one connector, when given), by key.
    pub async fn list(&self, connector: Option<&str>) -> CredentialsResult<Vec<Connection>> {
        let prefix = connector.map(|c| format!("{c}/")).unwrap_or_default();
        self.store
            .list_credentials(&prefix)
            .await?
            .iter()
            .map(|record| self.open(record))
            .collect()
    }

    /// Writes `connection` if the stored version is still `connection.version` (0: it must
    /// not exist yet), and sets the new version on it. A lost race is
    /// [`CredentialsError::Conflict`]: re-read and decide again.
    pub async fn put(
        &self,
        connection: &mut Connection,
        now: SystemTime,
    ) -> CredentialsResult<u64> {
        let storage_key = connection.key.storage_key();
        let plaintext = connection.to_plaintext()?;
        let sealed = self.sealer.seal(&storage_key, &plaintext);
        drop(plaintext);
        let expected = (connection.version > 0).then_some(connection.version);
        match self
            .store
            .put_credential(&storage_key, expected, sealed?, now)
            .await?
        {
            CasOutcome::Written { version } => {
                connection.version = version;
                Ok(version)
            }
            CasOutcome::Conflict { current } => Err(CredentialsError::Conflict {
                key: storage_key,
                expected,
                found: current,
            }),
        }
    }

    /// Stores `connection` whatever is stored under its key now (a new connect replaces the
    /// old grant). Retries the compare-and-swap against concurrent writers a few times.
    pub async fn replace(
        &self,
        connection: &mut Connection,
        now: SystemTime,
    ) -> CredentialsResult<u64> {
        let storage_key = connection.key.storage_key();
        let mut last = None;
        for _ in 0..5 {
            connection.version = self
                .store
                .get_credential(&storage_key)
                .await?
                .map_or(0, |r| r.version);
            match self.put(connection, now).await {
                Err(e @ CredentialsError::Conflict { .. }) => last = Some(e),
                other => return other,
            }
        }
        Err(last.unwrap_or_else(|| CredentialsError::Invalid("replace failed".into())))
    }

    /// Deletes a connection if it is still at `version`.
    pub async fn delete(&self, key: &ConnectionKey, version: u64) -> CredentialsResult<()> {
        let storage_key = key.storage_key();
        match self.store.delete_credential(&storage_key, version).await? {
            CasOutcome::Written { .. } => Ok(()),
            CasOutcome::Conflict { current } => Err(CredentialsError::Conflict {
                key: storage_key,
                expected: Some(version),
                found: current,
            }),
        }
    }

    /// Re-seals, with the current master key, every record sealed with a previous one (after
    /// a key rotation). Returns how many were rewritten; records changed concurrently are
    /// left for the next run.
    pub async fn reseal_all(&self, now: SystemTime) -> CredentialsResult<u64> {
        let mut count = 0;
        for record in self.store.list_credentials("").await? {
            if !self.sealer.needs_reseal(&record.data) {
                continue;
            }
            let plaintext = self.sealer.open(&record.key, &record.data)?;
            let sealed = self.sealer.seal(&record.key, &plaintext)?;
            if let CasOutcome::Written { .. } = self
                .store
                .put_credential(&record.key, Some(record.version), sealed, now)
                .await?
            {
                count += 1;
            }
        }
        Ok(count)
    }

    fn open(&self, record: &CredentialRecord) -> CredentialsResult<Connection> {
        let plaintext = self.sealer.open(&record.key, &record.data)?;
        Connection::from_plaintext(&record.key, &plaintext, record.version)
    }
}
