//! The operation table, sorted by id.

use plugboard_core::OperationDescriptor;

use crate::api::advertisers::ADVERTISERS_LIST;
use crate::api::campaigns::CAMPAIGNS_LIST;
use crate::api::reports::REPORTS_INTEGRATED;
use crate::api::user::USER_INFO;
use crate::api::videos::VIDEOS_LIST;

/// Every TikTok operation, sorted by id.
pub static OPERATIONS: &[OperationDescriptor] = &[
    ADVERTISERS_LIST,
    CAMPAIGNS_LIST,
    REPORTS_INTEGRATED,
    USER_INFO,
    VIDEOS_LIST,
];
