//! Signature primitives for webhooks: HMAC over raw bytes, constant-time comparison, and the
//! [`SignatureOk`] proof that a check passed. A [`VerifiedWebhook`](crate::VerifiedWebhook) can
//! only be built from that proof, so no code path hands out an unverified delivery.

use hmac::{Hmac, KeyInit, Mac};
use secrecy::ExposeSecret;
use subtle::ConstantTimeEq;

use crate::webhook::{WebhookError, WebhookSecrets};

/// Proof that a signature or shared token matched one of the configured secrets. Only this
/// module can create it.
#[derive(Debug, Clone, Copy)]
pub struct SignatureOk {
    secret_index: usize,
}

impl SignatureOk {
    /// Which secret matched: 0 is the current one, 1 the previous one during rotation.
    pub fn secret_index(&self) -> usize {
        self.secret_index
    }
}

/// A MAC algorithm platforms use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MacAlgorithm {
    /// HMAC-SHA1 (legacy GitHub/Meta, WebSub from Google's hub).
    Sha1,
    /// HMAC-SHA256.
    Sha256,
}

impl MacAlgorithm {
    /// Parses a `method=` prefix name (`sha1`, `sha256`), rejecting others.
    pub fn from_prefix(name: &str) -> Result<Self, WebhookError> {
        match name.to_ascii_lowercase().as_str() {
            "sha1" => Ok(Self::Sha1),
            "sha256" => Ok(Self::Sha256),
            other => Err(WebhookError::UnsupportedAlgorithm(other.to_string())),
        }
    }
}

/// HMAC of the concatenated `parts` under `key`.
pub fn hmac(alg: MacAlgorithm, key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    match alg {
        MacAlgorithm::Sha256 => {
            let mut mac =
                Hmac::<sha2::Sha256>::new_from_slice(key).expect("HMAC takes any key length");
            for p in parts {
                mac.update(p);
            }
            mac.finalize().into_bytes().to_vec()
        }
        MacAlgorithm::Sha1 => {
            let mut mac =
                Hmac::<sha1::Sha1>::new_from_slice(key).expect("HMAC takes any key length");
            for p in parts {
                mac.update(p);
            }
            mac.finalize().into_bytes().to_vec()
        }
    }
}

/// Lowercase hex HMAC-SHA256; for signing test deliveries and outbound webhooks.
pub fn hmac_sha256_hex(key: &[u8], parts: &[&[u8]]) -> String {
    hex::encode(hmac(MacAlgorithm::Sha256, key, parts))
}

/// Constant-time equality of two byte strings (length is not secret).
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

/// Checks a hex signature (either case) against the HMAC of `parts` under each secret.
pub fn verify_hmac_hex(
    alg: MacAlgorithm,
    secrets: &WebhookSecrets,
    parts: &[&[u8]],
    provided_hex: &str,
) -> Result<SignatureOk, WebhookError> {
    let provided = hex::decode(provided_hex.trim()).map_err(|_| WebhookError::BadSignature)?;
    verify_mac(alg, secrets, parts, &[provided])
}

/// Checks raw signature candidates against the HMAC of `parts` under each secret, with
/// secrets used as raw key bytes from [`secret_key_bytes`](WebhookSecrets::key_bytes).
pub fn verify_mac(
    alg: MacAlgorithm,
    secrets: &WebhookSecrets,
    parts: &[&[u8]],
    candidates: &[Vec<u8>],
) -> Result<SignatureOk, WebhookError> {
    verify_mac_with_keys(alg, &secrets.key_bytes(), parts, candidates)
}

/// Like [`verify_mac`] with keys already derived from the secrets (e.g. base64-decoded).
pub fn verify_mac_with_keys(
    alg: MacAlgorithm,
    keys: &[Vec<u8>],
    parts: &[&[u8]],
    candidates: &[Vec<u8>],
) -> Result<SignatureOk, WebhookError> {
    let mut matched = None;
    for (index, key) in keys.iter().enumerate() {
        let expected = hmac(alg, key, parts);
        for c in candidates {
            // Evaluate every pair so timing does not reveal which secret matched.
            if constant_time_eq(&expected, c) && matched.is_none() {
                matched = Some(index);
            }
        }
    }
    matched
        .map(|secret_index| SignatureOk { secret_index })
        .ok_or(WebhookError::BadSignature)
}

/// Checks a shared token (Google channel token, Meta verify token) in constant time.
pub fn verify_shared_token(
    secrets: &WebhookSecrets,
    provided: &str,
) -> Result<SignatureOk, WebhookError> {
    let mut matched = None;
    for (index, s) in secrets.iter().enumerate() {
        if constant_time_eq(s.expose_secret().as_bytes(), provided.as_bytes()) && matched.is_none()
        {
            matched = Some(index);
        }
    }
    matched
        .map(|secret_index| SignatureOk { secret_index })
        .ok_or(WebhookError::BadSignature)
}

/// Verifies an RS256 JSON Web Token's signature with a public key the caller trusts (a key
/// from the issuer's JWKS, e.g. Google's for Pub/Sub push tokens) and returns its claims. Only
/// the signature and the algorithm are checked here; the caller checks `exp`, `aud`, `iss` and
/// the rest against its clock and configuration, since only it knows them.
pub fn verify_jwt_rs256(
    token: &str,
    key: &jsonwebtoken::DecodingKey,
) -> Result<(SignatureOk, serde_json::Value), WebhookError> {
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    validation.validate_exp = false;
    validation.validate_aud = false;
    validation.required_spec_claims.clear();
    let data = jsonwebtoken::decode::<serde_json::Value>(token, key, &validation)
        .map_err(|e| jwt_error(&e))?;
    Ok((SignatureOk { secret_index: 0 }, data.claims))
}

/// The webhook error for a token that failed to verify.
fn jwt_error(e: &jsonwebtoken::errors::Error) -> WebhookError {
    match e.kind() {
        jsonwebtoken::errors::ErrorKind::InvalidSignature => WebhookError::BadSignature,
        jsonwebtoken::errors::ErrorKind::InvalidAlgorithm => {
            WebhookError::UnsupportedAlgorithm("not RS256".into())
        }
        _ => WebhookError::Malformed(format!("the token does not decode: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_documented_vector() {
        assert_eq!(
            hmac_sha256_hex(b"It's a Secret to Everybody", &[b"Hello, World!"]),
            "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
        );
    }

    #[test]
    fn verifies_with_either_secret_and_either_case() {
        let secrets = WebhookSecrets::from_strs(["new", "It's a Secret to Everybody"]).unwrap();
        let ok = verify_hmac_hex(
            MacAlgorithm::Sha256,
            &secrets,
            &[b"Hello, World!"],
            "757107EA0EB2509FC211221CCE984B8A37570B6D7586C22C46F4379C8B043E17",
        )
        .unwrap();
        assert_eq!(ok.secret_index(), 1);
        assert!(matches!(
            verify_hmac_hex(
                MacAlgorithm::Sha256,
                &secrets,
                &[b"Hello, World?"],
                "757107ea"
            ),
            Err(WebhookError::BadSignature)
        ));
        assert!(verify_hmac_hex(MacAlgorithm::Sha256, &secrets, &[b"x"], "zz").is_err());
    }

    #[test]
    fn algorithms_are_parsed_not_assumed() {
        assert_eq!(
            MacAlgorithm::from_prefix("SHA256").unwrap(),
            MacAlgorithm::Sha256
        );
        assert!(MacAlgorithm::from_prefix("md5").is_err());
    }
}
