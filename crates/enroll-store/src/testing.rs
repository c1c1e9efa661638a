//! Fresh databases for tests: every test gets its own SQLite file, and its own PostgreSQL
//! database when `ENROLL_TEST_DATABASE_URL` names a server (e.g.
//! `postgres://postgres@127.0.0.1:5432/postgres`). The PostgreSQL database is dropped on drop.
mod receiver;
pub use receiver::{Received, Receiver};

use crate::conn::{DbConn, Manager, Target};
use crate::error::{StoreError, StoreResult};
use crate::options::Options;
use crate::store::Store;
use diesel::connection::SimpleConnection;
use enroll_domain::Clock;
use std::sync::Arc;

/// The environment variable naming a PostgreSQL server for tests.
pub const PG_ENV: &str = "ENROLL_TEST_DATABASE_URL";

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

    /// A new PostgreSQL database, when [`PG_ENV`] is set.
    pub fn postgres() -> StoreResult<Option<Self>> {
        let Ok(admin) = std::env::var(PG_ENV) else {
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

    /// SQLite always, plus PostgreSQL when configured.
    pub fn all() -> StoreResult<Vec<Self>> {
        let mut v = vec![Self::sqlite()?];
        v.extend(Self::postgres()?);
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
