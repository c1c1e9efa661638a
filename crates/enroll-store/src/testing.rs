//! Fresh databases for tests: every test gets its own SQLite file, and its own PostgreSQL
//! database when `ENROLL_TEST_DATABASE_URL` names a server (e.g.
//! `postgres://postgres@127.0.0.1:5432/postgres`). The PostgreSQL database is dropped on drop.
//!
//! Without a server, the PostgreSQL part of a test is skipped, and says so: a `SKIPPED` line
//! naming the test goes to the terminal (past the test harness's output capture), so a green
//! run never hides what it did not check. With `ENROLL_REQUIRE_POSTGRES=1` (CI's PostgreSQL
//! pass sets it) a missing `ENROLL_TEST_DATABASE_URL` fails those tests instead.
use crate::conn::{DbConn, Manager, Target};
use crate::error::{StoreError, StoreResult};
use crate::options::Options;
use crate::seed::Seed;
use crate::store::Store;
use diesel::connection::SimpleConnection;
use enroll_domain::{Clock, OffsetClock};
use std::sync::Arc;

/// The environment variable naming a PostgreSQL server for tests.
pub const PG_ENV: &str = "ENROLL_TEST_DATABASE_URL";

/// Set to `1` to fail, rather than skip, a test's PostgreSQL part when [`PG_ENV`] is unset.
pub const REQUIRE_PG_ENV: &str = "ENROLL_REQUIRE_POSTGRES";

/// The server URL to test on: `Ok(None)` to skip (no server named, none required), an error
/// when one is required but none is named.
fn pg_server(url: Option<String>, required: Option<String>) -> StoreResult<Option<String>> {
    match (
        url.filter(|u| !u.trim().is_empty()),
        required.as_deref().map(str::trim),
    ) {
        (Some(url), _) => Ok(Some(url)),
        (None, Some("1" | "true" | "yes")) => Err(StoreError::Config(format!(
            "{REQUIRE_PG_ENV} is set, so these tests need PostgreSQL, but {PG_ENV} names no server"
        ))),
        (None, _) => Ok(None),
    }
}

/// Tells the terminal (not the captured test output) that `what` of the running test did
/// not run.
fn skipped(what: &str) {
    use std::io::Write;
    let thread = std::thread::current();
    let test = thread.name().unwrap_or("a test");
    // Straight to the process's stderr: the harness captures only `eprint!`, and a skip
    // hidden in a passing test's captured output would read as "checked".
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED {what} of {test}: {PG_ENV} is not set (set {REQUIRE_PG_ENV}=1 to fail instead)"
    );
}

/// A throwaway database and its URL.
pub struct TestDb {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg_admin: Option<(String, String)>,
}

impl std::fmt::Debug for TestDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.pg_admin.is_some() {
            "TestDb(postgresql)"
        } else {
            "TestDb(sqlite)"
        })
    }
}

impl TestDb {
    /// A new SQLite file in a temporary directory.
    pub fn sqlite() -> StoreResult<Self> {
        let dir = tempfile::tempdir().map_err(|e| StoreError::Config(e.to_string()))?;
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        Ok(Self {
            url,
            _dir: Some(dir),
            pg_admin: None,
        })
    }

    /// A new PostgreSQL database, when [`PG_ENV`] is set; otherwise `None` with a `SKIPPED`
    /// line (for a test that runs on PostgreSQL only), or an error under [`REQUIRE_PG_ENV`].
    pub fn postgres() -> StoreResult<Option<Self>> {
        let db = Self::postgres_quiet()?;
        if db.is_none() {
            skipped("all (it runs on PostgreSQL only)");
        }
        Ok(db)
    }

    fn postgres_quiet() -> StoreResult<Option<Self>> {
        let Some(admin) = pg_server(
            std::env::var(PG_ENV).ok(),
            std::env::var(REQUIRE_PG_ENV).ok(),
        )?
        else {
            return Ok(None);
        };
        let name = format!("enroll_test_{}", uuid::Uuid::new_v4().simple());
        let mut conn = Manager::new(Target::from_url(&admin)?, &Options::default())
            .open()
            .map_err(|e| StoreError::Config(e.to_string()))?;
        conn.batch_execute(&format!("CREATE DATABASE {name}"))?;
        let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
        let url = format!("{base}/{name}");
        Ok(Some(Self {
            url,
            _dir: None,
            pg_admin: Some((admin, name)),
        }))
    }

    /// SQLite always, plus PostgreSQL when configured (else a `SKIPPED` line for that half,
    /// or an error under [`REQUIRE_PG_ENV`]).
    pub fn all() -> StoreResult<Vec<Self>> {
        let mut v = vec![Self::sqlite()?];
        match Self::postgres_quiet()? {
            Some(pg) => v.push(pg),
            None => skipped("the PostgreSQL half"),
        }
        Ok(v)
    }

    /// PostgreSQL: the deadlocks the server has counted in this database
    /// (`pg_stat_database.deadlocks`; the server publishes its counters about once a second).
    /// `None` on SQLite.
    pub fn pg_deadlocks(&self) -> StoreResult<Option<i64>> {
        use diesel::RunQueryDsl;
        #[derive(diesel::QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            deadlocks: i64,
        }
        if self.pg_admin.is_none() {
            return Ok(None);
        }
        let mut conn = Manager::new(Target::from_url(&self.url)?, &Options::default())
            .open()
            .map_err(|e| StoreError::Config(e.to_string()))?;
        let rows: Vec<Count> = diesel::sql_query(
            "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()",
        )
        .load(&mut conn)?;
        Ok(rows.first().map(|r| r.deadlocks))
    }

    /// Opens a store (migrations applied) on this database.
    pub fn store(&self, clock: Arc<dyn Clock>) -> StoreResult<Store> {
        Store::builder(&self.url).clock(clock).open()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin, name)) = &self.pg_admin
            && let Ok(target) = Target::from_url(admin)
            && let Ok(mut conn) = Manager::new(target, &Options::default()).open()
        {
            let conn: &mut DbConn = &mut conn;
            if let Err(e) =
                conn.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            {
                log::warn!("could not drop test database {name}: {e}");
            }
        }
    }
}

