//! SQLite's single writer, with group commit.
//!
//! SQLite admits one write transaction at a time, so writes are serialized anyway; what they
//! need not share is the cost of committing (WAL frames for every page the transaction
//! touched, the WAL index update, the lock round trip). Units of work therefore run one after
//! another on one dedicated connection, each inside its own SAVEPOINT, and a transaction stays
//! open while more writers are queued behind it: the last unit of a batch (nobody waiting, or
//! the batch full) commits for all of them. A unit's caller returns only after the COMMIT that
//! made its work durable, so an acknowledged write is as durable as with one transaction per
//! unit. A unit that fails rolls back to its savepoint and leaves the batch intact; a COMMIT
//! that fails fails every unit of its batch.
use crate::conn::{DbConn, Manager};
use crate::error::{StoreError, StoreResult};
use diesel::connection::SimpleConnection;
use std::collections::VecDeque;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};

/// Units in one transaction at most: bounds how long the first unit of a batch waits.
const MAX_BATCH: usize = 64;

/// The writer connection and the open batch.
struct Batch {
    conn: Option<DbConn>,
    /// A `BEGIN IMMEDIATE` is open.
    open: bool,
    /// Units in the open transaction.
    units: usize,
    /// Number of the open (or next) transaction; bumped when it ends.
    epoch: u64,
    /// Recent transactions whose COMMIT failed (their units report the failure).
    failed: VecDeque<u64>,
}

/// The group-commit writer (see the module docs). One per SQLite store.
pub(crate) struct Writer {
    manager: Manager,
    batch: Mutex<Batch>,
    done: Condvar,
    queued: AtomicUsize,
}

impl Writer {
    pub(crate) fn new(manager: Manager) -> Self {
        Self {
            manager,
            batch: Mutex::new(Batch {
                conn: None,
                open: false,
                units: 0,
                epoch: 0,
                failed: VecDeque::new(),
            }),
            done: Condvar::new(),
            queued: AtomicUsize::new(0),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Batch> {
        // The protocol below never panics while holding the lock (units run under
        // catch_unwind), so a poisoned lock carries a consistent state.
        self.batch.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` as one unit of work and returns once its transaction has committed.
    pub(crate) fn write<T>(&self, f: impl FnOnce(&mut DbConn) -> StoreResult<T>) -> StoreResult<T> {
        self.queued.fetch_add(1, Ordering::SeqCst);
        let mut b = self.lock();
        self.queued.fetch_sub(1, Ordering::SeqCst);
        let epoch = b.epoch;
        let (result, panic) = match self.run_unit(&mut b, f) {
            Ok(r) => (r, None),
            Err(p) => (
                Err(StoreError::Internal("a write panicked".into())),
                Some(p),
            ),
        };
        if b.open && b.epoch == epoch {
            if self.queued.load(Ordering::SeqCst) == 0 || b.units >= MAX_BATCH {
                self.commit(&mut b);
            } else {
                // Writers are queued: the last of them commits this transaction for us too.
                while b.epoch == epoch {
                    b = self.done.wait(b).unwrap_or_else(|p| p.into_inner());
                }
            }
        }
        // (Not open: BEGIN failed, or the batch was aborted and its epoch recorded as failed.)
        let failed = b.failed.contains(&epoch);
        drop(b);
        if let Some(p) = panic {
            resume_unwind(p);
        }
        match result {
            Ok(_) if failed => Err(StoreError::Internal("the write transaction failed".into())),
            other => other,
        }
    }

    /// Opens the batch if needed and runs `f` inside a savepoint. `Err` carries a panic.
    fn run_unit<T>(
        &self,
        b: &mut Batch,
        f: impl FnOnce(&mut DbConn) -> StoreResult<T>,
    ) -> Result<StoreResult<T>, Box<dyn std::any::Any + Send>> {
        if b.conn.is_none() {
            match self.manager.open() {
                Ok(c) => b.conn = Some(c),
                Err(e) => return Ok(Err(StoreError::Unavailable(e.to_string()))),
            }
        }
        let Some(conn) = b.conn.as_mut() else {
            return Ok(Err(StoreError::Internal("no writer connection".into())));
        };
        if !b.open {
            if let Err(e) = conn.batch_execute("BEGIN IMMEDIATE") {
                return Ok(Err(e.into()));
            }
            b.open = true;
            b.units = 0;
        }
        if let Err(e) = conn.batch_execute("SAVEPOINT unit") {
            self.abort(b);
            return Ok(Err(e.into()));
        }
        let out = catch_unwind(AssertUnwindSafe(|| f(conn)));
        let keep = matches!(out, Ok(Ok(_)));
        let closed = if keep {
            conn.batch_execute("RELEASE unit")
        } else {
            conn.batch_execute("ROLLBACK TO unit; RELEASE unit")
        };
        b.units += 1;
        if let Err(e) = closed {
            // SQLite ended the transaction itself (some errors roll everything back): the
            // units before this one are lost with it, and say so.
            log::warn!("write batch aborted: {e}");
            self.abort(b);
            if keep {
                return Ok(Err(e.into()));
            }
        }
        out
    }

    /// Runs `f` on the writer connection outside any transaction, with writers held off (an
    /// open batch is committed first, on behalf of its units).
    pub(crate) fn exclusive<T>(
        &self,
        f: impl FnOnce(&mut DbConn) -> StoreResult<T>,
    ) -> StoreResult<T> {
        let mut b = self.lock();
        if b.open {
            self.commit(&mut b);
        }
        match b.conn.as_mut() {
            Some(conn) => f(conn),
            None => Err(StoreError::Unavailable("no writer connection yet".into())),
        }
    }

    fn commit(&self, b: &mut Batch) {
        let Some(conn) = b.conn.as_mut() else { return };
        match conn.batch_execute("COMMIT") {
            Ok(()) => self.finish(b, false),
            Err(e) => {
                log::error!("write batch commit failed: {e}");
                self.abort(b);
            }
        }
    }

    /// Rolls the open transaction back and fails its units.
    fn abort(&self, b: &mut Batch) {
        if let Some(conn) = b.conn.as_mut()
            && let Err(e) = conn.batch_execute("ROLLBACK")
        {
            log::debug!("rollback after a failed batch: {e}");
        }
        self.finish(b, true);
    }

    fn finish(&self, b: &mut Batch, failed: bool) {
        if failed {
            b.failed.push_back(b.epoch);
            if b.failed.len() > 256 {
                b.failed.pop_front();
            }
        }
        b.open = false;
        b.units = 0;
        b.epoch += 1;
        self.done.notify_all();
    }
}
