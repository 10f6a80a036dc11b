//! The operation table, sorted by id.

use plugboard_core::OperationDescriptor;

use crate::api::auth::AUTH_TEST;
use crate::api::chat::{CHAT_DELETE, CHAT_POST_EPHEMERAL, CHAT_POST_MESSAGE, CHAT_UPDATE};
use crate::api::conversations::{CONVERSATIONS_HISTORY, CONVERSATIONS_INFO, CONVERSATIONS_LIST};
use crate::api::files::FILES_UPLOAD;
use crate::api::response_url::RESPONSE_URL_REPLY;
use crate::api::users::{USERS_INFO, USERS_LIST};
use crate::api::views::VIEWS_OPEN;

/// Every Slack operation, sorted by id.
pub static OPERATIONS: &[OperationDescriptor] = &[
    AUTH_TEST,
    CHAT_DELETE,
    CHAT_POST_EPHEMERAL,
    CHAT_POST_MESSAGE,
    CHAT_UPDATE,
    CONVERSATIONS_HISTORY,
    CONVERSATIONS_INFO,
    CONVERSATIONS_LIST,
    FILES_UPLOAD,
    RESPONSE_URL_REPLY,
    USERS_INFO,
    USERS_LIST,
    VIEWS_OPEN,
];
