//! Course enrollments: the one creation path, the one un-enroll path, commands, reads and
//! lists, and enrollment series.
//!
//! A *series* is an enrollment and the re-enrollments that continue it: each re-enrollment
//! archives the current enrollment and adds the next `instance` with the same `series_id` (the
//! first enrollment's id). A SCORM Cloud registration is a series, its instances are the
//! series' enrollments; for Absorb a re-enrollment is a new enrollment and the old one becomes
//! historical. A series is *current* while its latest enrollment is active; an un-enroll ends
//! it, and the next enrollment of the same learner in the course starts a new series.
pub mod actions;
mod answered;
pub mod by_address;
pub mod cancel;
pub mod commands;
pub mod create;
pub mod enrolled;
pub mod expiry;
pub mod lock;
pub mod read;
pub mod series;
mod series_api;

pub use by_address::AddressOutcome;
pub use commands::{EnrollmentPatch, apply_in, patch_in};
pub use create::{EnrollRequest, enroll_all_in, insert_session_enrollment};
pub use enrolled::EnrolledSeries;
pub use read::{EnrollmentQuery, IdSet};
pub use series::{SeriesConflict, SeriesView};
pub use series_api::{NewSeries, SeriesField, SeriesQuery, TagChange};

use crate::conn::DbConn;
use crate::courses::{CourseKey, find_course};
use crate::error::{StoreError, StoreResult};
use crate::learners::{LearnerKey, find_learner_id};
use crate::models::{CourseRow, EnrollmentRecord, EnrollmentRow};
use crate::schema::enrollments;
use crate::store::{FirstRow, on_backend};
use diesel::prelude::*;
use enroll_domain::model::Dialect;
use time::OffsetDateTime;
use uuid::Uuid;

/// What enrolling does when the learner already has an active enrollment in the course.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Refuse the whole call with `DomainError::AlreadyEnrolled`.
    Refuse,
    /// Leave it as it is and report it (`EnrollOutcome::created` false).
    Keep,
    /// Re-enroll: archive it and continue its series with a new enrollment, the next
    /// instance (or, with `same_instance`, in its place: a reset).
    Continue { same_instance: bool },
    /// Archive it and start a new series.
    NewSeries,
}

/// How to enroll.
#[derive(Debug, Clone)]
pub struct EnrollOptions {
    /// When the learner already has an active enrollment in the course.
    pub existing: Existing,
    /// Who made the call: a dialect's name (`Dialect::as_str`) or `admin`.
    pub source: &'static str,
    /// Start in `invited` (invitations that must be accepted).
    pub invited: bool,
    /// The instructor-led session to join.
    pub session_id: Option<Uuid>,
    /// Further sessions to join with it (a course that enrolls in several sessions).
    pub extra_sessions: Vec<Uuid>,
    /// Skip the course's approval: the enrollment starts as if approved.
    pub skip_approval: bool,
    /// Seat the learner even when the course or session is full (no waiting list).
    pub ignore_capacity: bool,
    /// Mail the learner when the enrollment awaits their choice of a session.
    pub notify_session_choice: bool,
    pub due: Option<OffsetDateTime>,
    pub expires: Option<OffsetDateTime>,
    pub access: Option<OffsetDateTime>,
    pub lock_after_due: bool,
    /// The invitation the enrollment comes from.
    pub invitation_id: Option<String>,
}

impl EnrollOptions {
    /// Plain options for a dialect: refuse a second active enrollment.
    pub fn new(dialect: Dialect) -> Self {
        Self::from_source(dialect.as_str())
    }

    /// Plain options for any source (e.g. `admin`).
    pub fn from_source(source: &'static str) -> Self {
        Self {
            existing: Existing::Refuse,
            source,
            invited: false,
            session_id: None,
            extra_sessions: Vec::new(),
            skip_approval: false,
            ignore_capacity: false,
            notify_session_choice: false,
            due: None,
            expires: None,
            access: None,
            lock_after_due: false,
            invitation_id: None,
        }
    }

    /// The sessions to join: `session_id`, then `extra_sessions`.
    pub fn sessions(&self) -> Vec<Uuid> {
        self.session_id
            .iter()
            .chain(&self.extra_sessions)
            .copied()
            .collect()
    }

    /// Re-enroll (continue the series) instead of refusing, when `yes`.
    pub fn reenroll(mut self, yes: bool) -> Self {
        if yes {
            self.existing = Existing::Continue {
                same_instance: false,
            };
        }
        self
    }
}

/// What an enroll did.
#[derive(Debug, Clone)]
pub struct EnrollOutcome {
    /// The new enrollment, or the existing one that was kept.
    pub enrollment: EnrollmentRecord,
    /// Whether `enrollment` was created (false: an existing one kept, see [`Existing::Keep`]).
    pub created: bool,
    /// The enrollment archived by a re-enrollment.
    pub archived: Option<Uuid>,
    /// The session enrollment created, when a session was given.
    pub session_enrollment_id: Option<Uuid>,
}

/// The active enrollment row of (learner, course), if any.
// `active` itself, not `active = ?`: only a literal condition lets the planner use the partial
// unique index (`WHERE active`); a bound `true` sent it scanning the learner's enrollments.
pub fn active_row(
    conn: &mut DbConn,
    tenant_id: &str,
    learner_id: &str,
    course_id: &str,
) -> StoreResult<Option<EnrollmentRow>> {
    Ok(on_backend!(conn, c => enrollments::table
        .filter(enrollments::tenant_id.eq(tenant_id))
        .filter(enrollments::learner_id.eq(learner_id))
        .filter(enrollments::course_id.eq(course_id))
        .filter(enrollments::active)
        .select(EnrollmentRow::as_select())
        .first_row(c))?)
}

/// Loads one enrollment row of a tenant.
pub fn find_enrollment(conn: &mut DbConn, tenant_id: Uuid, id: Uuid) -> StoreResult<EnrollmentRow> {
    on_backend!(conn, c => enrollments::table
        .filter(enrollments::tenant_id.eq(tenant_id.to_string()))
        .filter(enrollments::id.eq(id.to_string()))
        .select(EnrollmentRow::as_select())
        .first_row(c))?
    .ok_or_else(|| StoreError::NotFound("enrollment".into()))
}

/// The learner (its id: all an enroll needs of it) and the course an enroll names, or 404s.
pub(crate) fn resolve_pair(
    c: &mut DbConn,
    tenant_id: Uuid,
    learner: &LearnerKey,
    course: &CourseKey,
) -> StoreResult<(String, CourseRow)> {
    let l = find_learner_id(c, tenant_id, learner)?
        .ok_or_else(|| StoreError::NotFound("user".into()))?;
    let co =
        find_course(c, tenant_id, course)?.ok_or_else(|| StoreError::NotFound("course".into()))?;
    Ok((l, co))
}
