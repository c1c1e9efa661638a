//! The `Store` handle: pool + clock, transactions, and the bridge from async handlers.
use crate::admission::Admission;
use crate::conn::{DbConn, DbPool, Manager, Target, build_pool};
use crate::error::{StoreError, StoreResult};
use crate::migrate::{migrations_applied, run_migrations};
use crate::options::{DEFAULT_MAX_QUEUED, Options, StoreBuilder};
use crate::writer::Writer;
use diesel::Connection;
use diesel::connection::SimpleConnection;
use enroll_domain::Clock;
use std::sync::Arc;
use time::OffsetDateTime;

/// What background work waits for: a write that may have given it something to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topic {
    /// A private invitation's job was created.
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

/// Connections of the background tasks' own pool (see [`Store::background`]).
const TASKS_POOL: u32 = 3;

/// The durable ledger. Cheap to clone; share one per process.
#[derive(Clone)]
pub struct Store {
    pool: DbPool,
    /// The bounded queue requests' units of work wait in (`None`: the background tasks'
    /// handle, which is not admitted).
    admission: Option<Arc<Admission>>,
    /// The background tasks' connections, apart from the requests' (see `background`).
    tasks_pool: DbPool,
    clock: Arc<dyn Clock>,
    backend: &'static str,
    signals: Arc<[tokio::sync::Notify; 3]>,
    /// PostgreSQL: opens the notification listener's connection.
    #[cfg(feature = "postgres")]
    pg_manager: Option<Manager>,
    /// SQLite opened for this process alone.
    exclusive: bool,
    // SQLite has one writer at a time: all writes go through one connection with group
    // commit (writer.rs), which also keeps them out of SQLite's busy handler (it sleeps in
    // growing steps and turned lock contention into second-long tail latencies).
    sqlite_writer: Option<Arc<Writer>>,
    /// The key link tokens are made with (see `links.rs`).
    links: Arc<crate::links::LinkKey>,
    /// Who this handle's writes are recorded as caused by (see [`crate::events::cause`]).
    cause: Option<Arc<crate::events::Cause>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Starts opening the database named by `url`: `sqlite://<path>` or `postgres://…`.
    pub fn builder(url: &str) -> StoreBuilder {
        StoreBuilder::new(url)
    }

    pub(crate) fn open_with(
        url: &str,
        clock: Arc<dyn Clock>,
        options: &Options,
    ) -> StoreResult<Self> {
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
        run_migrations(&manager)?;
        let links = Arc::new(crate::links::load(&manager, options.link_key.as_ref())?);
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
        let store = Self {
            pool,
            admission: Some(Arc::new(admission)),
            tasks_pool,
            clock,
            backend: target.backend_name(),
            signals: Arc::new(Default::default()),
            #[cfg(feature = "postgres")]
            pg_manager: (!sqlite).then(|| manager.clone()),
            exclusive: manager.exclusive(),
            sqlite_writer,
            links,
            cause: None,
        };
        if let Some(w) = &store.sqlite_writer {
            #[cfg(feature = "sqlite")]
            crate::checkpoint::spawn(manager, w);
            crate::writer::spawn_drainer(w);
        }
        Ok(store)
    }

    /// This store for the background tasks ([`crate::tasks`]): its connections are a small
    /// pool of their own and its units of work are not admitted through the requests' queue,
    /// so an overload of requests cannot stall the clock refresh, the sweep or job claims.
    /// (On SQLite their writes still take turns with every other write on the one writer.)
    pub(crate) fn background(&self) -> Store {
        Store {
            pool: self.tasks_pool.clone(),
            admission: None,
            ..self.clone()
        }
    }

    /// This store with `cause` recorded on its writes' events.
    pub(crate) fn with_cause(&self, cause: Option<Arc<crate::events::Cause>>) -> Store {
        Store {
            cause,
            ..self.clone()
        }
    }

    /// Wraps a unit of work so that it runs with this handle's cause (see
    /// [`crate::events::cause`]).
    fn caused<T, F>(&self, mut f: F) -> impl FnMut(&mut DbConn) -> StoreResult<T> + use<T, F>
    where
        F: FnMut(&mut DbConn) -> StoreResult<T>,
    {
        let cause = self.cause.clone();
        move |c| crate::events::cause::scoped(cause.clone(), || f(c))
    }

