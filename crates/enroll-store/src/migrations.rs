//! The ledger core's tables: its embedded migrations, one folder per backend with the same
//! versions (a test keeps them in step). Hosts apply them through [`crate::Store::builder`].
use diesel_migrations::embed_migrations;
use enroll_db::migrate::Migrations;

/// The core's migrations (`migrations/{sqlite,postgres}`).
pub const MIGRATIONS: Migrations = Migrations {
    #[cfg(feature = "sqlite")]
    sqlite: embed_migrations!("migrations/sqlite"),
    #[cfg(feature = "postgres")]
    postgres: embed_migrations!("migrations/postgres"),
};
