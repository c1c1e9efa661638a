//! Lesson enrollments.
use super::{ItemFilter, active, run, user_id};
use crate::auth::Caller;
use crate::error::AbsorbError;
use crate::params::{Params, guid};
use crate::wire;
use actix_web::{HttpRequest, HttpResponse, web};
use enroll_domain::model::Learner;
use enroll_progress::LessonProgress;
use enroll_progress::lessons::LessonEnrollment;
use enroll_store::Store;
use uuid::Uuid;

async fn load(
    caller: &Caller,
    store: &Store,
    user: Uuid,
    course: Uuid,
) -> Result<(Learner, Vec<LessonEnrollment>), AbsorbError> {
    let (t, c) = (caller.tenant_id, caller.clone());
    run(store, move |s| {
        let (learner, _, view) = active(s, &c.scope(s)?, t, user, course)?;
        Ok((learner, s.lesson_tree(t, view.record.core.id)?.0))
    })
    .await
}

fn render(
    req: &HttpRequest,
    learner: &Learner,
    rows: &[LessonEnrollment],
    chapter: Option<Uuid>,
) -> Result<HttpResponse, AbsorbError> {
    let filter = ItemFilter::from(&Params::from(req)?)?;
    let items: Vec<_> = rows
        .iter()
        .filter(|l| {
            chapter.is_none_or(|c| l.lesson.chapter_id == c) && filter.keep(l.state, Some(l.edited))
        })
        .map(|l| wire::lesson(l, user_id(learner), &learner.full_name()))
        .collect();
    Ok(HttpResponse::Ok().json(items))
}

fn one(
    learner: &Learner,
    rows: &[LessonEnrollment],
    lesson: Uuid,
    chapter: Option<Uuid>,
) -> Result<HttpResponse, AbsorbError> {
    let l = rows
        .iter()
        .find(|l| l.lesson.id == lesson && chapter.is_none_or(|c| l.lesson.chapter_id == c))
        .ok_or_else(|| AbsorbError::NotFound("Lesson not found.".into()))?;
    Ok(HttpResponse::Ok().json(wire::lesson(l, user_id(learner), &learner.full_name())))
}

/// `GET /users/{userId}/enrollments/{courseId}/lessons` — list user's lesson enrollments in a course.
pub async fn list(
    caller: Caller,
    store: web::Data<Store>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AbsorbError> {
    caller.require_admin()?;
    let (user, course) = (guid(&path.0, "userId")?, guid(&path.1, "courseId")?);
    let (learner, rows) = load(&caller, &store, user, course).await?;
    render(&req, &learner, &rows, None)
}

/// `GET /users/{userId}/enrollments/{courseId}/lessons/{lessonId}` — get user's lesson enrollment.
pub async fn get(
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
    let (learner, rows) = load(&caller, &store, user, course).await?;
    one(&learner, &rows, lesson, None)
}

/// `GET /users/{userId}/enrollments/{courseId}/chapters/{chapterId}/lessons` — list a chapter's lesson enrollments.
pub async fn list_in_chapter(
    caller: Caller,
    store: web::Data<Store>,
    req: HttpRequest,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, AbsorbError> {
    caller.require_admin()?;
    let (user, course, chapter) = (
        guid(&path.0, "userId")?,
        guid(&path.1, "courseId")?,
        guid(&path.2, "chapterId")?,
    );
    let (learner, rows) = load(&caller, &store, user, course).await?;
    if !rows.iter().any(|l| l.lesson.chapter_id == chapter) {
        return Err(AbsorbError::NotFound("Chapter not found.".into()));
    }
    render(&req, &learner, &rows, Some(chapter))
}

/// `GET /users/{userId}/enrollments/{courseId}/chapters/{chapterId}/lessons/{lessonId}` — get lesson enrollment via its chapter.
pub async fn get_in_chapter(
    caller: Caller,
    store: web::Data<Store>,
    path: web::Path<(String, String, String, String)>,
) -> Result<HttpResponse, AbsorbError> {
    caller.require_admin()?;
    let (user, course) = (guid(&path.0, "userId")?, guid(&path.1, "courseId")?);
    let (chapter, lesson) = (guid(&path.2, "chapterId")?, guid(&path.3, "lessonId")?);
    let (learner, rows) = load(&caller, &store, user, course).await?;
    one(&learner, &rows, lesson, Some(chapter))
}

/// `GET /courses/{courseId}/lessons/{lessonId}/enrollments` — lists enrollments for a lesson,
/// one per course enrollment of the course (paged and filtered like course enrollments; a
/// department administrator's hold only their department subtree's learners).
pub async fn roster(
    caller: Caller,
    store: web::Data<Store>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AbsorbError> {
    caller.require_admin()?;
    let (course, lesson) = (guid(&path.0, "courseId")?, guid(&path.1, "lessonId")?);
    let (mut q, limit, page) = Params::from(&req)?.enrollment_query()?;
    let (t, c) = (caller.tenant_id, caller.clone());
    let (total, rows, learners) = run(&store, move |s| {
        let detail = s.course(t, &crate::ids::course(course))?;
        if !detail.lessons.iter().any(|l| l.id == lesson) {
            return Err(enroll_store::StoreError::NotFound("lesson".into()));
        }
        q.course_id = Some(detail.course.id);
        q.departments = c.scope(s)?.departments();
        let (total, views) = s.list_enrollments(t, &q)?;
        let ids: Vec<Uuid> = views.iter().map(|v| v.record.core.id).collect();
        let rows = s.lesson_enrollments_for(t, &ids, lesson)?;
        let learners = rows
            .iter()
            .map(|r| {
                views
                    .iter()
                    .find(|v| v.record.core.id == r.enrollment_id)
                    .map(|v| v.learner.clone())
                    .ok_or_else(|| enroll_store::StoreError::Internal("lost enrollment".into()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok((total, rows, learners))
    })
    .await?;
    let items = rows
        .iter()
        .zip(&learners)
        .map(|(r, l)| wire::lesson(r, user_id(l), &l.full_name()))
        .collect();
    Ok(HttpResponse::Ok().json(wire::collection(
        "lessonEnrollments",
        total,
        limit,
        page,
        items,
    )))
}
