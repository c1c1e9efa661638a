//! Statement counts, for finding where requests spend round trips: off unless [`enable`]d
//! (the gateway's `--count-statements`), then every connection opened afterwards counts
//! the statements it runs, the statements it adds to its prepared-statement cache (steady
//! state adds none: a query of fixed shape is prepared once per connection; a query diesel
//! never caches, such as one with a list of values on SQLite, is prepared on every call
//! without being counted here) and the transactions it begins.
//! The counts are process-wide; divide a difference by the requests made in between (one
//! client at a time) for the cost of one request. On PostgreSQL each statement is one round
//! trip (`BEGIN` and `COMMIT` count as statements too).
use diesel::connection::{Connection, InstrumentationEvent};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

static ENABLED: AtomicBool = AtomicBool::new(false);
static STATEMENTS: AtomicU64 = AtomicU64::new(0);
static PREPARES: AtomicU64 = AtomicU64::new(0);
static TRANSACTIONS: AtomicU64 = AtomicU64::new(0);

/// The process's counts since it started counting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    /// Whether counting is on (all zero when not).
    pub enabled: bool,
    /// Statements run, transaction control included.
    pub statements: u64,
    /// Statements prepared and added to a connection's statement cache.
    pub prepares: u64,
    /// Outermost transactions begun (savepoints not counted).
    pub transactions: u64,
}

/// Turns counting on for the connections opened from now on (call before opening the pool).
pub fn enable() {
    ENABLED.store(true, Ordering::Relaxed);
}

/// The counts so far.
pub fn counts() -> Counts {
    Counts {
        enabled: ENABLED.load(Ordering::Relaxed),
        statements: STATEMENTS.load(Ordering::Relaxed),
        prepares: PREPARES.load(Ordering::Relaxed),
        transactions: TRANSACTIONS.load(Ordering::Relaxed),
    }
}

/// Whether connections opened now should count (see [`enable`]).
pub(crate) fn counting() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

/// Adds one connection event to the counts.
pub(crate) fn count(event: &InstrumentationEvent<'_>) {
    match event {
        InstrumentationEvent::StartQuery { .. } => {
            STATEMENTS.fetch_add(1, Ordering::Relaxed);
        }
        InstrumentationEvent::CacheQuery { .. } => {
            PREPARES.fetch_add(1, Ordering::Relaxed);
        }
        InstrumentationEvent::BeginTransaction { depth, .. } if depth.get() == 1 => {
            TRANSACTIONS.fetch_add(1, Ordering::Relaxed);
        }
        _ => {}
    }
}

/// Installs the counter on a new connection when counting is on (PostgreSQL connections
/// count through their [`crate::health::Watch`] instead).
#[cfg_attr(not(feature = "sqlite"), allow(dead_code))]
pub(crate) fn instrument<C: Connection>(conn: &mut C) {
    if counting() {
        conn.set_instrumentation(|event: InstrumentationEvent<'_>| count(&event));
    }
}

#[cfg(all(test, feature = "sqlite"))]
mod tests {
    use diesel::connection::SimpleConnection;
    use diesel::prelude::*;

    #[test]
    fn a_counting_connection_counts_its_statements_and_transactions() {
        super::enable();
        let mut c = SqliteConnection::establish(":memory:").unwrap();
        super::instrument(&mut c);
        c.batch_execute("CREATE TABLE t (x INTEGER)").unwrap();
        let before = super::counts();
        for _ in 0..3 {
            c.transaction(|c| diesel::sql_query("INSERT INTO t VALUES (1)").execute(c))
                .unwrap();
        }
        let after = super::counts();
        assert!(after.enabled);
        // Each transaction: BEGIN, the insert, COMMIT.
        assert!(
            after.statements - before.statements >= 9,
            "{before:?} {after:?}"
        );
        assert!(
            after.transactions - before.transactions >= 3,
            "{before:?} {after:?}"
        );
    }
}
