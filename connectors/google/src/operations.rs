//! The operation table, sorted by id.

use plugboard_core::OperationDescriptor;

use crate::api::ads::{ADS_CUSTOMERS_LIST_ACCESSIBLE, ADS_SEARCH};
use crate::api::userinfo::USERINFO_GET;
use crate::api::youtube::YOUTUBE_CHANNELS_LIST;

/// Every Google operation, sorted by id.
pub static OPERATIONS: &[OperationDescriptor] = &[
    ADS_CUSTOMERS_LIST_ACCESSIBLE,
    ADS_SEARCH,
    USERINFO_GET,
    YOUTUBE_CHANNELS_LIST,
];
