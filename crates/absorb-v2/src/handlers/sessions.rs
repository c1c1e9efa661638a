//! Session enrollments of instructor-led courses.
use super::{ItemFilter, active, run, user_id};
use crate::auth::Caller;
use crate::error::AbsorbError;
use crate::params::{Params, guid};
use crate::wire;
use actix_web::{HttpRequest, HttpResponse, web};
use enroll_domain::model::{CourseKind, Dialect};
use enroll_store::enrollments::EnrollOptions;
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
    let (t, c) = (caller.tenant_id, caller.clone());
    let (learner, rows) = run(&store, move |s| {
        let (learner, _, view) = active(s, &c.scope(s)?, t, user, course)?;
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
    let (t, c) = (caller.tenant_id, caller.clone());
    let (learner, rows) = run(&store, move |s| {
        let (learner, _, view) = active(s, &c.scope(s)?, t, user, course)?;
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
    let (t, c) = (caller.tenant_id, caller.clone());
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
            &c.learner_key(s, user)?,
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
