//! Encryption at rest: the [`MasterKey`] (from `PLUGBOARD_MASTER_KEY` or a 0600 key file) and
//! the [`Sealer`] that turns a connection's plaintext into an AES-256-GCM envelope bound to its
//! record key.
//!
//! Envelope: `pb1:` ‖ key id (4 bytes) ‖ nonce (12 random bytes, new for every write) ‖
//! ciphertext and tag. The associated data is `pb1:` ‖ key id ‖ record key, so a ciphertext
//! copied under another key, or altered in any byte, fails to open. There is no plaintext
//! fallback: a record that does not open is an error.
//!
//! Rotation: set the new key in `PLUGBOARD_MASTER_KEY` and the old one in
//! `PLUGBOARD_MASTER_KEY_PREVIOUS`; records sealed with either open, writes use the new one,
//! and [`ConnectionStore::reseal_all`](crate::ConnectionStore::reseal_all) re-seals the rest.

use std::fmt;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine as _;
use plugboard_core::signing::{MacAlgorithm, hmac};
use secrecy::{ExposeSecret, SecretBox};

use crate::error::{CredentialsError, CredentialsResult};

/// The variable holding the master key: 32 bytes as hex (64 characters) or base64.
pub const MASTER_KEY_VAR: &str = "PLUGBOARD_MASTER_KEY";

/// The variable holding the previous master key during a rotation.
pub const PREVIOUS_KEY_VAR: &str = "PLUGBOARD_MASTER_KEY_PREVIOUS";

const MAGIC: &[u8; 4] = b"pb1:";
const KEY_ID_LEN: usize = 4;
const NONCE_LEN: usize = 12;
const HEADER_LEN: usize = MAGIC.len() + KEY_ID_LEN + NONCE_LEN;

/// A 256-bit master key. Never printed; wiped from memory when dropped.
pub struct MasterKey {
    bytes: SecretBox<[u8; 32]>,
}

/// Where the master key came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// The `PLUGBOARD_MASTER_KEY` variable.
    Env,
    /// An existing key file.
    File(PathBuf),
    /// A key file created just now (0600): back it up, losing it loses every credential.
    Created(PathBuf),
}

