//! Injected time.
use std::sync::atomic::{AtomicI64, Ordering};
use time::{Duration, OffsetDateTime};

/// A source of "now". Everything time-dependent in the ledger asks a `Clock`.
pub trait Clock: Send + Sync {
    /// The current instant, in UTC.
    fn now(&self) -> OffsetDateTime;
}

/// The wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// The largest offset an [`OffsetClock`] takes, either way: 36,500 days (100 years of 365
/// days). Every instant the ledger computes from "now" stays far inside what `time` and the
/// store's millisecond columns can hold.
pub const MAX_OFFSET_MS: i64 = 36_500 * 86_400_000;

/// The wall clock shifted by an adjustable offset: the admin API moves it forward so that
/// expiry, due dates and token lifetimes can be exercised without waiting. The offset is
/// always within ±[`MAX_OFFSET_MS`]: setters clamp to it.
#[derive(Debug, Default)]
pub struct OffsetClock {
    offset_ms: AtomicI64,
}

impl OffsetClock {
    /// A clock `offset_ms` milliseconds ahead of the wall clock (clamped to the bound).
    pub fn new(offset_ms: i64) -> Self {
        Self {
            offset_ms: AtomicI64::new(clamp_offset(offset_ms)),
        }
    }

    /// The current offset in milliseconds.
    pub fn offset_ms(&self) -> i64 {
        self.offset_ms.load(Ordering::SeqCst)
    }

    /// Replaces the offset, clamped to ±[`MAX_OFFSET_MS`].
    pub fn set_offset_ms(&self, offset_ms: i64) {
        self.offset_ms
            .store(clamp_offset(offset_ms), Ordering::SeqCst);
    }

    /// Moves the clock forward (or back, with a negative duration) and returns the new offset,
    /// which stops at ±[`MAX_OFFSET_MS`].
    pub fn advance(&self, by: Duration) -> i64 {
        let ms = i64::try_from(by.whole_milliseconds()).unwrap_or(if by.is_negative() {
            i64::MIN
        } else {
            i64::MAX
        });
        let step = |current: i64| clamp_offset(current.saturating_add(ms));
        match self
            .offset_ms
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |c| Some(step(c)))
        {
            Ok(previous) | Err(previous) => step(previous),
        }
    }
}

/// `offset_ms` limited to ±[`MAX_OFFSET_MS`].
pub fn clamp_offset(offset_ms: i64) -> i64 {
    offset_ms.clamp(-MAX_OFFSET_MS, MAX_OFFSET_MS)
}

impl OffsetClock {
    /// The current time as RFC 3339 text.
    pub fn now_rfc3339(&self) -> String {
        self.now()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default()
    }
}

impl Clock for OffsetClock {
    fn now(&self) -> OffsetDateTime {
        let wall = OffsetDateTime::now_utc();
        // The offset is bounded, so this cannot leave `time`'s range today; should the wall
        // clock itself be absurd, the wall clock wins rather than a panic.
        wall.checked_add(Duration::milliseconds(self.offset_ms()))
            .unwrap_or(wall)
    }
}

/// A clock frozen at one instant (tests).
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub OffsetDateTime);

impl Clock for FixedClock {
    fn now(&self) -> OffsetDateTime {
        self.0
    }
}

/// Milliseconds since the Unix epoch: the store's portable time representation.
pub fn to_millis(t: OffsetDateTime) -> i64 {
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

/// Inverse of [`to_millis`]; out-of-range values clamp to the epoch.
pub fn from_millis(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// The earliest instant the ledger stores: 0001-01-01T00:00:00Z.
pub const STORABLE_MIN: OffsetDateTime = time::macros::datetime!(0001-01-01 0:00 UTC);
/// The latest instant the ledger stores: 9999-12-31T23:59:59.999Z.
pub const STORABLE_MAX: OffsetDateTime = time::macros::datetime!(9999-12-31 23:59:59.999 UTC);

/// `t` as the store keeps it ([`to_millis`]), if the ledger can hold it: its UTC year is 1 to
/// 9999 ([`STORABLE_MIN`]..=[`STORABLE_MAX`]). Within that range [`from_millis`] gives the
/// same instant back (to the millisecond) and every dialect can render it: RFC 3339 has
/// four-digit years, and .NET's `DateTime` (Absorb, LMS365) starts at year 1. Outside it (e.g.
/// `0000-01-01T00:00:00+23:59`, which is year −1 in UTC) the answer is
/// [`DomainError::Invalid`](crate::DomainError::Invalid) naming the range, never a value that reads back as something else.
pub fn storable(t: OffsetDateTime) -> Result<i64, crate::DomainError> {
    if t < STORABLE_MIN || t > STORABLE_MAX {
        return Err(crate::DomainError::Invalid(
            "the date must fall between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z (UTC)"
                .into(),
        ));
    }
    Ok(to_millis(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_beyond_the_bound_are_clamped_and_now_never_panics() {
        let clock = OffsetClock::new(i64::MAX);
        assert_eq!(clock.offset_ms(), MAX_OFFSET_MS);
        let _ = clock.now();
        clock.set_offset_ms(i64::MIN);
        assert_eq!(clock.offset_ms(), -MAX_OFFSET_MS);
        let _ = clock.now();
        assert_eq!(clock.advance(Duration::MAX), MAX_OFFSET_MS);
        assert_eq!(clock.advance(Duration::MIN), -MAX_OFFSET_MS);
        let _ = clock.now_rfc3339();
    }

    #[test]
    fn advance_adds_to_the_offset() {
        let clock = OffsetClock::new(1_000);
        assert_eq!(clock.advance(Duration::seconds(2)), 3_000);
        assert_eq!(clock.advance(Duration::seconds(-5)), -2_000);
        assert_eq!(clock.offset_ms(), -2_000);
    }
}
