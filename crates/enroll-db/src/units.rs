//! Units of work on a [`Db`]: reads, writes (on SQLite through the one writer), and the
//! bridge from async callers (admission, blocking threads, the writer's queue).
use crate::conn::DbConn;
use crate::db::{Db, Topic};
use crate::error::{StoreError, StoreResult};
use diesel::Connection;
use diesel::connection::SimpleConnection;

impl Db {
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
    pub fn write<T>(&self, mut f: impl FnMut(&mut DbConn) -> StoreResult<T>) -> StoreResult<T> {
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
    /// (SQLite; `f` must leave no row pointing nowhere). Elsewhere it is [`Db::write`].
    pub fn write_unchecked<T>(
        &self,
        mut f: impl FnMut(&mut DbConn) -> StoreResult<T>,
    ) -> StoreResult<T> {
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

    /// [`Db::write`] for async callers, with a unit that owns its data. On SQLite it is
    /// queued for the writer's drain thread (no blocking thread, no hand-off of the writer's
    /// turn between units, see writer/jobs.rs; a full queue refuses it at once with
    /// [`StoreError::Busy`]); elsewhere it is `write` on an admitted blocking thread.
    pub async fn write_async<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnMut(&mut DbConn) -> StoreResult<T> + Send + 'static,
    {
        match &self.sqlite_writer {
            Some(w) if w.drains() => {
                let (tx, rx) = tokio::sync::oneshot::channel();
                w.submit(f, move |r| {
                    // The caller may be gone (client disconnected): the write stands anyway.
                    let _ = tx.send(r);
                });
                rx.await
                    .unwrap_or_else(|_| Err(StoreError::Unavailable("the writer stopped".into())))
            }
            _ => {
                let db = self.clone();
                self.blocking(move || db.write(f)).await
            }
        }
        .inspect(|_| self.notify(Topic::Changes))
    }

    /// Runs `f` as one read transaction: a consistent snapshot (on PostgreSQL, REPEATABLE
    /// READ: a count and the page after it see the same rows).
    pub fn read<T>(&self, f: impl FnOnce(&mut DbConn) -> StoreResult<T>) -> StoreResult<T> {
        let mut pooled = self.pool.get()?;
        let conn: &mut DbConn = &mut pooled;
        conn.transaction(|c| {
            // Must be the transaction's first statement.
            c.on_pg("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")?;
            f(c)
        })
    }

    /// Runs blocking work off the async workers (all of it, pool checkout included, on the
    /// blocking pool), once admitted: it waits for a place in the bounded queue (without a
    /// thread), or is refused at once with [`StoreError::Busy`] when the queue is full (see
    /// admission.rs and `Options::max_queued`).
    pub async fn blocking<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce() -> StoreResult<T> + Send + 'static,
    {
        let place = match &self.admission {
            Some(a) => Some(a.enter().await?),
            None => None,
        };
        tokio::task::spawn_blocking(move || {
            let _place = place;
            f()
        })
        .await
        .map_err(|e| StoreError::Internal(format!("blocking task failed: {e}")))?
    }

    /// A SQLite connection idle in the pool right now, if there is one (never waits): a read
    /// of a few rows by key is cheaper run on it in place than handed to a blocking thread.
    /// `None` on PostgreSQL (a network round trip belongs on a blocking thread).
    pub fn idle_sqlite_conn(&self) -> Option<crate::conn::PooledConn> {
        if self.sqlite_writer.is_some() {
            self.pool.try_get()
        } else {
            None
        }
    }

    /// Wakes this process's background work waiting on `topic` (other processes on the same
    /// PostgreSQL database hear of it through `NOTIFY`, see [`Db::listen`]).
    pub fn notify(&self, topic: Topic) {
        self.signals[topic.index()].notify_one();
    }

    /// Waits until [`Db::notify`] (or a notification from another process) names `topic`.
    pub async fn notified(&self, topic: Topic) {
        self.signals[topic.index()].notified().await;
    }

    /// On PostgreSQL, listens for the other processes' notifications (`NOTIFY` on each
    /// topic's channel, sent in the transaction that gave them work) and wakes this process's
    /// waiting work: a thread with a connection of its own that checks for them every 25 ms
    /// (a poll of the socket, no query). It also keeps the credential generation
    /// ([`Db::credential_generation`]). It ends when the database handle is dropped. Does
    /// nothing on SQLite, which only one process uses.
    pub fn listen(&self) {
        #[cfg(feature = "postgres")]
        if self.sqlite_writer.is_none() {
            let manager = self.manager.clone();
            let signals = std::sync::Arc::downgrade(&self.signals);
            let generation = self.generation.clone();
            let spawned = std::thread::Builder::new()
                .name("pg-listen".into())
                .spawn(move || crate::notify::listen(&manager, &signals, &generation));
            if let Err(e) = spawned {
                log::warn!("no notification listener ({e}): background work polls instead");
            }
        }
    }
}
