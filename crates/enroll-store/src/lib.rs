//! The durable enrollment ledger: diesel on SQLite (embedded default) or PostgreSQL.
//!
//! The store speaks the ledger's own, vendor-neutral language: tenants, learners and courses
//! (with one identifier crosswalk naming them in every dialect), enrollments and their
//! series, invitations and their recipients, tags, subscriptions and outbound deliveries,
//! launches, API credentials and tokens. A facade maps its vendor's wire format onto these;
//! it never writes SQL.
//!
//! Every [`Store`] method is one unit of work in one transaction; async callers run it off
//! their workers with [`Store::call`]. The invariants live in the database (see
//! `migrations/`): a partial unique index allows one active enrollment per (tenant, learner,
//! course), so concurrent duplicate enrolls yield one row and
//! [`enroll_domain::DomainError::AlreadyEnrolled`] for the rest; triggers queue changes for
//! subscribers and keep launches' results current.
//!
//! Instants are stored as Unix epoch milliseconds; ids as UUID strings.

#[cfg(feature = "sqlite")]
mod checkpoint;
pub mod clock;
pub mod conn;
pub mod courses;
pub mod crosswalk;
pub mod enrollments;
pub mod error;
pub mod filter;
pub mod invitations;
pub mod launches;
pub mod learners;
pub mod lessons;
pub mod list;
pub mod migrate;
pub mod models;
mod notify;
pub mod options;
pub mod outbox;
mod purge;
pub mod schema;
pub mod secrets;
pub mod seed;
pub mod sessions;
pub mod store;
pub mod subscriptions;
pub mod tags;
pub mod tasks;
pub mod tenants;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod tokens;
mod writer;

pub use error::{StoreError, StoreResult};
pub use store::Store;
