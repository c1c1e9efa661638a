//! Session enrollments of instructor-led courses.
use super::{ItemFilter, active, run, user_id};
use crate::auth::Caller;
use crate::error::AbsorbError;
use crate::params::{Params, guid};
use crate::wire;
use actix_web::{HttpRequest, HttpResponse, web};
use enroll_domain::model::{CourseKind, Dialect};
use enroll_store::enrollments::EnrollOptions;
use enroll_store::learners::LearnerKey;
use enroll_store::{Store, StoreError};
use serde_json::json;

/// `GET /users/{userId}/enrollments/{courseId}/sessions` — list user's session enrollments.
pub async fn list(
    caller: Caller,
    store: web::Data<Store>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AbsorbError> {
    caller.require_admin()?;
    let (user, course) = (guid(&path.0, "userId")?, guid(&path.1, "courseId")?);
    let filter = ItemFilter::from(&Params::from(&req)?)?;
    let t = caller.tenant_id;
    let (learner, rows) = run(&store, move |s| {
        let (learner, _, view) = active(s, t, user, course)?;
        Ok((learner, s.session_enrollments(t, view.record.core.id)?))
    })
    .await?;
    let items: Vec<_> = rows
        .iter()
        .filter(|r| filter.keep(r.state, Some(r.edited)))
        .map(|r| wire::session(r, user_id(&learner), &learner.full_name()))
        .collect();
    Ok(HttpResponse::Ok().json(items))
}

/// `GET /users/{userId}/enrollments/{courseId}/sessions/{sessionId}` — get user's session enrollment.
pub async fn get(
    caller: Caller,
    store: web::Data<Store>,
    req: HttpRequest,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, AbsorbError> {
    caller.require_admin()?;
    let (user, course, session) = (
        guid(&path.0, "userId")?,
        guid(&path.1, "courseId")?,
        guid(&path.2, "sessionId")?,
    );
    let filter = ItemFilter::from(&Params::from(&req)?)?;
    let t = caller.tenant_id;
    let (learner, rows) = run(&store, move |s| {
        let (learner, _, view) = active(s, t, user, course)?;
        Ok((learner, s.session_enrollments(t, view.record.core.id)?))
    })
    .await?;
    let row = rows
        .iter()
        .find(|r| r.session_id == session && filter.keep(r.state, Some(r.edited)))
        .ok_or_else(|| AbsorbError::NotFound("Session enrollment not found.".into()))?;
    Ok(HttpResponse::Ok().json(wire::session(row, user_id(&learner), &learner.full_name())))
}

/// `POST /users/{userId}/enrollments/{courseId}/sessions/{sessionId}?reEnroll=&cancelSession=` —
/// create ILC enrollment (and session enrollment) for a user.
pub async fn create(
    caller: Caller,
    store: web::Data<Store>,
    req: HttpRequest,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, AbsorbError> {
    caller.require_admin()?;
    let (user, course, session) = (
        guid(&path.0, "userId")?,
        guid(&path.1, "courseId")?,
        guid(&path.2, "sessionId")?,
    );
    let p = Params::from(&req)?;
    let (reenroll, cancel) = (p.flag("reEnroll")?, p.flag("cancelSession")?);
    let t = caller.tenant_id;
    let opts = EnrollOptions::new(Dialect::Absorb).reenroll(reenroll);
    let out = run(&store, move |s| {
        let detail = s.course(t, &crate::ids::course(course))?;
        if detail.course.kind != CourseKind::InstructorLed {
            return Err(StoreError::Invalid(
                "The course is not an instructor led course.".into(),
            ));
        }
        s.enroll_session(
            t,
            &crate::ids::user(user),
            &crate::ids::course(course),
            session,
            &opts,
            cancel,
        )
    })
    .await?;
    let se = out.session_enrollment_id.ok_or(AbsorbError::Internal)?;
    Ok(HttpResponse::Created().json(json!({
        "userId": user, "courseId": course, "sessionId": session,
        "enrollmentId": out.enrollment.core.id, "sessionEnrollmentId": se,
    })))
}

/// `GET /courses/{courseId}/sessions/{sessionId}/enrollments` — list an ILC session's enrollments.
/// Paged with `_limit`/`_offset`; `status`/`modifiedSince` filter the page; `_filter` and
/// `_sort` are a 400 (not supported here).
pub async fn roster(
    caller: Caller,
    store: web::Data<Store>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AbsorbError> {
    caller.require_admin()?;
    let (course, session) = (guid(&path.0, "courseId")?, guid(&path.1, "sessionId")?);
    let p = Params::from(&req)?;
    // Refused rather than ignored: a client must not take an unfiltered page for a filtered one.
    if let Some(name) = ["_filter", "_sort"]
        .into_iter()
        .find(|n| p.text(n).is_some())
    {
        return Err(AbsorbError::BadRequest(format!(
            "{name} is not supported on a session's enrollments; use status and modifiedSince."
        )));
    }
    let (limit, page) = p.page()?;
    let filter = ItemFilter::from(&p)?;
    let t = caller.tenant_id;
    let (total, rows, learners) = run(&store, move |s| {
        let detail = s.course(t, &crate::ids::course(course))?;
        if !detail.sessions.iter().any(|x| x.id == session) {
            return Err(StoreError::NotFound("session".into()));
        }
        let (total, rows) = s.session_roster(t, session, limit, page.saturating_mul(limit))?;
        let learners = rows
            .iter()
            .map(|r| s.learner(t, &LearnerKey::Id(r.learner_id)))
            .collect::<Result<Vec<_>, _>>()?;
        Ok((total, rows, learners))
    })
    .await?;
    let items = rows
        .iter()
        .zip(&learners)
        .filter(|(r, _)| filter.keep(r.state, Some(r.edited)))
        .map(|(r, l)| wire::session(r, user_id(l), &l.full_name()))
        .collect();
    Ok(HttpResponse::Ok().json(wire::collection("enrollments", total, limit, page, items)))
}
