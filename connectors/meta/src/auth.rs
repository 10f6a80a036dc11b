//! How Graph calls authenticate: the connection's token as `Authorization: Bearer`, unless the
//! request already carries its own (a Page access token for publishing, the app token for
//! `debug_token`), and `appsecret_proof` — hex HMAC-SHA256 of the token under the app secret —
//! for whichever token is sent.

use std::fmt;

use async_trait::async_trait;
use http::header::AUTHORIZATION;
use http::{HeaderMap, HeaderValue};
use plugboard_core::config::REDACTED;
use plugboard_core::signing::hmac_sha256_hex;
use plugboard_core::{AuthProvider, Error, ExposeSecret, Result, SecretString};

/// `appsecret_proof` for `token`: lowercase hex HMAC-SHA256 with the app secret as key.
pub fn appsecret_proof(app_secret: &SecretString, token: &SecretString) -> String {
    hmac_sha256_hex(
        app_secret.expose_secret().as_bytes(),
        &[token.expose_secret().as_bytes()],
    )
}

/// A sensitive `Bearer` header value for `token`.
pub(crate) fn bearer(token: &SecretString) -> Result<HeaderValue> {
    let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose_secret()))
        .map_err(|_| Error::config("token contains characters not allowed in a header"))?;
    value.set_sensitive(true);
    Ok(value)
}

/// The connection's token, sent unless a request names another one.
pub(crate) struct GraphAuth {
    value: HeaderValue,
    key: String,
}

impl GraphAuth {
    pub(crate) fn new(token: &SecretString, connection: &str) -> Result<Self> {
        Ok(Self {
            value: bearer(token)?,
            key: connection.to_string(),
        })
    }
}

impl fmt::Debug for GraphAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GraphAuth")
            .field("value", &REDACTED)
            .field("key", &self.key)
            .finish()
    }
}

#[async_trait]
impl AuthProvider for GraphAuth {
    fn credential_key(&self) -> &str {
        &self.key
    }

    async fn apply(&self, headers: &mut HeaderMap) -> Result<()> {
        if !headers.contains_key(AUTHORIZATION) {
            headers.insert(AUTHORIZATION, self.value.clone());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proof_is_hex_hmac_sha256_of_the_token_under_the_app_secret() {
        // HMAC-SHA256(key = "It's a Secret to Everybody", "Hello, World!"), GitHub's vector.
        let proof = appsecret_proof(
            &SecretString::from("It's a Secret to Everybody"),
            &SecretString::from("Hello, World!"),
        );
        assert_eq!(
            proof,
            "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
        );
    }

    #[tokio::test]
    async fn a_request_s_own_token_wins_and_the_default_is_hidden() {
        let auth = GraphAuth::new(&SecretString::from("user-token-xyz"), "default").unwrap();
        assert!(!format!("{auth:?}").contains("user-token-xyz"));
        let mut h = HeaderMap::new();
        auth.apply(&mut h).await.unwrap();
        assert_eq!(h[AUTHORIZATION], "Bearer user-token-xyz");
        assert!(h[AUTHORIZATION].is_sensitive());
        let mut h = HeaderMap::new();
        h.insert(
            AUTHORIZATION,
            bearer(&SecretString::from("page-token")).unwrap(),
        );
        auth.apply(&mut h).await.unwrap();
        assert_eq!(h[AUTHORIZATION], "Bearer page-token");
    }
}
