//! The HTTP vocabulary of the runtime: what a connector asks for ([`ApiRequest`]), what comes
//! back ([`ApiResponse`]), how a response becomes an error ([`Classifier`]), and the rate-limit
//! signals platforms put in headers ([`RateSignals`]).

mod classify;
mod rate_signals;
mod request;
mod response;

pub use classify::{Classifier, DefaultClassifier, ResponseView, default_classify, error_message};
pub use rate_signals::{RateSignals, parse_retry_after};
pub use request::{ApiRequest, RequestBody};
pub use response::{ApiResponse, CacheStatus};
