//! Route wiring: the service root, `$metadata`, and OData resource paths, whose segments
//! (`Courses(101)`, `Enrollments(…)/Cancel`) are read by [`crate::keys`] so a malformed key
//! is a 400 in OData's shape rather than an unmatched route.
use crate::auth::Caller;
use crate::error::ODataError;
use crate::handlers::enrollments::json_body;
use crate::handlers::{catalogs, courses, enrollments, service, users};
use crate::keys::{self, Segment};
use actix_web::middleware::from_fn;
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use enroll_store::Store;

/// The name of the service root's route (its URL is the base of `@odata.context`).
pub const ROOT: &str = "lms365_odata_root";
/// The schema namespace bound actions may be qualified with (`Enrollments(…)/LMS365.Cancel`).
pub const NAMESPACE: &str = "LMS365";

/// Mounts the LMS365 facade (relative paths; the host picks the prefix, e.g.
/// `/lms365/odata/v2`). Malformed bodies, queries, keys and unknown routes answer in OData's
/// error shape.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("")
            .wrap(from_fn(|req, next| {
                enroll_web::require_store(req, next, "lms365-odata", || ODataError::Internal)
            }))
            .configure(routes),
    );
}

fn routes(cfg: &mut web::ServiceConfig) {
    cfg.app_data(web::JsonConfig::default().error_handler(|e, _| {
        ODataError::BadRequest(format!("The request body is invalid: {e}.")).into()
    }))
    .app_data(
        web::QueryConfig::default()
            .error_handler(|e, _| ODataError::BadRequest(e.to_string()).into()),
    )
    .app_data(
        web::PathConfig::default()
            .error_handler(|e, _| ODataError::BadRequest(e.to_string()).into()),
    )
    .service(
        web::resource("/")
            .name(ROOT)
            .route(web::get().to(service::document))
            .default_service(web::to(wrong_method)),
    )
    .service(
        web::resource("")
            .route(web::get().to(service::document))
            .default_service(web::to(wrong_method)),
    )
    .service(
        web::resource("/$metadata")
            .route(web::get().to(service::metadata))
            .default_service(web::to(wrong_method)),
    )
    .service(
        web::resource("/{set}")
            .route(web::get().to(get_set))
            .route(web::post().to(post_set))
            .route(web::patch().to(patch_set))
            .default_service(web::to(wrong_method)),
    )
    .service(
        web::resource("/{set}/{nav}")
            .route(web::get().to(get_nav))
            .route(web::post().to(post_nav))
            .default_service(web::to(wrong_method)),
    )
    .default_service(web::to(not_found));
}

async fn wrong_method(req: HttpRequest) -> Result<HttpResponse, ODataError> {
    Err(ODataError::MethodNotAllowed(req.method().to_string()))
}

async fn not_found(req: HttpRequest) -> Result<HttpResponse, ODataError> {
    Err(ODataError::NotFound(format!(
        "No HTTP resource was found that matches the request URI '{}'.",
        req.path().chars().take(200).collect::<String>()
    )))
}

fn unknown_segment(name: &str) -> ODataError {
    ODataError::NotFound(format!(
        "Resource not found for the segment '{}'.",
        name.chars().take(100).collect::<String>()
    ))
}

/// A segment naming one of the served entity sets (checked before the API key: an unknown
/// resource is a 404 whoever asks).
fn served(raw: &str) -> Result<Segment, ODataError> {
    let seg = keys::segment(raw)?;
    if service::ENTITY_SETS.contains(&seg.name.as_str()) {
        Ok(seg)
    } else {
        Err(unknown_segment(&seg.name))
    }
}

/// A bound action's or navigation's name, namespace-qualified or not.
fn member(raw: &str) -> &str {
    raw.strip_prefix(NAMESPACE)
        .and_then(|r| r.strip_prefix('.'))
        .unwrap_or(raw)
}

