//! The unified views: the connection's TikTok account as [`ChannelSource`] (v2 `user/info`)
//! and the Business API advertisers as [`AdAccountSource`].

use async_trait::async_trait;
use plugboard_core::unified::{AdAccount, AdAccountSource, Channel, ChannelKind, ChannelSource};
use plugboard_core::{CallContext, Result};

use crate::connector::{INFO, TiktokConnector};

#[async_trait]
impl ChannelSource for TiktokConnector {
    async fn channels(&self, _ctx: &CallContext) -> Result<Vec<Channel>> {
        let user = self.client().user_info().await?;
        let id = user
            .open_id
            .clone()
            .or_else(|| user.union_id.clone())
            .unwrap_or_default();
        Ok(vec![Channel {
            name: user
                .display_name
                .clone()
                .or_else(|| user.username.clone())
                .unwrap_or_else(|| id.clone()),
            id,
            platform: INFO.id.as_str().to_string(),
            kind: ChannelKind::TiktokAccount,
            connection: None,
            raw: user.raw(),
        }])
    }
}

#[async_trait]
impl AdAccountSource for TiktokConnector {
    async fn ad_accounts(&self, _ctx: &CallContext) -> Result<Vec<AdAccount>> {
        Ok(self
            .client()
            .advertisers_list()
            .await?
            .into_iter()
            .map(|advertiser| AdAccount {
                name: advertiser
                    .advertiser_name
                    .clone()
                    .unwrap_or_else(|| advertiser.advertiser_id.clone()),
                id: advertiser.advertiser_id.clone(),
                platform: INFO.id.as_str().to_string(),
                currency: None,
                status: None,
                connection: None,
                raw: advertiser.raw(),
            })
            .collect())
    }
}
