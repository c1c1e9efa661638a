//! Chapter enrollments (derived from lesson enrollments).
use super::{ItemFilter, active, run, user_id};
use crate::auth::Caller;
use crate::error::AbsorbError;
use crate::params::{Params, guid};
use crate::wire;
use actix_web::{HttpRequest, HttpResponse, web};
use enroll_progress::LessonProgress;
use enroll_store::Store;

async fn load(
    caller: &Caller,
    store: &Store,
    user: uuid::Uuid,
    course: uuid::Uuid,
) -> Result<
    (
        enroll_domain::model::Learner,
        Vec<enroll_progress::lessons::ChapterEnrollment>,
    ),
    AbsorbError,
> {
    let (t, c) = (caller.tenant_id, caller.clone());
    run(store, move |s| {
        let (learner, _, view) = active(s, &c.scope(s)?, t, user, course)?;
        Ok((learner, s.lesson_tree(t, view.record.core.id)?.1))
    })
    .await
}

/// `GET /users/{userId}/enrollments/{courseId}/chapters` — list chapter enrollments.
pub async fn list(
    caller: Caller,
    store: web::Data<Store>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AbsorbError> {
    caller.require_admin()?;
    let (user, course) = (guid(&path.0, "userId")?, guid(&path.1, "courseId")?);
    let filter = ItemFilter::from(&Params::from(&req)?)?;
    let (learner, chapters) = load(&caller, &store, user, course).await?;
    let items: Vec<_> = chapters
        .iter()
        .filter(|c| filter.keep(c.state, c.completed.or(c.started).or(Some(c.added))))
        .map(|c| wire::chapter(c, user_id(&learner), &learner.full_name()))
        .collect();
    Ok(HttpResponse::Ok().json(items))
}

/// `GET /users/{userId}/enrollments/{courseId}/chapters/{chapterId}` — get chapter enrollment.
pub async fn get(
    caller: Caller,
    store: web::Data<Store>,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, AbsorbError> {
    caller.require_admin()?;
    let (user, course, chapter) = (
        guid(&path.0, "userId")?,
        guid(&path.1, "courseId")?,
        guid(&path.2, "chapterId")?,
    );
    let (learner, chapters) = load(&caller, &store, user, course).await?;
    let c = chapters
        .iter()
        .find(|c| c.chapter_id == chapter)
        .ok_or_else(|| AbsorbError::NotFound("Chapter not found.".into()))?;
    Ok(HttpResponse::Ok().json(wire::chapter(c, user_id(&learner), &learner.full_name())))
}
