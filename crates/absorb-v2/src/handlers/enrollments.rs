//! Course enrollments: create, create-or-update, get, lists, bulk list, un-enroll.
use super::{active, run, user_id};
use crate::auth::Caller;
use crate::error::AbsorbError;
use crate::params::{Params, datetime, guid};
use crate::scope::Scope;
use crate::wire::{self, Created};
use actix_web::{HttpRequest, HttpResponse, web};
use enroll_domain::model::Dialect;
use enroll_domain::{Command, DomainError, EnrollmentState};
use enroll_store::enrollments::{EnrollOptions, EnrollmentPatch, EnrollmentQuery, IdSet};
use enroll_store::{Store, StoreError};
use serde::Deserialize;
use uuid::Uuid;

/// `POST /users/{userId}/enrollments/{courseId}?reEnroll=` — create enrollment for user and course.
pub async fn create(
    caller: Caller,
    store: web::Data<Store>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AbsorbError> {
    caller.require_admin()?;
    let (user, course) = (guid(&path.0, "userId")?, guid(&path.1, "courseId")?);
    let reenroll = Params::from(&req)?.flag("reEnroll")?;
    let t = caller.tenant_id;
    let opts = EnrollOptions::new(Dialect::Absorb).reenroll(reenroll);
    let (learner, course_key) = (crate::scope::learner_key(user), crate::ids::course(course));
    let out = if caller.is_admin() {
        store.enroll_async(t, learner, course_key, opts).await?
    } else {
        // The scope is checked in the enroll's own transaction.
        let actor = caller.actor();
        run(&store, move |s| {
            s.enroll_as(t, &actor, &learner, &course_key, &opts)
        })
        .await?
    };
    Ok(HttpResponse::Created().json(Created {
        enrollment_id: out.enrollment.core.id,
        course_id: course,
        user_id: user,
    }))
}

/// The settable part of Absorb's course enrollment model; read-only fields are accepted and
/// ignored, as Absorb does.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CourseEnrollmentBody {
    course_id: Option<String>,
    status: Option<i32>,
    date_completed: Option<String>,
    date_expires: Option<String>,
    course_version_id: Option<String>,
    accepted_terms_and_conditions: Option<bool>,
    enrollment_key_id: Option<String>,
    credits: Option<f64>,
    score: Option<f64>,
}

/// The command that moves an enrollment to Absorb status `code`, and the state it reaches.
fn status_command(
    code: i32,
    score: Option<f64>,
) -> Result<(Command, EnrollmentState), AbsorbError> {
    Ok(match code {
        1 => (Command::Start, EnrollmentState::InProgress),
        3 => (Command::Complete { score }, EnrollmentState::Completed),
        4 => (Command::MarkNotComplete, EnrollmentState::NotComplete),
        5 => (Command::Fail { score }, EnrollmentState::Failed),
        0..=12 => {
            return Err(AbsorbError::Unprocessable(format!(
                "Status {code} cannot be set on an enrollment; use 1, 3, 4 or 5."
            )));
        }
        _ => {
            return Err(AbsorbError::BadRequest(format!(
                "The value {code} is not valid for status."
            )));
        }
    })
}

/// `POST /users/{userId}/enrollments?reEnroll=` — create or update course enrollment.
pub async fn create_or_update(
    caller: Caller,
    store: web::Data<Store>,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Json<CourseEnrollmentBody>,
) -> Result<HttpResponse, AbsorbError> {
    caller.require_admin()?;
    let user = guid(&path, "userId")?;
    let reenroll = Params::from(&req)?.flag("reEnroll")?;
    let b = body.into_inner();
    let course_raw = b
        .course_id
        .filter(|c| !c.trim().is_empty())
        .ok_or_else(|| AbsorbError::BadRequest("The CourseId field is required.".into()))?;
    let course = guid(&course_raw, "courseId")?;
    let mut patch = EnrollmentPatch {
        completed: b
            .date_completed
            .as_deref()
            .map(|d| datetime(d, "dateCompleted"))
            .transpose()?,
        expires: b
            .date_expires
            .as_deref()
            .map(|d| datetime(d, "dateExpires"))
            .transpose()?,
        attributes: crate::attributes::from_body(
            b.course_version_id
                .as_deref()
                .map(|v| guid(v, "courseVersionId"))
                .transpose()?,
            b.accepted_terms_and_conditions,
            b.enrollment_key_id
                .as_deref()
                .map(|v| guid(v, "enrollmentKeyId"))
                .transpose()?,
        ),
        credits: b.credits,
        score: b.score,
        ..Default::default()
    };
    if let Some(code) = b.status.filter(|c| *c != 0) {
        let (cmd, target) = status_command(code, b.score)?;
        patch.command = Some(cmd);
        patch.unless_state = Some(target);
    }
    let (t, c) = (caller.tenant_id, caller.clone());
    let opts = EnrollOptions::new(Dialect::Absorb).reenroll(reenroll);
    let rec = run(&store, move |s| {
        let (learner, course) = (crate::scope::learner_key(user), crate::ids::course(course));
        if c.is_admin() {
            s.upsert_enrollment(t, &learner, &course, &opts, &patch)
        } else {
            s.upsert_enrollment_as(t, &c.actor(), &learner, &course, &opts, &patch)
        }
    })
    .await?;
    Ok(HttpResponse::Created().json(Created {
        enrollment_id: rec.core.id,
        course_id: course,
        user_id: user,
    }))
}

