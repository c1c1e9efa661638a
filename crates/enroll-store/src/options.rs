//! How a store is opened: [`Store::builder`] and its settings. The library reads no
//! environment variables; the gateway maps its flags (`--sqlite-locking`, …) onto these.
use crate::error::{StoreError, StoreResult};
use crate::store::Store;
use enroll_domain::{Clock, SystemClock};
use std::sync::Arc;

pub use enroll_db::options::{DEFAULT_MAX_QUEUED, Options, SqliteLocking, SqliteSynchronous};

/// Opens a [`Store`]: `Store::builder(url).clock(…).pool_size(…).open()`.
#[derive(Clone)]
#[must_use]
pub struct StoreBuilder {
    url: String,
    clock: Arc<dyn Clock>,
    options: Options,
    link_key: Option<crate::links::LinkKey>,
}

impl std::fmt::Debug for StoreBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the URL: it can hold a password.
        f.debug_struct("StoreBuilder")
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl StoreBuilder {
    pub(crate) fn new(url: &str) -> Self {
        Self {
            url: url.to_string(),
            clock: Arc::new(SystemClock),
            options: Options::default(),
            link_key: None,
        }
    }

    /// The ledger's clock (default: the system clock). To move time (the admin clock), pass a
    /// [`SharedClock::clock`](crate::clock::SharedClock::clock) and give the `SharedClock`
    /// to [`crate::tasks::Tasks::clock`], which keeps it in step across processes.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Pooled connections (default: 8 on SQLite, 16 on PostgreSQL).
    pub fn pool_size(mut self, size: u32) -> Self {
        self.options.pool_size = Some(size);
        self
    }

    /// Who may open the SQLite file meanwhile (default: this process only).
    pub fn sqlite_locking(mut self, locking: SqliteLocking) -> Self {
        self.options.sqlite_locking = locking;
        self
    }

    /// How many requests' units of work run at once (default: the pool size on PostgreSQL,
    /// twice it on SQLite); more wait in the queue ([`StoreBuilder::max_queued`]).
    pub fn max_concurrent(mut self, n: u32) -> Self {
        self.options.max_concurrent = Some(n);
        self
    }

    /// How many units of work may wait for the store (default [`DEFAULT_MAX_QUEUED`]; 0: none
    /// wait). Beyond that a request is refused at once with
    /// [`crate::StoreError::Busy`], which facades answer with 503 and
    /// `Retry-After`, instead of waiting. On SQLite it also bounds the writer's queue.
    pub fn max_queued(mut self, n: u32) -> Self {
        self.options.max_queued = Some(n);
        self
    }

    /// Commit durability on SQLite (default: NORMAL).
    pub fn sqlite_synchronous(mut self, synchronous: SqliteSynchronous) -> Self {
        self.options.sqlite_synchronous = synchronous;
        self
    }

    /// The key invitation links are made with, kept by the host outside the database (a
    /// file, a secret store), so that a copy of the database opens no link. Without one the
    /// store keeps a key in the database. The database remembers the key's fingerprint: opening
    /// it with another key fails (see [`crate::links`]).
    pub fn link_key(mut self, key: crate::links::LinkKey) -> Self {
        self.link_key = Some(key);
        self
    }

    /// Opens the database, applies pending migrations and starts the SQLite writer and
    /// checkpointer threads (they end with the last clone of the store).
    pub fn open(self) -> StoreResult<Store> {
        if self.options.pool_size == Some(0) {
            return Err(StoreError::Config(
                "the pool size must be at least 1".into(),
            ));
        }
        if self.options.max_concurrent == Some(0) {
            return Err(StoreError::Config(
                "at least one unit of work must be able to run".into(),
            ));
        }
        Store::open_with(&self.url, self.clock, &self.options, self.link_key)
    }
}

/// How much history the ledger keeps of its outbound traffic; the background tasks prune the
/// rest (see [`crate::tasks::Tasks::retention`]). Pending deliveries are never pruned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// Finished outbound messages — post-backs delivered or given up (with their delivery
    /// attempts), and mail — are deleted once older than this (ledger clock; default 30 days).
    pub messages_max_age: std::time::Duration,
    /// At most this many finished post-backs, and this many mails, are kept: the newest
    /// (default 10,000 each).
    pub messages_max_count: u64,
    /// Events pending delivery (a subscription selects them) that no delivery task collected
    /// (none runs, or the host was built without deliveries) stop being pending once older
    /// than this (default 7 days); they stay in their enrollment's history.
    pub changes_max_age: std::time::Duration,
    /// At most this many events are kept pending: the newest (default 1,000,000).
    pub changes_max_count: u64,
}

impl Default for Retention {
    fn default() -> Self {
        const DAY: u64 = 24 * 3600;
        Self {
            messages_max_age: std::time::Duration::from_secs(30 * DAY),
            messages_max_count: 10_000,
            changes_max_age: std::time::Duration::from_secs(7 * DAY),
            changes_max_count: 1_000_000,
        }
    }
}
