//! The database handle: the request pool and the background tasks' pool, the SQLite writer
//! (group commit) and checkpointer, admission control, and the wake-ups of background work.
//! It knows transactions and connections, nothing of what the rows mean.
use crate::admission::Admission;
use crate::conn::{DbPool, Manager, Target, build_pool};
use crate::error::StoreResult;
use crate::migrate::{Migrations, migrations_applied, run_migrations};
use crate::options::{DEFAULT_MAX_QUEUED, Options};
use crate::writer::Writer;
use std::sync::Arc;

/// What background work waits for: a write that may have given it something to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topic {
    /// A queued job (a private invitation's sending) was created.
    Jobs,
    /// Enrollments changed (an event may be pending delivery).
    Changes,
    /// An outbound delivery was queued.
    Deliveries,
}

impl Topic {
    /// Every topic.
    pub const ALL: [Topic; 3] = [Self::Jobs, Self::Changes, Self::Deliveries];

    /// The PostgreSQL channel other processes are told on (`NOTIFY`).
    pub(crate) fn channel(self) -> &'static str {
        match self {
            Self::Jobs => "enroll_jobs",
            Self::Changes => "enroll_changes",
            Self::Deliveries => "enroll_deliveries",
        }
    }

    pub(crate) fn index(self) -> usize {
        match self {
            Self::Jobs => 0,
            Self::Changes => 1,
            Self::Deliveries => 2,
        }
    }
}

/// Connections of the background tasks' own pool (see [`Db::background`]).
const TASKS_POOL: u32 = 3;

/// One database, opened and migrated. Cheap to clone; share one per process.
#[derive(Clone)]
pub struct Db {
    pub(crate) pool: DbPool,
    /// The bounded queue requests' units of work wait in (`None`: the background tasks'
    /// handle, which is not admitted).
    pub(crate) admission: Option<Arc<Admission>>,
    /// The background tasks' connections, apart from the requests' (see `background`).
    pub(crate) tasks_pool: DbPool,
    pub(crate) manager: Manager,
    pub(crate) backend: &'static str,
    pub(crate) signals: Arc<[tokio::sync::Notify; 3]>,
    pub(crate) generation: Arc<crate::generation::Generation>,
    /// SQLite opened for this process alone.
    pub(crate) exclusive: bool,
    // SQLite has one writer at a time: all writes go through one connection with group
    // commit (writer.rs), which also keeps them out of SQLite's busy handler (it sleeps in
    // growing steps and turned lock contention into second-long tail latencies).
    pub(crate) sqlite_writer: Option<Arc<Writer>>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db")
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}

impl Db {
    /// Opens the database named by `url` (`sqlite://<path>` or `postgres://…`), applies the
    /// pending migrations of every source in `migrations` (in version order), and starts the
    /// SQLite writer and checkpointer threads (they end with the last clone).
    pub fn open(url: &str, options: &Options, migrations: &[Migrations]) -> StoreResult<Self> {
        let target = Target::from_url(url)?;
        let pool = build_pool(&target, options)?;
        let tasks_pool = build_pool(
            &target,
            &Options {
                pool_size: Some(TASKS_POOL),
                ..options.clone()
            },
        )?;
        let manager = Manager::new(target.clone(), options);
        let sqlite = matches!(target, Target::Sqlite(_));
        run_migrations(&manager, migrations)?;
        let max_queued = options.max_queued.unwrap_or(DEFAULT_MAX_QUEUED) as usize;
        // Each admitted unit holds at most one pooled connection at a time; on SQLite writes
        // wait for the writer's turn, not for the pool, so twice as many may run.
        let pool_size = pool.max_size();
        let max_concurrent =
            options
                .max_concurrent
                .unwrap_or(if sqlite { 2 * pool_size } else { pool_size });
        let admission = Admission::new(max_concurrent as usize, max_queued);
        let sqlite_writer = sqlite.then(|| Arc::new(Writer::new(manager.clone(), max_queued)));
        let db = Self {
            pool,
            admission: Some(Arc::new(admission)),
            tasks_pool,
            backend: target.backend_name(),
            signals: Arc::new(Default::default()),
            generation: Arc::default(),
            exclusive: manager.exclusive(),
            manager,
            sqlite_writer,
        };
        if let Some(w) = &db.sqlite_writer {
            #[cfg(feature = "sqlite")]
            crate::checkpoint::spawn(db.manager.clone(), w);
            crate::writer::spawn_drainer(w);
        }
        Ok(db)
    }

    /// This database for the background tasks: its connections are a small pool of their
    /// own and its units of work are not admitted through the requests' queue, so an overload
    /// of requests cannot stall them. (On SQLite their writes still take turns with every
    /// other write on the one writer.)
    pub fn background(&self) -> Db {
        Db {
            pool: self.tasks_pool.clone(),
            admission: None,
            ..self.clone()
        }
    }

    /// Opens connections of this database outside the pools (migrations, listeners).
    pub fn manager(&self) -> &Manager {
        &self.manager
    }

    /// "sqlite" or "postgresql".
    pub fn backend(&self) -> &'static str {
        self.backend
    }

    /// Whether this process is the database's only user (SQLite opened exclusively), so that
    /// what it keeps in memory cannot be changed behind its back by another process.
    pub fn single_process(&self) -> bool {
        self.exclusive
    }

    /// The credential generation: cached answers about credentials are trusted only while it
    /// is the one they were cached in, and only when there is one (see generation.rs): 0 when
    /// this process is the database's only user; on PostgreSQL, bumped by every revocation
    /// any process makes, and `None` while this process's listener ([`Db::listen`]) is not
    /// hearing them; `None` on SQLite opened shared.
    pub fn credential_generation(&self) -> Option<u64> {
        if self.exclusive {
            return Some(0);
        }
        if self.sqlite_writer.is_some() {
            return None;
        }
        self.generation.current()
    }

    /// Readiness: the database answers and every migration is applied.
    pub fn ready(&self, migrations: &[Migrations]) -> StoreResult<bool> {
        self.with_conn(|c| migrations_applied(c, migrations))
    }
}
