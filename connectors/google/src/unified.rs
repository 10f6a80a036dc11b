//! The unified views: YouTube channels as [`ChannelSource`] (`channels.list?mine=true`, every
//! page) and Google Ads customers as [`AdAccountSource`] (`listAccessibleCustomers`, then one
//! GAQL query per customer for its name, currency and status).

use async_trait::async_trait;
use futures::{StreamExt, TryStreamExt, stream};
use plugboard_core::unified::{AdAccount, AdAccountSource, Channel, ChannelKind, ChannelSource};
use plugboard_core::{CallContext, ErrorKind, Result};
use serde_json::{Value, json};

use crate::api::ads::SearchAds;
use crate::api::youtube::ListChannels;
use crate::connector::{GoogleConnector, INFO};

/// The GAQL query that reads a customer's own record.
pub const CUSTOMER_QUERY: &str = "SELECT customer.id, customer.descriptive_name, customer.currency_code, customer.status, customer.manager, customer.test_account FROM customer LIMIT 1";

/// How many customers are queried at once.
const CUSTOMER_CONCURRENCY: usize = 4;

#[async_trait]
impl ChannelSource for GoogleConnector {
    async fn channels(&self, _ctx: &CallContext) -> Result<Vec<Channel>> {
        let input = ListChannels {
            part: Some("snippet".into()),
            mine: Some(true),
            max_results: Some(50),
            ..Default::default()
        };
        self.client()
            .youtube()
            .channels_list_all_raw(&input)
            .map_ok(|raw| {
                let id = raw["id"].as_str().unwrap_or_default().to_string();
                let name = raw
                    .pointer("/snippet/title")
                    .and_then(Value::as_str)
                    .unwrap_or(&id)
                    .to_string();
                Channel {
                    id,
                    platform: INFO.id.as_str().to_string(),
                    kind: ChannelKind::YoutubeChannel,
                    name,
                    connection: None,
                    raw,
                }
            })
            .try_collect()
            .await
    }
}

#[async_trait]
impl AdAccountSource for GoogleConnector {
    async fn ad_accounts(&self, _ctx: &CallContext) -> Result<Vec<AdAccount>> {
        let ads = self.client().ads();
        let customers = ads.list_accessible_customers().await?;
        stream::iter(customers.customer_ids())
            .map(|id| async move {
                let input = SearchAds {
                    customer_id: id.clone(),
                    query: CUSTOMER_QUERY.into(),
                    ..Default::default()
                };
                // A directly accessible customer is queried logged in as itself.
                match ads.search_as(&input, Some(&id)).await {
                    Ok(page) => {
                        let row = page.results.into_iter().next();
                        let customer = row
                            .and_then(|r| r.fields.get("customer").cloned())
                            .unwrap_or_else(|| json!({"resourceName": format!("customers/{id}")}));
                        Ok(account(id, customer))
                    }
                    // Listed but not readable (cancelled, not enabled, access removed): keep
                    // the id so the union stays complete.
                    Err(e) if matches!(e.kind(), ErrorKind::Forbidden | ErrorKind::NotFound) => {
                        Ok(account(
                            id.clone(),
                            json!({"resourceName": format!("customers/{id}")}),
                        ))
                    }
                    Err(e) => Err(e),
                }
            })
            .buffered(CUSTOMER_CONCURRENCY)
            .try_collect()
            .await
    }
}

fn account(id: String, customer: Value) -> AdAccount {
    let text = |name: &str| {
        customer
            .get(name)
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    AdAccount {
        name: text("descriptiveName")
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| id.clone()),
        id,
        platform: INFO.id.as_str().to_string(),
        currency: text("currencyCode"),
        status: text("status").map(|s| s.to_ascii_lowercase()),
        connection: None,
        raw: customer,
    }
}
