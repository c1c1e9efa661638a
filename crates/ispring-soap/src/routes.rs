//! Route wiring only (paths relative to the mount point, e.g. `/ispring`).
use crate::error::IspringError;
use crate::rest::{self, ops};
use crate::soap;
use actix_web::middleware::from_fn;
use actix_web::{HttpRequest, HttpResponse, Resource, web};

/// Mounts the iSpring facade: the SOAP endpoint `/soap` (its WSDL at `/soap?wsdl`) and the
/// REST v3 twin. Unknown REST routes answer `{code, message}` 404s, methods a REST path does
/// not take 405s (with `Allow`); the SOAP endpoint answers Faults.
pub fn configure(cfg: &mut web::ServiceConfig) {
    // The host's ledger registration, checked once per request (a clear log line instead of
    // actix's plain-text 500): a SOAP Fault on the SOAP endpoint, iSpring's REST error elsewhere.
    cfg.service(
        web::scope("/soap")
            .wrap(from_fn(|req, next| {
                enroll_web::require_store(req, next, "ispring-soap", || soap::MissingStore)
            }))
            .service(
                web::resource("")
                    .name("ispring_soap")
                    .route(web::post().to(soap::call))
                    .route(web::get().to(soap::wsdl::serve))
                    .default_service(web::to(soap::wrong_method)),
            )
            .default_service(web::to(soap::wrong_method)),
    )
    .service(
        web::scope("")
            .wrap(from_fn(|req, next| {
                enroll_web::require_store(req, next, "ispring-soap", || IspringError::Internal)
            }))
            .configure(rest_routes),
    );
}

fn rest_routes(cfg: &mut web::ServiceConfig) {
    cfg.service(res("/api/v3/token", "POST").post(ops::access_token))
        .service(
            res("/enrollment", "GET, POST")
                .get(ops::list_all)
                .post(ops::enroll),
        )
        .service(
            res("/enrollments", "GET, POST")
                .get(ops::list_page)
                .post(ops::list_page_by_post),
        )
        // Before `/enrollment/{enrollmentId}`, which would take `delete` for an id.
        .service(res("/enrollment/delete", "POST").post(ops::delete))
        .service(
            res("/enrollment/{enrollmentId}", "GET, POST")
                .get(ops::get)
                .post(ops::change),
        )
        .service(res("/enrollment/{enrollmentId}/reenroll", "POST").post(ops::reenroll))
        .service(res("/user", "GET").get(ops::users))
        .service(res("/user/{userId}", "GET").get(ops::user))
        .service(res("/users/find_existing", "POST").post(ops::find_existing))
        .service(res("/content", "GET").get(ops::content_list))
        .service(res("/contents", "GET").get(ops::contents))
        .service(res("/content/{contentId}", "GET").get(ops::content_item))
        .service(res("/learners/results", "GET").get(ops::learner_results))
        .service(res("/statistics/course", "POST").post(ops::course_status))
        .service(res("/statistics/module", "POST").post(ops::module_statuses))
        .service(res("/task/{taskId}/status", "GET").get(ops::task_status))
        .default_service(web::to(not_found));
}

/// A REST resource whose other methods get a 405 naming `allow`.
fn res(path: &str, allow: &'static str) -> Resource {
    web::resource(path).default_service(web::to(move |req: HttpRequest| async move {
        let e = IspringError::MethodNotAllowed {
            method: req.method().to_string(),
            allow: allow.into(),
        };
        rest::error(rest::Format::of(&req), &e)
    }))
}

async fn not_found(req: HttpRequest) -> HttpResponse {
    let e = IspringError::NotFound(format!(
        "No resource at '{}'",
        req.path().chars().take(200).collect::<String>()
    ));
    rest::error(rest::Format::of(&req), &e)
}
