//! The store's error type. `Internal` carries text for the log only: facades never show it.
use enroll_domain::DomainError;

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The named thing does not exist (or belongs to another tenant).
    #[error("{0} not found")]
    NotFound(String),
    /// A uniqueness rule refused the write (e.g. a duplicate username).
    #[error("{0}")]
    Conflict(String),
    /// The ledger's rules refused the command.
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// A series could not be started under a name.
    #[error(transparent)]
    Series(#[from] enroll_domain::error::SeriesConflict),
    /// The request's values are not acceptable.
    #[error("{0}")]
    Invalid(String),
    /// An invitation refuses the visitor (each dialect words it for its visitors).
    #[error("{0}")]
    Refused(enroll_domain::invitation::Refusal),
    /// Configuration is unusable (bad URL, unreachable database at startup).
    #[error("{0}")]
    Config(String),
    /// The database is temporarily unreachable (pool timeout).
    #[error("the database is unavailable")]
    Unavailable(String),
    /// The ledger is busy: more requests than it queues are waiting (admission control, see
    /// `Store::call`), or a write kept conflicting with concurrent ones. Nothing was
    /// done; the caller may try again after [`StoreError::RETRY_AFTER_SECS`]. The text is for
    /// the log.
    #[error("the ledger is busy; try again shortly")]
    Busy(String),
    /// Anything else; the text is for the log.
    #[error("internal error")]
    Internal(String),
}

impl StoreError {
    /// How long a caller told [`StoreError::Busy`] should wait before trying again (what
    /// facades send as `Retry-After`).
    pub const RETRY_AFTER_SECS: u64 = 1;
}

impl From<diesel::result::Error> for StoreError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => Self::NotFound("record".into()),
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                log::debug!("unique violation: {}", info.message());
                Self::Conflict("a record with the same key already exists".into())
            }
            Error::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, info) => {
                log::debug!("foreign key violation: {}", info.message());
                Self::Invalid("a referenced record does not exist".into())
            }
            // PostgreSQL aborted the transaction for conflicting with concurrent ones: run it
            // again (see retry.rs). Serialization failures (40001) have their own kind; diesel
            // reports deadlocks (40P01) as unknown, so they are known by their message
            // ("deadlock detected"; translations keep the word).
            Error::DatabaseError(DatabaseErrorKind::SerializationFailure, info) => {
                Self::Busy(format!("serialization failure: {}", info.message()))
            }
            Error::DatabaseError(_, info)
                if info.message().to_ascii_lowercase().contains("deadlock") =>
            {
                Self::Busy(format!("deadlock: {}", info.message()))
            }
            other => Self::Internal(other.to_string()),
        }
    }
}

impl From<diesel::r2d2::PoolError> for StoreError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        Self::Unavailable(e.to_string())
    }
}

/// Shorthand.
pub type StoreResult<T> = Result<T, StoreError>;
