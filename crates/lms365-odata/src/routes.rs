//! Route wiring.
use crate::error::ODataError;
use actix_web::{HttpRequest, web};

/// Mounts the LMS365 facade (relative paths; the host picks the prefix, e.g. `/lms365/odata/v2`).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(
        web::JsonConfig::default()
            .error_handler(|e, _| ODataError::BadRequest(e.to_string()).into()),
    )
    .app_data(
        web::QueryConfig::default()
            .error_handler(|e, _| ODataError::BadRequest(e.to_string()).into()),
    )
    .app_data(
        web::PathConfig::default()
            .error_handler(|e, _| ODataError::BadRequest(e.to_string()).into()),
    )
    .default_service(web::to(not_found));
}

async fn not_found(req: HttpRequest) -> Result<&'static str, ODataError> {
    Err(ODataError::NotFound(format!(
        "No HTTP resource was found that matches the request URI '{}'.",
        req.path()
    )))
}
