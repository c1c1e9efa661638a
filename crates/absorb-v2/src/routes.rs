//! Route wiring only (paths relative to the mount point, e.g. `/absorb`).
use crate::error::AbsorbError;
use crate::handlers::openapi::OPS;
use crate::handlers::{
    attempts, authenticate, chapters, courses, enrollments, lessons, my_enrollments, openapi,
    session_roster, sessions, users,
};
use actix_web::middleware::from_fn;
use actix_web::{HttpRequest, Resource, web};

/// Mounts the Absorb facade. Malformed bodies, queries and paths, unknown routes (404) and
/// methods a known path does not take (405, with `Allow`) answer in Absorb's
/// `GenericErrorResponse` shape.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("")
            // The host's ledger registration, checked once per request (a clear log line
            // instead of actix's plain-text 500).
            .wrap(from_fn(|req, next| {
                enroll_web::require_store(req, next, "absorb-v2", || AbsorbError::Internal)
            }))
            .configure(routes),
    );
}

fn routes(cfg: &mut web::ServiceConfig) {
    cfg.app_data(web::JsonConfig::default().error_handler(|e, _| {
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
    .service(with_405(web::resource("/openapi.json"), "GET".into()).get(openapi::get))
    .service(res("", "/authenticate").post(authenticate::authenticate))
    // Grouped under static prefixes: actix tries each resource's pattern (a regex) in
    // turn, and a flat table made every request run a dozen of them before finding its
    // own. One resource per path (its methods as routes inside it) keeps that count and
    // lets a wrong method reach the resource's 405 instead of falling through to 404.
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

/// The resource at `prefix` + `path`; other methods get a 405 whose `Allow` lists the
/// methods the OpenAPI table ([`OPS`]) documents for that path (a test checks they agree).
fn res(prefix: &str, path: &str) -> Resource {
    let full = format!("{prefix}{path}");
    let allow: Vec<String> = OPS
        .iter()
        .filter(|op| op.path == full)
        .map(|op| op.method.to_ascii_uppercase())
        .collect();
    with_405(web::resource(path), allow.join(", "))
}

/// `resource` answering methods it has no route for with a 405 that names `allow`.
fn with_405(resource: Resource, allow: String) -> Resource {
    resource.default_service(web::to(move |req: HttpRequest| {
        let allow = allow.clone();
        async move {
            Err::<&'static str, _>(AbsorbError::MethodNotAllowed {
                method: req.method().to_string(),
                allow,
            })
        }
    }))
}

/// `/users…`: users, and everything under a user's course enrollment.
fn users_routes(cfg: &mut web::ServiceConfig) {
    let r = |p: &str| res("/users", p);
    const UEC: &str = "/{userId}/enrollments/{courseId}";
    const UECL: &str = "/{userId}/enrollments/{courseId}/lessons/{lessonId}";
    const UECC: &str = "/{userId}/enrollments/{courseId}/chapters/{chapterId}";
    cfg.service(r("").get(users::list))
        .service(
            r(UEC)
                .post(enrollments::create)
                .get(enrollments::get_for_user_course),
        )
        .service(r("/{userId}").get(users::get))
        .service(
            r("/{userId}/enrollments")
                .get(enrollments::list_for_user)
                .post(enrollments::create_or_update),
        )
        .service(r(&format!("{UEC}/sessions")).get(sessions::list))
        .service(
            r(&format!("{UEC}/sessions/{{sessionId}}"))
                .get(sessions::get)
                .post(sessions::create),
        )
        .service(r(&format!("{UEC}/chapters")).get(chapters::list))
        .service(r(UECC).get(chapters::get))
        .service(r(&format!("{UECC}/lessons")).get(lessons::list_in_chapter))
        .service(r(&format!("{UECC}/lessons/{{lessonId}}")).get(lessons::get_in_chapter))
        .service(r(&format!("{UEC}/lessons")).get(lessons::list))
        .service(r(UECL).get(lessons::get))
        .service(
            r(&format!("{UECL}/attempts"))
                .get(attempts::list)
                .post(attempts::start),
        )
        .service(
            r(&format!("{UECL}/attempts/{{attemptId}}/finish")).post(attempts::finish_for_user),
        )
        .service(r(&format!("{UECL}/attempts/{{attemptId}}")).put(attempts::finish_for_user));
}

/// `/courses…`: courses and their rosters.
fn courses_routes(cfg: &mut web::ServiceConfig) {
    let r = |p: &str| res("/courses", p);
    cfg.service(r("").get(courses::list))
        .service(r("/{courseId}/enrollments").get(enrollments::list_for_course))
        .service(r("/{courseId}").get(courses::get))
        .service(r("/{courseId}/enrollments/{userId}").get(enrollments::get_for_course_user))
        .service(r("/{courseId}/sessions/{sessionId}/enrollments").get(session_roster::list))
        .service(r("/{courseId}/lessons/{lessonId}/enrollments").get(lessons::roster));
}

/// `/enrollments…`: by id, bulk list, un-enroll.
fn enrollments_routes(cfg: &mut web::ServiceConfig) {
    let r = |p: &str| res("/enrollments", p);
    cfg.service(r("").get(enrollments::bulk))
        .service(r("/unenroll").post(enrollments::unenroll))
        .service(r("/{id}").get(enrollments::get_by_id));
}

/// `/attempts…`: finishing an attempt by its id.
fn attempts_routes(cfg: &mut web::ServiceConfig) {
    let r = |p: &str| res("/attempts", p);
    cfg.service(r("/{attemptId}/finish").post(attempts::finish))
        .service(r("/{attemptId}").put(attempts::finish));
}

/// `/my-enrollments…`: the caller's own enrollments.
fn my_enrollments_routes(cfg: &mut web::ServiceConfig) {
    let r = |p: &str| res("/my-enrollments", p);
    cfg.service(r("").get(my_enrollments::list)).service(
        r("/{courseId}")
            .get(my_enrollments::get)
            .post(my_enrollments::create),
    );
}

async fn not_found(req: HttpRequest) -> Result<&'static str, AbsorbError> {
    Err(AbsorbError::NotFound(format!(
        "No resource was found at '{}'.",
        req.path()
    )))
}