/// `GET /users/{userId}/enrollments/{courseId}` (also `GET /courses/{courseId}/enrollments/{userId}`).
pub async fn get_for_user_course(
    caller: Caller,
    store: web::Data<Store>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AbsorbError> {
    caller.require_admin()?;
    let (user, course) = (guid(&path.0, "userId")?, guid(&path.1, "courseId")?);
    one(&caller, true, &store, &req, user, course).await
}

/// `GET /courses/{courseId}/enrollments/{userId}` — the same resource, course first.
pub async fn get_for_course_user(
    caller: Caller,
    store: web::Data<Store>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AbsorbError> {
    caller.require_admin()?;
    let (course, user) = (guid(&path.0, "courseId")?, guid(&path.1, "userId")?);
    one(&caller, true, &store, &req, user, course).await
}

/// Renders the active enrollment of (user, course), honouring `status`/`modifiedSince`; with
/// `scoped`, a user outside the caller's scope is not found.
pub(crate) async fn one(
    caller: &Caller,
    scoped: bool,
    store: &Store,
    req: &HttpRequest,
    user: Uuid,
    course: Uuid,
) -> Result<HttpResponse, AbsorbError> {
    let filter = super::ItemFilter::from(&Params::from(req)?)?;
    let (t, c) = (caller.tenant_id, caller.clone());
    let (_, _, view) = run(store, move |s| {
        let scope = if scoped { c.scope(s)? } else { Scope::All };
        active(s, &scope, t, user, course)
    })
    .await?;
    if !filter.keep(view.record.core.state, view.record.core.dates.edited) {
        return Err(AbsorbError::NotFound("Enrollment not found.".into()));
    }
    Ok(HttpResponse::Ok().json(wire::enrollment(&view, true)))
}

/// `GET /enrollments/{id}` — get course enrollment.
pub async fn get_by_id(
    caller: Caller,
    store: web::Data<Store>,
    path: web::Path<String>,
) -> Result<HttpResponse, AbsorbError> {
    caller.require_admin()?;
    let id = guid(&path, "id")?;
    let t = caller.tenant_id;
    let view = store.enrollment_async(t, id).await?;
    crate::scope::ensure_reaches(&caller, &store, &view.learner, "enrollment").await?;
    Ok(HttpResponse::Ok().json(wire::enrollment(&view, true)))
}

/// Runs a paged list and renders the envelope.
pub(crate) async fn page(
    store: &Store,
    tenant: Uuid,
    q: EnrollmentQuery,
    limit: i64,
    page: i64,
    full: bool,
) -> Result<HttpResponse, AbsorbError> {
    let (total, views) = run(store, move |s| s.list_enrollments(tenant, &q)).await?;
    let items = views.iter().map(|v| wire::enrollment(v, full)).collect();
    Ok(HttpResponse::Ok().json(wire::collection("enrollments", total, limit, page, items)))
}

/// `GET /users/{userId}/enrollments` — list course enrollments for a user (active and historical).
pub async fn list_for_user(
    caller: Caller,
    store: web::Data<Store>,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, AbsorbError> {
    caller.require_admin()?;
    let user = guid(&path, "userId")?;
    let (mut q, limit, pg) = Params::from(&req)?.enrollment_query()?;
    let (t, c) = (caller.tenant_id, caller.clone());
    let learner = run(&store, move |s| {
        crate::scope::learner(&c.scope(s)?, s, t, user)
    })
    .await?;
    q.learner_id = Some(learner.id);
    page(&store, t, q, limit, pg, true).await
}

/// `GET /courses/{courseId}/enrollments` — list enrollments for a course.
pub async fn list_for_course(
    caller: Caller,
    store: web::Data<Store>,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, AbsorbError> {
    caller.require_admin()?;
    let course = guid(&path, "courseId")?;
    let (mut q, limit, pg) = Params::from(&req)?.enrollment_query()?;
    let (t, c) = (caller.tenant_id, caller.clone());
    let (detail, departments) = run(&store, move |s| {
        Ok((
            s.course(t, &crate::ids::course(course))?,
            c.scope(s)?.departments(),
        ))
    })
    .await?;
    q.course_id = Some(detail.course.id);
    q.departments = departments;
    page(&store, t, q, limit, pg, false).await
}

/// `GET /enrollments?userIds=…&courseIds=…` — list course enrollments for a bulk user list,
/// with `_filter`/`_sort`; more than [`BULK_CAP`] matches is a 400 (the list has no paging).
pub async fn bulk(
    caller: Caller,
    store: web::Data<Store>,
    req: HttpRequest,
) -> Result<HttpResponse, AbsorbError> {
    caller.require_admin()?;
    let p = Params::from(&req)?;
    // `_filter` and `_sort` apply as on every enrollment list; paging does not (the result is
    // a plain array), so at most BULK_CAP enrollments come back: more is a 400 that says so.
    let filter = p.filter(crate::params::ENROLLMENT_FIELDS)?;
    let order = p.sort(crate::params::ENROLLMENT_FIELDS)?;
    let users = p
        .all("userIds")?
        .into_iter()
        .map(|u| guid(u, "userIds"))
        .collect::<Result<Vec<_>, _>>()?;
    let courses = p
        .all("courseIds")?
        .into_iter()
        .map(|c| guid(c, "courseIds"))
        .collect::<Result<Vec<_>, _>>()?;
    if users.is_empty() && courses.is_empty() {
        return Err(AbsorbError::BadRequest(
            "Provide userIds, courseIds or both.".into(),
        ));
    }
    if users.len() > 1000 || courses.len() > 1000 {
        return Err(AbsorbError::BadRequest(
            "At most 1000 userIds and 1000 courseIds per request.".into(),
        ));
    }
    let mut q = EnrollmentQuery {
        learners: (!users.is_empty()).then(|| IdSet {
            dialect: Dialect::Absorb,
            ids: users.iter().map(Uuid::to_string).collect(),
        }),
        courses: (!courses.is_empty()).then(|| IdSet {
            dialect: Dialect::Absorb,
            ids: courses.iter().map(Uuid::to_string).collect(),
        }),
        filter,
        order,
        limit: BULK_CAP,
        ..Default::default()
    };
    let (t, c) = (caller.tenant_id, caller.clone());
    // Unknown ids, and users outside the caller's scope, simply match nothing (a bulk read
    // never 404s).
    let (total, views) = run(&store, move |s| {
        q.departments = c.scope(s)?.departments();
        s.list_enrollments(t, &q)
    })
    .await?;
    if total > BULK_CAP {
        return Err(AbsorbError::BadRequest(format!(
            "{total} enrollments match; at most {BULK_CAP} are returned at once. Narrow userIds, courseIds or _filter."
        )));
    }
    Ok(HttpResponse::Ok().json(
        views
            .iter()
            .map(|v| wire::enrollment(v, true))
            .collect::<Vec<_>>(),
    ))
}

/// The most enrollments the bulk list returns (it has no paging).
pub const BULK_CAP: i64 = 10_000;

/// `POST /enrollments/unenroll` — body: a JSON array of enrollment ids. All or none; 204.
pub async fn unenroll(
    caller: Caller,
    store: web::Data<Store>,
    body: web::Json<Vec<String>>,
) -> Result<HttpResponse, AbsorbError> {
    caller.require_admin()?;
    let ids = body
        .iter()
        .map(|i| guid(i, "enrollment id"))
        .collect::<Result<Vec<_>, _>>()?;
    if ids.is_empty() {
        return Err(AbsorbError::BadRequest(
            "Provide at least one enrollment id.".into(),
        ));
    }
    let (t, actor) = (caller.tenant_id, caller.actor());
    // An enrollment of a user outside the caller's scope is refused like an unknown id, in
    // the un-enroll's own transaction.
    match store.call(move |s| s.unenroll_as(t, &actor, &ids)).await {
        Ok(_) => Ok(HttpResponse::NoContent().finish()),
        // Absorb answers a bad id in the list with 422 and names it.
        Err(StoreError::NotFound(what) | StoreError::Domain(DomainError::NotPermitted(what))) => {
            Err(AbsorbError::Unprocessable(format!(
                "The {what} was not found."
            )))
        }
        Err(e) => Err(e.into()),
    }
}

/// Shared by `/my-enrollments`: the caller's user id.
pub(crate) fn caller_user(caller: &Caller) -> Uuid {
    user_id(&caller.user)
}
