//! Route wiring only (paths relative to the mount point, e.g. `/absorb`).
use crate::auth_cache::AuthCache;
use crate::error::AbsorbError;
use crate::handlers::{
    attempts, authenticate, chapters, courses, enrollments, lessons, my_enrollments, openapi,
    sessions, users,
};
use actix_web::{HttpRequest, web};

/// Mounts the Absorb facade. Malformed bodies, queries and paths and unknown routes answer in
/// Absorb's `GenericErrorResponse` shape.
pub fn configure(cfg: &mut web::ServiceConfig) {
    const UE: &str = "/users/{userId}/enrollments";
    const UEC: &str = "/users/{userId}/enrollments/{courseId}";
    cfg.app_data(web::Data::new(AuthCache::default()))
        .app_data(web::JsonConfig::default().error_handler(|e, _| {
            AbsorbError::BadRequest(format!("The request body is invalid: {e}")).into()
        }))
        .app_data(
            web::QueryConfig::default()
                .error_handler(|e, _| AbsorbError::BadRequest(e.to_string()).into()),
        )
        .app_data(
            web::PathConfig::default()
                .error_handler(|e, _| AbsorbError::BadRequest(e.to_string()).into()),
        )
        .route("/openapi.json", web::get().to(openapi::get))
        .route("/authenticate", web::post().to(authenticate::authenticate))
        .route("/users", web::get().to(users::list))
        .route("/users/{userId}", web::get().to(users::get))
        .route("/courses", web::get().to(courses::list))
        .route("/courses/{courseId}", web::get().to(courses::get))
        .route(
            "/courses/{courseId}/enrollments",
            web::get().to(enrollments::list_for_course),
        )
        .route(
            "/courses/{courseId}/enrollments/{userId}",
            web::get().to(enrollments::get_for_course_user),
        )
        .route(
            "/courses/{courseId}/sessions/{sessionId}/enrollments",
            web::get().to(sessions::roster),
        )
        .route(
            "/courses/{courseId}/lessons/{lessonId}/enrollments",
            web::get().to(lessons::roster),
        )
        .route("/enrollments", web::get().to(enrollments::bulk))
        .route(
            "/enrollments/unenroll",
            web::post().to(enrollments::unenroll),
        )
        .route("/enrollments/{id}", web::get().to(enrollments::get_by_id))
        .route(
            "/attempts/{attemptId}/finish",
            web::post().to(attempts::finish),
        )
        .route("/attempts/{attemptId}", web::put().to(attempts::finish))
        .route(UE, web::get().to(enrollments::list_for_user))
        .route(UE, web::post().to(enrollments::create_or_update))
        .route(UEC, web::get().to(enrollments::get_for_user_course))
        .route(UEC, web::post().to(enrollments::create))
        .route(&format!("{UEC}/sessions"), web::get().to(sessions::list))
        .route(
            &format!("{UEC}/sessions/{{sessionId}}"),
            web::get().to(sessions::get),
        )
        .route(
            &format!("{UEC}/sessions/{{sessionId}}"),
            web::post().to(sessions::create),
        )
        .route(&format!("{UEC}/chapters"), web::get().to(chapters::list))
        .route(
            &format!("{UEC}/chapters/{{chapterId}}"),
            web::get().to(chapters::get),
        )
        .route(
            &format!("{UEC}/chapters/{{chapterId}}/lessons"),
            web::get().to(lessons::list_in_chapter),
        )
        .route(
            &format!("{UEC}/chapters/{{chapterId}}/lessons/{{lessonId}}"),
            web::get().to(lessons::get_in_chapter),
        )
        .route(&format!("{UEC}/lessons"), web::get().to(lessons::list))
        .route(
            &format!("{UEC}/lessons/{{lessonId}}"),
            web::get().to(lessons::get),
        )
        .route(
            &format!("{UEC}/lessons/{{lessonId}}/attempts"),
            web::get().to(attempts::list),
        )
        .route(
            &format!("{UEC}/lessons/{{lessonId}}/attempts"),
            web::post().to(attempts::start),
        )
        .route(
            &format!("{UEC}/lessons/{{lessonId}}/attempts/{{attemptId}}/finish"),
            web::post().to(attempts::finish_for_user),
        )
        .route(
            &format!("{UEC}/lessons/{{lessonId}}/attempts/{{attemptId}}"),
            web::put().to(attempts::finish_for_user),
        )
        .route("/my-enrollments", web::get().to(my_enrollments::list))
        .route(
            "/my-enrollments/{courseId}",
            web::get().to(my_enrollments::get),
        )
        .route(
            "/my-enrollments/{courseId}",
            web::post().to(my_enrollments::create),
        )
        .default_service(web::to(not_found));
}

async fn not_found(req: HttpRequest) -> Result<&'static str, AbsorbError> {
    Err(AbsorbError::NotFound(format!(
        "No resource was found at '{}'.",
        req.path()
    )))
}
