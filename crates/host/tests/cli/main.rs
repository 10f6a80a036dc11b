//! End-to-end tests of the `plugboard` binary: each runs the real executable against wiremock
//! servers on 127.0.0.1 (no test reaches the internet) and checks exit codes, stdout lines,
//! stderr messages and the requests the mock received.

mod call;
mod connect;
mod connectors;
mod host;
mod ingest;
mod mcp;
mod report;
mod serve;
mod support;
mod sync;
mod tokens;
mod webhook_verify;
