//! Absorb wire types (camelCase) and their rendering from ledger views.
use crate::attributes;
use crate::vocab::{attempt_code, lesson_type, to_absorb};
use enroll_progress::lessons::{Attempt, ChapterEnrollment, LessonEnrollment};
use enroll_store::models::EnrollmentView;
use enroll_store::sessions::SessionEnrollment;
use serde::Serialize;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

/// ISO 8601 date-time in UTC.
pub fn date(t: Option<OffsetDateTime>) -> Value {
    t.and_then(|t| t.format(&Rfc3339).ok())
        .map_or(Value::Null, Value::String)
}

/// .NET TimeSpan text (`[d.]hh:mm:ss[.fffffff]`), as Absorb prints durations.
pub fn time_span(ms: i64) -> String {
    let ms = ms.max(0);
    let (days, rem) = (ms / 86_400_000, ms % 86_400_000);
    let (h, m, s, frac) = (
        rem / 3_600_000,
        rem % 3_600_000 / 60_000,
        rem % 60_000 / 1000,
        rem % 1000,
    );
    let mut out = if days > 0 {
        format!("{days}.{h:02}:{m:02}:{s:02}")
    } else {
        format!("{h:02}:{m:02}:{s:02}")
    };
    if frac > 0 {
        out.push_str(&format!(".{:07}", frac * 10_000));
    }
    out
}

/// Milliseconds as .NET ticks (100 ns).
pub fn ticks(ms: i64) -> i64 {
    ms.saturating_mul(10_000)
}

fn absorb_user_id(v: &EnrollmentView) -> Uuid {
    crate::ids::user_id(&v.learner)
}

fn absorb_course_id(v: &EnrollmentView) -> Uuid {
    crate::ids::course_id(&v.course)
}

/// `UserCourseEnrollmentResource` (`full`) or the course list's `CourseEnrollmentResource`,
/// in the seed's field order. A typed struct, not a `Value`: the single GET and pages of 100
/// render it on every request, and a map of owned keys cost more than the database read.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Enrollment<'a> {
    id: Uuid,
    course_id: Uuid,
    course_name: &'a str,
    progress: f64,
    score: f64,
    status: i32,
    date_completed: Option<Date>,
    date_expires: Option<Date>,
    date_edited: Option<Date>,
    date_added: Option<Date>,
    full_name: String,
    course_version_id: Option<Uuid>,
    user_id: Uuid,
    accepted_terms_and_conditions: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    time_spent_ticks: Option<i64>,
    time_spent: String,
    date_started: Option<Date>,
    enrollment_key_id: Option<Uuid>,
    certificate_id: Option<Uuid>,
    credits: Option<f64>,
    is_active: bool,
    date_due: Option<Date>,
    // `Some(None)` renders `null`; `None` leaves the field out (the list resource).
    #[serde(skip_serializing_if = "Option::is_none")]
    access_date: Option<Option<Date>>,
    job_title: Option<&'a str>,
    course_collection_id: Option<Uuid>,
    // `Some(())` renders `null` (full resource only).
    #[serde(skip_serializing_if = "Option::is_none")]
    avatar: Option<()>,
}

/// A date-time rendered as [`date`] does, without building a `Value`.
#[derive(Debug)]
pub struct Date(OffsetDateTime);

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0.format(&Rfc3339) {
            Ok(text) => s.serialize_str(&text),
            Err(_) => s.serialize_none(),
        }
    }
}

fn opt_date(t: Option<OffsetDateTime>) -> Option<Date> {
    t.map(Date)
}

/// Renders an enrollment view (`full`: the user-course resource, with ticks, access date and
/// avatar).
pub fn enrollment(v: &EnrollmentView, full: bool) -> Enrollment<'_> {
    let e = &v.record.core;
    let (r, a) = (&v.record, &v.attributes);
    Enrollment {
        id: e.id,
        course_id: absorb_course_id(v),
        course_name: &v.course.title,
        progress: e.progress,
        score: e.score.unwrap_or(0.0),
        status: to_absorb(e.state),
        date_completed: opt_date(e.dates.completed),
        date_expires: opt_date(e.dates.expires),
        date_edited: opt_date(e.dates.edited),
        date_added: opt_date(e.dates.added),
        full_name: v.learner.full_name(),
        course_version_id: attributes::id(a, attributes::COURSE_VERSION_ID),
        user_id: absorb_user_id(v),
        accepted_terms_and_conditions: attributes::accepted_terms(a),
        time_spent_ticks: full.then(|| ticks(e.time_spent_ms)),
        time_spent: time_span(e.time_spent_ms),
        date_started: opt_date(e.dates.started),
        enrollment_key_id: attributes::id(a, attributes::ENROLLMENT_KEY_ID),
        // The ledger issues no certificates (see `crate::attributes`).
        certificate_id: None,
        credits: r.credits,
        is_active: e.active,
        date_due: opt_date(e.dates.due),
        access_date: full.then(|| opt_date(e.dates.access)),
        job_title: v.learner.job_title.as_deref(),
        // No enrollment records a collection it came through (see `crate::attributes`).
        course_collection_id: None,
        avatar: full.then_some(()),
    }
}

