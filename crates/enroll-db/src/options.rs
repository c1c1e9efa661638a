//! The connection settings: pool size, SQLite locking and durability, admission limits. The
//! library reads no environment variables; hosts map their flags onto these.
use std::str::FromStr;

/// Who may open a SQLite database file while this store has it (see `conn.rs`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SqliteLocking {
    /// This process only (SQLite's `unix-excl` VFS): the fastest reads, and the store may keep
    /// what it read in memory (`single_process`). Another program (the `sqlite3`
    /// shell, a second process) cannot open the file meanwhile.
    #[default]
    Exclusive,
    /// Other processes may open the file too, at the cost of file locks on every read.
    Shared,
}

/// How hard SQLite makes each commit durable.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SqliteSynchronous {
    /// `synchronous=NORMAL` in WAL mode: a committed write survives the process being killed;
    /// only an OS crash or power loss can lose the last commits before a checkpoint.
    #[default]
    Normal,
    /// `synchronous=FULL`: every commit is synced to disk (about 3× fewer writes per second).
    Full,
}

impl FromStr for SqliteLocking {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "exclusive" => Ok(Self::Exclusive),
            "shared" => Ok(Self::Shared),
            _ => Err(format!(
                "'{s}' is not a SQLite locking mode: use exclusive or shared"
            )),
        }
    }
}

impl FromStr for SqliteSynchronous {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "normal" => Ok(Self::Normal),
            "full" => Ok(Self::Full),
            _ => Err(format!(
                "'{s}' is not a SQLite synchronous mode: use normal or full"
            )),
        }
    }
}

/// The connection settings (what a store builder collects).
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Pooled connections (default: 8 on SQLite, 16 on PostgreSQL).
    pub pool_size: Option<u32>,
    /// SQLite only.
    pub sqlite_locking: SqliteLocking,
    /// SQLite only.
    pub sqlite_synchronous: SqliteSynchronous,
    /// Requests' units of work running at once (see `admission.rs`; default: the pool size
    /// on PostgreSQL, twice it on SQLite, whose writes wait for the writer, not the pool).
    pub max_concurrent: Option<u32>,
    /// Units waiting for a place, at most; more are refused at once (default
    /// [`DEFAULT_MAX_QUEUED`]). Also bounds the SQLite writer's queue of async writes.
    pub max_queued: Option<u32>,
}

/// Units of work that may wait for the store by default (see `max_queued`).
pub const DEFAULT_MAX_QUEUED: u32 = 256;
