//! The admin clock's offset, kept in the `settings` table under [`CLOCK_OFFSET_KEY`] and shared
//! by every process on one database. An advance is one atomic `UPDATE … RETURNING` of the
//! stored value, with the bound (±[`MAX_OFFSET_MS`]) checked in the same statement, so
//! concurrent advances from several processes all count and none can leave the bound.
//! [`SharedClock`] is a process's clock that follows it.
use crate::conn::DbConn;
use crate::error::{StoreError, StoreResult};
use crate::schema::settings;
use crate::store::{Store, on_backend};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use enroll_domain::clock::MAX_OFFSET_MS;
use enroll_domain::{Clock, OffsetClock};
use std::sync::Arc;

/// The settings key under which the clock offset (milliseconds, decimal text) is stored.
pub const CLOCK_OFFSET_KEY: &str = "clock_offset_ms";

/// What the settings table holds for the clock offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoredOffset {
    /// Nothing stored yet: offset 0.
    Absent,
    /// An integer within ±[`MAX_OFFSET_MS`].
    Valid(i64),
    /// Anything else (written by an older version or by hand); counts as 0.
    Invalid(String),
}

impl StoredOffset {
    /// Classifies a stored text.
    pub fn parse(text: &str) -> Self {
        match text.parse::<i64>() {
            Ok(v) if (-MAX_OFFSET_MS..=MAX_OFFSET_MS).contains(&v) => Self::Valid(v),
            _ => Self::Invalid(text.to_string()),
        }
    }

    /// The offset this value stands for (0 unless valid).
    pub fn offset_ms(&self) -> i64 {
        match self {
            Self::Valid(v) => *v,
            Self::Absent | Self::Invalid(_) => 0,
        }
    }
}

// The stored text must be a canonical integer before it is cast (PostgreSQL's cast fails on
// anything else, SQLite's silently reads a prefix); CASE fixes the order of evaluation.
#[cfg(feature = "postgres")]
const PG_ADVANCE: &str = "UPDATE settings SET value = CAST(CAST(value AS BIGINT) + $1 AS TEXT) \
     WHERE key = $2 AND CASE WHEN value ~ '^-?[0-9]{1,16}$' \
     THEN CAST(value AS BIGINT) + $1 BETWEEN $3 AND $4 ELSE FALSE END RETURNING value";
#[cfg(feature = "sqlite")]
const SQLITE_ADVANCE: &str = "UPDATE settings SET value = CAST(CAST(value AS INTEGER) + ?1 AS TEXT) \
     WHERE key = ?2 AND CASE WHEN length(value) <= 17 \
     AND CAST(CAST(value AS INTEGER) AS TEXT) = value \
     THEN CAST(value AS INTEGER) + ?1 BETWEEN ?3 AND ?4 ELSE 0 END RETURNING value";

#[derive(QueryableByName)]
struct Value {
    #[diesel(sql_type = Text)]
    value: String,
}

fn out_of_bound(offset: i128) -> StoreError {
    StoreError::Invalid(format!(
        "the clock offset would become {offset} ms; it must stay within ±{MAX_OFFSET_MS} ms \
         (±36500 days)"
    ))
}

/// The guarded atomic add; `None` when the stored value is invalid or the sum leaves the bound.
fn try_add(c: &mut DbConn, by_ms: i64) -> StoreResult<Option<i64>> {
    let rows: Vec<Value> = match c {
        #[cfg(feature = "postgres")]
        DbConn::Pg(c) => diesel::sql_query(PG_ADVANCE)
            .bind::<BigInt, _>(by_ms)
            .bind::<Text, _>(CLOCK_OFFSET_KEY)
            .bind::<BigInt, _>(-MAX_OFFSET_MS)
            .bind::<BigInt, _>(MAX_OFFSET_MS)
            .load(c)?,
        #[cfg(feature = "sqlite")]
        DbConn::Sqlite(c) => diesel::sql_query(SQLITE_ADVANCE)
            .bind::<BigInt, _>(by_ms)
            .bind::<Text, _>(CLOCK_OFFSET_KEY)
            .bind::<BigInt, _>(-MAX_OFFSET_MS)
            .bind::<BigInt, _>(MAX_OFFSET_MS)
            .load(c)?,
    };
    Ok(rows.into_iter().next().and_then(|r| r.value.parse().ok()))
}