/// This workspace's demo seed (`fixtures/demo-seed.json`, read from the checkout): the
/// tenant, learners, courses and credentials every facade's tests use.
pub fn demo_seed() -> StoreResult<Seed> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/demo-seed.json");
    let text = std::fs::read_to_string(path)
        .map_err(|e| StoreError::Config(format!("reading {path}: {e}")))?;
    Seed::from_json(&text)
}

/// A fresh store per backend ([`TestDb::all`]) with `seed` loaded, each on a clock the test
/// can move.
pub fn seeded_stores(seed: &Seed) -> StoreResult<Vec<(TestDb, Store, Arc<OffsetClock>)>> {
    TestDb::all()?
        .into_iter()
        .map(|db| {
            let clock = Arc::new(OffsetClock::new(0));
            let store = db.store(clock.clone())?;
            store.load_seed(seed)?;
            Ok((db, store, clock))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::pg_server;

    #[test]
    fn a_missing_server_is_skipped_unless_required_and_then_fails() {
        let url = || Some("postgres://db/postgres".to_string());
        assert_eq!(pg_server(url(), None).ok().flatten(), url());
        assert_eq!(pg_server(url(), Some("1".into())).ok().flatten(), url());
        assert!(matches!(pg_server(None, None), Ok(None)));
        assert!(matches!(
            pg_server(Some(" ".into()), Some("0".into())),
            Ok(None)
        ));
        for required in ["1", "true", "yes"] {
            assert!(
                pg_server(None, Some(required.into())).is_err(),
                "{required}"
            );
            assert!(pg_server(Some(String::new()), Some(required.into())).is_err());
        }
    }
}

/// Reverts the core's migrations, newest first, down to and including `version` (tests that
/// check what a migration carries over). Panics on failure: for tests only.
#[allow(clippy::unwrap_used)] // a test harness
pub fn revert_to(db: &TestDb, version: &str) {
    use crate::conn::{DbConn, Manager, Target};
    use diesel_migrations::MigrationHarness;
    let mut c = Manager::new(Target::from_url(&db.url).unwrap(), &Default::default())
        .open()
        .unwrap();
    match &mut c {
        #[cfg(feature = "sqlite")]
        DbConn::Sqlite(c) => {
            // As the store runs migrations: tables are rebuilt with foreign keys off.
            diesel::connection::SimpleConnection::batch_execute(c, "PRAGMA foreign_keys = OFF")
                .unwrap();
            while c
                .revert_last_migration(crate::MIGRATIONS.sqlite)
                .unwrap()
                .to_string()
                != version
            {}
        }
        #[cfg(feature = "postgres")]
        DbConn::Pg(c) => {
            while c
                .revert_last_migration(crate::MIGRATIONS.postgres)
                .unwrap()
                .to_string()
                != version
            {}
        }
    }
}

/// The demo seed's ids (`fixtures/demo-seed.json`) that tests name, and its stores.
pub mod demo {
    use super::{TestDb, demo_seed, seeded_stores};
    use crate::Store;
    use enroll_domain::OffsetClock;
    use std::sync::Arc;
    use uuid::Uuid;

    /// The demo tenant.
    pub const TENANT: Uuid = Uuid::from_u128(0x7d1c7c3e_0000_4000_8000_000000000001);
    /// Learner Alice.
    pub const ALICE: Uuid = Uuid::from_u128(0xa0000000_0000_4000_8000_000000000002);
    /// Learner Bob.
    pub const BOB: Uuid = Uuid::from_u128(0xa0000000_0000_4000_8000_000000000003);
    /// The "Compliance" course (with lessons).
    pub const COMPLIANCE: Uuid = Uuid::from_u128(0xc0000000_0000_4000_8000_000000000001);
    /// The "Leadership" course (instructor-led).
    pub const LEADERSHIP: Uuid = Uuid::from_u128(0xc0000000_0000_4000_8000_000000000003);
    /// The "Onboarding" course.
    pub const ONBOARDING: Uuid = Uuid::from_u128(0xc0000000_0000_4000_8000_000000000004);
    /// The Leadership course's Berlin session.
    pub const BERLIN: Uuid = Uuid::from_u128(0xc3000000_0000_4000_8000_000000000001);

    /// The demo seed. Panics if it cannot be loaded: for tests only.
    #[allow(clippy::expect_used)] // a test harness: a broken fixture should stop the test
    pub fn seed() -> crate::seed::Seed {
        demo_seed().expect("fixtures/demo-seed.json loads")
    }

    /// Each backend's fresh store seeded with the demo seed (SQLite always; PostgreSQL when
    /// configured). Panics if the seed cannot be loaded: for tests only.
    #[allow(clippy::expect_used)] // a test harness: a broken fixture should stop the test
    pub fn stores() -> Vec<(TestDb, Store, Arc<OffsetClock>)> {
        seeded_stores(&seed()).expect("seeded stores open")
    }
}
