//! `clock::storable`: the dates the ledger can hold read back as the same instant; the others
//! are refused rather than stored as something else.
#![allow(clippy::unwrap_used)]
use enroll_domain::DomainError;
use enroll_domain::clock::{STORABLE_MAX, STORABLE_MIN, from_millis, storable};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

fn parse(s: &str) -> OffsetDateTime {
    OffsetDateTime::parse(s, &Rfc3339).unwrap()
}

#[test]
fn dates_in_range_round_trip_to_the_millisecond() {
    for s in [
        "0001-01-01T00:00:00Z",
        "0001-01-01T23:59:00+23:59",
        "1970-01-01T00:00:00Z",
        "2026-03-04T05:06:07.891+02:00",
        "9999-12-31T23:59:59.999Z",
        "9999-12-31T00:00:00-00:00",
    ] {
        let t = parse(s);
        let ms = storable(t).unwrap();
        assert_eq!(from_millis(ms), t, "{s}");
        assert!(from_millis(ms).format(&Rfc3339).is_ok(), "{s} renders");
    }
    assert_eq!(
        storable(STORABLE_MIN).map(from_millis).unwrap(),
        STORABLE_MIN
    );
    assert_eq!(
        storable(STORABLE_MAX).map(from_millis).unwrap(),
        STORABLE_MAX
    );
}

#[test]
fn dates_outside_utc_years_1_to_9999_are_refused() {
    for s in [
        // Year 0 locally, year -1 in UTC: the case that used to be stored and read back null.
        "0000-01-01T00:00:00+23:59",
        "0000-12-31T23:59:59.999Z",
        "0001-01-01T00:00:00+00:01",
        // Year 9999 locally, year 10000 in UTC.
        "9999-12-31T23:59:59-00:01",
    ] {
        let err = storable(parse(s)).unwrap_err();
        assert!(
            matches!(&err, DomainError::Invalid(m) if m.contains("0001-01-01") && m.contains("9999-12-31")),
            "{s}: {err}"
        );
    }
}
