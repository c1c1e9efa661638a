//! Absorb wire types (camelCase) and their rendering from ledger views.
use enroll_domain::vocab::to_absorb;
use enroll_store::lessons::{Attempt, ChapterEnrollment, LessonEnrollment};
use enroll_store::models::EnrollmentView;
use enroll_store::sessions::SessionEnrollment;
use serde::Serialize;
use serde_json::{Map, Value, json};
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
    v.learner.ids.absorb.unwrap_or(v.learner.id)
}

fn absorb_course_id(v: &EnrollmentView) -> Uuid {
    v.course.ids.absorb.unwrap_or(v.course.id)
}

/// `UserCourseEnrollmentResource` (`full`) or the course list's `CourseEnrollmentResource`.
pub fn enrollment(v: &EnrollmentView, full: bool) -> Value {
    let e = &v.record.core;
    let r = &v.record;
    let mut m = Map::new();
    let mut put = |k: &str, val: Value| {
        m.insert(k.to_string(), val);
    };
    put("id", json!(e.id));
    put("courseId", json!(absorb_course_id(v)));
    put("courseName", json!(v.course.title));
    put("progress", json!(e.progress));
    put("score", json!(e.score.unwrap_or(0.0)));
    put("status", json!(to_absorb(e.state)));
    put("dateCompleted", date(e.dates.completed));
    put("dateExpires", date(e.dates.expires));
    put("dateEdited", date(e.dates.edited));
    put("dateAdded", date(e.dates.added));
    put("fullName", json!(v.learner.full_name()));
    put("courseVersionId", json!(r.course_version_id));
    put("userId", json!(absorb_user_id(v)));
    put("acceptedTermsAndConditions", json!(r.accepted_terms));
    if full {
        put("timeSpentTicks", json!(ticks(e.time_spent_ms)));
    }
    put("timeSpent", json!(time_span(e.time_spent_ms)));
    put("dateStarted", date(e.dates.started));
    put("enrollmentKeyId", json!(r.enrollment_key_id));
    put("certificateId", json!(r.certificate_id));
    put("credits", json!(r.credits));
    put("isActive", json!(e.active));
    put("dateDue", date(e.dates.due));
    if full {
        put("accessDate", date(e.dates.access));
    }
    put("jobTitle", json!(v.learner.job_title));
    put("courseCollectionId", json!(r.collection_id));
    if full {
        put("avatar", Value::Null);
    }
    Value::Object(m)
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
        "id": l.id, "chapterEnrollmentId": l.chapter_enrollment_id, "type": l.lesson.kind, "attempts": l.attempts,
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
        "id": a.id, "timeSpentTicks": ticks(a.time_spent_ms), "status": a.status.code(),
        "score": a.score.unwrap_or(0.0), "startDate": date(Some(a.started)), "completionDate": date(a.completed),
    })
}

/// The paged collection envelope `{totalItems, returnedItems, limit, offset, <name>: [...]}`.
pub fn collection(name: &str, total: i64, limit: i64, page: i64, items: Vec<Value>) -> Value {
    let mut m = Map::new();
    m.insert("totalItems".into(), json!(total));
    m.insert("returnedItems".into(), json!(items.len()));
    m.insert("limit".into(), json!(limit));
    m.insert("offset".into(), json!(page));
    m.insert(name.into(), Value::Array(items));
    Value::Object(m)
}

/// `{enrollmentId, courseId, userId}` (create responses).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Created {
    pub enrollment_id: Uuid,
    pub course_id: Uuid,
    pub user_id: Uuid,
}