impl Store {
    /// The stored clock offset.
    pub fn clock_offset(&self) -> StoreResult<StoredOffset> {
        Ok(self
            .setting(CLOCK_OFFSET_KEY)?
            .map_or(StoredOffset::Absent, |v| StoredOffset::parse(&v)))
    }

    /// Adds `by_ms` to the stored clock offset in one atomic update and returns the new
    /// offset. [`StoreError::Invalid`] (nothing changed) when the result would leave
    /// ±[`MAX_OFFSET_MS`]. An invalid stored value counts as 0 and is replaced.
    pub fn advance_clock_offset(&self, by_ms: i64) -> StoreResult<i64> {
        if by_ms.unsigned_abs() > 2 * MAX_OFFSET_MS.unsigned_abs() {
            return Err(out_of_bound(i128::from(by_ms)));
        }
        self.write(|c| {
            on_backend!(c, c => diesel::insert_into(settings::table)
                .values((settings::key.eq(CLOCK_OFFSET_KEY), settings::value.eq("0")))
                .on_conflict_do_nothing()
                .execute(c))?;
            // Another process may replace an invalid value between the two statements: the
            // replacement only applies to the exact text read, else the add is tried again.
            for _ in 0..3 {
                if let Some(offset) = try_add(c, by_ms)? {
                    return Ok(offset);
                }
                let text: String = settings::table
                    .filter(settings::key.eq(CLOCK_OFFSET_KEY))
                    .select(settings::value)
                    .first(c)?;
                match StoredOffset::parse(&text) {
                    StoredOffset::Valid(v) => {
                        return Err(out_of_bound(i128::from(v) + i128::from(by_ms)));
                    }
                    _ if by_ms.unsigned_abs() > MAX_OFFSET_MS.unsigned_abs() => {
                        return Err(out_of_bound(i128::from(by_ms)));
                    }
                    _ => {
                        log::warn!("replacing the invalid stored clock offset {text:?}");
                        let n = diesel::update(
                            settings::table
                                .filter(settings::key.eq(CLOCK_OFFSET_KEY))
                                .filter(settings::value.eq(&text)),
                        )
                        .set(settings::value.eq(by_ms.to_string()))
                        .execute(c)?;
                        if n == 1 {
                            return Ok(by_ms);
                        }
                    }
                }
            }
            Err(StoreError::Unavailable(
                "the clock offset kept changing under the advance".into(),
            ))
        })
    }
}

/// The ledger clock of one process: an [`OffsetClock`] that follows the offset stored in the
/// database (the admin clock), shared by every process on it. Cheap to clone.
///
/// Give [`SharedClock::clock`] to [`Store::builder`], [`SharedClock::restore`] once the store
/// is open, and the clone to [`crate::tasks::Tasks::clock`], which refreshes it every few
/// seconds (other processes may have advanced it).
#[derive(Debug, Clone, Default)]
pub struct SharedClock {
    clock: Arc<OffsetClock>,
    // Taken while this process changes its offset from the database's (an advance, a
    // refresh), so it always ends up with the latest value it read.
    turn: Arc<tokio::sync::Mutex<()>>,
}

impl SharedClock {
    /// A clock at the wall clock's time (offset 0) until [`SharedClock::restore`].
    pub fn new() -> Self {
        Self::default()
    }

    /// The clock, for [`Store::builder`]'s `clock`.
    pub fn clock(&self) -> Arc<dyn Clock> {
        self.clock.clone()
    }

    /// This process's current offset from the wall clock, in milliseconds.
    pub fn offset_ms(&self) -> i64 {
        self.clock.offset_ms()
    }

    /// Takes the stored offset (at start-up). One that is unreadable or out of range is logged
    /// and ignored (offset 0), never a reason not to start.
    pub fn restore(&self, store: &Store) {
        match store.clock_offset() {
            Ok(StoredOffset::Valid(offset)) => self.clock.set_offset_ms(offset),
            Ok(StoredOffset::Absent) => {}
            Ok(StoredOffset::Invalid(text)) => log::warn!(
                "ignoring the stored clock offset {text:?}: not a whole number of milliseconds \
                 within ±36500 days; the clock starts at offset 0 (the next advance replaces it)"
            ),
            Err(e) => log::warn!("cannot read the stored clock offset, starting at 0: {e:?}"),
        }
    }