async fn get_set(
    store: web::Data<Store>,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ODataError> {
    let seg = served(&path)?;
    let caller = Caller::extract(&req).await?;
    match (seg.name.as_str(), seg.key) {
        ("Courses", None) => courses::list(caller, store, req, false).await,
        ("Courses", Some(k)) => {
            let id = keys::number("Courses", &k)?;
            courses::get(caller, store, req, id).await
        }
        ("Enrollments", None) => enrollments::list(caller, store, req, false).await,
        ("Enrollments", Some(k)) => {
            let id = keys::guid("Enrollments", &k)?;
            enrollments::get(caller, store, req, id).await
        }
        ("Users", None) => users::list(caller, store, req, false).await,
        ("Users", Some(k)) => users::get(caller, store, req, k).await,
        ("CourseCatalogs", None) => catalogs::list(caller, store, req).await,
        (_, Some(k)) => {
            let id = keys::number("CourseCatalogs", &k)?;
            catalogs::get(caller, store, req, id).await
        }
        (other, None) => Err(unknown_segment(other)),
    }
}

async fn post_set(
    store: web::Data<Store>,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ODataError> {
    let seg = served(&path)?;
    let caller = Caller::extract(&req).await?;
    match (seg.name.as_str(), seg.key) {
        ("Enrollments", None) => enrollments::create(caller, store, req, json_body(&body)?).await,
        _ => Err(ODataError::MethodNotAllowed("POST".into())),
    }
}

async fn patch_set(
    store: web::Data<Store>,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ODataError> {
    let seg = served(&path)?;
    let caller = Caller::extract(&req).await?;
    match (seg.name.as_str(), seg.key) {
        ("Enrollments", Some(k)) => {
            let id = keys::guid("Enrollments", &k)?;
            enrollments::patch(caller, store, id, json_body(&body)?).await
        }
        _ => Err(ODataError::MethodNotAllowed("PATCH".into())),
    }
}

async fn get_nav(
    store: web::Data<Store>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ODataError> {
    let (set, nav) = path.into_inner();
    let seg = served(&set)?;
    let caller = Caller::extract(&req).await?;
    if seg.key.is_none() && nav == "$count" {
        return match seg.name.as_str() {
            "Courses" => courses::list(caller, store, req, true).await,
            "Enrollments" => enrollments::list(caller, store, req, true).await,
            "Users" => users::list(caller, store, req, true).await,
            // The one catalog.
            _ => Ok(crate::handlers::count_response(1)),
        };
    }
    let key = seg.key.ok_or_else(|| unknown_segment(&nav))?;
    match (seg.name.as_str(), member(&nav)) {
        ("Courses", "CourseSessions") => {
            let id = keys::number("Courses", &key)?;
            courses::sessions(caller, store, req, id).await
        }
        ("CourseCatalogs", "Courses") => {
            if keys::number("CourseCatalogs", &key)? != crate::entities::CATALOG_ID {
                return Err(ODataError::NotFound("Course catalog not found.".into()));
            }
            courses::list(caller, store, req, false).await
        }
        ("Enrollments", n @ ("Course" | "User")) => {
            let id = keys::guid("Enrollments", &key)?;
            let n = n.to_string();
            enrollments::navigate(caller, store, req, id, &n).await
        }
        _ => Err(unknown_segment(&nav)),
    }
}

async fn post_nav(
    store: web::Data<Store>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, ODataError> {
    let (set, nav) = path.into_inner();
    let seg = served(&set)?;
    let caller = Caller::extract(&req).await?;
    let key = seg.key.ok_or_else(|| unknown_segment(&nav))?;
    match (seg.name.as_str(), member(&nav)) {
        ("Courses", "Enroll") => {
            let id = keys::number("Courses", &key)?;
            courses::enroll(caller, store, req, id, json_body(&body)?).await
        }
        ("Enrollments", action) => {
            let id = keys::guid("Enrollments", &key)?;
            let action = action.to_string();
            enrollments::action(caller, store, id, &action, body).await
        }
        _ => Err(unknown_segment(&nav)),
    }
}
