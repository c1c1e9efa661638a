//! Lesson attempts: list, start, finish (by attempt id, or for a specific user's lesson).
use super::{active, run};
use crate::auth::Caller;
use crate::error::AbsorbError;
use crate::params::{datetime, guid};
use crate::scope::Scope;
use crate::wire;
use actix_web::{HttpResponse, web};
use enroll_progress::LessonProgress;
use enroll_progress::lessons::FinishAttempt;
use enroll_store::Store;
use serde::Deserialize;
use serde_json::json;

/// `GET /users/{userId}/enrollments/{courseId}/lessons/{lessonId}/attempts` — list user's attempts for a lesson.
pub async fn list(
    caller: Caller,
    store: web::Data<Store>,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, AbsorbError> {
    caller.require_admin()?;
    let (user, course, lesson) = (
        guid(&path.0, "userId")?,
        guid(&path.1, "courseId")?,
        guid(&path.2, "lessonId")?,
    );
    let (t, c) = (caller.tenant_id, caller.clone());
    let rows = run(&store, move |s| {
        let (_, _, view) = active(s, &c.scope(s)?, t, user, course)?;
        s.list_attempts(t, view.record.core.id, lesson)
    })
    .await?;
    Ok(HttpResponse::Ok().json(rows.iter().map(wire::attempt).collect::<Vec<_>>()))
}

/// `POST /users/{userId}/enrollments/{courseId}/lessons/{lessonId}/attempts` — start an attempt
/// for an active lesson enrollment. 200 `{attemptId, courseId, userId}`.
pub async fn start(
    caller: Caller,
    store: web::Data<Store>,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, AbsorbError> {
    caller.require_admin()?;
    let (user, course, lesson) = (
        guid(&path.0, "userId")?,
        guid(&path.1, "courseId")?,
        guid(&path.2, "lessonId")?,
    );
    let (t, c) = (caller.tenant_id, caller.clone());
    let a = run(&store, move |s| {
        let (_, _, view) = active(s, &c.scope(s)?, t, user, course)?;
        s.start_attempt(t, view.record.core.id, lesson)
    })
    .await?;
    Ok(HttpResponse::Ok().json(json!({"attemptId": a.id, "courseId": course, "userId": user})))
}

/// The finish-attempt body.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FinishBody {
    status: Option<i32>,
    score: Option<f64>,
    start_date: Option<String>,
    completion_date: Option<String>,
}

fn finish_of(b: FinishBody) -> Result<FinishAttempt, AbsorbError> {
    let code = b
        .status
        .ok_or_else(|| AbsorbError::BadRequest("The Status field is required.".into()))?;
    let status = crate::vocab::attempt_status(code).ok_or_else(|| {
        AbsorbError::BadRequest(format!(
            "The value {code} is not valid for status; use 1, 3 or 5."
        ))
    })?;
    let started = b
        .start_date
        .as_deref()
        .map(|d| datetime(d, "startDate"))
        .transpose()?;
    let completed = b
        .completion_date
        .as_deref()
        .map(|d| datetime(d, "completionDate"))
        .transpose()?;
    if let (Some(s), Some(c)) = (started, completed)
        && c < s
    {
        return Err(AbsorbError::Unprocessable(
            "completionDate is before startDate".into(),
        ));
    }
    Ok(FinishAttempt {
        status,
        score: b.score,
        started,
        completed,
    })
}

/// `POST /attempts/{attemptId}/finish` (also `PUT /attempts/{attemptId}`) — finish attempt. An
/// attempt of a user outside the caller's scope is not found.
pub async fn finish(
    caller: Caller,
    store: web::Data<Store>,
    path: web::Path<String>,
    body: web::Json<FinishBody>,
) -> Result<HttpResponse, AbsorbError> {
    caller.require_admin()?;
    let id = guid(&path, "attemptId")?;
    let f = finish_of(body.into_inner())?;
    let (t, c) = (caller.tenant_id, caller.clone());
    let a = run(&store, move |s| {
        // Whose attempt it is decides whether a department administrator may finish it.
        let scope = c.scope(s)?;
        if scope != Scope::All {
            let attempt = s.attempt(t, id)?;
            crate::scope::check(
                &scope,
                &s.enrollment(t, attempt.enrollment_id)?.learner,
                "attempt",
            )?;
        }
        s.finish_attempt(t, id, None, &f)
    })
    .await?;
    Ok(HttpResponse::Ok().json(json!({"attemptId": a.id})))
}

/// `POST /users/{userId}/enrollments/{courseId}/lessons/{lessonId}/attempts/{attemptId}/finish`
/// (also `PUT …/attempts/{attemptId}`) — finish a specific user's lesson attempt.
pub async fn finish_for_user(
    caller: Caller,
    store: web::Data<Store>,
    path: web::Path<(String, String, String, String)>,
    body: web::Json<FinishBody>,
) -> Result<HttpResponse, AbsorbError> {
    caller.require_admin()?;
    let (user, course, lesson) = (
        guid(&path.0, "userId")?,
        guid(&path.1, "courseId")?,
        guid(&path.2, "lessonId")?,
    );
    let id = guid(&path.3, "attemptId")?;
    let f = finish_of(body.into_inner())?;
    let (t, c) = (caller.tenant_id, caller.clone());
    let a = run(&store, move |s| {
        let (_, _, view) = active(s, &c.scope(s)?, t, user, course)?;
        s.finish_attempt(t, id, Some((view.record.core.id, lesson)), &f)
    })
    .await?;
    Ok(HttpResponse::Ok().json(json!({"attemptId": a.id})))
}
