//! Enrollments: `EnrollLearnersInCourses`, `GetEnrollment`, `GetEnrollments` (unpaged),
//! `ListEnrollments` (paged), `ChangeEnrollment`, `Reenroll` and `Unenroll`
//! (`deleteEnrollments`).
use super::{enrollment_query, next_token, page, run, schedule};
use crate::auth::Principal;
use crate::error::IspringError;
use crate::input::{Input, uuid};
use crate::value::{Out, obj};
use crate::wire;
use enroll_domain::model::Dialect;
use enroll_store::Store;
use enroll_store::enrollments::Existing;
use enroll_store::schedule::BulkEnroll;
use uuid::Uuid;

/// At most this many learners, and this many courses, in one enroll call.
pub const MAX_IDS: usize = 10_000;
/// At most this many (learner, course) pairs in one enroll call.
pub const MAX_PAIRS: usize = 200_000;
/// The unpaged list answers at most this many enrollments (more is a `Wrong parameters`).
pub const UNPAGED_CAP: i64 = 10_000;

/// `enrollLearnersInCourses` / `POST /enrollment`: every learner in every course, one
/// transaction. A learner already enrolled in a course keeps that enrollment (the call still
/// succeeds, so bulk calls can be repeated).
pub async fn enroll(p: &Principal, store: &Store, input: &Input) -> Result<(), IspringError> {
    p.require_admin()?;
    let courses = input.required_ids("courseIds")?;
    let learners = input.required_ids("learnerIds")?;
    let schedule = schedule(input, false)?;
    if courses.len() > MAX_IDS
        || learners.len() > MAX_IDS
        || courses.len() * learners.len() > MAX_PAIRS
    {
        return Err(IspringError::WrongParameters(format!(
            "at most {MAX_IDS} courses, {MAX_IDS} learners and {MAX_PAIRS} enrollments per call"
        )));
    }
    let (t, actor) = (p.tenant_id, p.actor);
    let result = run(store, move |s| {
        let b = BulkEnroll {
            dialect: Dialect::Ispring,
            learners: &learners,
            courses: &courses,
            schedule,
            existing: Existing::Keep,
        };
        s.enroll_many_as(t, &actor, &b).map(|_| ())
    })
    .await;
    // An id that names nothing is a parameter error, named.
    result.map_err(|e| match e {
        IspringError::NotFound(m) => IspringError::WrongParameters(m),
        other => other,
    })
}

/// The current enrollment `id` names, if the caller reaches its learner.
async fn current(p: &Principal, store: &Store, id: &str) -> Result<Out, IspringError> {
    p.require_admin()?;
    let id = Uuid::parse_str(&uuid(id, "enrollmentId")?).map_err(|_| IspringError::Internal)?;
    let view = store.enrollment_async(p.tenant_id, id).await?;
    if !view.record.core.active {
        return Err(IspringError::NotFound("Enrollment not found".into()));
    }
    if !p.scope.reaches(&view.learner) {
        return Err(IspringError::PermissionDenied(
            "The enrollment's learner is outside the departments the caller administers".into(),
        ));
    }
    Ok(wire::enrollment(&view))
}

/// `getEnrollment` / `GET /enrollment/{enrollmentId}`.
pub async fn get(p: &Principal, store: &Store, id: &str) -> Result<Out, IspringError> {
    current(p, store, id).await
}

/// `getEnrollments` / `GET /enrollment`: every current enrollment matching `courseIds`,
/// `learnerIds` and `enrollmentIds` (all optional), `{enrollments}`.
pub async fn list_all(p: &Principal, store: &Store, input: &Input) -> Result<Out, IspringError> {
    p.require_admin()?;
    let mut q = enrollment_query(p, input, "learnerIds")?;
    q.limit = UNPAGED_CAP;
    let t = p.tenant_id;
    let (total, views) = run(store, move |s| s.list_enrollments(t, &q)).await?;
    if total > UNPAGED_CAP {
        return Err(IspringError::WrongParameters(format!(
            "{total} enrollments match; this list answers at most {UNPAGED_CAP}: narrow it, or page with /enrollments"
        )));
    }
    let items = views.iter().map(wire::enrollment).collect();
    Ok(obj()
        .put("enrollments", Out::List("enrollment", items))
        .done())
}

/// `GET|POST /enrollments`: a page, `{enrollments, nextPageToken?}`.
pub async fn list_page(p: &Principal, store: &Store, input: &Input) -> Result<Out, IspringError> {
    p.require_admin()?;
    let (size, offset) = page(input)?;
    let mut q = enrollment_query(p, input, "learnerIds")?;
    (q.limit, q.offset) = (size, offset);
    let t = p.tenant_id;
    let (total, views) = run(store, move |s| s.list_enrollments(t, &q)).await?;
    let items = views.iter().map(wire::enrollment).collect();
    Ok(obj()
        .put("enrollments", Out::List("enrollment", items))
        .opt(
            "nextPageToken",
            next_token(total, size, offset).map(Out::Text),
        )
        .done())
}

fn enrollment_id(id: &str) -> Result<Uuid, IspringError> {
    Uuid::parse_str(&uuid(id, "enrollmentId")?).map_err(|_| IspringError::Internal)
}

/// `changeEnrollment` / `POST /enrollment/{enrollmentId}`: a new schedule.
pub async fn change(
    p: &Principal,
    store: &Store,
    id: &str,
    input: &Input,
) -> Result<(), IspringError> {
    p.require_admin()?;
    let id = enrollment_id(id)?;
    let schedule = schedule(input, true)?;
    let (t, actor) = (p.tenant_id, p.actor);
    run(store, move |s| {
        s.reschedule_as(t, &actor, id, &schedule).map(|_| ())
    })
    .await
}

/// `reenroll` / `POST /enrollment/{enrollmentId}/reenroll`: the enrollment is archived and a
/// new one, on the given schedule, continues it.
pub async fn reenroll(
    p: &Principal,
    store: &Store,
    id: &str,
    input: &Input,
) -> Result<(), IspringError> {
    p.require_admin()?;
    let id = enrollment_id(id)?;
    let schedule = schedule(input, true)?;
    let (t, actor) = (p.tenant_id, p.actor);
    run(store, move |s| {
        s.reenroll_as(t, &actor, id, &schedule, Dialect::Ispring)
            .map(|_| ())
    })
    .await
}

/// `deleteEnrollments` / `POST /enrollment/delete`: all or none; an unknown id is a
/// parameter error naming it.
pub async fn delete(p: &Principal, store: &Store, input: &Input) -> Result<(), IspringError> {
    p.require_admin()?;
    let ids: Vec<Uuid> = input
        .required_ids("enrollmentIds")?
        .iter()
        .filter_map(|i| Uuid::parse_str(i).ok())
        .collect();
    let (t, actor) = (p.tenant_id, p.actor);
    run(store, move |s| s.unenroll_as(t, &actor, &ids).map(|_| ()))
        .await
        .map_err(|e| match e {
            IspringError::NotFound(m) => IspringError::WrongParameters(m),
            other => other,
        })
}
