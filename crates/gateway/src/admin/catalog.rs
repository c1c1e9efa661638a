//! Learners and courses.
use super::{Page, Result, dto, run, tenant};
use crate::AppState;
use actix_web::{HttpResponse, web};
use enroll_store::courses::{CourseKey, NewCourse};
use serde_json::{Value, json};
use uuid::Uuid;

/// Mounts `GET|POST /tenants/{t}/learners`, `GET|POST /tenants/{t}/courses`,
/// `GET /tenants/{t}/courses/{c}` and `POST /tenants/{t}/courses/{c}/versions`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/tenants/{tenant}/learners", web::get().to(list_learners))
        .route("/tenants/{tenant}/learners", web::post().to(create_learner))
        .route("/tenants/{tenant}/courses", web::get().to(list_courses))
        .route("/tenants/{tenant}/courses", web::post().to(create_course))
        .route(
            "/tenants/{tenant}/courses/{course}",
            web::get().to(get_course),
        )
        .route(
            "/tenants/{tenant}/courses/{course}/versions",
            web::post().to(publish_version),
        );
}

async fn create_learner(
    st: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: web::Json<dto::LearnerIn>,
) -> Result<HttpResponse> {
    let t = tenant(&st, path.into_inner()).await?;
    let new = body.into_inner().into_new();
    let l = run(&st.store, move |s| s.create_learner(t, &new)).await?;
    Ok(HttpResponse::Created().json(dto::learner(&l)))
}

async fn list_learners(
    st: web::Data<AppState>,
    path: web::Path<Uuid>,
    page: web::Query<Page>,
) -> Result<HttpResponse> {
    let t = tenant(&st, path.into_inner()).await?;
    let (limit, offset) = page.bounds();
    let (total, items) = run(&st.store, move |s| {
        s.list_learners(
            t,
            &enroll_store::learners::LearnerQuery {
                limit,
                offset,
                ..Default::default()
            },
        )
    })
    .await?;
    let items: Vec<Value> = items.iter().map(dto::learner).collect();
    Ok(HttpResponse::Ok().json(json!({"total": total, "learners": items})))
}

async fn create_course(
    st: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: web::Json<NewCourse>,
) -> Result<HttpResponse> {
    let t = tenant(&st, path.into_inner()).await?;
    let b = body.into_inner();
    let id = run(&st.store, move |s| s.create_course(t, &b)).await?;
    Ok(HttpResponse::Created().json(json!({"id": id})))
}

async fn list_courses(
    st: web::Data<AppState>,
    path: web::Path<Uuid>,
    page: web::Query<Page>,
) -> Result<HttpResponse> {
    let t = tenant(&st, path.into_inner()).await?;
    let (limit, offset) = page.bounds();
    let q = enroll_store::courses::CourseQuery {
        limit,
        offset,
        ..Default::default()
    };
    let (total, items) = run(&st.store, move |s| s.list_courses(t, &q)).await?;
    let items: Vec<Value> = items.iter().map(dto::course).collect();
    Ok(HttpResponse::Ok().json(json!({"total": total, "courses": items})))
}

async fn get_course(
    st: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse> {
    let (t, c) = path.into_inner();
    let d = run(&st.store, move |s| s.course(t, &CourseKey::Id(c))).await?;
    let all = |v: Vec<Value>| Value::Array(v);
    Ok(HttpResponse::Ok().json(json!({
        "course": dto::course(&d.course),
        "sessions": all(d.sessions.iter().map(dto::session).collect()),
        "chapters": all(d.chapters.iter().map(dto::chapter).collect()),
        "lessons": all(d.lessons.iter().map(dto::lesson).collect()),
        "members": d.members,
    })))
}

/// Publishes a new version of a course (as re-importing its package would): enrollments made
/// from now on carry it, earlier ones keep theirs. 201 `{"version": n}`.
async fn publish_version(
    st: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse> {
    let (t, c) = path.into_inner();
    let t = tenant(&st, t).await?;
    let version = run(&st.store, move |s| s.publish_course_version(t, c)).await?;
    Ok(HttpResponse::Created().json(json!({"version": version})))
}
