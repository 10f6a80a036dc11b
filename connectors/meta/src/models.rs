//! Meta's objects as typed models. Each keeps every field Meta sent (`extra`), so the dynamic
//! table returns the platform's JSON; tokens are `SecretString`s that never reach `Debug`, and
//! Page access tokens never reach serialised output either.

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use plugboard_core::{ExposeSecret, SecretString};

/// A Facebook Page the user has a role on (`/me/accounts`).
///
/// The Page access token is a sub-credential of the connection: it is kept in
/// [`access_token`](Self::access_token) and never serialised (not in `plugboard call` output,
/// not in [`raw`](Self::raw)).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Page {
    /// The Page id.
    #[serde(deserialize_with = "id_string")]
    pub id: String,
    /// The Page name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The Page category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// The tasks the user may perform on the Page (`MANAGE`, `CREATE_CONTENT`...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tasks: Vec<String>,
    /// The Page access token (present when `access_token` was among the requested fields).
    #[serde(default, skip_serializing)]
    #[schemars(skip)]
    pub access_token: Option<SecretString>,
    /// Every other field Meta sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Page {
    /// The Page as Meta sent it, without its access token.
    pub fn raw(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// An Instagram professional (business or creator) account linked to a Page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct InstagramAccount {
    /// The Instagram user id.
    #[serde(deserialize_with = "id_string")]
    pub id: String,
    /// The handle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// The profile name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Followers, when requested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub followers_count: Option<u64>,
    /// The id of the Page the account is linked to (added by plugboard from the listing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_id: Option<String>,
    /// The name of that Page (added by plugboard from the listing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_name: Option<String>,
    /// Every other field Meta sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl InstagramAccount {
    /// The account as Meta sent it, with `page_id` and `page_name`.
    pub fn raw(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// An ad account (`/me/adaccounts`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AdAccount {
    /// The node id, `act_<account_id>`.
    pub id: String,
    /// The numeric account id as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// The name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The ISO 4217 currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// `1` active, `2` disabled, `3` unsettled, `7` pending risk review, `9` in grace period,
    /// `101` closed...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_status: Option<i64>,
    /// The account's time zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone_name: Option<String>,
    /// Every other field Meta sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl AdAccount {
    /// The account as Meta sent it.
    pub fn raw(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// Meta's account status code as a word (`active`, `disabled`...), when known.
    pub fn status_name(&self) -> Option<&'static str> {
        Some(match self.account_status? {
            1 => "active",
            2 => "disabled",
            3 => "unsettled",
            7 => "pending_risk_review",
            8 => "pending_settlement",
            9 => "in_grace_period",
            100 => "pending_closure",
            101 => "closed",
            201 => "any_active",
            202 => "any_closed",
            _ => return None,
        })
    }
}

/// One row of ad account insights: the dates and the requested fields (metrics, ids,
/// breakdowns) exactly as Meta sent them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Insight {
    /// The first day the row covers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_start: Option<String>,
    /// The last day the row covers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_stop: Option<String>,
    /// The requested fields.
    #[serde(flatten)]
    pub fields: Map<String, Value>,
}

/// The answer to publishing a Page post.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PublishedPost {
    /// The new post's id, `{page-id}_{post-id}`.
    pub id: String,
    /// Every other field Meta sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A long-lived token from `tokens.exchange`. `Debug` hides the token; serialising it (the
/// output of `plugboard call meta tokens.exchange`) shows it, since that is the point.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ExchangedToken {
    /// The long-lived access token.
    #[serde(serialize_with = "expose")]
    #[schemars(with = "String")]
    pub access_token: SecretString,
    /// `bearer`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_type: Option<String>,
    /// Seconds until the token expires (about 60 days).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in: Option<u64>,
}

/// What `debug_token` says about a token (the `data` object of its answer).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TokenInfo {
    /// The app the token belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    /// `USER`, `PAGE`, `APP`, `SYSTEM_USER`...
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The app's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application: Option<String>,
    /// Whether the token is valid.
    #[serde(default)]
    pub is_valid: bool,
    /// When the token expires, Unix seconds (`0`: never).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
    /// When data access expires, Unix seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_access_expires_at: Option<i64>,
    /// When the token was issued, Unix seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued_at: Option<i64>,
    /// The granted permissions.
    #[serde(default)]
    pub scopes: Vec<String>,
    /// The user the token acts for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// Every other field Meta sent (`granular_scopes`, `error`...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The token's user (`/me`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Me {
    /// The (app-scoped) user id.
    #[serde(deserialize_with = "id_string")]
    pub id: String,
    /// The name, when requested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Every other field Meta sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

fn expose<S: Serializer>(secret: &SecretString, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(secret.expose_secret())
}

/// Graph ids are strings; accept numbers too (some edges and mocks send them bare).
fn id_string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match Value::deserialize(d)? {
        Value::String(s) => Ok(s),
        Value::Number(n) => Ok(n.to_string()),
        other => Err(serde::de::Error::custom(format!(
            "expected an id, got {other}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_tokens_are_kept_but_never_shown() {
        let page: Page = serde_json::from_value(serde_json::json!({
            "access_token": "EAAPageToken123", "category": "Brand", "name": "Acme",
            "id": "1234", "tasks": ["MANAGE"], "fan_count": 10
        }))
        .unwrap();
        assert_eq!(
            page.access_token.as_ref().unwrap().expose_secret(),
            "EAAPageToken123"
        );
        for shown in [format!("{page:?}"), page.raw().to_string()] {
            assert!(!shown.contains("EAAPageToken123"), "{shown}");
        }
        assert_eq!(page.raw()["fan_count"], 10);
    }

    #[test]
    fn exchanged_tokens_serialise_but_do_not_debug() {
        let t: ExchangedToken = serde_json::from_str(
            r#"{"access_token":"EAALong","token_type":"bearer","expires_in":5183944}"#,
        )
        .unwrap();
        assert!(!format!("{t:?}").contains("EAALong"));
        assert_eq!(serde_json::to_value(&t).unwrap()["access_token"], "EAALong");
    }
}
