//! Applying embedded migrations. Each crate that owns tables embeds its own, one folder per
//! backend with the same versions ([`Migrations`]); a host applies every source it uses
//! together, in version order, as one sequence (versions are unique across crates).
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
use diesel::backend::Backend;
use diesel::connection::SimpleConnection;
use diesel::migration::{Migration, MigrationSource};
#[cfg(feature = "sqlite")]
use diesel::sql_types::Text;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness};

/// One crate's migrations for each backend (made with `diesel_migrations::embed_migrations!`).
pub struct Migrations {
    /// The SQLite folder's.
    #[cfg(feature = "sqlite")]
    pub sqlite: EmbeddedMigrations,
    /// The PostgreSQL folder's.
    #[cfg(feature = "postgres")]
    pub postgres: EmbeddedMigrations,
}

impl std::fmt::Debug for Migrations {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Migrations").finish_non_exhaustive()
    }
}

/// Several crates' migrations as one source, in version order.
struct Combined<'a> {
    sources: Vec<&'a EmbeddedMigrations>,
}

impl<DB: Backend> MigrationSource<DB> for Combined<'_>
where
    EmbeddedMigrations: MigrationSource<DB>,
{
    fn migrations(&self) -> diesel::migration::Result<Vec<Box<dyn Migration<DB>>>> {
        let mut all = Vec::new();
        for source in &self.sources {
            all.extend(MigrationSource::<DB>::migrations(*source)?);
        }
        all.sort_by(|a, b| a.name().version().cmp(&b.name().version()));
        Ok(all)
    }
}

#[cfg(feature = "sqlite")]
fn sqlite(migrations: &[Migrations]) -> Combined<'_> {
    Combined {
        sources: migrations.iter().map(|m| &m.sqlite).collect(),
    }
}

#[cfg(feature = "postgres")]
fn postgres(migrations: &[Migrations]) -> Combined<'_> {
    Combined {
        sources: migrations.iter().map(|m| &m.postgres).collect(),
    }
}

/// The advisory lock key processes take turns on while setting a database up (migrations and
/// seed loading): any fixed number; this one spells "enroll" in ASCII.
pub const SETUP_LOCK: i64 = 0x656e_726f_6c6c;

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
pub fn run_migrations(manager: &Manager, migrations: &[Migrations]) -> Result<(), StoreError> {
    let mut conn = manager
        .open()
        .map_err(|e| StoreError::Config(format!("cannot open the database: {e}")))?;
    match &mut conn {
        #[cfg(feature = "sqlite")]
        DbConn::Sqlite(c) => {
            c.batch_execute("PRAGMA foreign_keys = OFF")
                .map_err(failed)?;
            c.run_pending_migrations(sqlite(migrations))
                .map_err(failed)?;
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
                .run_pending_migrations(postgres(migrations))
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
pub fn migrations_applied(
    conn: &mut DbConn,
    migrations: &[Migrations],
) -> Result<bool, StoreError> {
    let pending = match conn {
        #[cfg(feature = "sqlite")]
        DbConn::Sqlite(c) => c.has_pending_migration(sqlite(migrations)),
        #[cfg(feature = "postgres")]
        DbConn::Pg(c) => c.has_pending_migration(postgres(migrations)),
    };
    pending
        .map(|p| !p)
        .map_err(|e| StoreError::Internal(format!("migration check failed: {e}")))
}
