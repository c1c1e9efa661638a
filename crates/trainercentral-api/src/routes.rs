//! Route wiring only (paths relative to the mount point, e.g. `/trainercentral`).
use crate::error::{OAuthError, TcError};
use crate::handlers::{attendees, consent, courses, members, oauth};
use actix_web::middleware::from_fn;
use actix_web::{HttpResponse, Resource, web};

/// Mounts the TrainerCentral facade: the API at `/api/v4` and the accounts side at
/// `/oauth/v2`. Malformed bodies and parameters, unknown routes and wrong methods answer in
/// Zoho's error shape.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(
        web::JsonConfig::default()
            .error_handler(|e, _| TcError::invalid("body", e.to_string()).into()),
    )
    .app_data(
        web::QueryConfig::default()
            .error_handler(|e, _| TcError::invalid("query", e.to_string()).into()),
    )
    .app_data(
        web::PathConfig::default()
            .error_handler(|e, _| TcError::invalid("path", e.to_string()).into()),
    )
    .service(
        web::scope("/oauth/v2")
            .wrap(from_fn(|req, next| {
                enroll_web::require_store(req, next, "trainercentral-api", || OAuthError {
                    code: "server_error",
                    status: actix_web::http::StatusCode::INTERNAL_SERVER_ERROR,
                })
            }))
            .service(
                web::resource("/auth")
                    .route(web::get().to(consent::show))
                    .route(web::post().to(consent::answer))
                    .default_service(web::to(|| async { oauth_method() })),
            )
            .service(
                web::resource("/token")
                    .route(web::post().to(oauth::token))
                    .default_service(web::to(|| async { oauth_method() })),
            )
            .service(
                web::resource("/token/revoke")
                    .route(web::post().to(oauth::revoke))
                    .default_service(web::to(|| async { oauth_method() })),
            )
            .default_service(web::to(|| async {
                HttpResponse::NotFound().json(serde_json::json!({"error": "invalid_request"}))
            })),
    )
    .service(
        web::scope("/api/v4")
            .wrap(from_fn(|req, next| {
                enroll_web::require_store(req, next, "trainercentral-api", || TcError::Internal)
            }))
            .configure(api_routes),
    )
    .default_service(web::to(not_found));
}

fn api_routes(cfg: &mut web::ServiceConfig) {
    cfg.service(res("/org/portals.json", "GET").get(courses::portals))
        .service(res("/{orgId}/addCourseAttendee.json", "POST").post(attendees::add))
        .service(
            res(
                "/{orgId}/updateCourseAttendee/{courseMemberId}.json",
                "PUT, POST",
            )
            .put(attendees::update)
            .post(attendees::update),
        )
        .service(
            res("/{orgId}/course/{courseId}/courseMembers.json", "GET")
                .get(members::course_members),
        )
        .service(
            res(
                "/{orgId}/course/{courseId}/courseMember/{courseMemberId}/courseEngagement.json",
                "GET",
            )
            .get(members::engagement),
        )
        .service(res("/{orgId}/portalMembers.json", "GET").get(members::portal_members))
        .service(
            res("/{orgId}/portalMembers/{portalMemberId}.json", "DELETE")
                .delete(members::delete_portal_member),
        )
        .service(res("/{orgId}/fetchuserdetails.json", "GET").get(members::user_details))
        .service(res("/{orgId}/courses.json", "GET").get(courses::list))
        .service(res("/{orgId}/courses/{courseId}.json", "GET").get(courses::get))
        .default_service(web::to(not_found));
}

/// An API resource whose other methods get `INVALID_REQUEST_METHOD` naming `allow`.
fn res(path: &str, allow: &'static str) -> Resource {
    web::resource(path).default_service(web::to(move || async move {
        Err::<HttpResponse, _>(TcError::MethodNotAllowed { allow })
    }))
}

fn oauth_method() -> HttpResponse {
    HttpResponse::MethodNotAllowed().json(serde_json::json!({"error": "invalid_request"}))
}

async fn not_found() -> Result<HttpResponse, TcError> {
    Err(TcError::InvalidUrl)
}
