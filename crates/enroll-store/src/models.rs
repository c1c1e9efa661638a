//! Row types and their conversion to and from the domain model.
use crate::attributes::DialectAttributes;
use crate::error::{StoreError, StoreResult};
use crate::schema::*;
use diesel::prelude::*;
use enroll_domain::clock::from_millis;
use enroll_domain::crosswalk::ExternalIds;
use enroll_domain::enrollment::EnrollmentDates;
use enroll_domain::model::{Course, CourseKind, Learner, Role, SessionEnrollmentType};
use enroll_domain::{Enrollment, EnrollmentState};
use time::OffsetDateTime;
use uuid::Uuid;

pub fn uuid(s: &str) -> StoreResult<Uuid> {
    Uuid::parse_str(s).map_err(|e| StoreError::Internal(format!("bad uuid in database: {e}")))
}

pub(crate) fn opt_uuid(s: Option<&str>) -> StoreResult<Option<Uuid>> {
    s.map(uuid).transpose()
}

pub fn ts(ms: Option<i64>) -> Option<OffsetDateTime> {
    ms.map(from_millis)
}

fn enum_from<T: serde::de::DeserializeOwned>(s: &str) -> StoreResult<T> {
    serde_json::from_value(serde_json::Value::String(s.to_string()))
        .map_err(|e| StoreError::Internal(format!("bad enum value '{s}' in database: {e}")))
}

/// The stored name of a serde enum value (its snake_case form).
pub(crate) fn enum_name<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = learners)]
pub struct LearnerRow {
    pub id: String,
    pub tenant_id: String,
    pub username: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub job_title: Option<String>,
    pub department_id: Option<String>,
    pub role: String,
    pub password_hash: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl LearnerRow {
    /// The domain learner, with its crosswalk entries.
    pub fn to_domain(&self, ids: ExternalIds) -> StoreResult<Learner> {
        Ok(Learner {
            id: uuid(&self.id)?,
            tenant_id: uuid(&self.tenant_id)?,
            username: self.username.clone(),
            email: self.email.clone(),
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            job_title: self.job_title.clone(),
            department_id: opt_uuid(self.department_id.as_deref())?,
            role: enum_from::<Role>(&self.role)?,
            ids,
        })
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = courses)]
pub struct CourseRow {
    pub id: String,
    pub tenant_id: String,
    pub kind: String,
    pub title: String,
    pub description: String,
    pub session_type: Option<String>,
    pub requires_approval: bool,
    pub capacity: Option<i32>,
    pub version: i32,
    pub created_at: i64,
    pub updated_at: i64,
}

impl CourseRow {
    /// The course's kind.
    pub fn kind(&self) -> StoreResult<CourseKind> {
        enum_from(&self.kind)
    }

    /// How an instructor-led course enrolls learners in its sessions.
    pub fn session_type(&self) -> StoreResult<Option<SessionEnrollmentType>> {
        self.session_type.as_deref().map(enum_from).transpose()
    }

    /// The domain course, with its crosswalk entries.
    pub fn to_domain(&self, ids: ExternalIds) -> StoreResult<Course> {
        Ok(Course {
            id: uuid(&self.id)?,
            tenant_id: uuid(&self.tenant_id)?,
            kind: enum_from::<CourseKind>(&self.kind)?,
            title: self.title.clone(),
            session_type: self
                .session_type
                .as_deref()
                .map(enum_from::<SessionEnrollmentType>)
                .transpose()?,
            requires_approval: self.requires_approval,
            capacity: self.capacity,
            version: self.version,
            ids,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
// Insertable: `None` is bound as NULL (the columns' default) rather than written DEFAULT,
// so a multi-row insert is one statement on SQLite too.
#[diesel(
    table_name = enrollments,
    treat_none_as_null = true,
    treat_none_as_default_value = false
)]
pub struct EnrollmentRow {
    pub id: String,
    pub tenant_id: String,
    pub learner_id: String,
    pub course_id: String,
    pub state: String,
    pub active: bool,
    pub progress: f64,
    pub score: Option<f64>,
    pub time_spent_ms: i64,
    pub lock_after_due: bool,
    pub added_at: i64,
    pub started_at: Option<i64>,
    pub completed_at: Option<i64>,
    pub due_at: Option<i64>,
    pub expires_at: Option<i64>,
    pub access_at: Option<i64>,
    pub updated_at: i64,
    pub credits: Option<f64>,
    pub source: String,
    pub series_id: String,
    pub instance: i32,
    pub course_version: i32,
    pub invitation_id: Option<String>,
}

/// An enrollment with the ledger fields beside the domain's. What only one dialect keeps
/// is not here but in [`EnrollmentView::attributes`] (see [`crate::attributes`]).
#[derive(Debug, Clone, PartialEq)]
pub struct EnrollmentRecord {
    pub core: Enrollment,
    /// Credits earned (Absorb's credits, LMS365's CEU).
    pub credits: Option<f64>,
    /// The dialect that created it.
    pub source: String,
    /// The series it belongs to (its first enrollment's id) and its place in it.
    pub series_id: Uuid,
    pub instance: i32,
    /// The course version it was made on.
    pub course_version: i32,
    /// The invitation that made it.
    pub invitation_id: Option<Uuid>,
}

impl EnrollmentRow {
    /// The domain view of the row.
    pub fn to_record(&self) -> StoreResult<EnrollmentRecord> {
        let state: EnrollmentState = self.state.parse().map_err(StoreError::Internal)?;
        Ok(EnrollmentRecord {
            core: Enrollment {
                id: uuid(&self.id)?,
                tenant_id: uuid(&self.tenant_id)?,
                learner_id: uuid(&self.learner_id)?,
                course_id: uuid(&self.course_id)?,
                state,
                active: self.active,
                progress: self.progress,
                score: self.score,
                time_spent_ms: self.time_spent_ms,
                lock_after_due: self.lock_after_due,
                dates: EnrollmentDates {
                    added: Some(from_millis(self.added_at)),
                    started: ts(self.started_at),
                    completed: ts(self.completed_at),
                    due: ts(self.due_at),
                    expires: ts(self.expires_at),
                    access: ts(self.access_at),
                    edited: Some(from_millis(self.updated_at)),
                },
            },
            credits: self.credits,
            source: self.source.clone(),
            series_id: uuid(&self.series_id)?,
            instance: self.instance,
            course_version: self.course_version,
            invitation_id: opt_uuid(self.invitation_id.as_deref())?,
        })
    }

    /// Writes the domain enrollment's mutable fields back into the row.
    pub fn set_core(&mut self, e: &Enrollment) {
        use enroll_domain::clock::to_millis;
        self.state = e.state.as_str().to_string();
        self.active = e.active;
        self.progress = e.progress;
        self.score = e.score;
        self.time_spent_ms = e.time_spent_ms;
        self.lock_after_due = e.lock_after_due;
        self.started_at = e.dates.started.map(to_millis);
        self.completed_at = e.dates.completed.map(to_millis);
        self.due_at = e.dates.due.map(to_millis);
        self.expires_at = e.dates.expires.map(to_millis);
        self.access_at = e.dates.access.map(to_millis);
        self.updated_at = e.dates.edited.map_or(self.updated_at, to_millis);
    }
}

/// An enrollment joined with its learner and course, as list endpoints render it.
#[derive(Debug, Clone, PartialEq)]
pub struct EnrollmentView {
    pub record: EnrollmentRecord,
    pub learner: Learner,
    pub course: Course,
    /// What dialects keep beside the enrollment (read with it, in the same statement).
    pub attributes: DialectAttributes,
}