    /// Moves the ledger clock by `by_ms` for every process on the database (one atomic
    /// update) and takes the result as this process's offset, which it returns.
    pub async fn advance(&self, store: &Store, by_ms: i64) -> StoreResult<i64> {
        let _turn = self.turn.lock().await;
        let offset = store.call(move |s| s.advance_clock_offset(by_ms)).await?;
        self.clock.set_offset_ms(offset);
        Ok(offset)
    }

    /// Takes the stored offset again (the background tasks' clock refresh). An invalid stored
    /// value counts as 0, as the store's advance does; `warned` keeps one warning per value.
    pub(crate) async fn refresh(&self, store: &Store, warned: &mut Option<String>) {
        let _turn = self.turn.lock().await;
        match store.call(|s| s.clock_offset()).await {
            Ok(StoredOffset::Absent) => {}
            Ok(StoredOffset::Valid(offset)) => self.clock.set_offset_ms(offset),
            Ok(StoredOffset::Invalid(text)) => {
                self.clock.set_offset_ms(0);
                if warned.as_deref() != Some(text.as_str()) {
                    log::warn!("ignoring the invalid stored clock offset {text:?}");
                    *warned = Some(text);
                }
            }
            Err(e) => log::warn!("cannot read the stored clock offset: {e:?}"),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::testing::TestDb;
    use enroll_domain::SystemClock;

    #[test]
    fn concurrent_advances_from_several_stores_sum_exactly() {
        for db in TestDb::all().unwrap() {
            // Two stores stand for two processes (PostgreSQL); a SQLite file has one.
            let stores: Vec<Store> = (0..if db.url.starts_with("sqlite") { 1 } else { 2 })
                .map(|_| db.store(Arc::new(SystemClock)).unwrap())
                .collect();
            let threads: Vec<_> = (0..8)
                .map(|i| {
                    let s = stores[i % stores.len()].clone();
                    std::thread::spawn(move || {
                        for _ in 0..25 {
                            s.advance_clock_offset(i64::try_from(i).unwrap() + 1)
                                .unwrap();
                        }
                    })
                })
                .collect();
            threads.into_iter().for_each(|t| t.join().unwrap());
            // 25 × (1 + 2 + … + 8)
            assert_eq!(
                stores[0].clock_offset().unwrap(),
                StoredOffset::Valid(900),
                "{db:?}"
            );
        }
    }

    #[test]
    fn an_advance_past_the_bound_is_refused_and_changes_nothing() {
        for db in TestDb::all().unwrap() {
            let s = db.store(Arc::new(SystemClock)).unwrap();
            assert_eq!(
                s.advance_clock_offset(MAX_OFFSET_MS - 5).unwrap(),
                MAX_OFFSET_MS - 5
            );
            let err = s.advance_clock_offset(6).unwrap_err();
            assert!(matches!(err, StoreError::Invalid(_)), "{err:?}");
            assert!(s.advance_clock_offset(i64::MAX).is_err());
            assert!(s.advance_clock_offset(i64::MIN).is_err());
            assert_eq!(
                s.clock_offset().unwrap(),
                StoredOffset::Valid(MAX_OFFSET_MS - 5)
            );
            assert_eq!(
                s.advance_clock_offset(-2 * MAX_OFFSET_MS + 5).unwrap(),
                -MAX_OFFSET_MS
            );
        }
    }

    #[test]
    fn an_invalid_stored_offset_counts_as_zero_and_is_replaced() {
        for db in TestDb::all().unwrap() {
            let s = db.store(Arc::new(SystemClock)).unwrap();
            for bad in [
                "garbage",
                "259200000000000",
                "9223372036854775807",
                "12abc",
                "",
            ] {
                s.set_setting(CLOCK_OFFSET_KEY, bad).unwrap();
                assert_eq!(s.clock_offset().unwrap().offset_ms(), 0, "{bad:?}");
                assert_eq!(s.advance_clock_offset(1_000).unwrap(), 1_000, "{bad:?}");
                assert_eq!(s.clock_offset().unwrap(), StoredOffset::Valid(1_000));
            }
        }
    }
}
