//! Whether a pooled PostgreSQL connection can still be used, without a round trip per
//! checkout. r2d2's `test_on_check_out` runs `SELECT 1` before handing out a connection: on a
//! read by id that was one round trip of three (two checkouts, one query). Instead each
//! connection carries a [`Watch`] (its diesel instrumentation) that remembers when a statement
//! last succeeded and whether one failed because the connection was closed:
//! * a connection whose statement found it closed (server restart, network cut, backend
//!   killed) is discarded when it goes back to the pool, so one failure is all it costs;
//! * a connection idle for longer than [`FRESH`] is still tested with `SELECT 1` when checked
//!   out, which covers the usual restart case (the server went away while the pool was idle);
//! * a connection that answered within [`FRESH`] is handed out as it is.
use diesel::connection::{Connection, Instrumentation, InstrumentationEvent};
use diesel::pg::PgConnection;
use diesel::result::{DatabaseErrorKind, Error};
use std::time::{Duration, Instant};

/// How long after its last successful statement a connection is trusted without a test.
pub const FRESH: Duration = Duration::from_secs(2);

/// One PostgreSQL connection's health, kept by its instrumentation (and its statement counts,
/// when [`crate::stats`] counts).
pub struct Watch {
    last_ok: Instant,
    closed: bool,
    counting: bool,
}

impl Instrumentation for Watch {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        if self.counting {
            crate::stats::count(&event);
        }
        if let InstrumentationEvent::FinishQuery { error, .. } = event {
            match error {
                None => self.last_ok = Instant::now(),
                Some(Error::DatabaseError(DatabaseErrorKind::ClosedConnection, _)) => {
                    self.closed = true
                }
                Some(_) => {}
            }
        }
    }
}

/// Installs a [`Watch`] on a new connection.
pub fn watch(conn: &mut PgConnection) {
    conn.set_instrumentation(Watch {
        last_ok: Instant::now(),
        closed: false,
        counting: crate::stats::counting(),
    });
}

fn watch_of(conn: &mut PgConnection) -> Option<&mut Watch> {
    conn.instrumentation().downcast_mut::<Watch>()
}

/// Whether a statement found the connection closed: then it is never handed out again.
pub fn closed(conn: &mut PgConnection) -> bool {
    watch_of(conn).is_some_and(|w| w.closed)
}

/// Whether the connection must be tested before it is handed out (idle past [`FRESH`], or
/// not watched at all).
pub fn needs_test(conn: &mut PgConnection) -> bool {
    watch_of(conn).is_none_or(|w| w.closed || w.last_ok.elapsed() > FRESH)
}

#[cfg(test)]
mod tests {
    use crate::conn::{DbConn, Target, build_pool};
    use crate::options::Options;
    use diesel::connection::SimpleConnection;
    use diesel::prelude::*;

    fn url() -> Option<String> {
        let url = std::env::var("ENROLL_TEST_DATABASE_URL").ok();
        let required = std::env::var("ENROLL_REQUIRE_POSTGRES").is_ok_and(|v| v == "1");
        assert!(
            url.is_some() || !required,
            "ENROLL_REQUIRE_POSTGRES is set but ENROLL_TEST_DATABASE_URL names no server"
        );
        if url.is_none() {
            eprintln!("SKIPPED: ENROLL_TEST_DATABASE_URL is not set");
        }
        url
    }

    #[allow(irrefutable_let_patterns)]
    fn backend_pid(conn: &mut DbConn) -> QueryResult<i32> {
        let DbConn::Pg(c) = conn else { unreachable!() };
        diesel::select(diesel::dsl::sql::<diesel::sql_types::Integer>(
            "pg_backend_pid()",
        ))
        .get_result(c)
    }

    #[test]
    fn a_connection_the_server_killed_fails_once_and_is_replaced() {
        let Some(url) = url() else { return };
        let options = Options {
            pool_size: Some(1),
            ..Options::default()
        };
        let pool = build_pool(&Target::Postgres(url.clone()), &options).unwrap();
        let first = {
            let mut c = pool.get().unwrap();
            let pid = backend_pid(&mut c).unwrap();
            let mut killer = PgConnection::establish(&url).unwrap();
            killer
                .batch_execute(&format!("SELECT pg_terminate_backend({pid})"))
                .unwrap();
            // Killed while checked out, within the trusted window: the next statement fails
            // (the caller sees one error) and marks it closed.
            assert!(backend_pid(&mut c).is_err());
            pid
        };
        let mut c = pool.get().unwrap();
        let second = backend_pid(&mut c).expect("the pool handed out a working connection");
        assert_ne!(first, second, "the killed connection was discarded");
    }
}
