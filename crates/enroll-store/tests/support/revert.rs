//! Reverting migrations in tests that check what a migration carries over.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

/// Reverts migrations, newest first, down to and including `version`.
pub fn revert_to(db: &enroll_store::testing::TestDb, version: &str) {
    use diesel_migrations::MigrationHarness;
    use enroll_store::conn::{DbConn, Manager, Target};
    let mut c = Manager::new(Target::from_url(&db.url).unwrap(), &Default::default())
        .open()
        .unwrap();
    match &mut c {
        #[cfg(feature = "sqlite")]
        DbConn::Sqlite(c) => {
            // As the store runs migrations: tables are rebuilt with foreign keys off.
            diesel::connection::SimpleConnection::batch_execute(c, "PRAGMA foreign_keys = OFF")
                .unwrap();
            const M: diesel_migrations::EmbeddedMigrations =
                diesel_migrations::embed_migrations!("migrations/sqlite");
            while c.revert_last_migration(M).unwrap().to_string() != version {}
        }
        #[cfg(feature = "postgres")]
        DbConn::Pg(c) => {
            const M: diesel_migrations::EmbeddedMigrations =
                diesel_migrations::embed_migrations!("migrations/postgres");
            while c.revert_last_migration(M).unwrap().to_string() != version {}
        }
    }
}