    /// "sqlite" or "postgresql".
    pub fn backend(&self) -> &'static str {
        self.backend
    }

    /// Whether this process is the database's only user, so that what it keeps in memory
    /// cannot be changed behind its back by another process: SQLite opened exclusively (the
    /// default, see conn.rs). False on PostgreSQL (several processes may share it) and with
    /// [`SqliteLocking::Shared`](crate::options::SqliteLocking::Shared).
    pub fn single_process(&self) -> bool {
        self.exclusive
    }

    /// The key link tokens are made with.
    pub(crate) fn links(&self) -> &Arc<crate::links::LinkKey> {
        &self.links
    }

    /// The injected clock's current time.
    pub fn now(&self) -> OffsetDateTime {
        self.clock.now()
    }

    /// The clock itself.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// Runs `f` on a pooled connection, outside any transaction.
    pub fn with_conn<T>(&self, f: impl FnOnce(&mut DbConn) -> StoreResult<T>) -> StoreResult<T> {
        let mut conn = self.pool.get()?;
        f(&mut conn)
    }

    /// Runs `f` as one write transaction, and returns once it is committed. On SQLite it
    /// joins the writer's current batch (group commit, see writer.rs) inside a savepoint of a
    /// `BEGIN IMMEDIATE` transaction; `f` must not open transactions of its own there.
    ///
    /// On PostgreSQL a transaction that the server aborts because it conflicted with
    /// concurrent ones (a deadlock, a serialization failure) is run again from the start, a
    /// few times, after a short random pause: the one place such failures are handled, so
    /// `f` must only read and write the database (it may run more than once).
    pub fn write<T>(&self, f: impl FnMut(&mut DbConn) -> StoreResult<T>) -> StoreResult<T> {
        let mut f = self.caused(f);
        let out = match &self.sqlite_writer {
            Some(w) => w.write(f),
            None => crate::retry::on_conflict(|| {
                let mut pooled = self.pool.get()?;
                let conn: &mut DbConn = &mut pooled;
                conn.transaction(&mut f)
            }),
        };
        if out.is_ok() {
            self.notify(Topic::Changes);
        }
        out
    }

    /// Runs `f` as one write transaction in which the database does not check foreign keys
    /// (SQLite; `f` must leave no row pointing nowhere: see `purge.rs`). Elsewhere it is
    /// [`Store::write`].
    pub(crate) fn write_unchecked<T>(
        &self,
        f: impl FnMut(&mut DbConn) -> StoreResult<T>,
    ) -> StoreResult<T> {
        let mut f = self.caused(f);
        let Some(w) = &self.sqlite_writer else {
            return self.write(f);
        };
        w.exclusive(|c| {
            // Outside any transaction, where the pragma takes effect; always switched back.
            // A purge dirties more pages than the small everyday cache holds, and spilling
            // them to the WAL mid-transaction tripled its time: a large cache for this one
            // transaction only (an everyday COMMIT scans the whole cache, see conn.rs).
            let restore = format!(
                "PRAGMA foreign_keys = ON; PRAGMA cache_size = {}",
                crate::conn::SQLITE_CACHE_KIB
            );
            c.batch_execute(
                "PRAGMA foreign_keys = OFF; PRAGMA cache_size = -262144; BEGIN IMMEDIATE",
            )?;
            let out = f(c);
            let end = if out.is_ok() { "COMMIT" } else { "ROLLBACK" };
            let ended = c.batch_execute(&format!("{end}; {restore}"));
            if ended.is_err() {
                let _ = c.batch_execute("ROLLBACK");
                c.batch_execute(&restore)?;
            }
            let value = out?;
            ended?;
            Ok(value)
        })
    }

    /// Wakes this process's background work waiting on `topic` (other processes on the same
    /// PostgreSQL database hear of it through `NOTIFY`, see [`Store::listen`]).
    pub fn notify(&self, topic: Topic) {
        self.signals[topic.index()].notify_one();
    }

    /// Waits until [`Store::notify`] (or a notification from another process) names `topic`.
    pub async fn notified(&self, topic: Topic) {
        self.signals[topic.index()].notified().await;
    }

    /// On PostgreSQL, listens for the other processes' notifications (`NOTIFY` on each
    /// topic's channel, sent in the transaction that gave them work) and wakes this process's
    /// waiting work: a thread with a connection of its own that checks for them every 100 ms
    /// (a poll of the socket, no query). It ends when the store is dropped. Does nothing on
    /// SQLite, which only one process uses.
    pub fn listen(&self) {
        #[cfg(feature = "postgres")]
        self.spawn_listener();
    }

    #[cfg(feature = "postgres")]
    fn spawn_listener(&self) {
        let Some(manager) = self.pg_manager.clone() else {
            return;
        };
        let signals = Arc::downgrade(&self.signals);
        let spawned = std::thread::Builder::new()
            .name("pg-listen".into())
            .spawn(move || crate::notify::listen(&manager, &signals));
        if let Err(e) = spawned {
            log::warn!("no notification listener ({e}): background work polls instead");
        }
    }

    /// [`Store::write`] for async callers, with a unit that owns its data. On SQLite it is
    /// queued for the writer's drain thread (no blocking thread, no hand-off of the writer's
    /// turn between units, see writer/jobs.rs; a full queue refuses it at once with
    /// [`StoreError::Busy`]); elsewhere it is `write` through [`Store::call`].
    pub async fn write_async<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnMut(&mut DbConn) -> StoreResult<T> + Send + 'static,
    {
        match &self.sqlite_writer {
            Some(w) if w.drains() => {
                let (tx, rx) = tokio::sync::oneshot::channel();
                w.submit(self.caused(f), move |r| {
                    // The caller may be gone (client disconnected): the write stands anyway.
                    let _ = tx.send(r);
                });
                rx.await
                    .unwrap_or_else(|_| Err(StoreError::Unavailable("the writer stopped".into())))
            }
            _ => self.call(move |s| s.write(f)).await,
        }
        .inspect(|_| self.notify(Topic::Changes))
    }

    /// Runs `f` as one read transaction: a consistent snapshot (on PostgreSQL, REPEATABLE
    /// READ: a count and the page after it see the same rows).
    pub fn read<T>(&self, f: impl FnOnce(&mut DbConn) -> StoreResult<T>) -> StoreResult<T> {
        let mut pooled = self.pool.get()?;
        let conn: &mut DbConn = &mut pooled;
        // Scoped like a write, so nothing a read names (an actor) outlives it on this thread.
        crate::events::cause::scoped(self.cause.clone(), || {
            conn.transaction(|c| {
                // Must be the transaction's first statement.
                c.on_pg("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")?;
                f(c)
            })
        })
    }

    /// Runs blocking store work off the async workers (the whole unit of work, pool checkout
    /// included, happens on the blocking pool), once admitted: it waits for a place in the
    /// bounded queue (without a thread), or is refused at once with [`StoreError::Busy`] when
    /// the queue is full (see `admission.rs` and [`StoreBuilder::max_queued`]).
    pub async fn call<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Store) -> StoreResult<T> + Send + 'static,
    {
        let place = match &self.admission {
            Some(a) => Some(a.enter().await?),
            None => None,
        };
        let store = self.clone();
        tokio::task::spawn_blocking(move || {
            let _place = place;
            f(&store)
        })
        .await
        .map_err(|e| StoreError::Internal(format!("blocking task failed: {e}")))?
    }

    /// Runs a read of a few rows by key (tens of microseconds on SQLite) for an async caller:
    /// with a SQLite connection idle in the pool right now, right here on the async worker
    /// (the hand-off to a blocking thread and back cost more than the read); otherwise (every
    /// connection busy, or PostgreSQL: a network round trip) on a blocking thread. It never
    /// waits for a connection on the async worker.
    pub(crate) async fn read_async<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConn) -> StoreResult<T> + Send + 'static,
    {
        if self.sqlite_writer.is_some()
            && let Some(mut pooled) = self.pool.try_get()
        {
            return f(&mut pooled);
        }
        self.call(move |s| s.with_conn(f)).await
    }

    /// Readiness: the database answers and every migration is applied.
    pub fn ready(&self) -> StoreResult<bool> {
        self.with_conn(migrations_applied)
    }
}

