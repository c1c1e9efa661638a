//! Backend selection and the connection pool.
//!
//! The backend is chosen explicitly by the database URL's scheme: `sqlite://<path>` (or
//! `sqlite:<path>`) and `postgres://…`/`postgresql://…`. Any other scheme is a startup error,
//! never a silent fallback to a SQLite file named after the URL.
//!
//! SQLite durability: every connection runs `journal_mode=WAL`, `synchronous=NORMAL`. In WAL
//! mode a commit is appended to the WAL file before the call returns, so an acknowledged write
//! survives the process being killed (`kill -9`); only an operating-system crash or power loss
//! can lose the last commits before a checkpoint. `synchronous=FULL` would fsync every commit
//! (about 3× fewer writes per second here) to cover power loss too:
//! [`SqliteSynchronous::Full`] (the gateway's `--sqlite-synchronous full`).
//!
//! SQLite locking: one process uses a SQLite database file (its writer batches commits
//! in-process, see writer.rs), so by default connections open it through SQLite's
//! `unix-excl` VFS: the process takes one exclusive lock on the file when it first touches it,
//! and from then on connections coordinate in memory, with the WAL index on the heap instead
//! of a memory-mapped `-shm` file. Every read transaction used to take and drop `fcntl` locks
//! on the file and the `-shm` file, about a fifth of a read by id. Another program (the
//! `sqlite3` shell, a second process) cannot open the file while the store is open;
//! [`SqliteLocking::Shared`] (the gateway's `--sqlite-locking shared`) allows that, at the old
//! cost.
use crate::error::StoreError;
use crate::options::{Options, SqliteLocking, SqliteSynchronous};
use diesel::connection::SimpleConnection;
#[cfg(feature = "postgres")]
use diesel::pg::PgConnection;
use diesel::r2d2::{ManageConnection, Pool};
#[cfg(feature = "sqlite")]
use diesel::sqlite::SqliteConnection;
use diesel::{Connection, ConnectionError};

#[cfg(not(any(feature = "sqlite", feature = "postgres")))]
compile_error!("enroll-store needs a backend: enable the `sqlite` or `postgres` feature (or both)");

/// One connection to either backend; queries are written once against it. A backend whose
/// cargo feature is off has no variant.
/// SQLite's page cache per connection (`PRAGMA cache_size`, negative: KiB). Small on purpose
/// (see `Manager::connect`); a bulk purge raises it for its one transaction.
pub const SQLITE_CACHE_KIB: i64 = -8192;

#[derive(diesel::MultiConnection)]
pub enum DbConn {
    /// PostgreSQL, for scale-out (several processes on one database).
    #[cfg(feature = "postgres")]
    Pg(PgConnection),
    /// SQLite, the embedded default.
    #[cfg(feature = "sqlite")]
    Sqlite(SqliteConnection),
}

impl DbConn {
    /// Whether this is a PostgreSQL connection.
    #[allow(irrefutable_let_patterns)]
    pub fn is_pg(&self) -> bool {
        #[cfg(feature = "postgres")]
        if let Self::Pg(_) = self {
            return true;
        }
        false
    }

    /// Runs `sql` on PostgreSQL only: the locks, notifications and isolation levels SQLite
    /// (one writer at a time, one process) does not need.
    #[allow(irrefutable_let_patterns)]
    pub fn on_pg(&mut self, sql: &str) -> diesel::QueryResult<()> {
        #[cfg(feature = "postgres")]
        if let Self::Pg(c) = self {
            return c.batch_execute(sql);
        }
        let _ = sql;
        Ok(())
    }
}

/// Which backend a URL names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A PostgreSQL URL, passed to libpq as is.
    Postgres(String),
    /// A SQLite database file path (or `:memory:`).
    Sqlite(String),
}

