//! Jira's timestamps: ISO-8601 in the forms Jira writes them — `2026-03-26T16:00Z` (rate-limit
//! resets), `2026-03-02T09:15:00.000Z` (agile sprint dates), `2026-03-02T10:15:00.000+0100`
//! (issue `created`/`updated` and changelog entries) — read into [`SystemTime`].

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Parses an ISO-8601 date-time with a zone (`Z`, `±HH:MM`, `±HHMM` or `±HH`); seconds and
/// fractions are optional. A bare date (`2026-03-02`) is midnight UTC. `None` when the text is
/// not such a timestamp or lies before 1970.
pub fn parse_datetime(text: &str) -> Option<SystemTime> {
    let text = text.trim();
    let (date, rest) = match text.split_once(['T', 't', ' ']) {
        Some((d, r)) => (d, Some(r)),
        None => (text, None),
    };
    let days = days_from_date(date)?;
    let (seconds, offset) = match rest {
        None => (0, 0),
        Some(rest) => time_and_offset(rest)?,
    };
    let total = days * 86_400 + seconds - offset;
    let total = u64::try_from(total).ok()?;
    Some(UNIX_EPOCH + Duration::from_secs(total))
}

/// Seconds since midnight and the zone's offset east of UTC, in seconds.
fn time_and_offset(rest: &str) -> Option<(i64, i64)> {
    let zone_at = rest.find(['Z', 'z', '+', '-'])?;
    let (clock, zone) = rest.split_at(zone_at);
    let mut parts = clock.split(':');
    let hours: i64 = number(parts.next()?, 2)?;
    let minutes: i64 = number(parts.next()?, 2)?;
    let seconds: i64 = match parts.next() {
        None => 0,
        Some(s) => {
            let whole = s.split(['.', ',']).next()?;
            number(whole, 2)?
        }
    };
    if parts.next().is_some() || hours > 23 || minutes > 59 || seconds > 60 {
        return None;
    }
    let offset = match zone {
        "Z" | "z" => 0,
        _ => {
            let sign = if zone.starts_with('-') { -1 } else { 1 };
            let digits: String = zone[1..].chars().filter(|c| *c != ':').collect();
            let (h, m) = match digits.len() {
                2 => (number(&digits, 2)?, 0),
                4 => (number(&digits[..2], 2)?, number(&digits[2..], 2)?),
                _ => return None,
            };
            sign * (h * 3600 + m * 60)
        }
    };
    Some((hours * 3600 + minutes * 60 + seconds, offset))
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date (proleptic Gregorian calendar).
fn days_from_date(date: &str) -> Option<i64> {
    let mut parts = date.split('-');
    let year: i64 = number(parts.next()?, 4)?;
    let month: i64 = number(parts.next()?, 2)?;
    let day: i64 = number(parts.next()?, 2)?;
    if parts.next().is_some() || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    // Howard Hinnant's days_from_civil.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

fn number(text: &str, width: usize) -> Option<i64> {
    (text.len() == width && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

/// The start of the next full UTC hour after `now` (Jira's hourly quotas reset on the hour).
pub fn next_full_hour(now: SystemTime) -> SystemTime {
    let secs = now
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    UNIX_EPOCH + Duration::from_secs((secs / 3600 + 1) * 3600)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unix(text: &str) -> u64 {
        parse_datetime(text)
            .unwrap_or_else(|| panic!("{text} did not parse"))
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs()
    }

    #[test]
    fn reads_the_forms_jira_writes() {
        // 2026-03-26T16:00:00Z is 1774540800.
        assert_eq!(unix("2026-03-26T16:00Z"), 1_774_540_800);
        assert_eq!(unix("2026-03-26T16:00:00Z"), 1_774_540_800);
        assert_eq!(unix("2026-03-26T16:00:00.000Z"), 1_774_540_800);
        assert_eq!(unix("2026-03-26T17:00:00.000+0100"), 1_774_540_800);
        assert_eq!(unix("2026-03-26T11:30:00.000-04:30"), 1_774_540_800);
        assert_eq!(unix("2026-03-26T18:00+02"), 1_774_540_800);
        assert_eq!(unix("1970-01-01"), 0);
        assert_eq!(unix("2000-02-29T00:00Z"), 951_782_400);
    }

    #[test]
    fn rejects_what_is_not_a_timestamp() {
        for bad in [
            "",
            "soon",
            "1774540800",
            "2026-13-01T00:00Z",
            "2026-03-26T25:00Z",
            "2026-03-26T16:00",
            "1969-12-31T23:59Z",
            "2026-3-26T16:00Z",
        ] {
            assert_eq!(parse_datetime(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn next_full_hour_rounds_up() {
        let at = UNIX_EPOCH + Duration::from_secs(1_774_540_800 + 1_234);
        assert_eq!(
            next_full_hour(at),
            UNIX_EPOCH + Duration::from_secs(1_774_544_400)
        );
    }
}
