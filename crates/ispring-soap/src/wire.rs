//! The ledger's records in iSpring's shapes, field by field as the REST schemas name them
//! (`Enrollment`, `User`, `ContentItemInformation`, `LearnerResult`); the WSDL's types follow
//! the same order.
use crate::dates::{date, datetime};
use crate::value::{Out, obj};
use enroll_domain::EnrollmentState;
use enroll_domain::model::{Dialect, Role};
use enroll_store::catalog::{CourseEntry, LearnerEntry};
use enroll_store::models::EnrollmentView;
use time::OffsetDateTime;
use uuid::Uuid;

/// A learner's iSpring id.
pub fn learner_id(l: &enroll_domain::model::Learner) -> String {
    l.id_in(Dialect::Ispring)
}

/// A course's iSpring id.
pub fn course_id(c: &enroll_domain::model::Course) -> String {
    c.id_in(Dialect::Ispring)
}

fn ids(items: impl IntoIterator<Item = String>) -> Out {
    Out::List("id", items.into_iter().map(Out::Text).collect())
}

/// `Enrollment`: the access date is the ledger's (or, for an enrollment made without one,
/// the date it was made); dates are `format: date`.
pub fn enrollment(v: &EnrollmentView) -> Out {
    let e = &v.record.core;
    let access = e
        .dates
        .access
        .or(e.dates.added)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    obj()
        .put("enrollmentId", Out::text(e.id.to_string()))
        .put("courseId", Out::text(course_id(&v.course)))
        .put("learnerId", Out::text(learner_id(&v.learner)))
        .put("accessDate", Out::text(date(access)))
        .opt("dueDate", e.dates.due.map(|d| Out::text(date(d))))
        .opt(
            "expirationDate",
            e.dates.expires.map(|d| Out::text(date(d))),
        )
        .put("shouldLockAfterDueDate", Out::Bool(e.lock_after_due))
        // No `certificate`: the ledger issues none (it is optional in the schema).
        // 0: enrolled by an administrator (the ledger has no self-enrollment from a catalog).
        .put("enrollmentTypeGroup", Out::Int(0))
        .done()
}

/// iSpring's role name.
pub fn role(r: Role) -> &'static str {
    match r {
        Role::Learner => "learner",
        Role::Admin => "administrator",
        Role::DepartmentAdmin => "department_administrator",
    }
}

/// A stable id for a role (the ledger's roles are fixed, not records).
pub fn role_id(r: Role) -> Uuid {
    Uuid::new_v5(
        &Uuid::NAMESPACE_URL,
        format!("urn:enroll-gateway:role:{}", role(r)).as_bytes(),
    )
}

/// `User` (`userProfile` in XML).
pub fn user(u: &LearnerEntry) -> Out {
    let l = &u.learner;
    let manages = (!u.manages.is_empty()).then(|| ids(u.manages.iter().map(Uuid::to_string)));
    let mut user_role = obj().put("roleId", Out::text(role_id(l.role).to_string()));
    user_role = user_role
        .opt("manageableDepartmentIds", manages.clone())
        .put("roleType", Out::text(role(l.role)));
    let fields = obj()
        .put("login", Out::text(l.username.clone()))
        .put("email", Out::text(l.email.clone()))
        .put("first_name", Out::text(l.first_name.clone()))
        .put("last_name", Out::text(l.last_name.clone()))
        .opt("job_title", l.job_title.clone().map(Out::Text))
        .done();
    let none = || {
        obj()
            .put("subordinationType", Out::text("no_supervisor"))
            .done()
    };
    obj()
        .put("userId", Out::text(learner_id(l)))
        .put("role", Out::text(role(l.role)))
        .put("roleId", Out::text(role_id(l.role).to_string()))
        .put(
            "departmentId",
            Out::text(l.department_id.unwrap_or_default().to_string()),
        )
        // 1: active (the ledger's learners are all active).
        .put("status", Out::Int(1))
        .put("fields", fields)
        .put("addedDate", Out::text(datetime(u.added)))
        // The ledger records no logins: the date the user was added stands in.
        .put("lastLoginDate", Out::text(datetime(u.added)))
        .opt("manageableDepartmentIds", manages)
        .put("userRoles", Out::List("userRole", vec![user_role.done()]))
        .put("subordination", none())
        .put("coSubordination", none())
        .done()
}

/// `ContentItemInformation`: a course of the ledger, of type `Course`; `view_url` is where
/// the item reads back.
pub fn content_item(c: &CourseEntry, view_url: &str) -> Out {
    obj()
        .put("contentItemId", Out::text(course_id(&c.course)))
        .put("title", Out::text(c.course.title.clone()))
        .put("subtitle", Out::text(""))
        .put("description", Out::text(c.description.clone()))
        // The ledger keeps no author of a course.
        .put("userId", Out::text(Uuid::nil().to_string()))
        .put("addedDate", Out::text(datetime(c.added)))
        .put("viewUrl", Out::text(view_url))
        // Required by the vendor's schema, which does not define it.
        .put("viewType", Out::text("default"))
        .put("type", Out::text("Course"))
        .put("contentItemType", Out::text("Course"))
        .done()
}

/// `LearnerResult` of an enrollment at `now`.
pub fn learner_result(v: &EnrollmentView, now: OffsetDateTime) -> Out {
    let e = &v.record.core;
    let access = e
        .dates
        .access
        .or(e.dates.added)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let overdue = e.dates.due.is_some_and(|d| d <= now) && e.state != EnrollmentState::Completed;
    obj()
        .put("userId", Out::text(learner_id(&v.learner)))
        .put("courseId", Out::text(course_id(&v.course)))
        .put("courseTitle", Out::text(v.course.title.clone()))
        .put("enrollmentId", Out::text(e.id.to_string()))
        .put("accessDate", Out::text(datetime(access)))
        .opt("dueDate", e.dates.due.map(|d| Out::text(datetime(d))))
        .opt(
            "expirationDate",
            e.dates.expires.map(|d| Out::text(datetime(d))),
        )
        .opt(
            "completionDate",
            e.dates.completed.map(|d| Out::text(datetime(d))),
        )
        .put("timeSpent", Out::Int(e.time_spent_ms / 1000))
        .put(
            "completionStatus",
            Out::text(crate::vocab::to_ispring(e.state)),
        )
        .opt("awardedScore", e.score.map(Out::Num))
        .put("progress", Out::Num(e.progress))
        .put("isOverdue", Out::Bool(overdue))
        .done()
}
