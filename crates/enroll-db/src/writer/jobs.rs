//! Owned units of work, run back to back by one drain thread.
//!
//! A borrowed unit ([`Writer::write`]) runs on its caller's thread, so every unit is a hand-off
//! of the turn to another parked thread, and waking one takes tens of microseconds on a
//! virtual machine: under load the connection sat idle a third of the time between units. A
//! unit that owns its data can run on any thread instead: [`Writer::submit`] queues it, and
//! the drain thread takes the turn (in line with the borrowed writers), runs every queued job
//! in the same transaction, each in its savepoint as usual, commits, and only then reports each
//! job's outcome. Callers (async handlers) wait on a channel, not on a blocking thread.
use super::{Batch, MAX_BATCH, Writer, commit};
use crate::conn::DbConn;
use crate::error::{StoreError, StoreResult};
use std::sync::{Arc, Weak};
use std::time::Duration;

/// Reports a job's outcome once its transaction has ended (`true`: committed).
type Report = Box<dyn FnOnce(bool) + Send>;

/// A queued job: runs on the writer connection (open batch or not) and says what became of
/// the batch, and how to report.
pub(super) type Job = Box<dyn FnOnce(&Writer, &mut Option<DbConn>, bool) -> (Batch, Report) + Send>;

/// How long the idle drain thread sleeps before it checks that its store still exists.
const IDLE: Duration = Duration::from_secs(1);

impl Writer {
    /// Queues `f` as one unit of work; `reply` gets its result once the transaction holding it
    /// has committed (or failed). A panic in `f` fails only `f`, and is logged. With the queue
    /// full, `reply` gets [`StoreError::Busy`] at once and `f` never runs.
    pub(crate) fn submit<T, F, R>(&self, f: F, reply: R)
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConn) -> StoreResult<T> + Send + 'static,
        R: FnOnce(StoreResult<T>) + Send + 'static,
    {
        let queued = self.lock().jobs.len();
        if queued >= self.max_jobs {
            reply(Err(StoreError::Busy(format!(
                "{queued} writes are queued for the SQLite writer already"
            ))));
            return;
        }
        let job: Job = Box::new(move |w, slot, open| {
            let unit = w.run_unit(slot, open, f);
            let report: Report = Box::new(move |committed| {
                if unit.panic.is_some() {
                    log::error!("a queued write panicked; it was rolled back");
                }
                reply(match unit.result {
                    Ok(_) if !committed => {
                        Err(StoreError::Internal("the write transaction failed".into()))
                    }
                    other => other,
                });
            });
            (unit.batch, report)
        });
        let mut st = self.lock();
        st.jobs.push_back(job);
        if !st.draining {
            st.draining = true;
            if let Some(t) = self.drainer.get() {
                t.unpark();
            }
        }
    }

    /// Takes the turn and runs queued jobs (a batch at most), then commits and reports.
    fn drain(&self) {
        let mut st = self.acquire();
        let mut conn = self.conn();
        let mut reports: Vec<Report> = Vec::new();
        let mut wake = Vec::new();
        while reports.len() < MAX_BATCH {
            let Some(job) = st.jobs.pop_front() else {
                break;
            };
            let open = st.open;
            drop(st);
            let (batch, report) = job(self, &mut conn, open);
            st = self.lock();
            reports.push(report);
            match batch {
                Batch::Open => {
                    st.open = true;
                    st.units += 1;
                }
                // The job did not run; its report carries why.
                Batch::Closed => {}
                Batch::Aborted => {
                    wake.extend(Self::finish(&mut st, true));
                    reports.drain(..).for_each(|r| r(false));
                }
            }
        }
        let mut ok = true;
        if st.open {
            drop(st);
            ok = commit(&mut conn);
            st = self.lock();
            wake.extend(Self::finish(&mut st, !ok));
        }
        drop(conn);
        Self::release(&mut st);
        drop(st);
        wake.into_iter().for_each(|t| t.unpark());
        reports.into_iter().for_each(|r| r(ok));
    }
}

/// Starts the drain thread; it ends when the store (its writer) is dropped.
pub(crate) fn spawn(writer: &Arc<Writer>) {
    let weak = Arc::downgrade(writer);
    let spawned = std::thread::Builder::new()
        .name("sqlite-writer".into())
        .spawn(move || run(&weak));
    match spawned {
        Ok(handle) => {
            // Set once, right after the spawn: `submit` wakes this thread through it.
            let _ = writer.drainer.set(handle.thread().clone());
        }
        Err(e) => log::error!("no SQLite writer thread ({e}): queued writes cannot run"),
    }
}

fn run(weak: &Weak<Writer>) {
    loop {
        let Some(w) = weak.upgrade() else { return };
        let idle = {
            let mut st = w.lock();
            let empty = st.jobs.is_empty();
            if empty {
                st.draining = false;
            }
            empty
        };
        if idle {
            drop(w);
            std::thread::park_timeout(IDLE);
        } else {
            w.drain();
        }
    }
}