impl MasterKey {
    /// A key from 32 raw bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self {
            bytes: SecretBox::new(Box::new(bytes)),
        }
    }

    /// A fresh random key.
    pub fn generate() -> CredentialsResult<Self> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| CredentialsError::MasterKey {
            source_name: "random generator".into(),
            message: e.to_string(),
        })?;
        Ok(Self::from_bytes(bytes))
    }

    /// Parses 32 bytes written as hex (64 characters) or base64 (standard or URL-safe, padded
    /// or not). `source_name` (a variable or a path) names the culprit in errors.
    pub fn parse(text: &str, source_name: &str) -> CredentialsResult<Self> {
        let text = text.trim();
        let decoded = if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
            hex::decode(text).ok()
        } else {
            let engines = [
                &base64::engine::general_purpose::STANDARD,
                &base64::engine::general_purpose::STANDARD_NO_PAD,
                &base64::engine::general_purpose::URL_SAFE,
                &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            ];
            engines.iter().find_map(|e| e.decode(text).ok())
        };
        let bytes: [u8; 32] =
            decoded
                .and_then(|d| d.try_into().ok())
                .ok_or_else(|| CredentialsError::MasterKey {
                    source_name: source_name.to_string(),
                    message: "expected 32 bytes as 64 hex characters or base64 \
                          (generate one with `openssl rand -base64 32`)"
                        .into(),
                })?;
        Ok(Self::from_bytes(bytes))
    }

    /// The key in `PLUGBOARD_MASTER_KEY`, `None` when the variable is unset or empty; a
    /// malformed value is an error naming the variable.
    pub fn from_env() -> CredentialsResult<Option<Self>> {
        Self::from_var(MASTER_KEY_VAR, |name| std::env::var(name).ok())
    }

    /// The key in variable `name`, read through `lookup` (tests pass a map).
    pub fn from_var(
        name: &str,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> CredentialsResult<Option<Self>> {
        match lookup(name) {
            Some(value) if !value.trim().is_empty() => Self::parse(&value, name).map(Some),
            _ => Ok(None),
        }
    }

    /// The key from `PLUGBOARD_MASTER_KEY` when set; otherwise from the key file at `path`,
    /// creating it (0600, with a warning in the log) when it does not exist.
    pub fn load_or_create(path: &Path) -> CredentialsResult<(Self, KeySource)> {
        Self::load_or_create_with(path, |name| std::env::var(name).ok())
    }

    /// [`MasterKey::load_or_create`] with variables read through `lookup`.
    pub fn load_or_create_with(
        path: &Path,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> CredentialsResult<(Self, KeySource)> {
        if let Some(key) = Self::from_var(MASTER_KEY_VAR, &lookup)? {
            return Ok((key, KeySource::Env));
        }
        let file_error = |message: String| CredentialsError::MasterKey {
            source_name: path.display().to_string(),
            message,
        };
        match std::fs::read_to_string(path) {
            Ok(text) => {
                warn_if_readable_by_others(path);
                return Ok((
                    Self::parse(&text, &path.display().to_string())?,
                    KeySource::File(path.to_path_buf()),
                ));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(file_error(format!("cannot read: {e}"))),
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| file_error(format!("cannot create its directory: {e}")))?;
        }
        let key = Self::generate()?;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.mode(0o600);
        }
        let mut file = match options.open(path) {
            Ok(file) => file,
            // Another process created it first: use theirs.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| file_error(format!("cannot read: {e}")))?;
                return Ok((
                    Self::parse(&text, &path.display().to_string())?,
                    KeySource::File(path.to_path_buf()),
                ));
            }
            Err(e) => return Err(file_error(format!("cannot create: {e}"))),
        };
        let encoded = base64::engine::general_purpose::STANDARD.encode(key.bytes.expose_secret());
        file.write_all(format!("{encoded}\n").as_bytes())
            .and_then(|_| file.sync_all())
            .map_err(|e| file_error(format!("cannot write: {e}")))?;
        tracing::warn!(
            path = %path.display(),
            "{MASTER_KEY_VAR} is not set: created a new master key file (mode 0600). \
             Back it up: without it the stored credentials cannot be decrypted"
        );
        Ok((key, KeySource::Created(path.to_path_buf())))
    }

    /// A short, non-secret identifier of the key, written into every envelope.
    pub fn id(&self) -> [u8; KEY_ID_LEN] {
        let mac = self.mac(b"plugboard/key-id");
        [mac[0], mac[1], mac[2], mac[3]]
    }

    /// A 32-byte subkey for `label` (HMAC-SHA256 of the label under the master key), e.g. the
    /// key that signs OAuth `state` values.
    pub fn derive(&self, label: &str) -> SecretBox<[u8; 32]> {
        let mac = self.mac(label.as_bytes());
        let mut out = [0u8; 32];
        out.copy_from_slice(&mac[..32]);
        SecretBox::new(Box::new(out))
    }

    fn mac(&self, label: &[u8]) -> Vec<u8> {
        hmac(MacAlgorithm::Sha256, self.bytes.expose_secret(), &[label])
    }

    fn cipher(&self) -> Aes256Gcm {
        Aes256Gcm::new(self.bytes.expose_secret().into())
    }
}

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MasterKey")
            .field("id", &hex::encode(self.id()))
            .finish_non_exhaustive()
    }
}

#[cfg(unix)]
fn warn_if_readable_by_others(path: &Path) {
    use std::os::unix::fs::PermissionsExt as _;
    if let Ok(meta) = std::fs::metadata(path)
        && meta.permissions().mode() & 0o077 != 0
    {
        tracing::warn!(
            path = %path.display(),
            mode = format!("{:o}", meta.permissions().mode() & 0o777),
            "the master key file is readable by other users; chmod 600 it"
        );
    }
}

#[cfg(not(unix))]
fn warn_if_readable_by_others(_path: &Path) {}

/// Seals and opens credential records with the current master key, and opens records sealed
/// with previous keys (rotation).
pub struct Sealer {
    current: MasterKey,
    previous: Vec<MasterKey>,
}

impl Sealer {
    /// A sealer writing with `current`.
    pub fn new(current: MasterKey) -> Self {
        Self {
            current,
            previous: Vec::new(),
        }
    }

    /// Also opens records sealed with `key`.
    pub fn with_previous(mut self, key: MasterKey) -> Self {
        self.previous.push(key);
        self
    }

