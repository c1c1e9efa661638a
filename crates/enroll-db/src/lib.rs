//! The ledger's database plumbing, below every crate that owns tables: connections to SQLite
//! (embedded default) or PostgreSQL ([`conn`]), the [`Db`] handle with its transactions
//! (on SQLite one writer with group commit, a checkpointer; on PostgreSQL retries of
//! transactions aborted by conflicts), admission control (a bounded queue: overload is
//! refused at once with [`StoreError::Busy`]), wake-ups of background work across processes
//! ([`Topic`]), and the migration runner that applies every crate's [`migrate::Migrations`]
//! as one sequence. It knows nothing of enrollments: `enroll-store` builds the ledger on it.
//!
//! # Features
//! * `sqlite`, `postgres`: the backends; at least one is required.

mod admission;
#[cfg(feature = "sqlite")]
mod checkpoint;
pub mod conn;
mod db;
pub mod error;
mod generation;
#[cfg(feature = "postgres")]
pub mod health;
pub mod migrate;
mod notify;
pub mod options;
mod retry;
pub mod stats;
mod units;
mod writer;

pub use db::{Db, Topic};
pub use error::{StoreError, StoreResult};
pub use notify::send as notify_in;

/// Runs `$body` with `$c` bound to the backend's own connection (`SqliteConnection` or
/// `PgConnection`), for hot queries with a static type. Through the multi-backend wrapper,
/// diesel re-renders a query's SQL text on every execution to look its prepared statement
/// up (a quarter of a read's CPU for the 70-column enrollment select); on a concrete backend a
/// static query's statement is found by its type, with no SQL built at all. The calling crate
/// must have the same `sqlite` and `postgres` features as this one.
#[macro_export]
macro_rules! on_backend {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            #[cfg(feature = "sqlite")]
            $crate::conn::DbConn::Sqlite($c) => $body,
            #[cfg(feature = "postgres")]
            $crate::conn::DbConn::Pg($c) => $body,
        }
    };
}

/// `first_row` loads a query that matches at most one row (a unique key) without a bound
/// `LIMIT ?`: with the bundled SQLite a bound LIMIT makes every execution re-prepare the
/// statement (about a third of a read's CPU in profiles), while an unlimited unique lookup is
/// prepared once and cached.
pub trait FirstRow<C, T> {
    /// The only row, if any.
    fn first_row(self, conn: &mut C) -> diesel::QueryResult<Option<T>>;
}

impl<'a, C, Q, T> FirstRow<C, T> for Q
where
    Q: diesel::RunQueryDsl<C> + diesel::query_dsl::LoadQuery<'a, C, T>,
{
    fn first_row(self, conn: &mut C) -> diesel::QueryResult<Option<T>> {
        Ok(self.load(conn)?.into_iter().next())
    }
}
