//! The operation table, sorted by id.

use plugboard_core::OperationDescriptor;

use crate::api::ad_accounts::AD_ACCOUNTS_LIST;
use crate::api::insights::INSIGHTS_GET;
use crate::api::instagram::INSTAGRAM_ACCOUNTS;
use crate::api::me::ME_GET;
use crate::api::pages::{PAGES_LIST, PAGES_PUBLISH};
use crate::api::tokens::{TOKENS_DEBUG, TOKENS_EXCHANGE};

/// Every Meta operation, sorted by id.
pub static OPERATIONS: &[OperationDescriptor] = &[
    AD_ACCOUNTS_LIST,
    INSIGHTS_GET,
    INSTAGRAM_ACCOUNTS,
    ME_GET,
    PAGES_LIST,
    PAGES_PUBLISH,
    TOKENS_DEBUG,
    TOKENS_EXCHANGE,
];