/// `SessionEnrollmentResource`.
pub fn session(s: &SessionEnrollment, user_id: Uuid, full_name: &str) -> Value {
    json!({
        "id": s.id, "sessionId": s.session_id, "courseEnrollmentId": s.enrollment_id, "name": s.session_name,
        "userId": user_id, "fullName": full_name, "status": to_absorb(s.state), "progress": s.progress,
        "score": s.score.unwrap_or(0.0), "timeSpent": time_span(s.time_spent_ms), "dateEnrolled": date(Some(s.added)),
        "dateStarted": date(s.started), "dateCompleted": date(s.completed), "dateEdited": date(Some(s.edited)),
    })
}

/// `ChapterEnrollmentResource`.
pub fn chapter(c: &ChapterEnrollment, user_id: Uuid, full_name: &str) -> Value {
    json!({
        "id": c.id, "courseEnrollmentId": c.enrollment_id, "chapterId": c.chapter_id, "sessionId": null, "lessonId": null,
        "name": c.name, "userId": user_id, "fullName": full_name, "status": to_absorb(c.state), "progress": c.progress,
        "score": c.score.unwrap_or(0.0), "timeSpent": time_span(c.time_spent_ms), "dateEnrolled": date(Some(c.added)),
        "dateStarted": date(c.started), "dateCompleted": date(c.completed), "lessonEnrollmentIds": c.lesson_enrollment_ids,
    })
}

/// `LessonEnrollmentResource`.
pub fn lesson(l: &LessonEnrollment, user_id: Uuid, full_name: &str) -> Value {
    json!({
        "id": l.id, "chapterEnrollmentId": l.chapter_enrollment_id, "type": lesson_type(l.lesson.kind), "attempts": l.attempts,
        "failures": l.failures, "lastAttempt": date(l.last_attempt), "courseEnrollmentId": l.enrollment_id,
        "chapterId": l.lesson.chapter_id, "lessonId": l.lesson.id, "name": l.lesson.name, "userId": user_id,
        "fullName": full_name, "status": to_absorb(l.state), "progress": l.progress, "score": l.score.unwrap_or(0.0),
        "timeSpent": time_span(l.time_spent_ms), "dateEnrolled": date(Some(l.added)), "dateStarted": date(l.started),
        "dateCompleted": date(l.completed), "dateEdited": date(Some(l.edited)), "dateAdded": date(Some(l.added)),
    })
}

/// A lesson attempt.
pub fn attempt(a: &Attempt) -> Value {
    json!({
        "id": a.id, "timeSpentTicks": ticks(a.time_spent_ms), "status": attempt_code(a.status),
        "score": a.score.unwrap_or(0.0), "startDate": date(Some(a.started)), "completionDate": date(a.completed),
    })
}

/// The paged collection envelope `{totalItems, returnedItems, limit, offset, <name>: [...]}`.
pub fn collection<T: Serialize>(
    name: &'static str,
    total: i64,
    limit: i64,
    page: i64,
    items: Vec<T>,
) -> Collection<T> {
    Collection {
        name,
        total,
        limit,
        page,
        items,
    }
}

/// See [`collection`]; the items' key is the resource's plural name.
#[derive(Debug)]
pub struct Collection<T> {
    name: &'static str,
    total: i64,
    limit: i64,
    page: i64,
    items: Vec<T>,
}

impl<T: Serialize> Serialize for Collection<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(5))?;
        m.serialize_entry("totalItems", &self.total)?;
        m.serialize_entry("returnedItems", &self.items.len())?;
        m.serialize_entry("limit", &self.limit)?;
        m.serialize_entry("offset", &self.page)?;
        m.serialize_entry(self.name, &self.items)?;
        m.end()
    }
}

/// `{enrollmentId, courseId, userId}` (create responses).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Created {
    pub enrollment_id: Uuid,
    pub course_id: Uuid,
    pub user_id: Uuid,
}
