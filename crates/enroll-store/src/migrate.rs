//! Embedded migrations, one folder per backend with the same versions (a test keeps them in step).
use crate::conn::DbConn;
use crate::error::StoreError;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

const SQLITE: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Applies pending migrations on `conn`'s backend.
pub fn run_migrations(conn: &mut DbConn) -> Result<(), StoreError> {
    let result = match conn {
        DbConn::Sqlite(c) => c.run_pending_migrations(SQLITE).map(|_| ()),
        DbConn::Pg(c) => c.run_pending_migrations(POSTGRES).map(|_| ()),
    };
    result.map_err(|e| StoreError::Internal(format!("migration failed: {e}")))
}

/// Whether every embedded migration has been applied.
pub fn migrations_applied(conn: &mut DbConn) -> Result<bool, StoreError> {
    let pending = match conn {
        DbConn::Sqlite(c) => c.has_pending_migration(SQLITE),
        DbConn::Pg(c) => c.has_pending_migration(POSTGRES),
    };
    pending
        .map(|p| !p)
        .map_err(|e| StoreError::Internal(format!("migration check failed: {e}")))
}
