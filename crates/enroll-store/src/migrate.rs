//! Embedded migrations, one folder per backend with the same versions (a test keeps them in step).
//!
//! They run on a connection of their own. On SQLite foreign-key enforcement is off while they
//! run, because migrations rebuild tables the way SQLite prescribes (new table, copy, drop,
//! rename), and the keys are checked once they are done. On PostgreSQL a session advisory lock
//! makes processes started at the same moment take turns: the first applies what is pending,
//! the others then find nothing to do.
use crate::conn::{DbConn, Manager};
use crate::error::StoreError;
#[cfg(feature = "sqlite")]
use diesel::RunQueryDsl;
use diesel::connection::SimpleConnection;
#[cfg(feature = "sqlite")]
use diesel::sql_types::Text;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

#[cfg(feature = "sqlite")]
const SQLITE: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
#[cfg(feature = "postgres")]
const POSTGRES: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// The advisory lock key processes take turns on while setting a database up (migrations and
/// seed loading): any fixed number; this one spells "enroll" in ASCII.
pub(crate) const SETUP_LOCK: i64 = 0x656e_726f_6c6c;

#[cfg(feature = "sqlite")]
#[derive(diesel::QueryableByName)]
struct Violation {
    #[diesel(sql_type = Text)]
    table: String,
}

fn failed(e: impl std::fmt::Display) -> StoreError {
    StoreError::Internal(format!("migration failed: {e}"))
}

/// Applies pending migrations on a connection of their own.
pub fn run_migrations(manager: &Manager) -> Result<(), StoreError> {
    let mut conn = manager
        .open()
        .map_err(|e| StoreError::Config(format!("cannot open the database: {e}")))?;
    match &mut conn {
        #[cfg(feature = "sqlite")]
        DbConn::Sqlite(c) => {
            c.batch_execute("PRAGMA foreign_keys = OFF")
                .map_err(failed)?;
            c.run_pending_migrations(SQLITE).map_err(failed)?;
            let broken: Vec<Violation> = diesel::sql_query("PRAGMA foreign_key_check")
                .load(c)
                .map_err(failed)?;
            if let Some(v) = broken.first() {
                return Err(failed(format!(
                    "a foreign key in {} points nowhere",
                    v.table
                )));
            }
            c.batch_execute("PRAGMA foreign_keys = ON")
                .map_err(failed)?;
        }
        #[cfg(feature = "postgres")]
        DbConn::Pg(c) => {
            c.batch_execute(&format!("SELECT pg_advisory_lock({SETUP_LOCK})"))
                .map_err(failed)?;
            let out = c
                .run_pending_migrations(POSTGRES)
                .map(|_| ())
                .map_err(failed);
            c.batch_execute(&format!("SELECT pg_advisory_unlock({SETUP_LOCK})"))
                .map_err(failed)?;
            out?;
        }
    }
    Ok(())
}

/// Whether every embedded migration has been applied.
pub fn migrations_applied(conn: &mut DbConn) -> Result<bool, StoreError> {
    let pending = match conn {
        #[cfg(feature = "sqlite")]
        DbConn::Sqlite(c) => c.has_pending_migration(SQLITE),
        #[cfg(feature = "postgres")]
        DbConn::Pg(c) => c.has_pending_migration(POSTGRES),
    };
    pending
        .map(|p| !p)
        .map_err(|e| StoreError::Internal(format!("migration check failed: {e}")))
}
