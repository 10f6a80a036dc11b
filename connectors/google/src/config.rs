//! Google's declared configuration keys beyond the common ones (`base_url`, `token`,
//! `webhook_secret`, `policy`): OAuth client credentials, Google Ads settings and the Pub/Sub
//! push audience. Each is read from `[connectors.google]` and from `PLUGBOARD_GOOGLE_<NAME>`.

use plugboard_core::ConfigKey;

/// The OAuth client id (refreshing user tokens).
pub const CLIENT_ID: ConfigKey = ConfigKey {
    name: "client_id",
    secret: false,
    doc: "OAuth client id, to refresh user access tokens",
};

/// The OAuth client secret (refreshing user tokens).
pub const CLIENT_SECRET: ConfigKey = ConfigKey {
    name: "client_secret",
    secret: true,
    doc: "OAuth client secret, to refresh user access tokens",
};

/// The Google Ads developer token, sent as the `developer-token` header.
pub const DEVELOPER_TOKEN: ConfigKey = ConfigKey {
    name: "developer_token",
    secret: true,
    doc: "Google Ads developer token (the developer-token header)",
};

/// The manager account the Google Ads calls log in as (`login-customer-id`).
pub const LOGIN_CUSTOMER_ID: ConfigKey = ConfigKey {
    name: "login_customer_id",
    secret: false,
    doc: "Google Ads manager customer id to log in as (the login-customer-id header)",
};

/// The Google Ads API major version (`v26`).
pub const ADS_API_VERSION: ConfigKey = ConfigKey {
    name: "ads_api_version",
    secret: false,
    doc: "Google Ads API version, e.g. v26",
};

/// The audience Pub/Sub push tokens must be issued for.
pub const PUBSUB_AUDIENCE: ConfigKey = ConfigKey {
    name: "pubsub_audience",
    secret: false,
    doc: "audience of Pub/Sub push OIDC tokens (the subscription's audience, by default the push URL)",
};

/// The service accounts Pub/Sub push tokens may name, comma-separated.
pub const PUBSUB_SERVICE_ACCOUNT: ConfigKey = ConfigKey {
    name: "pubsub_service_account",
    secret: false,
    doc: "service account email(s) the push subscription authenticates as, comma-separated",
};

/// Where Google's token-signing keys are fetched from.
pub const PUBSUB_JWKS_URL: ConfigKey = ConfigKey {
    name: "pubsub_jwks_url",
    secret: false,
    doc: "JWKS URL of the push token signing keys (default https://www.googleapis.com/oauth2/v3/certs)",
};

/// Every declared key, in the order `plugboard connectors --json` lists them.
pub const CONFIG_KEYS: &[ConfigKey] = &[
    CLIENT_ID,
    CLIENT_SECRET,
    DEVELOPER_TOKEN,
    LOGIN_CUSTOMER_ID,
    ADS_API_VERSION,
    PUBSUB_AUDIENCE,
    PUBSUB_SERVICE_ACCOUNT,
    PUBSUB_JWKS_URL,
];
