//! The ledger's background tasks, for the gateway and for any host that embeds a facade:
//!
//! * the expiry sweep (enrollments whose end date passed become `expired`), every 5 s, in
//!   short batches;
//! * the clock refresh, when given a [`SharedClock`] (another process may have advanced it);
//! * the workers of the crates built on the ledger ([`Worker`], added with [`Tasks::worker`]):
//!   `enroll-deliveries`' outbound deliveries (post-backs, webhooks: the events subscriptions
//!   select, rendered by their facades, POSTed with retries and backoff) and
//!   `enroll-invitations`' private-invitation jobs;
//! * pruning, every minute: finished deliveries and their attempts, mail, events left pending
//!   that no task collects and old login failure counts, by age and count
//!   ([`Tasks::retention`]).
//!
//! ```no_run
//! # async fn host(store: enroll_store::Store, worker: impl enroll_store::tasks::Worker + 'static) {
//! use enroll_store::tasks::Tasks;
//! let running = Tasks::new(store).worker(worker).start();
//! // … serve …
//! running.stop();
//! # }
//! ```
//! `start` spawns on the current tokio runtime (`#[actix_web::main]` provides one). Each task
//! claims its work with a lease in the database, so several processes on one PostgreSQL
//! database share it.
mod prune;
mod sweep;

use crate::clock::SharedClock;
use crate::options::Retention;
use crate::store::Store;
use tokio::task::JoinHandle;

/// A background task of a crate built on the ledger.
pub trait Worker: Send {
    /// Spawns the task on the current tokio runtime, with the background tasks' store
    /// handle (connections of their own, outside the requests' admission queue).
    fn start(self: Box<Self>, store: Store) -> JoinHandle<()>;
}

impl std::fmt::Debug for dyn Worker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Worker")
    }
}

/// Collects the tasks to run, then [`Tasks::start`]s them.
#[derive(Debug)]
#[must_use]
pub struct Tasks {
    store: Store,
    clock: Option<SharedClock>,
    workers: Vec<Box<dyn Worker>>,
    retention: Retention,
}

impl Tasks {
    /// The expiry sweep on `store`, plus what is added. The tasks use connections of their
    /// own (a small pool beside the requests'), outside the requests' admission queue: an
    /// overload of requests does not stall them.
    pub fn new(store: Store) -> Self {
        Self {
            store: store.background(),
            clock: None,
            workers: Vec::new(),
            retention: Retention::default(),
        }
    }

    /// Keeps `clock` (the store's) in step with the offset stored in the database.
    pub fn clock(mut self, clock: SharedClock) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Adds a worker of a crate built on the ledger (it starts with the others).
    pub fn worker(mut self, worker: impl Worker + 'static) -> Self {
        self.workers.push(Box::new(worker));
        self
    }

    /// How much outbound history is kept (default: [`Retention::default`]).
    pub fn retention(mut self, retention: Retention) -> Self {
        self.retention = retention;
        self
    }

    /// Spawns the tasks on the current tokio runtime; they run until [`Running::stop`] (or
    /// the runtime ends). On PostgreSQL it also starts the store's notification listener, so
    /// work queued by other processes wakes these tasks.
    pub fn start(self) -> Running {
        self.store.listen();
        let mut handles = vec![
            tokio::spawn(sweep::run(self.store.clone())),
            tokio::spawn(prune::run(self.store.clone(), self.retention)),
        ];
        if let Some(clock) = self.clock {
            handles.push(tokio::spawn(sweep::refresh(self.store.clone(), clock)));
        }
        for worker in self.workers {
            handles.push(worker.start(self.store.clone()));
        }
        Running { handles }
    }
}

/// The started tasks.
#[derive(Debug)]
#[must_use = "the tasks run until `stop`; keep the handle"]
pub struct Running {
    handles: Vec<JoinHandle<()>>,
}

impl Running {
    /// Stops every task (work in a transaction finishes or rolls back; leases lapse).
    pub fn stop(self) {
        self.handles.iter().for_each(JoinHandle::abort);
    }
}
