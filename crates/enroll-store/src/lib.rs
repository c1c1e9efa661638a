//! The durable enrollment ledger: diesel on SQLite (embedded default) or PostgreSQL.
//!
//! Facades never write SQL: they call [`Store`] methods, each one unit of work in one
//! transaction, run off the async workers with [`Store::call`]. The invariants live in the
//! database too (see `migrations/`): a partial unique index allows one active enrollment per
//! (tenant, learner, course), so concurrent duplicate enrolls yield one row and
//! [`enroll_domain::DomainError::AlreadyEnrolled`] for the rest.
//!
//! Instants are stored as Unix epoch milliseconds; ids as UUID strings.

pub mod bulk;
mod checkpoint;
pub mod clock;
pub mod conn;
pub mod courses;
pub mod enrollments;
pub mod error;
pub mod filter;
pub mod learners;
pub mod lessons;
pub mod migrate;
pub mod models;
pub mod outbox;
pub mod schema;
pub mod scorm;
pub mod secrets;
pub mod seed;
pub mod sessions;
pub mod store;
pub mod tenants;
pub mod testing;
pub mod tokens;
mod writer;

pub use error::{StoreError, StoreResult};
pub use store::Store;
