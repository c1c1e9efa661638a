//! Dates as iSpring's callers send them (`2019-09-24 10:30:00`, ISO 8601 with or without an
//! offset, or a bare date) and as it answers them (`format: date` fields as `YYYY-MM-DD`,
//! date-times as RFC 3339, both in UTC).
use crate::error::IspringError;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// A date-time: RFC 3339, or `YYYY-MM-DD[ T]hh:mm[:ss[.fff]]` meaning UTC, or a bare
/// `YYYY-MM-DD` (its start, or with `end_of_day` its last second).
pub fn parse(text: &str, field: &str, end_of_day: bool) -> Result<OffsetDateTime, IspringError> {
    let t = text.trim();
    let bad = || {
        IspringError::WrongParameters(format!(
            "{field}: '{}' is not a date (use 2019-09-24, 2019-09-24 10:30:00 or ISO 8601)",
            t.chars().take(40).collect::<String>()
        ))
    };
    let mut normal = t.replacen(' ', "T", 1);
    if normal.ends_with(['Z', 'z']) {
        normal.pop();
        normal.push_str("+00:00");
    }
    if let Ok(d) = OffsetDateTime::parse(&normal, &Rfc3339) {
        return Ok(d.to_offset(UtcOffset::UTC));
    }
    let with_offset = [
        format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond][offset_hour sign:mandatory]:[offset_minute]"
        ),
        format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second][offset_hour sign:mandatory]:[offset_minute]"
        ),
        format_description!(
            "[year]-[month]-[day]T[hour]:[minute][offset_hour sign:mandatory]:[offset_minute]"
        ),
        format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second][offset_hour sign:mandatory][offset_minute]"
        ),
    ];
    for f in with_offset {
        if let Ok(d) = OffsetDateTime::parse(&normal, f) {
            return Ok(d.to_offset(UtcOffset::UTC));
        }
    }
    let naive = [
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond]"),
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]"),
        format_description!("[year]-[month]-[day]T[hour]:[minute]"),
    ];
    for f in naive {
        if let Ok(d) = PrimitiveDateTime::parse(&normal, f) {
            return Ok(d.assume_utc());
        }
    }
    let date = Date::parse(t, format_description!("[year]-[month]-[day]")).map_err(|_| bad())?;
    let at = if end_of_day {
        Time::from_hms(23, 59, 59).map_err(|_| bad())?
    } else {
        Time::MIDNIGHT
    };
    Ok(PrimitiveDateTime::new(date, at).assume_utc())
}

/// `YYYY-MM-DD` (UTC).
pub fn date(t: OffsetDateTime) -> String {
    t.to_offset(UtcOffset::UTC)
        .format(format_description!("[year]-[month]-[day]"))
        .unwrap_or_default()
}

/// RFC 3339 to the second (UTC), e.g. `2019-09-24T10:30:00Z`.
pub fn datetime(t: OffsetDateTime) -> String {
    t.to_offset(UtcOffset::UTC)
        .replace_nanosecond(0)
        .unwrap_or(t)
        .format(&Rfc3339)
        .unwrap_or_default()
}
