//! `GET /health`: per-connector figures, contributor extras, and the ok / degraded / critical
//! rules with `503` when critical.

mod common;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use bytes::Bytes;
use common::*;
use http::StatusCode;
use plugboard_ingress::{HealthContribution, HealthContributor, HealthStatus, IngressConfig};
use plugboard_store::{MemoryStore, NewEntry, Store, unix_millis};
use serde_json::json;

fn memory() -> Arc<MemoryStore> {
    Arc::new(MemoryStore::new())
}

fn entry(id: &str, received: SystemTime) -> NewEntry {
    NewEntry {
        connector: "github".into(),
        connection: None,
        event_id: id.into(),
        event_type: "ping".into(),
        received_at_ms: unix_millis(received),
        attributes: Default::default(),
        body: Bytes::from_static(b"{}"),
    }
}

#[tokio::test]
async fn an_idle_ingress_is_ok_and_lists_its_connectors() {
    let router = builder(memory()).build().unwrap().router();
    let a = get(&router, "/health").await;
    assert_eq!(a.status, StatusCode::OK);
    let j = a.json();
    assert_eq!(j["status"], "ok");
    assert_eq!(j["store"], json!({"backend": "memory", "reachable": true}));
    for id in ["github", "acme"] {
        assert_eq!(
            j["connectors"][id],
            json!({
                "status": "ok",
                "webhook_secret_configured": true,
                "inbox_depth": 0,
                "dlq": 0,
                "oldest_pending_age_secs": null,
            }),
            "{id}"
        );
    }
}

#[tokio::test]
async fn a_non_empty_dlq_or_an_old_pending_entry_degrades() {
    let store = memory();
    let ingress = builder(store.clone()).build().unwrap();
    let router = ingress.router();
    let now = SystemTime::now();
    store
        .enqueue(entry("dead-1", now), Duration::from_secs(60), now)
        .await
        .unwrap();
    let leased = store
        .lease("someone", 1, Duration::from_secs(60), now)
        .await
        .unwrap();
    store
        .dead_letter(&leased[0].lease().unwrap(), "boom", now)
        .await
        .unwrap();
    let j = get(&router, "/health").await.json();
    assert_eq!(j["status"], "degraded");
    assert_eq!(j["connectors"]["github"]["status"], "degraded");
    assert_eq!(j["connectors"]["github"]["dlq"], 1);
    assert_eq!(j["connectors"]["acme"]["status"], "ok");

    // A fresh pending entry is fine; one older than 5 minutes degrades.
    let store = memory();
    let router = builder(store.clone()).build().unwrap().router();
    store
        .enqueue(entry("new", now), Duration::from_secs(60), now)
        .await
        .unwrap();
    let j = get(&router, "/health").await.json();
    assert_eq!(j["status"], "ok");
    assert_eq!(j["connectors"]["github"]["inbox_depth"], 1);
    let ten_minutes_ago = now - Duration::from_secs(600);
    store
        .enqueue(entry("old", ten_minutes_ago), Duration::from_secs(60), now)
        .await
        .unwrap();
    let a = get(&router, "/health").await;
    assert_eq!(a.status, StatusCode::OK);
    let j = a.json();
    assert_eq!(j["status"], "degraded");
    assert_eq!(j["connectors"]["github"]["inbox_depth"], 2);
    assert!(
        j["connectors"]["github"]["oldest_pending_age_secs"]
            .as_u64()
            .unwrap()
            >= 600
    );
}

struct Breakers {
    open: &'static str,
}

#[async_trait]
impl HealthContributor for Breakers {
    fn connectors(&self) -> Vec<String> {
        vec!["jira".into()]
    }

    async fn contribute(&self, connector: &str) -> HealthContribution {
        if connector == self.open {
            HealthContribution::ok()
                .with("breaker", "open")
                .with("needs_reauth", true)
                // A contributor cannot overwrite the ingress's own figures.
                .with("dlq", 999)
                .status(HealthStatus::Critical)
        } else {
            HealthContribution::ok().with("breaker", "closed")
        }
    }
}

struct Stuck;

#[async_trait]
impl HealthContributor for Stuck {
    async fn contribute(&self, _connector: &str) -> HealthContribution {
        std::future::pending().await
    }
}

#[tokio::test]
async fn contributors_add_fields_and_a_critical_one_answers_503() {
    let router = builder(memory())
        .health_contributor(Arc::new(Breakers { open: "jira" }))
        .build()
        .unwrap()
        .router();
    let a = get(&router, "/health").await;
    assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE);
    let j = a.json();
    assert_eq!(j["status"], "critical");
    assert_eq!(j["connectors"]["github"]["breaker"], "closed");
    assert_eq!(j["connectors"]["github"]["status"], "ok");
    let jira = &j["connectors"]["jira"];
    assert_eq!(jira["breaker"], "open");
    assert_eq!(jira["needs_reauth"], true);
    assert_eq!(jira["status"], "critical");
    assert_eq!(jira["dlq"], 0);
    assert_eq!(jira["webhook_secret_configured"], false);
}

#[tokio::test]
async fn a_contributor_that_does_not_answer_degrades_instead_of_hanging() {
    let config = IngressConfig {
        health_timeout: Duration::from_millis(50),
        ..fast_config()
    };
    let router = builder(memory())
        .config(config)
        .health_contributor(Arc::new(Stuck))
        .build()
        .unwrap()
        .router();
    let a = get(&router, "/health").await;
    assert_eq!(a.status, StatusCode::OK);
    let j = a.json();
    assert_eq!(j["status"], "degraded");
    assert_eq!(j["connectors"]["github"]["health_check_timed_out"], true);
}

#[tokio::test]
async fn an_unreachable_store_is_critical() {
    let store = Arc::new(FlakyStore::default());
    let router = builder(store.clone()).build().unwrap().router();
    store.set_down(true);
    let a = get(&router, "/health").await;
    assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE);
    let j = a.json();
    assert_eq!(j["status"], "critical");
    assert_eq!(j["store"]["reachable"], false);
    assert!(
        j["store"]["error"]
            .as_str()
            .unwrap()
            .contains("connection refused")
    );
    assert_eq!(
        j["connectors"]["github"]["inbox_depth"],
        serde_json::Value::Null
    );
    // /metrics still answers.
    assert_eq!(get(&router, "/metrics").await.status, StatusCode::OK);
    store.set_down(false);
    assert_eq!(get(&router, "/health").await.status, StatusCode::OK);
}
