//! LMS365's entities as JSON (PascalCase, as the connector definition spells them), and the
//! request bodies of its writes.
use crate::entities::{CATALOG_ID, CLAIMS_PREFIX};
use crate::vocab::to_lms365;
use enroll_domain::model::{Course, CourseKind, Dialect, Learner, Session, SessionEnrollmentType};
use enroll_store::models::EnrollmentView;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

/// An instant as OData writes `Edm.DateTimeOffset` (RFC 3339, UTC).
pub fn date(t: Option<OffsetDateTime>) -> Value {
    t.and_then(|t| t.format(&Rfc3339).ok())
        .map_or(Value::Null, Value::String)
}

/// A course's LMS365 id (a number by the crosswalk rule).
pub fn course_id(c: &Course) -> Value {
    let id = c.id_in(Dialect::Lms365);
    id.parse::<i64>().map_or(Value::String(id), Value::from)
}

/// A user's login name: their LMS365 id when it is a login, else their user name as a
/// claims login.
pub fn login_name(l: &Learner) -> String {
    l.ids
        .explicit(Dialect::Lms365)
        .map_or_else(|| format!("{CLAIMS_PREFIX}{}", l.username), str::to_string)
}

/// The `User` entity.
pub fn user(l: &Learner) -> Map<String, Value> {
    obj(json!({
        "Id": l.id_in(Dialect::Lms365),
        "LoginName": login_name(l),
        "Title": l.full_name(),
        "Email": l.email,
        "JobTitle": l.job_title,
    }))
}

fn course_type(kind: CourseKind) -> &'static str {
    match kind {
        CourseKind::OnlineCourse => "ELearning",
        CourseKind::InstructorLed => "ClassRoom",
        CourseKind::Bundle | CourseKind::Curriculum => "TrainingPlan",
    }
}

/// The `Course` entity (without its sessions).
pub fn course(c: &Course) -> Map<String, Value> {
    obj(json!({
        "Id": course_id(c),
        "CourseCatalogId": CATALOG_ID,
        "Title": c.title,
        "Description": "",
        "CourseType": course_type(c.kind),
        "EnrollmentFlow": if c.requires_approval {
            "LMSAdministratorsApproval"
        } else {
            "AutomaticApproval"
        },
        "CourseSessionEnrollmentType": c.session_type.map(|t| match t {
            SessionEnrollmentType::SingleSession => "EnrollToSingle",
            SessionEnrollmentType::AllSessions => "EnrollToAll",
        }),
        "MaxAttendees": c.capacity,
        "IsPublished": true,
        "CreatedAt": Value::Null,
    }))
}

/// The `CourseSession` entity.
pub fn session(course: &Course, s: &Session) -> Map<String, Value> {
    obj(json!({
        "Id": s.id,
        "CourseId": course_id(course),
        "Title": s.name,
        "StartDate": date(s.starts_at),
        "EndDate": date(s.ends_at),
        "MaxAttendees": s.capacity,
    }))
}

/// What an `Enrollment` needs besides its ledger view.
#[derive(Debug, Clone, Default)]
pub struct Extras {
    pub cancellation_reason: Option<String>,
    pub session_id: Option<Uuid>,
}

/// The `Enrollment` entity (without expansions).
pub fn enrollment(v: &EnrollmentView, x: &Extras) -> Map<String, Value> {
    let r = &v.record;
    let e = &r.core;
    let (registration, passing) = to_lms365(e.state);
    let credits = r.credits.unwrap_or(0.0);
    obj(json!({
        "Id": e.id,
        "CourseId": course_id(&v.course),
        "UserId": v.learner.id_in(Dialect::Lms365),
        "UserLoginName": login_name(&v.learner),
        // The ledger keeps no course roles: every enrollment is a learner's.
        "Roles": [],
        "RegistrationDate": date(e.dates.added),
        "StartDate": date(e.dates.started),
        "CompletionDate": date(e.dates.completed),
        "DueDate": date(e.dates.due),
        "EndDate": date(e.dates.expires),
        "RegistrationStatus": registration,
        "CoursePassingStatus": passing,
        // The ledger issues no certificates.
        "CertificateId": null,
        // Whole units; `DecimalCEU` keeps the fraction.
        "CEU": credits.round() as i64,
        "DecimalCEU": credits,
        "CourseDuration": e.time_spent_ms / 60_000,
        // No enrollment records a training plan (collection) it came through.
        "IsPartOfTrainingPlan": false,
        "CanUnenroll": e.active && !e.state.is_terminal(),
        "CancellationReason": x.cancellation_reason,
        "courseSessionId": x.session_id,
    }))
}

fn obj(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// `POST Courses({Id})/Enroll`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EnrollBody {
    pub user_login_name: String,
    pub course_session_id: Option<String>,
    pub course_session_ids: Option<Vec<String>>,
    pub ignore_max_attendees: Option<bool>,
    pub ignore_enrollment_flow: Option<bool>,
}

/// `POST Enrollments`: the course, the user (by id or login name) and the sessions.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct NewEnrollmentBody {
    pub course_id: Value,
    pub user_id: Option<String>,
    pub user_login_name: Option<String>,
    #[serde(alias = "courseSessionId")]
    pub course_session_id: Option<String>,
    #[serde(alias = "courseSessionIds")]
    pub course_session_ids: Option<Vec<String>>,
}

/// `PATCH Enrollments({Id})`: dates, `CoursePassingStatus` (0 Completed, 1 Not Started,
/// 2 In Progress), CEU and the duration in minutes.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct PatchBody {
    pub registration_date: Option<String>,
    pub start_date: Option<String>,
    pub completion_date: Option<String>,
    pub due_date: Option<String>,
    pub course_passing_status: Option<i32>,
    #[serde(rename = "CEU")]
    pub ceu: Option<f64>,
    #[serde(rename = "DecimalCEU")]
    pub decimal_ceu: Option<f64>,
    pub course_duration: Option<i64>,
}

/// `Cancel` and `Reject`: an optional message.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MessageBody {
    pub message: Option<String>,
}

/// `Retake`: an optional session.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RetakeBody {
    pub course_session_id: Option<String>,
}
