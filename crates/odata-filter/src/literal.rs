//! Literal forms: GUIDs, date-times and numbers, both prefixed (`guid'…'`) and bare.
use crate::ast::Literal;
use crate::error::{FilterError, clip};
use time::format_description::BorrowedFormatItem;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime, PrimitiveDateTime};

/// Date-time without an offset (read as UTC); seconds and fractions optional, as OData v2
/// clients send `datetime'2020-01-01T00:00'`.
const NAIVE: &[BorrowedFormatItem<'_>] = format_description!(
    "[year]-[month]-[day]T[hour]:[minute][optional [:[second][optional [.[subsecond]]]]]"
);
const DATE: &[BorrowedFormatItem<'_>] = format_description!("[year]-[month]-[day]");

/// The lowercase form of `s` if it has the 8-4-4-4-12 hex shape.
pub(crate) fn guid(s: &str) -> Option<String> {
    let mut n = 0;
    for (part, want) in s.split('-').zip([8, 4, 4, 4, 12]) {
        if part.len() != want || !part.bytes().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        n += 1;
    }
    (n == 5 && s.len() == 36).then(|| s.to_ascii_lowercase())
}

/// Parses RFC 3339 (offset or `Z`), the same without an offset (UTC, seconds optional), or a
/// plain date (midnight UTC).
pub(crate) fn datetime(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s, &Rfc3339)
        .ok()
        .or_else(|| {
            PrimitiveDateTime::parse(s, NAIVE)
                .ok()
                .map(PrimitiveDateTime::assume_utc)
        })
        .or_else(|| Date::parse(s, DATE).ok().map(|d| d.midnight().assume_utc()))
}

/// Whether a prefix before a quote introduces a typed literal (`guid'…'`).
pub(crate) fn is_prefix(word: &str) -> bool {
    ["guid", "datetime", "datetimeoffset"]
        .iter()
        .any(|p| word.eq_ignore_ascii_case(p))
}

/// A typed literal `prefix'body'`; `pos` is where the prefix starts.
pub(crate) fn typed(prefix: &str, body: &str, pos: usize) -> Result<Literal, FilterError> {
    if prefix.eq_ignore_ascii_case("guid") {
        return guid(body).map(Literal::Guid).ok_or_else(|| {
            let msg = format!(
                "'{}' is not a valid GUID (expected 8-4-4-4-12 hex digits)",
                clip(body)
            );
            FilterError::at(msg, pos)
        });
    }
    datetime(body)
        .map(Literal::DateTime)
        .ok_or_else(|| bad_datetime(body, pos))
}

fn bad_datetime(s: &str, pos: usize) -> FilterError {
    let msg = format!(
        "'{}' is not a valid date-time (expected e.g. 2020-01-31T12:00:00Z)",
        clip(s)
    );
    FilterError::at(msg, pos)
}

/// An unquoted literal starting with a digit or `-`: GUID, date-time or number.
pub(crate) fn bare(raw: &str, pos: usize) -> Result<Literal, FilterError> {
    if let Some(g) = guid(raw) {
        return Ok(Literal::Guid(g));
    }
    let b = raw.as_bytes();
    if b.len() >= 10 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-' {
        if raw.len() == 36 && raw.bytes().filter(|&c| c == b'-').count() == 4 {
            let msg = format!(
                "'{}' is not a valid GUID (expected 8-4-4-4-12 hex digits)",
                clip(raw)
            );
            return Err(FilterError::at(msg, pos));
        }
        return datetime(raw)
            .map(Literal::DateTime)
            .ok_or_else(|| bad_datetime(raw, pos));
    }
    number(raw, pos)
}

fn number(raw: &str, pos: usize) -> Result<Literal, FilterError> {
    let invalid = || FilterError::at(format!("'{}' is not a valid number", clip(raw)), pos);
    let (body, decimal_suffix) = match raw.as_bytes().last() {
        Some(b'm' | b'M' | b'd' | b'D' | b'f' | b'F') => (&raw[..raw.len() - 1], true),
        Some(b'l' | b'L') => (&raw[..raw.len() - 1], false),
        _ => (raw, false),
    };
    let digits = body.strip_prefix('-').unwrap_or(body);
    if !digits.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(invalid());
    }
    if !decimal_suffix && digits.bytes().all(|c| c.is_ascii_digit()) {
        return body
            .parse::<i64>()
            .map(Literal::Int)
            .map_err(|_| FilterError::at(format!("number '{}' is out of range", clip(raw)), pos));
    }
    let plain = digits
        .bytes()
        .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-'));
    match body.parse::<f64>() {
        Ok(f) if plain && f.is_finite() => Ok(Literal::Decimal(f)),
        _ => Err(invalid()),
    }
}
