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

/// The wall clock shifted by an adjustable offset: the admin API moves it forward so that
/// expiry, due dates and token lifetimes can be exercised without waiting.
#[derive(Debug, Default)]
pub struct OffsetClock {
    offset_ms: AtomicI64,
}

impl OffsetClock {
    /// A clock `offset_ms` milliseconds ahead of the wall clock.
    pub fn new(offset_ms: i64) -> Self {
        Self {
            offset_ms: AtomicI64::new(offset_ms),
        }
    }

    /// The current offset in milliseconds.
    pub fn offset_ms(&self) -> i64 {
        self.offset_ms.load(Ordering::SeqCst)
    }

    /// Replaces the offset.
    pub fn set_offset_ms(&self, offset_ms: i64) {
        self.offset_ms.store(offset_ms, Ordering::SeqCst);
    }

    /// Moves the clock forward (or back, with a negative duration); returns the new offset.
    pub fn advance(&self, by: Duration) -> i64 {
        let ms = i64::try_from(by.whole_milliseconds()).unwrap_or(i64::MAX);
        self.offset_ms
            .fetch_add(ms, Ordering::SeqCst)
            .saturating_add(ms)
    }
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
        OffsetDateTime::now_utc() + Duration::milliseconds(self.offset_ms())
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

/// The instant as the store keeps it (epoch milliseconds), if the ledger can hold it: a UTC
/// year from 1 to 9999, which every vendor's date format can also write back.
pub fn storable(t: OffsetDateTime) -> Result<i64, crate::DomainError> {
    let utc = t.to_offset(time::UtcOffset::UTC);
    if (1..=9999).contains(&utc.year()) {
        Ok(to_millis(utc))
    } else {
        Err(crate::DomainError::Invalid(format!(
            "the date {t} is outside the years 1 to 9999 (UTC)"
        )))
    }
}
