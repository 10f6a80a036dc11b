//! [`StoreError`]: what a backend reports. Messages never carry stored payloads or secrets.

/// A store failure.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The backend could not be reached or failed (I/O, SQLite, Redis).
    #[error("{backend} store: {message}")]
    Backend {
        /// `memory`, `sqlite` or `redis`.
        backend: &'static str,
        /// What failed.
        message: String,
    },
    /// Stored data could not be decoded.
    #[error("{backend} store: corrupt record {key}: {message}")]
    Corrupt {
        /// The backend.
        backend: &'static str,
        /// The record's key.
        key: String,
        /// What is wrong with it.
        message: String,
    },
    /// The backend does not support this operation (e.g. `backup` on Redis).
    #[error("{backend} store does not support {operation}")]
    Unsupported {
        /// The backend.
        backend: &'static str,
        /// The operation.
        operation: &'static str,
    },
    /// A configuration value is unusable (names the key at fault).
    #[error("store configuration: {key}: {message}")]
    Config {
        /// The configuration key, e.g. `store.url`.
        key: &'static str,
        /// What is wrong with it.
        message: String,
    },
}

impl StoreError {
    /// A backend failure.
    pub fn backend(backend: &'static str, message: impl std::fmt::Display) -> Self {
        Self::Backend {
            backend,
            message: message.to_string(),
        }
    }
}

/// `Result<T, StoreError>`.
pub type StoreResult<T> = Result<T, StoreError>;
