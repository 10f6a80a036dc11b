//! The operation table, sorted by id.

use plugboard_core::OperationDescriptor;

use crate::api::health::HEALTH_GET;

/// Every Tiktok operation, sorted by id.
pub static OPERATIONS: &[OperationDescriptor] = &[HEALTH_GET];
