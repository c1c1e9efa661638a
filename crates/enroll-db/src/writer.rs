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
//!
//! Writers take turns in arrival order (a FIFO of parked threads): with a plain mutex, some
//! threads lost the race for the lock again and again, and the unluckiest of 64 concurrent
//! writers waited hundreds of milliseconds. The units of a committed batch are woken only
//! after the turn has moved on: waking 64 parked threads takes a while, and the next unit need
//! not wait for it. Hot writes that own their data skip the hand-offs altogether (jobs.rs).
use crate::conn::{DbConn, Manager};
use crate::error::{StoreError, StoreResult};
use diesel::connection::SimpleConnection;
use std::collections::VecDeque;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::thread::Thread;
use std::time::{Duration, Instant};

mod jobs;
pub(crate) use jobs::spawn as spawn_drainer;

/// Units in one transaction at most: bounds how long the first unit of a batch waits.
const MAX_BATCH: usize = 64;

/// How long writers must have left the connection alone for [`Writer::idle`]: the drain
/// thread lets go of the turn between batches even under load, for a moment only.
#[cfg_attr(not(feature = "sqlite"), allow(dead_code))]
const QUIET: Duration = Duration::from_millis(250);

/// Turns and the open batch (the connection itself is used only by the turn's holder).
#[derive(Default)]
struct State {
    /// Someone holds the turn.
    busy: bool,
    /// The ticket the turn was last handed to.
    turn: u64,
    next_ticket: u64,
    /// Writers waiting for their turn, in arrival order.
    queue: VecDeque<(u64, Thread)>,
    /// A `BEGIN IMMEDIATE` is open, with `units` units in it.
    open: bool,
    units: usize,
    /// Number of the open (or next) transaction; bumped when it ends.
    epoch: u64,
    /// Recent transactions whose COMMIT failed (their units report the failure).
    failed: VecDeque<u64>,
    /// Units waiting for the open transaction to end.
    committers: Vec<Thread>,
    /// Owned units queued for the drain thread, and whether it has been told to run them.
    jobs: VecDeque<jobs::Job>,
    draining: bool,
    /// When the turn was last let go with nobody waiting.
    quiet_since: Option<Instant>,
}

/// The group-commit writer (see the module docs). One per SQLite store.
pub(crate) struct Writer {
    manager: Manager,
    /// Queued jobs at most (see `jobs.rs`); more are refused at once.
    max_jobs: usize,
    state: Mutex<State>,
    conn: Mutex<Option<DbConn>>,
    /// The thread that runs queued jobs, once started.
    drainer: OnceLock<Thread>,
}