/// Runs `$body` with `$c` bound to the backend's own connection (`SqliteConnection` or
/// `PgConnection`), for hot queries with a static type. Through the multi-backend wrapper,
/// diesel re-renders a query's SQL text on every execution to look its prepared statement
/// up (a quarter of a read's CPU for the 70-column enrollment select); on a concrete backend a
/// static query's statement is found by its type, with no SQL built at all.
macro_rules! on_backend {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            #[cfg(feature = "sqlite")]
            $crate::conn::DbConn::Sqlite($c) => $body,
            #[cfg(feature = "postgres")]
            $crate::conn::DbConn::Pg($c) => $body,
        }
    };
}
pub(crate) use on_backend;

/// `first_row` loads a query that matches at most one row (a unique key) without a bound
/// `LIMIT ?`: with the bundled SQLite a bound LIMIT makes every execution re-prepare the
/// statement (about a third of a read's CPU in profiles), while an unlimited unique lookup is
/// prepared once and cached.
pub(crate) trait FirstRow<C, T> {
    /// The only row, if any.
    fn first_row(self, conn: &mut C) -> diesel::QueryResult<Option<T>>;
}

impl<'a, C, Q, T> FirstRow<C, T> for Q
where
    Q: diesel::RunQueryDsl<C> + diesel::query_dsl::LoadQuery<'a, C, T>,
{
    fn first_row(self, conn: &mut C) -> diesel::QueryResult<Option<T>> {
        Ok(self.load(conn)?.into_iter().next())
    }
}
