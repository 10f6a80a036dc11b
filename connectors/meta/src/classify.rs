//! Meta's quirks on top of the default classifier. The default maps HTTP statuses and
//! rate-limit headers; add a case here only for what Meta does differently (errors inside
//! a 200, rate limits reported under another status...).

use plugboard_core::Error;
use plugboard_core::http::{Classifier, ResponseView, default_classify};

/// Meta's classifier.
#[derive(Debug, Clone, Copy, Default)]
pub struct MetaClassifier;

impl Classifier for MetaClassifier {
    fn classify(&self, response: &ResponseView<'_>) -> Option<Error> {
        default_classify(response)
    }
}

#[cfg(test)]
mod tests {
    use std::time::SystemTime;

    use http::{HeaderMap, StatusCode};
    use plugboard_core::ErrorKind;

    use super::*;

    fn classify(status: u16, body: &str) -> Option<Error> {
        MetaClassifier.classify(&ResponseView {
            status: StatusCode::from_u16(status).unwrap(),
            headers: &HeaderMap::new(),
            body: body.as_bytes(),
            now: SystemTime::now(),
        })
    }

    #[test]
    fn success_and_http_errors_follow_the_default() {
        assert!(classify(200, r#"{"status":"ok"}"#).is_none());
        let e = classify(404, r#"{"message":"Not Found"}"#).unwrap();
        assert_eq!(e.kind(), ErrorKind::NotFound);
        assert_eq!(e.status(), Some(404));
    }
}
