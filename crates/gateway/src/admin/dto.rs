//! The admin API's JSON shapes (camelCase), built from the domain's types here so that the
//! domain's own serde (snake_case) never reaches the wire. One function per shape; a
//! learner's and a course's `ids` hold their id in every dialect (the crosswalk rule).
use enroll_domain::crosswalk::ExternalIds;
use enroll_domain::model::{Chapter, Course, Department, Dialect, Learner, Lesson, Role, Session};
use enroll_store::events::Event;
use enroll_store::learners::NewLearner;
use enroll_store::models::EnrollmentView;
use serde::Deserialize;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

fn instant(t: Option<OffsetDateTime>) -> Value {
    t.and_then(|t| t.format(&Rfc3339).ok()).into()
}

/// The id a record has in each dialect, by the crosswalk rule.
fn ids(id_in: impl Fn(Dialect) -> String) -> Value {
    Dialect::ALL
        .into_iter()
        .map(|d| (d.as_str().to_string(), Value::String(id_in(d))))
        .collect::<serde_json::Map<_, _>>()
        .into()
}

/// A learner with the id each dialect knows them by.
pub fn learner(l: &Learner) -> Value {
    json!({
        "id": l.id, "tenantId": l.tenant_id, "username": l.username, "email": l.email,
        "firstName": l.first_name, "lastName": l.last_name, "jobTitle": l.job_title,
        "departmentId": l.department_id, "role": l.role,
        "ids": ids(|d| l.id_in(d)),
    })
}

/// A course with the id each dialect knows it by.
pub fn course(c: &Course) -> Value {
    json!({
        "id": c.id, "tenantId": c.tenant_id, "kind": c.kind, "title": c.title,
        "sessionType": c.session_type, "requiresApproval": c.requires_approval,
        "capacity": c.capacity, "version": c.version,
        "ids": ids(|d| c.id_in(d)),
    })
}

/// A session of an instructor-led course.
pub fn session(s: &Session) -> Value {
    json!({
        "id": s.id, "courseId": s.course_id, "name": s.name, "startsAt": instant(s.starts_at),
        "endsAt": instant(s.ends_at), "capacity": s.capacity,
    })
}

/// A chapter of an online course.
pub fn chapter(c: &Chapter) -> Value {
    json!({"id": c.id, "courseId": c.course_id, "name": c.name, "position": c.position})
}

/// A lesson inside a chapter.
pub fn lesson(l: &Lesson) -> Value {
    json!({
        "id": l.id, "courseId": l.course_id, "chapterId": l.chapter_id, "name": l.name,
        "kind": l.kind, "position": l.position,
    })
}

/// A department.
pub fn department(d: &Department) -> Value {
    json!({"id": d.id, "tenantId": d.tenant_id, "parentId": d.parent_id, "name": d.name})
}

/// A ledger enrollment.
pub fn enrollment(v: &EnrollmentView) -> Value {
    let e = &v.record.core;
    json!({
        "id": e.id, "learnerId": e.learner_id, "courseId": e.course_id, "state": e.state.as_str(),
        "active": e.active, "progress": e.progress, "score": e.score, "timeSpentMs": e.time_spent_ms,
        "source": v.record.source, "courseVersion": v.record.course_version,
    })
}

/// An enrollment event: what changed, from and to which state, who caused it and why, when.
pub fn event(e: &Event) -> Value {
    json!({
        "id": e.id, "enrollmentId": e.enrollment_id, "kind": e.kind.as_str(),
        "fromState": e.from.map(|s| s.as_str()), "toState": e.to.as_str(),
        "dialect": e.dialect, "principal": e.principal, "note": e.note,
        "at": instant(Some(e.at)),
    })
}

/// `POST /tenants/{t}/learners`: the fields of [`learner`] (but `tenantId`), plus a password.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LearnerIn {
    id: Option<Uuid>,
    username: Option<String>,
    email: String,
    #[serde(default)]
    first_name: String,
    #[serde(default)]
    last_name: String,
    job_title: Option<String>,
    department_id: Option<Uuid>,
    #[serde(default)]
    role: Role,
    password: Option<String>,
    /// Explicit ids by dialect name (`absorb`, `scormcloud`, `lms365`, `ispring`,
    /// `trainercentral`); the others follow the crosswalk rule.
    #[serde(default)]
    ids: ExternalIds,
}

impl LearnerIn {
    /// The store's input.
    pub fn into_new(self) -> NewLearner {
        NewLearner {
            id: self.id,
            username: self.username,
            email: self.email,
            first_name: self.first_name,
            last_name: self.last_name,
            job_title: self.job_title,
            department_id: self.department_id,
            role: self.role,
            password: self.password,
            ids: self.ids,
        }
    }
}