impl Target {
    /// Parses a database URL; unknown schemes are refused with a clear message.
    pub fn from_url(url: &str) -> Result<Self, StoreError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self::Postgres(url.to_string()));
        }
        if let Some(rest) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            if rest.is_empty() {
                return Err(StoreError::Config("the sqlite URL has no file path".into()));
            }
            return Ok(Self::Sqlite(rest.to_string()));
        }
        let scheme = url.split_once(':').map_or("(none)", |(s, _)| s);
        Err(StoreError::Config(format!(
            "unsupported database URL scheme '{scheme}': use sqlite://<path> or postgres://…"
        )))
    }

    /// Refuses a backend this build left out (its cargo feature is off).
    pub fn check_compiled(&self) -> Result<(), StoreError> {
        let (name, compiled) = match self {
            Self::Postgres(_) => ("postgres", cfg!(feature = "postgres")),
            Self::Sqlite(_) => ("sqlite", cfg!(feature = "sqlite")),
        };
        if compiled {
            return Ok(());
        }
        Err(StoreError::Config(format!(
            "this build has no {} support: enable enroll-store's `{name}` cargo feature",
            self.backend_name()
        )))
    }

    /// The backend's name, for logs (never the URL: it can hold a password).
    pub fn backend_name(&self) -> &'static str {
        match self {
            Self::Postgres(_) => "postgresql",
            Self::Sqlite(_) => "sqlite",
        }
    }
}

/// r2d2 manager that opens the variant the URL named and prepares SQLite connections.
#[derive(Debug, Clone)]
#[cfg_attr(not(feature = "sqlite"), allow(dead_code))]
pub struct Manager {
    target: Target,
    sqlite_synchronous: &'static str,
    /// What SQLite opens: the path itself, or a `file:` URI naming the `unix-excl` VFS.
    sqlite_open: String,
    exclusive: bool,
}

impl Manager {
    /// A manager for `target` with `options`' SQLite settings.
    pub fn new(target: Target, options: &Options) -> Self {
        let exclusive = options.sqlite_locking == SqliteLocking::Exclusive;
        let sqlite_open = match &target {
            Target::Sqlite(path) if exclusive => exclusive_uri(path),
            Target::Sqlite(path) => path.clone(),
            Target::Postgres(_) => String::new(),
        };
        Self {
            exclusive: exclusive && matches!(target, Target::Sqlite(_)),
            target,
            sqlite_synchronous: match options.sqlite_synchronous {
                SqliteSynchronous::Normal => "NORMAL",
                SqliteSynchronous::Full => "FULL",
            },
            sqlite_open,
        }
    }

    /// Whether this opens a SQLite file for this process alone.
    pub fn exclusive(&self) -> bool {
        self.exclusive
    }

    /// Opens one connection.
    pub fn open(&self) -> Result<DbConn, ConnectionError> {
        match &self.target {
            #[cfg(feature = "postgres")]
            Target::Postgres(url) => {
                let mut c = PgConnection::establish(url)?;
                crate::health::watch(&mut c);
                Ok(DbConn::Pg(c))
            }
            #[cfg(feature = "sqlite")]
            Target::Sqlite(_) => {
                let mut c = SqliteConnection::establish(&self.sqlite_open)?;
                // mmap: reads take pages straight from the OS cache, without a copy per
                // page; wal_autocheckpoint = 0: see checkpoint.rs; temp_store = MEMORY keeps
                // savepoint journals (one per unit of work, writer.rs) off temporary files.
                // The page cache stays small, the writer's too: a B-tree split parks a page
                // at a far page number for a moment, and on a database under 1 GiB that made
                // every later COMMIT scan the whole cache's hash table (with 256 MiB, an
                // eighth of the writer's time); pages the cache misses come from mmap.
                let pragmas = format!(
                    "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; \
                     PRAGMA synchronous = {}; PRAGMA foreign_keys = ON; \
                     PRAGMA cache_size = {SQLITE_CACHE_KIB}; PRAGMA mmap_size = 2147418112; \
                     PRAGMA wal_autocheckpoint = 0; PRAGMA temp_store = MEMORY;",
                    self.sqlite_synchronous
                );
                c.batch_execute(&pragmas)
                    .map_err(ConnectionError::CouldntSetupConfiguration)?;
                crate::stats::instrument(&mut c);
                Ok(DbConn::Sqlite(c))
            }
            #[allow(unreachable_patterns)]
            other => Err(ConnectionError::BadConnection(format!(
                "this build has no {} support",
                other.backend_name()
            ))),
        }
    }
}

