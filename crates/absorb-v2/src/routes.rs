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
        // Grouped under static prefixes: actix tries each route's pattern (a regex) in turn,
        // and a flat table made every request run a dozen of them before finding its own.
        .service(scope("/users").configure(users_routes))
        .service(scope("/courses").configure(courses_routes))
        .service(scope("/enrollments").configure(enrollments_routes))
        .service(scope("/attempts").configure(attempts_routes))
        .service(scope("/my-enrollments").configure(my_enrollments_routes))
        .default_service(web::to(not_found));
}

/// A nested scope whose unknown routes answer like the facade's.
fn scope(prefix: &str) -> actix_web::Scope {
    web::scope(prefix).default_service(web::to(not_found))
}

/// `/users…`: users, and everything under a user's course enrollment.
fn users_routes(cfg: &mut web::ServiceConfig) {
    const UE: &str = "/{userId}/enrollments";
    const UEC: &str = "/{userId}/enrollments/{courseId}";
    cfg.route("", web::get().to(users::list))
        .route(UEC, web::post().to(enrollments::create))
        .route(UEC, web::get().to(enrollments::get_for_user_course))
        .route("/{userId}", web::get().to(users::get))
        .route(UE, web::get().to(enrollments::list_for_user))
        .route(UE, web::post().to(enrollments::create_or_update))
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
        );
}

/// `/courses…`: courses and their rosters.
fn courses_routes(cfg: &mut web::ServiceConfig) {
    cfg.route("", web::get().to(courses::list))
        .route(
            "/{courseId}/enrollments",
            web::get().to(enrollments::list_for_course),
        )
        .route("/{courseId}", web::get().to(courses::get))
        .route(
            "/{courseId}/enrollments/{userId}",
            web::get().to(enrollments::get_for_course_user),
        )
        .route(
            "/{courseId}/sessions/{sessionId}/enrollments",
            web::get().to(sessions::roster),
        )
        .route(
            "/{courseId}/lessons/{lessonId}/enrollments",
            web::get().to(lessons::roster),
        );
}

/// `/enrollments…`: by id, bulk list, un-enroll.
fn enrollments_routes(cfg: &mut web::ServiceConfig) {
    cfg.route("", web::get().to(enrollments::bulk))
        .route("/unenroll", web::post().to(enrollments::unenroll))
        .route("/{id}", web::get().to(enrollments::get_by_id));
}

/// `/attempts…`: finishing an attempt by its id.
fn attempts_routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/{attemptId}/finish", web::post().to(attempts::finish))
        .route("/{attemptId}", web::put().to(attempts::finish));
}

/// `/my-enrollments…`: the caller's own enrollments.
fn my_enrollments_routes(cfg: &mut web::ServiceConfig) {
    cfg.route("", web::get().to(my_enrollments::list))
        .route("/{courseId}", web::get().to(my_enrollments::get))
        .route("/{courseId}", web::post().to(my_enrollments::create));
}

async fn not_found(req: HttpRequest) -> Result<&'static str, AbsorbError> {
    Err(AbsorbError::NotFound(format!(
        "No resource was found at '{}'.",
        req.path()
    )))
}