    /// The sealer the host runs with: the current key from `PLUGBOARD_MASTER_KEY` or the key
    /// file at `key_file` (created when missing), plus `PLUGBOARD_MASTER_KEY_PREVIOUS` when set.
    pub fn from_env_or_file(key_file: &Path) -> CredentialsResult<(Self, KeySource)> {
        Self::from_lookup(key_file, |name| std::env::var(name).ok())
    }

    /// [`Sealer::from_env_or_file`] with variables read through `lookup`.
    pub fn from_lookup(
        key_file: &Path,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> CredentialsResult<(Self, KeySource)> {
        let (current, source) = MasterKey::load_or_create_with(key_file, &lookup)?;
        let mut sealer = Self::new(current);
        if let Some(previous) = MasterKey::from_var(PREVIOUS_KEY_VAR, &lookup)? {
            sealer = sealer.with_previous(previous);
        }
        Ok((sealer, source))
    }

    /// The current key (for deriving subkeys).
    pub fn current_key(&self) -> &MasterKey {
        &self.current
    }

    /// Encrypts `plaintext` for the record `record_key` with a fresh random nonce.
    pub fn seal(&self, record_key: &str, plaintext: &[u8]) -> CredentialsResult<Vec<u8>> {
        let key_id = self.current.id();
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).map_err(|_| CredentialsError::Unseal {
            key: record_key.to_string(),
            reason: "no randomness for a nonce",
        })?;
        let aad = associated_data(&key_id, record_key);
        let ciphertext = self
            .current
            .cipher()
            .encrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: plaintext,
                    aad: &aad,
                },
            )
            .map_err(|_| CredentialsError::Unseal {
                key: record_key.to_string(),
                reason: "encryption failed",
            })?;
        let mut out = Vec::with_capacity(HEADER_LEN + ciphertext.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&key_id);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ciphertext);
        Ok(out)
    }

    /// Decrypts a record sealed for `record_key` with the current or a previous key.
    pub fn open(&self, record_key: &str, sealed: &[u8]) -> CredentialsResult<Vec<u8>> {
        let refuse = |reason| CredentialsError::Unseal {
            key: record_key.to_string(),
            reason,
        };
        if sealed.len() < HEADER_LEN + 16 || !sealed.starts_with(MAGIC) {
            return Err(refuse("not a sealed record"));
        }
        let key_id: [u8; KEY_ID_LEN] = sealed[MAGIC.len()..MAGIC.len() + KEY_ID_LEN]
            .try_into()
            .map_err(|_| refuse("not a sealed record"))?;
        let nonce: [u8; NONCE_LEN] = sealed[MAGIC.len() + KEY_ID_LEN..HEADER_LEN]
            .try_into()
            .map_err(|_| refuse("not a sealed record"))?;
        let key = std::iter::once(&self.current)
            .chain(&self.previous)
            .find(|k| k.id() == key_id)
            .ok_or_else(|| {
                refuse("sealed with an unknown master key; set PLUGBOARD_MASTER_KEY (and _PREVIOUS during a rotation)")
            })?;
        key.cipher()
            .decrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: &sealed[HEADER_LEN..],
                    aad: &associated_data(&key_id, record_key),
                },
            )
            .map_err(|_| refuse("authentication failed: tampered, or moved from another key"))
    }

    /// Whether `sealed` was written with a key other than the current one.
    pub fn needs_reseal(&self, sealed: &[u8]) -> bool {
        sealed.len() >= MAGIC.len() + KEY_ID_LEN
            && sealed[MAGIC.len()..MAGIC.len() + KEY_ID_LEN] != self.current.id()
    }
}

impl fmt::Debug for Sealer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sealer")
            .field("current", &self.current)
            .field("previous", &self.previous)
            .finish()
    }
}