/// The `file:` URI that opens `path` through the `unix-excl` VFS (see the module docs).
/// `%`, `?` and `#` are the characters a URI path cannot carry as they are.
fn exclusive_uri(path: &str) -> String {
    if path == ":memory:" {
        return path.to_string();
    }
    let mut uri = String::with_capacity(path.len() + 24);
    uri.push_str("file:");
    for ch in path.chars() {
        match ch {
            '%' => uri.push_str("%25"),
            '?' => uri.push_str("%3f"),
            '#' => uri.push_str("%23"),
            c => uri.push(c),
        }
    }
    uri.push_str("?vfs=unix-excl");
    uri
}

impl ManageConnection for Manager {
    type Connection = DbConn;
    type Error = ConnectionError;

    fn connect(&self) -> Result<DbConn, ConnectionError> {
        self.open()
    }

    // Only PostgreSQL connections are tested, and only those idle long enough to have gone
    // stale unnoticed (see health.rs).
    #[allow(irrefutable_let_patterns)]
    fn is_valid(&self, conn: &mut DbConn) -> Result<(), ConnectionError> {
        #[cfg(feature = "postgres")]
        if let DbConn::Pg(c) = conn
            && !crate::health::needs_test(c)
        {
            return Ok(());
        }
        conn.batch_execute("SELECT 1")
            .map_err(ConnectionError::CouldntSetupConfiguration)
    }

    // A connection dropped while a unit of work panicked (its transaction still open) or
    // whose transaction manager gave up is discarded, never handed to the next caller.
    // A PostgreSQL connection a statement found closed is discarded too (health.rs).
    #[allow(irrefutable_let_patterns)]
    fn has_broken(&self, conn: &mut DbConn) -> bool {
        use diesel::connection::TransactionManager;
        #[cfg(feature = "postgres")]
        if let DbConn::Pg(c) = conn
            && crate::health::closed(c)
        {
            return true;
        }
        std::thread::panicking()
            || <DbConn as Connection>::TransactionManager::is_broken_transaction_manager(conn)
    }
}

/// The pool type.
pub type DbPool = Pool<Manager>;

/// A connection checked out of a [`DbPool`].
pub type PooledConn = diesel::r2d2::PooledConnection<Manager>;

/// Builds a pool; SQLite gets a small pool (one writer at a time anyway).
pub fn build_pool(target: &Target, options: &Options) -> Result<DbPool, StoreError> {
    target.check_compiled()?;
    if let Target::Sqlite(path) = target
        && let Some(parent) = std::path::Path::new(path).parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent).map_err(|e| {
            StoreError::Config(format!("cannot create the database directory: {e}"))
        })?;
    }
    let size = options.pool_size.unwrap_or(match target {
        Target::Postgres(_) => 16,
        Target::Sqlite(_) => 8,
    });
    let manager = Manager::new(target.clone(), options);
    // One connection first, for its error: the pool only reports that it timed out.
    manager.open().map_err(|e| {
        let hint = if e.to_string().contains("locked") {
            " (another process has the file open: with exclusive SQLite locking, the default, \
             one process keeps the file to itself while it runs; stop the other process, or \
             open both with shared locking)"
        } else {
            ""
        };
        StoreError::Config(format!(
            "cannot open the {} database: {e}{hint}",
            target.backend_name()
        ))
    })?;
    Pool::builder()
        .max_size(size)
        // A SQLite connection is a file handle that does not go stale: checking it with a
        // query on every checkout cost 7% of a read's CPU. PostgreSQL connections can drop
        // (server restart): `is_valid` tests those idle past health::FRESH, without a round
        // trip for the others.
        .test_on_check_out(matches!(target, Target::Postgres(_)))
        .connection_timeout(std::time::Duration::from_secs(10))
        .build(manager)
        .map_err(|e| {
            StoreError::Config(format!(
                "cannot open the {} database: {e}",
                target.backend_name()
            ))
        })
}
