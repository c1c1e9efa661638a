//! Lesson and attempt progress on the ledger, a feature any dialect may use: lesson
//! enrollments (implicit from the course enrollment on, stored at the first attempt),
//! chapters derived from their lessons, attempts with the ledger's own statuses, and how they
//! roll up into the course enrollment's progress and state (one [`enroll_store::Store`]
//! transaction each, the enrollment's row lock held, events recorded by the core).
//!
//! Its operations are [`LessonProgress`], an extension trait of the ledger's
//! [`enroll_store::Store`]:
//!
//! ```no_run
//! use enroll_progress::LessonProgress;
//! # fn f(store: &enroll_store::Store, tenant: uuid::Uuid, enrollment: uuid::Uuid)
//! # -> enroll_store::StoreResult<()> {
//! let (lessons, chapters) = store.lesson_tree(tenant, enrollment)?;
//! # Ok(()) }
//! ```
//!
//! # Features
//! * `sqlite`, `postgres` (both default): the backends, as `enroll-store`'s.

pub mod lessons;
pub mod schema;

pub use lessons::{Attempt, ChapterEnrollment, FinishAttempt, LessonEnrollment, LessonProgress};
