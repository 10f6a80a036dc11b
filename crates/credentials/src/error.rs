//! [`CredentialsError`]: what the connection store, the sealer and the key loader report.
//! Messages name keys, variables and paths, never secrets.

use plugboard_core::{Error, ErrorKind, RetryStatus};
use plugboard_store::StoreError;

/// A failure of the credentials layer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CredentialsError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A sealed record could not be opened: wrong or missing master key, or tampered bytes.
    #[error("credential {key}: cannot decrypt ({reason})")]
    Unseal {
        /// The record's key.
        key: String,
        /// Why (never the data).
        reason: &'static str,
    },
    /// A decrypted record is not a connection this version understands.
    #[error("credential {key}: unreadable record: {message}")]
    Corrupt {
        /// The record's key.
        key: String,
        /// What is wrong.
        message: String,
    },
    /// The master key is missing or malformed.
    #[error("master key: {source_name}: {message}")]
    MasterKey {
        /// Where it came from: the variable name or the key file path.
        source_name: String,
        /// What is wrong.
        message: String,
    },
    /// A compare-and-swap write lost: the record changed since it was read.
    #[error("credential {key}: changed concurrently (version {found:?}, expected {expected:?})")]
    Conflict {
        /// The record's key.
        key: String,
        /// The version the writer expected.
        expected: Option<u64>,
        /// The version found.
        found: Option<u64>,
    },
    /// A connection key or value is malformed.
    #[error("{0}")]
    Invalid(String),
}

/// `Result<T, CredentialsError>`.
pub type CredentialsResult<T> = Result<T, CredentialsError>;

impl From<CredentialsError> for Error {
    fn from(e: CredentialsError) -> Self {
        let (kind, retry) = match &e {
            CredentialsError::Store(StoreError::Backend { .. }) => {
                (ErrorKind::Internal, RetryStatus::Transient { after: None })
            }
            CredentialsError::MasterKey { .. } | CredentialsError::Invalid(_) => {
                (ErrorKind::Config, RetryStatus::Never)
            }
            _ => (ErrorKind::Internal, RetryStatus::Never),
        };
        // The request this error stops was never sent, so even a non-idempotent call may retry.
        Error::new(kind, e.to_string()).with_retry(retry).not_sent()
    }
}
