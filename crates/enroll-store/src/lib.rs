//! The durable enrollment ledger's core: diesel on SQLite (embedded default) or PostgreSQL,
//! through the plumbing of `enroll-db`.
//!
//! The store speaks the ledger's own, vendor-neutral language: tenants, learners and courses
//! (with one identifier crosswalk naming them in every dialect), enrollments and their
//! series, events and the subscriptions that select them, tags, launches, API credentials (their tokens, OAuth grants and password logins are
//! `enroll-auth`'s), enrollment schedules ([`schedule`]: access dates, due dates
//! and periods, a course's default) and numbered asynchronous [`operations`]. Who may act on
//! which learner is the ledger's rule too: [`access`] reads an actor's scope and
//! [`authorized`] writes on an actor's behalf, the check and the write in one transaction.
//! A facade maps its vendor's wire format onto these; it never writes SQL.
//!
//! Capabilities only some dialects use live in feature crates built on this one, as extension
//! traits of [`Store`] over the [`Ledger`] handle: `enroll-progress` (lesson and attempt
//! progress), `enroll-invitations` (invitations, recipients, sign-up links, sending jobs);
//! `enroll-deliveries` sends what subscriptions select, and `enroll-outbox` (below the core,
//! re-exported as [`outbox`]) keeps outbound messages durable.
//!
//! Every [`Store`] method is one unit of work in one transaction; async callers run it off
//! their workers with [`Store::call`], which admits it through a bounded queue (a full queue
//! answers [`StoreError::Busy`] at once; see [`options::StoreBuilder::max_queued`]). The
//! invariants live in the database (see `migrations/`): a partial unique index allows one
//! active enrollment per (tenant, learner, course), so concurrent duplicate enrolls yield one
//! row and [`enroll_domain::DomainError::AlreadyEnrolled`] for the rest; every change of an
//! enrollment is recorded as an event in its transaction ([`events`]), the single source of
//! the subscribers' notifications; a trigger keeps launches' results current. Writes to an enrollment take
//! turns on its row and save only what they change ([`enrollments::lock`]); a PostgreSQL
//! transaction aborted as a deadlock or serialization failure is run again.
//!
//! Instants are stored as Unix epoch milliseconds; ids as UUID strings.
//!
//! # Hosting the ledger
//! A host (the gateway, or your own actix-web app embedding a facade) opens one [`Store`]
//! with [`Store::builder`] (pool size, SQLite locking and durability, the clock, and the key
//! invitation links are made with, see [`links`]), loads its
//! tenants from a [`seed::Seed`] (or the facades' own admin calls), registers the store as
//! `web::Data<Store>` for the facades, and starts the background tasks ([`tasks`]: expiry
//! sweep, clock refresh, pruning, and the workers of feature crates: invitation jobs,
//! outbound deliveries):
//!
//! ```no_run
//! use enroll_store::clock::SharedClock;
//! use enroll_store::seed::Seed;
//! use enroll_store::tasks::Tasks;
//! use enroll_store::{Store, StoreResult};
//!
//! # async fn host() -> StoreResult<()> {
//! let clock = SharedClock::new();
//! let store = Store::builder("sqlite://data/ledger.db").clock(clock.clock()).open()?;
//! clock.restore(&store);
//! store.load_seed(&Seed::from_json(r#"{"tenants": []}"#)?)?;
//! let running = Tasks::new(store.clone()).clock(clock.clone()).start();
//! // … register `actix_web::web::Data::new(store)`, mount facades, serve …
//! // Tests move the ledger's time for every process on the database:
//! clock.advance(&store, 24 * 3600 * 1000).await?;
//! running.stop();
//! # Ok(()) }
//! ```
//!
//! **One process per SQLite file**: SQLite is opened exclusively by default (faster reads);
//! another process, even the `sqlite3` shell, gets "database is locked" until this one ends.
//! [`options::SqliteLocking::Shared`] lifts that; several servers on one ledger need
//! PostgreSQL, where every invariant, lease and notification works across processes.
//!
//! # Features
//! * `sqlite`, `postgres` (both default): the backends; at least one is required. Without
//!   `postgres`, libpq is not built or linked.
//! * `testing`: `testing::TestDb`, a fresh throw-away database per test (SQLite file, or a
//!   PostgreSQL database when `ENROLL_TEST_DATABASE_URL` is set).
//!
//! Both backends are compiled from source (libsqlite3-sys and pq-sys "bundled"): a C compiler
//! is the only system requirement. This workspace's `.cargo/config.toml` sets SQLite compile
//! options (`LIBSQLITE3_FLAGS`) that builds of other workspaces do not see: copy it to have
//! them.

pub mod access;
pub mod attributes;
pub mod authorized;
pub mod catalog;
pub mod clock;
pub mod courses;
pub mod crosswalk;
mod crosswalk_column;
pub mod enrollments;
pub mod events;
pub mod filter;
pub mod launches;
pub mod learners;
pub mod links;
pub mod list;
pub mod models;
pub mod operations;
pub mod options;
pub mod prune;
mod purge;
pub mod schedule;
pub mod schema;
/// Hashing of secrets (the `enroll-secrets` crate).
pub use enroll_secrets as secrets;
pub mod seed;
pub mod sessions;
pub mod store;
pub mod tags;
pub mod tasks;
pub mod tenants;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

mod migrations;

pub use enroll_db::{StoreError, StoreResult, conn, error, migrate, stats};
/// The outbox (one durable mechanism for outbound HTTP deliveries and mail) lives below the
/// ledger, in `enroll-outbox`; the store implements its [`outbox::Outbox`] operations.
pub use enroll_outbox as outbox;
/// Subscriptions live with the events they select (see [`events`]).
pub use events::subscriptions;
pub use migrations::MIGRATIONS;
pub use store::{Ledger, Store};