impl Writer {
    pub(crate) fn new(manager: Manager, max_jobs: usize) -> Self {
        Self {
            manager,
            max_jobs,
            state: Mutex::new(State::default()),
            conn: Mutex::new(None),
            drainer: OnceLock::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Nothing panics while holding these locks (units run under catch_unwind), so a
        // poisoned lock still guards a consistent value.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn conn(&self) -> MutexGuard<'_, Option<DbConn>> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Waits for this thread's turn (arrival order) and returns the state, turn held.
    fn acquire(&self) -> MutexGuard<'_, State> {
        let mut st = self.lock();
        if !st.busy {
            st.busy = true;
            return st;
        }
        let me = st.next_ticket;
        st.next_ticket += 1;
        st.queue.push_back((me, std::thread::current()));
        loop {
            drop(st);
            std::thread::park();
            st = self.lock();
            if st.turn == me && !st.queue.iter().any(|(t, _)| *t == me) {
                return st;
            }
        }
    }

    /// Hands the turn to the next writer in line.
    fn release(st: &mut State) {
        match st.queue.pop_front() {
            Some((ticket, thread)) => {
                st.turn = ticket;
                thread.unpark();
            }
            None => {
                st.busy = false;
                st.quiet_since = Some(Instant::now());
            }
        }
    }

    /// Ends the open transaction (committed or not); returns its units, to be woken.
    #[must_use]
    fn finish(st: &mut State, failed: bool) -> Vec<Thread> {
        if failed {
            st.failed.push_back(st.epoch);
            if st.failed.len() > 256 {
                st.failed.pop_front();
            }
        }
        st.open = false;
        st.units = 0;
        st.epoch += 1;
        std::mem::take(&mut st.committers)
    }

    /// Runs `f` as one unit of work and returns once its transaction has committed.
    pub(crate) fn write<T>(&self, f: impl FnOnce(&mut DbConn) -> StoreResult<T>) -> StoreResult<T> {
        let st = self.acquire();
        let epoch = st.epoch;
        let open = st.open;
        drop(st);
        let mut conn = self.conn();
        let unit = self.run_unit(&mut conn, open, f);
        let mut st = self.lock();
        let mut wait = false;
        let mut wake = Vec::new();
        match unit.batch {
            Batch::Aborted => wake = Self::finish(&mut st, true),
            Batch::Closed => {}
            Batch::Open => {
                st.open = true;
                st.units += 1;
                if st.queue.is_empty() || st.units >= MAX_BATCH {
                    // Commit with the turn still held: nobody else touches the connection.
                    drop(st);
                    let ok = commit(&mut conn);
                    st = self.lock();
                    wake = Self::finish(&mut st, !ok);
                } else {
                    // Writers are queued: the last of them commits this transaction for us too.
                    wait = true;
                    st.committers.push(std::thread::current());
                }
            }
        }
        drop(conn);
        Self::release(&mut st);
        if !wake.is_empty() {
            // The next unit is already running: these wake-ups are off its path.
            drop(st);
            wake.into_iter().for_each(|t| t.unpark());
            st = self.lock();
        }
        while wait && st.epoch == epoch {
            drop(st);
            std::thread::park();
            st = self.lock();
        }
        let failed = st.failed.contains(&epoch);
        drop(st);
        if let Some(p) = unit.panic {
            resume_unwind(p);
        }
        match unit.result {
            Ok(_) if failed => Err(StoreError::Internal("the write transaction failed".into())),
            other => other,
        }
    }

    /// No writer has run or waited for [`QUIET`] (a hint: one may arrive right after).
    #[cfg_attr(not(feature = "sqlite"), allow(dead_code))]
    pub(crate) fn idle(&self) -> bool {
        let st = self.lock();
        !st.busy
            && st.queue.is_empty()
            && st.jobs.is_empty()
            && st.quiet_since.is_none_or(|t| t.elapsed() >= QUIET)
    }

    /// Whether queued jobs run (the drain thread started).
    pub(crate) fn drains(&self) -> bool {
        self.drainer.get().is_some()
    }

    /// Runs `f` on the writer connection outside any transaction, in turn with the writers
    /// (an open batch is committed first, on behalf of its units).
    pub(crate) fn exclusive<T>(
        &self,
        f: impl FnOnce(&mut DbConn) -> StoreResult<T>,
    ) -> StoreResult<T> {
        let mut st = self.acquire();
        let mut conn = self.conn();
        let mut wake = Vec::new();
        if st.open {
            let ok = commit(&mut conn);
            wake = Self::finish(&mut st, !ok);
        }
        let out = match conn.as_mut() {
            Some(c) => f(c),
            None => Err(StoreError::Unavailable("no writer connection yet".into())),
        };
        drop(conn);
        Self::release(&mut st);
        drop(st);
        wake.into_iter().for_each(|t| t.unpark());
        out
    }

    /// Opens the connection and the batch if needed and runs `f` inside a savepoint.
    fn run_unit<T>(
        &self,
        slot: &mut Option<DbConn>,
        open: bool,
        f: impl FnOnce(&mut DbConn) -> StoreResult<T>,
    ) -> Unit<T> {
        let closed = |e: StoreError| Unit {
            result: Err(e),
            panic: None,
            batch: Batch::Closed,
        };
        if slot.is_none() {
            match self.manager.open() {
                Ok(c) => *slot = Some(c),
                Err(e) => return closed(StoreError::Unavailable(e.to_string())),
            }
        }
        let Some(conn) = slot.as_mut() else {
            return closed(StoreError::Internal("no writer connection".into()));
        };
        if !open && let Err(e) = conn.batch_execute("BEGIN IMMEDIATE") {
            return closed(e.into());
        }
        if let Err(e) = conn.batch_execute("SAVEPOINT unit") {
            rollback(conn);
            return Unit {
                result: Err(e.into()),
                panic: None,
                batch: Batch::Aborted,
            };
        }
        let (result, panic) = match catch_unwind(AssertUnwindSafe(|| f(conn))) {
            Ok(r) => (r, None),
            Err(p) => (
                Err(StoreError::Internal("a write panicked".into())),
                Some(p),
            ),
        };
        let end = if result.is_ok() {
            conn.batch_execute("RELEASE unit")
        } else {
            conn.batch_execute("ROLLBACK TO unit; RELEASE unit")
        };
        match end {
            Ok(()) => Unit {
                result,
                panic,
                batch: Batch::Open,
            },
            Err(e) => {
                // SQLite ended the transaction itself (some errors roll everything back): the
                // units before this one are lost with it, and say so.
                log::warn!("write batch aborted: {e}");
                rollback(conn);
                Unit {
                    result: result.and(Err(e.into())),
                    panic,
                    batch: Batch::Aborted,
                }
            }
        }
    }
}

/// What became of the batch a unit ran in.
enum Batch {
    /// Still open, this unit's work in it.
    Open,
    /// Never opened (the unit did not run).
    Closed,
    /// Rolled back: every unit in it failed.
    Aborted,
}

struct Unit<T> {
    result: StoreResult<T>,
    panic: Option<Box<dyn std::any::Any + Send>>,
    batch: Batch,
}

/// Commits the open batch; `false` (after a rollback) when that failed.
fn commit(slot: &mut Option<DbConn>) -> bool {
    let Some(conn) = slot.as_mut() else {
        return false;
    };
    match conn.batch_execute("COMMIT") {
        Ok(()) => true,
        Err(e) => {
            log::error!("write batch commit failed: {e}");
            rollback(conn);
            false
        }
    }
}

fn rollback(conn: &mut DbConn) {
    if let Err(e) = conn.batch_execute("ROLLBACK") {
        log::debug!("rollback after a failed batch: {e}");
    }
}
