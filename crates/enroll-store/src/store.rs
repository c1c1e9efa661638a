//! The `Store` handle: pool + clock, transactions, and the bridge from async handlers.
use crate::conn::DbConn;
use crate::error::StoreResult;
use crate::options::{Options, StoreBuilder};
use enroll_db::Db;
use enroll_db::migrate::Migrations;
use enroll_domain::Clock;
use std::sync::Arc;
use time::OffsetDateTime;

pub use enroll_db::Topic;
pub(crate) use enroll_db::{FirstRow, on_backend};

/// The durable ledger. Cheap to clone; share one per process.
#[derive(Clone)]
pub struct Store {
    db: Db,
    clock: Arc<dyn Clock>,
    /// The key link tokens are made with (see `links.rs`).
    links: Arc<crate::links::LinkKey>,
    /// Who this handle's writes are recorded as caused by (see [`crate::events::cause`]).
    cause: Option<Arc<crate::events::Cause>>,
}

/// A handle on the ledger: what the crates built on it write their operations over, as
/// extension traits with default methods (for example `enroll_progress::LessonProgress`),
/// implemented for [`Store`]. Bring such a trait into scope to call its operations.
pub trait Ledger {
    /// The ledger itself.
    fn ledger(&self) -> &Store;
}

impl Ledger for Store {
    fn ledger(&self) -> &Store {
        self
    }
}

impl enroll_outbox::Outbox for Store {
    fn db(&self) -> &Db {
        &self.db
    }

    fn now(&self) -> OffsetDateTime {
        self.clock.now()
    }
}

/// The migrations a store applies: the core's and those of the crates built on it.
const ALL_MIGRATIONS: &[Migrations] = &[crate::MIGRATIONS];

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.db.backend())
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
        link_key: Option<crate::links::LinkKey>,
    ) -> StoreResult<Self> {
        let db = Db::open(url, options, ALL_MIGRATIONS)?;
        let links = Arc::new(crate::links::load(db.manager(), link_key.as_ref())?);
        Ok(Self {
            db,
            clock,
            links,
            cause: None,
        })
    }

    /// The database this ledger is kept in: its transactions are the ledger's units of work
    /// (crates built on the ledger run theirs through [`Store::write`] and [`Store::read`]).
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// This store for the background tasks ([`crate::tasks`]): its connections are a small
    /// pool of their own and its units of work are not admitted through the requests' queue,
    /// so an overload of requests cannot stall the clock refresh, the sweep or job claims.
    /// (On SQLite their writes still take turns with every other write on the one writer.)
    pub(crate) fn background(&self) -> Store {
        Store {
            db: self.db.background(),
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
        self.db.backend()
    }

    /// Whether this process is the database's only user, so that what it keeps in memory
    /// cannot be changed behind its back by another process: SQLite opened exclusively (the
    /// default, see conn.rs). False on PostgreSQL (several processes may share it) and with
    /// [`SqliteLocking::Shared`](crate::options::SqliteLocking::Shared).
    pub fn single_process(&self) -> bool {
        self.db.single_process()
    }

    /// The credential generation cached answers about credentials must have been made in to
    /// be trusted (`None`: trust none): 0 for the database's only user; on PostgreSQL, bumped
    /// when any process revokes tokens, heard by this process's listener (started with the
    /// background tasks, [`Store::listen`]) within 25 ms; see
    /// `enroll_db::Db::credential_generation`.
    pub fn credential_generation(&self) -> Option<u64> {
        self.db.credential_generation()
    }

    /// The key link tokens are made with.
    pub fn links(&self) -> &Arc<crate::links::LinkKey> {
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
        self.db.with_conn(f)
    }

    /// Runs `f` as one write transaction, and returns once it is committed, with this
    /// handle's cause on the events it records (see [`Db::write`]: on SQLite it joins the
    /// writer's batch; on PostgreSQL a transaction aborted by a conflict is run again, so `f`
    /// must only read and write the database).
    pub fn write<T>(&self, f: impl FnMut(&mut DbConn) -> StoreResult<T>) -> StoreResult<T> {
        self.db.write(self.caused(f))
    }

    /// Runs `f` as one write transaction in which the database does not check foreign keys
    /// (SQLite; `f` must leave no row pointing nowhere: see `purge.rs`). Elsewhere it is
    /// [`Store::write`].
    pub(crate) fn write_unchecked<T>(
        &self,
        f: impl FnMut(&mut DbConn) -> StoreResult<T>,
    ) -> StoreResult<T> {
        self.db.write_unchecked(self.caused(f))
    }

    /// Wakes this process's background work waiting on `topic` (other processes on the same
    /// PostgreSQL database hear of it through `NOTIFY`, see [`Store::listen`]).
    pub fn notify(&self, topic: Topic) {
        self.db.notify(topic);
    }

    /// Waits until [`Store::notify`] (or a notification from another process) names `topic`.
    pub async fn notified(&self, topic: Topic) {
        self.db.notified(topic).await;
    }

    /// On PostgreSQL, listens for the other processes' notifications and wakes this
    /// process's waiting work (see [`Db::listen`]). Does nothing on SQLite.
    pub fn listen(&self) {
        self.db.listen();
    }

    /// [`Store::write`] for async callers, with a unit that owns its data (see
    /// [`Db::write_async`]: on SQLite queued for the writer's drain thread, a full queue
    /// refusing it at once with [`crate::StoreError::Busy`]).
    pub async fn write_async<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnMut(&mut DbConn) -> StoreResult<T> + Send + 'static,
    {
        self.db.write_async(self.caused(f)).await
    }

    /// Runs `f` as one read transaction: a consistent snapshot (on PostgreSQL, REPEATABLE
    /// READ: a count and the page after it see the same rows).
    pub fn read<T>(&self, f: impl FnOnce(&mut DbConn) -> StoreResult<T>) -> StoreResult<T> {
        // Scoped like a write, so nothing a read names (an actor) outlives it on this thread.
        crate::events::cause::scoped(self.cause.clone(), || self.db.read(f))
    }

    /// Runs blocking store work off the async workers (the whole unit of work, pool checkout
    /// included, happens on the blocking pool), once admitted: it waits for a place in the
    /// bounded queue (without a thread), or is refused at once with
    /// [`crate::StoreError::Busy`] when the queue is full (see
    /// [`StoreBuilder::max_queued`]).
    pub async fn call<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Store) -> StoreResult<T> + Send + 'static,
    {
        let store = self.clone();
        self.db.blocking(move || f(&store)).await
    }

    /// Runs a read of a few rows by key (tens of microseconds on SQLite) for an async caller:
    /// with a SQLite connection idle in the pool right now, right here on the async worker
    /// (the hand-off to a blocking thread and back cost more than the read); otherwise (every
    /// connection busy, or PostgreSQL: a network round trip) on a blocking thread. It never
    /// waits for a connection on the async worker.
    pub async fn read_async<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConn) -> StoreResult<T> + Send + 'static,
    {
        if let Some(mut pooled) = self.db.idle_sqlite_conn() {
            return f(&mut pooled);
        }
        self.call(move |s| s.with_conn(f)).await
    }

    /// Readiness: the database answers and every migration is applied.
    pub fn ready(&self) -> StoreResult<bool> {
        self.db.ready(ALL_MIGRATIONS)
    }
}
