//! The canonical enrollment model shared by every vendor dialect.
//!
//! Pure: no I/O, no database, no HTTP. Time comes in through [`Clock`] (or as an explicit
//! `now` argument), so expiry, due dates and token lifetimes are testable without sleeping.
//!
//! * [`state`]: the canonical [`EnrollmentState`]s.
//! * [`transition`]: the explicit transition table ([`Command`] × state → state).
//! * [`event`]: the kinds of an enrollment's events (one per change).
//! * [`enrollment`]: an enrollment's data and the guards (access date, due date, expiry).
//! * [`model`]: tenants, learners, departments, courses (sessions, chapters, lessons).
//! * [`crosswalk`]: the one rule that names a ledger record in every dialect.
//! * [`access`]: who may act on which learner.
//! * [`schedule`]: access dates, due rules and locking after the due date.

pub mod access;
pub mod clock;
pub mod crosswalk;
pub mod enrollment;
pub mod error;
pub mod event;
pub mod invitation;
pub mod lesson;
pub mod model;
pub mod schedule;
pub mod state;
pub mod transition;

pub use clock::{Clock, OffsetClock, SystemClock};
pub use enrollment::{Enrollment, EnrollmentDates, NewEnrollment};
pub use error::DomainError;
pub use event::EventKind;
pub use state::EnrollmentState;
pub use transition::{Command, CommandKind};
