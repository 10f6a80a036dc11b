//! The unified views: Facebook pages and Instagram business accounts as [`ChannelSource`],
//! ad accounts as [`AdAccountSource`] (every page of each).

use async_trait::async_trait;
use plugboard_core::unified::{AdAccount, AdAccountSource, Channel, ChannelKind, ChannelSource};
use plugboard_core::{CallContext, Result};

use crate::connector::{INFO, MetaConnector};

#[async_trait]
impl ChannelSource for MetaConnector {
    async fn channels(&self, _ctx: &CallContext) -> Result<Vec<Channel>> {
        let client = self.client();
        let mut out: Vec<Channel> = client
            .pages_list()
            .await?
            .into_iter()
            .map(|page| Channel {
                name: page.name.clone().unwrap_or_else(|| page.id.clone()),
                id: page.id.clone(),
                platform: INFO.id.as_str().to_string(),
                kind: ChannelKind::FacebookPage,
                connection: None,
                raw: page.raw(),
            })
            .collect();
        out.extend(
            client
                .instagram_accounts()
                .await?
                .into_iter()
                .map(|account| Channel {
                    name: account
                        .username
                        .clone()
                        .or_else(|| account.name.clone())
                        .unwrap_or_else(|| account.id.clone()),
                    id: account.id.clone(),
                    platform: INFO.id.as_str().to_string(),
                    kind: ChannelKind::InstagramAccount,
                    connection: None,
                    raw: account.raw(),
                }),
        );
        Ok(out)
    }
}

#[async_trait]
impl AdAccountSource for MetaConnector {
    async fn ad_accounts(&self, _ctx: &CallContext) -> Result<Vec<AdAccount>> {
        Ok(self
            .client()
            .ad_accounts_list()
            .await?
            .into_iter()
            .map(|account| AdAccount {
                name: account.name.clone().unwrap_or_else(|| account.id.clone()),
                id: account.id.clone(),
                platform: INFO.id.as_str().to_string(),
                currency: account.currency.clone(),
                status: account.status_name().map(str::to_lowercase),
                connection: None,
                raw: account.raw(),
            })
            .collect())
    }
}