fn associated_data(key_id: &[u8; KEY_ID_LEN], record_key: &str) -> Vec<u8> {
    let mut aad = Vec::with_capacity(MAGIC.len() + KEY_ID_LEN + record_key.len());
    aad.extend_from_slice(MAGIC);
    aad.extend_from_slice(key_id);
    aad.extend_from_slice(record_key.as_bytes());
    aad
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn key(byte: u8) -> MasterKey {
        MasterKey::from_bytes([byte; 32])
    }

    #[test]
    fn seal_open_round_trip_with_a_fresh_nonce_each_time() {
        let s = Sealer::new(key(1));
        let a = s.seal("github/default", b"ghp_secret").unwrap();
        let b = s.seal("github/default", b"ghp_secret").unwrap();
        assert_ne!(a, b, "nonces differ");
        assert!(a.starts_with(b"pb1:"));
        assert!(!a.windows(10).any(|w| w == b"ghp_secret"));
        assert_eq!(s.open("github/default", &a).unwrap(), b"ghp_secret");
    }

    #[test]
    fn a_record_moved_to_another_key_or_tampered_does_not_open() {
        let s = Sealer::new(key(1));
        let mut sealed = s.seal("github/a", b"token").unwrap();
        assert!(matches!(
            s.open("github/b", &sealed),
            Err(CredentialsError::Unseal { .. })
        ));
        let last = sealed.len() - 1;
        sealed[last] ^= 1;
        assert!(s.open("github/a", &sealed).is_err());
        assert!(s.open("github/a", b"{\"plain\":true}").is_err());
    }

    #[test]
    fn rotation_opens_old_records_and_flags_them_for_resealing() {
        let old = Sealer::new(key(1));
        let sealed = old.seal("k/v", b"data").unwrap();
        let rotated = Sealer::new(key(2)).with_previous(key(1));
        assert_eq!(rotated.open("k/v", &sealed).unwrap(), b"data");
        assert!(rotated.needs_reseal(&sealed));
        assert!(!rotated.needs_reseal(&rotated.seal("k/v", b"data").unwrap()));
        let err = Sealer::new(key(2)).open("k/v", &sealed).unwrap_err();
        assert!(err.to_string().contains("unknown master key"));
    }

    #[test]
    fn keys_parse_from_hex_or_base64_and_bad_values_name_the_variable() {
        let hex_key = "11".repeat(32);
        let b64 = base64::engine::general_purpose::STANDARD.encode([0x11u8; 32]);
        assert_eq!(
            MasterKey::parse(&hex_key, "X").unwrap().id(),
            MasterKey::parse(&b64, "X").unwrap().id()
        );
        let vars: HashMap<&str, &str> = [(MASTER_KEY_VAR, "too-short")].into();
        let err = MasterKey::from_var(MASTER_KEY_VAR, |n| vars.get(n).map(|v| v.to_string()))
            .unwrap_err();
        assert!(err.to_string().contains(MASTER_KEY_VAR), "{err}");
        assert!(!err.to_string().contains("too-short"));
        assert!(
            MasterKey::from_var(MASTER_KEY_VAR, |_| None)
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn a_missing_key_creates_a_0600_file_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state/master.key");
        let (first, source) = MasterKey::load_or_create_with(&path, |_| None).unwrap();
        assert_eq!(source, KeySource::Created(path.clone()));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let (second, source) = MasterKey::load_or_create_with(&path, |_| None).unwrap();
        assert_eq!(source, KeySource::File(path.clone()));
        assert_eq!(first.id(), second.id());
        let env_key = "22".repeat(32);
        let (third, source) = MasterKey::load_or_create_with(&path, |n| {
            (n == MASTER_KEY_VAR).then(|| env_key.clone())
        })
        .unwrap();
        assert_eq!(source, KeySource::Env);
        assert_ne!(third.id(), first.id());
    }

    #[test]
    fn the_previous_key_comes_from_its_variable() {
        let dir = tempfile::tempdir().unwrap();
        let old = Sealer::new(key(3));
        let sealed = old.seal("a/b", b"x").unwrap();
        let vars: HashMap<&str, String> = [
            (MASTER_KEY_VAR, "44".repeat(32)),
            (PREVIOUS_KEY_VAR, "03".repeat(32)),
        ]
        .into();
        let (sealer, source) =
            Sealer::from_lookup(&dir.path().join("k"), |n| vars.get(n).cloned()).unwrap();
        assert_eq!(source, KeySource::Env);
        assert_eq!(sealer.open("a/b", &sealed).unwrap(), b"x");
        assert!(!dir.path().join("k").exists());
        assert!(!format!("{sealer:?}").contains("0303"));
    }
}
