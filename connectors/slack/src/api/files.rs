//! Files: `files.upload`, Slack's external upload flow in three requests —
//! `files.getUploadURLExternal` (name and length) → `POST` the bytes to the returned
//! `upload_url` (no credential) → `files.completeUploadExternal` (share in a channel, with an
//! initial comment or as a thread reply).

use base64::Engine as _;
use bytes::Bytes;
use plugboard_core::connector::schema_of;
use plugboard_core::{Error, OperationDescriptor, OperationId, RequestBody, Result};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::client::SlackClient;
use crate::models::{CompletedUpload, UploadUrl};
use crate::tiers;

/// `files.upload`: not idempotent (a repeat shares the file twice).
pub const FILES_UPLOAD: OperationDescriptor = OperationDescriptor {
    id: OperationId::new("files.upload"),
    summary: "Upload a file and share it (files.getUploadURLExternal, upload, files.completeUploadExternal)",
    docs_url: "https://docs.slack.dev/messaging/working-with-files#uploading_files",
    idempotent: false,
    read_only: false,
    paginated: false,
    rate_class: tiers::TIER_4,
    cache_ttl: None,
    input_schema: schema_of::<UploadFile>,
    output_schema: schema_of::<CompletedUpload>,
};

/// Step 1, `files.getUploadURLExternal`: reserving an upload URL changes nothing visible, so
/// it may be repeated.
const GET_UPLOAD_URL: OperationDescriptor = OperationDescriptor {
    idempotent: true,
    ..FILES_UPLOAD
};

/// Step 2, the bytes to `upload_url`: writing the same bytes to the same URL again is
/// harmless.
const SEND_BYTES: OperationDescriptor = OperationDescriptor {
    idempotent: true,
    rate_class: tiers::HOOKS,
    ..FILES_UPLOAD
};

/// Step 3, `files.completeUploadExternal`: shares the file; never repeated once sent.
const COMPLETE_UPLOAD: OperationDescriptor = FILES_UPLOAD;

/// Input of `files.upload`. The content is `content` (text) or `content_base64` (any bytes)
/// for dynamic calls; [`FilesApi::upload_bytes`] takes the bytes directly.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UploadFile {
    /// The file's name, e.g. `report.csv`.
    pub filename: String,
    /// The file's content as text (UTF-8).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// The file's content, base64-encoded (standard alphabet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_base64: Option<String>,
    /// The title shown in Slack.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The channel to share the file in; without it (and `channels`) the file stays private.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_id: Option<String>,
    /// Comma-separated channel ids to share the file in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channels: Option<String>,
    /// The message introducing the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_comment: Option<String>,
    /// The parent message's `ts`, to share the file as a thread reply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread_ts: Option<String>,
    /// A description of an image for screen readers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alt_txt: Option<String>,
    /// The syntax of a snippet (`python`, `json`...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snippet_type: Option<String>,
}

impl UploadFile {
    /// The content from `content` or `content_base64` (exactly one of them).
    pub fn content_bytes(&self) -> Result<Bytes> {
        match (&self.content, &self.content_base64) {
            (Some(text), None) => Ok(Bytes::from(text.clone().into_bytes())),
            (None, Some(encoded)) => base64::engine::general_purpose::STANDARD
                .decode(encoded.trim())
                .map(Bytes::from)
                .map_err(|e| {
                    Error::invalid_input(format!(
                        "invalid input for files.upload: field `content_base64`: {e}"
                    ))
                }),
            _ => Err(Error::invalid_input(
                "invalid input for files.upload: exactly one of `content` or `content_base64` is required",
            )),
        }
    }
}

/// One entry of `files.completeUploadExternal`'s `files`.
#[derive(Debug, Serialize)]
struct FileRef<'a> {
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
}

/// The body of `files.completeUploadExternal`.
#[derive(Debug, Serialize)]
struct Complete<'a> {
    files: [FileRef<'a>; 1],
    #[serde(skip_serializing_if = "Option::is_none")]
    channel_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    channels: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    initial_comment: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    thread_ts: Option<&'a str>,
}

/// Whether `host` may receive file bytes: Slack's own hosts (`files.slack.com`).
fn upload_host(host: &str) -> bool {
    host == "slack.com" || host.ends_with(".slack.com")
}

/// The files methods.
#[derive(Debug, Clone, Copy)]
pub struct FilesApi<'a> {
    pub(crate) client: &'a SlackClient,
}

impl FilesApi<'_> {
    /// Uploads `content` or `content_base64` of `input` and shares it as `input` says.
    pub async fn upload(&self, input: &UploadFile) -> Result<CompletedUpload> {
        let bytes = input.content_bytes()?;
        self.upload_bytes(input, bytes).await
    }

    /// Uploads `bytes` as `input.filename` (the content fields of `input` are ignored) and
    /// shares it as `input` says.
    pub async fn upload_bytes(&self, input: &UploadFile, bytes: Bytes) -> Result<CompletedUpload> {
        if input.filename.trim().is_empty() {
            return Err(Error::invalid_input(
                "invalid input for files.upload: field `filename`: must not be empty",
            ));
        }
        let mut fields = vec![
            ("filename".to_string(), input.filename.clone()),
            ("length".to_string(), bytes.len().to_string()),
        ];
        if let Some(alt) = &input.alt_txt {
            fields.push(("alt_txt".to_string(), alt.clone()));
        }
        if let Some(syntax) = &input.snippet_type {
            fields.push(("snippet_type".to_string(), syntax.clone()));
        }
        let request =
            self.client
                .post_form(&GET_UPLOAD_URL, "files.getUploadURLExternal", fields)?;
        let target: UploadUrl = self.client.runtime().json(request).await?;

        let upload = self.client.hook_request(
            &SEND_BYTES,
            &target.upload_url,
            upload_host,
            RequestBody::Bytes {
                content_type: "application/octet-stream".to_string(),
                bytes,
            },
        );
        let upload = upload.map_err(|e| {
            Error::new(
                plugboard_core::ErrorKind::Upstream,
                format!("Slack returned an unexpected upload_url: {}", e.message()),
            )
            .permanent()
        })?;
        self.client.hooks_runtime().execute(upload).await?;

        let complete = Complete {
            files: [FileRef {
                id: &target.file_id,
                title: input.title.as_deref(),
            }],
            channel_id: input.channel_id.as_deref(),
            channels: input.channels.as_deref(),
            initial_comment: input.initial_comment.as_deref(),
            thread_ts: input.thread_ts.as_deref(),
        };
        let request =
            self.client
                .post_json(&COMPLETE_UPLOAD, "files.completeUploadExternal", &complete)?;
        self.client.runtime().json(request).await
    }
}
