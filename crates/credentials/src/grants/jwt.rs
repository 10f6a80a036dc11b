//! Shared pieces of the JWT grants: RS256 keys and signing, and RFC 3339 timestamps (GitHub's
//! `expires_at`).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use plugboard_core::{Error, ErrorKind, ExposeSecret, SecretString};
use serde::Serialize;

/// Parses an RSA private key in PEM (PKCS#1 or PKCS#8); the error never quotes the key.
pub(crate) fn rsa_key(pem: &SecretString, what: &str) -> Result<EncodingKey, Error> {
    EncodingKey::from_rsa_pem(pem.expose_secret().as_bytes()).map_err(|e| {
        Error::config(format!(
            "{what}: not an RSA private key in PEM ({:?})",
            e.kind()
        ))
        .permanent()
    })
}

/// Signs `claims` with RS256.
pub(crate) fn sign_rs256<T: Serialize>(claims: &T, key: &EncodingKey) -> Result<String, Error> {
    jsonwebtoken::encode(&Header::new(Algorithm::RS256), claims, key)
        .map_err(|e| Error::internal(format!("signing the JWT failed ({:?})", e.kind())))
}

/// Whole seconds since the Unix epoch.
pub(crate) fn unix_seconds(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Parses an RFC 3339 timestamp (`2016-07-11T22:14:10Z`, fractional seconds and numeric
/// offsets accepted).
pub fn parse_rfc3339(text: &str) -> Option<SystemTime> {
    let b = text.trim().as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        std::str::from_utf8(b.get(r)?).ok()?.parse().ok()
    };
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut rest = &b[19..];
    if rest.first() == Some(&b'.') {
        let digits = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        rest = &rest[1 + digits..];
    }
    let offset = match rest {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let part = |x: &u8, y: &u8| -> Option<i64> {
                (x.is_ascii_digit() && y.is_ascii_digit())
                    .then(|| i64::from(x - b'0') * 10 + i64::from(y - b'0'))
            };
            let secs = part(h1, h2)? * 3600 + part(m1, m2)? * 60;
            if *sign == b'+' { secs } else { -secs }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset;
    u64::try_from(secs)
        .ok()
        .map(|s| UNIX_EPOCH + Duration::from_secs(s))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// An error kind for a JWT grant's failure to reach its endpoint.
pub(crate) fn transport_error(error: &reqwest::Error, what: &str) -> Error {
    let kind = if error.is_timeout() {
        ErrorKind::Timeout
    } else {
        ErrorKind::Network
    };
    let out = Error::new(kind, format!("{what} request failed"));
    if error.is_connect() {
        out.not_sent()
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_timestamps_parse() {
        let at = |s| parse_rfc3339(s).map(unix_seconds);
        assert_eq!(at("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(at("2016-07-11T22:14:10Z"), Some(1_468_275_250));
        assert_eq!(at("2016-07-11T22:14:10.123Z"), Some(1_468_275_250));
        assert_eq!(at("2016-07-12T00:14:10+02:00"), Some(1_468_275_250));
        assert_eq!(at("2024-02-29T12:00:00Z"), Some(1_709_208_000));
        assert_eq!(at("2016-07-11 22:14:10"), None);
        assert_eq!(at("not a date at all!!"), None);
    }
}
