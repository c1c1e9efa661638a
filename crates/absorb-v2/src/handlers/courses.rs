//! `GET /courses` and `GET /courses/{courseId}`.
use super::run;
use crate::auth::Caller;
use crate::error::AbsorbError;
use crate::params::{COURSE_FIELDS, Params, guid};
use crate::wire::collection;
use actix_web::{HttpRequest, HttpResponse, web};
use enroll_domain::model::{Course, CourseKind};
use enroll_store::Store;
use enroll_store::courses::CourseQuery;
use serde_json::{Value, json};

/// Absorb's course resource (the fields integrations read).
fn course(c: &Course) -> Value {
    let kind = match c.kind {
        CourseKind::OnlineCourse => "OnlineCourse",
        CourseKind::InstructorLed => "InstructorLedCourse",
        CourseKind::Bundle => "CourseBundle",
        CourseKind::Curriculum => "Curriculum",
    };
    json!({
        "id": crate::ids::course_id(c), "name": c.title, "courseType": kind, "activeStatus": 0,
        "requiresApproval": c.requires_approval, "capacity": c.capacity,
    })
}

/// `GET /courses` — paged, filterable and sortable (`_filter`/`_sort` over [`COURSE_FIELDS`]).
pub async fn list(
    caller: Caller,
    store: web::Data<Store>,
    req: HttpRequest,
) -> Result<HttpResponse, AbsorbError> {
    caller.require_admin()?;
    let p = Params::from(&req)?;
    let (limit, page) = p.page()?;
    let q = CourseQuery {
        filter: p.filter(COURSE_FIELDS)?,
        order: p.sort(COURSE_FIELDS)?,
        limit,
        offset: page.saturating_mul(limit),
    };
    let t = caller.tenant_id;
    let (total, courses) = run(&store, move |s| s.list_courses(t, &q)).await?;
    Ok(HttpResponse::Ok().json(collection(
        "courses",
        total,
        limit,
        page,
        courses.iter().map(course).collect(),
    )))
}

/// `GET /courses/{courseId}` — with its sessions, chapters and lessons.
pub async fn get(
    caller: Caller,
    store: web::Data<Store>,
    path: web::Path<String>,
) -> Result<HttpResponse, AbsorbError> {
    caller.require_admin()?;
    let id = guid(&path, "courseId")?;
    let t = caller.tenant_id;
    let d = run(&store, move |s| s.course(t, &crate::ids::course(id))).await?;
    let mut v = course(&d.course);
    v["sessions"] = json!(
        d.sessions
            .iter()
            .map(|x| json!({"id": x.id, "name": x.name}))
            .collect::<Vec<_>>()
    );
    v["chapters"] = json!(
        d.chapters
            .iter()
            .map(|x| json!({"id": x.id, "name": x.name}))
            .collect::<Vec<_>>()
    );
    v["lessons"] = json!(
        d.lessons
            .iter()
            .map(|x| json!({"id": x.id, "chapterId": x.chapter_id, "name": x.name, "type": crate::vocab::lesson_type(x.kind)}))
            .collect::<Vec<_>>()
    );
    Ok(HttpResponse::Ok().json(v))
}
