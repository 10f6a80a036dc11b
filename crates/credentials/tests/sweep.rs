//! The sweep (`plugboard tokens list|refresh`): which connections it renews, validates or
//! leaves alone, what it reports, and master-key rotation of the stored records.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use common::*;
use plugboard_core::{Error, ErrorKind, SecretString};
use plugboard_credentials::{
    Connection, ConnectionKey, ConnectionKind, ConnectionStatus, ConnectionStore,
    ConnectionValidator, MasterKey, RefreshOutcome, Sealer, Sweep,
};
use plugboard_store::{MemoryStore, Store};
use wiremock::MockServer;

/// Accepts every connection except those named `revoked`.
struct Health(AtomicUsize);

#[async_trait]
impl ConnectionValidator for Health {
    async fn validate(&self, connection: &ConnectionKey) -> plugboard_core::Result<()> {
        self.0.fetch_add(1, Ordering::SeqCst);
        if connection.name == "revoked" {
            Err(Error::new(ErrorKind::Unauthorized, "token revoked").with_status(401))
        } else {
            Ok(())
        }
    }
}

fn oauth(name: &str, expires_in: Duration) -> Connection {
    let mut c = oauth_connection(SystemTime::now() + expires_in);
    c.key = ConnectionKey::new(CONNECTOR, name).unwrap();
    c
}

fn static_token(name: &str) -> Connection {
    let mut c = Connection::new(
        ConnectionKey::new("clickup", name).unwrap(),
        ConnectionKind::StaticToken {
            token: SecretString::from("pk_1"),
        },
        SystemTime::now() - Duration::from_secs(2 * 86_400),
    );
    c.created_at = SystemTime::now() - Duration::from_secs(2 * 86_400);
    c
}

fn outcome_of<'a>(
    results: &'a [plugboard_credentials::SweepResult],
    key: &str,
) -> &'a RefreshOutcome {
    &results
        .iter()
        .find(|r| r.connection.storage_key() == key)
        .unwrap()
        .outcome
}

#[tokio::test]
async fn the_sweep_renews_what_expires_validates_what_does_not_and_respects_cool_downs() {
    let mut oauth_server = OAuthServer::new();
    // Renewed tokens live a week, beyond the sweep's one-day window.
    oauth_server.expires_in = 7 * 86_400;
    let server = MockServer::start().await;
    oauth_server.mount(&server).await;
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let conns = connections(store.clone());
    // `soon` holds refresh-0, the one the mock accepts.
    store_connection(&conns, oauth("soon", Duration::from_secs(2 * 3600))).await;
    let mut later = oauth("later", Duration::from_secs(48 * 3600));
    later.kind = ConnectionKind::OAuth2 {
        access_token: SecretString::from("a"),
        refresh_token: Some(SecretString::from("r-later")),
        expires_at: Some(SystemTime::now() + Duration::from_secs(48 * 3600)),
        scopes: vec![],
        token_type: None,
    };
    store_connection(&conns, later).await;
    let mut dead = oauth("dead", Duration::from_secs(60));
    dead.status = ConnectionStatus::NeedsReauth;
    dead.next_attempt_after = Some(SystemTime::now() + Duration::from_secs(1800));
    store_connection(&conns, dead).await;
    store_connection(&conns, static_token("fine")).await;
    store_connection(&conns, static_token("revoked")).await;

    let health = Arc::new(Health(AtomicUsize::new(0)));
    let managers = Arc::new(
        managers_builder(store.clone(), &server)
            .validator("clickup", health.clone())
            .build(),
    );
    let sweep = Sweep::new(managers.clone());
    let results = sweep
        .refresh_expiring(Duration::from_secs(24 * 3600))
        .await
        .unwrap();
    assert_eq!(results.len(), 5);
    assert_eq!(
        outcome_of(&results, "acme/soon"),
        &RefreshOutcome::Refreshed
    );
    assert_eq!(outcome_of(&results, "acme/later"), &RefreshOutcome::Fresh);
    assert!(matches!(
        outcome_of(&results, "acme/dead"),
        RefreshOutcome::CoolingDown { .. }
    ));
    assert_eq!(outcome_of(&results, "clickup/fine"), &RefreshOutcome::Fresh);
    assert!(matches!(
        outcome_of(&results, "clickup/revoked"),
        RefreshOutcome::Failed { .. }
    ));
    assert_eq!(oauth_server.token_requests(), 1, "only `soon` was renewed");
    assert_eq!(health.0.load(Ordering::SeqCst), 2);

    let status = sweep.list_status().await.unwrap();
    let row = |k: &str| status.iter().find(|s| s.connection == k).unwrap();
    assert_eq!(row("acme/soon").refresh_count, 1);
    assert!(row("acme/soon").last_refresh_at.is_some());
    assert!(
        row("acme/soon").expires_at.unwrap() > (row("acme/soon").last_refresh_at.unwrap() + 3000)
    );
    assert_eq!(row("acme/soon").kind, "oauth2");
    assert_eq!(row("acme/dead").status, ConnectionStatus::NeedsReauth);
    assert!(row("clickup/fine").last_validated_at.is_some());
    assert_eq!(row("clickup/revoked").status, ConnectionStatus::NeedsReauth);
    assert!(
        row("clickup/revoked")
            .last_error
            .as_deref()
            .unwrap()
            .contains("revoked")
    );
    assert!(row("clickup/fine").expires_at.is_none());

    // A second run the same hour: nothing is due; no validation repeats.
    let again = sweep
        .refresh_expiring(Duration::from_secs(24 * 3600))
        .await
        .unwrap();
    assert_eq!(outcome_of(&again, "acme/soon"), &RefreshOutcome::Fresh);
    assert_eq!(oauth_server.token_requests(), 1);
    assert_eq!(health.0.load(Ordering::SeqCst), 2, "validated once a day");
}

#[tokio::test]
async fn rotating_the_master_key_reseals_every_record() {
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let old = ConnectionStore::new(
        store.clone(),
        Arc::new(Sealer::new(MasterKey::from_bytes([1; 32]))),
    );
    store_connection(&old, oauth("a", Duration::from_secs(3600))).await;
    store_connection(&old, oauth("b", Duration::from_secs(3600))).await;

    let rotated = ConnectionStore::new(
        store.clone(),
        Arc::new(
            Sealer::new(MasterKey::from_bytes([2; 32]))
                .with_previous(MasterKey::from_bytes([1; 32])),
        ),
    );
    assert_eq!(rotated.list(Some(CONNECTOR)).await.unwrap().len(), 2);
    assert_eq!(rotated.reseal_all(SystemTime::now()).await.unwrap(), 2);
    assert_eq!(rotated.reseal_all(SystemTime::now()).await.unwrap(), 0);

    // Only the new key is needed now; the old one alone opens nothing.
    let new_only = ConnectionStore::new(
        store.clone(),
        Arc::new(Sealer::new(MasterKey::from_bytes([2; 32]))),
    );
    assert_eq!(new_only.list(None).await.unwrap().len(), 2);
    assert!(old.list(None).await.is_err());
}
