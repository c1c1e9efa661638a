//! Route wiring.
use crate::error::AbsorbError;
use actix_web::{HttpRequest, web};

/// Mounts the Absorb facade (relative paths; the host picks the prefix, e.g. `/absorb`).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(
        web::JsonConfig::default()
            .error_handler(|e, _| AbsorbError::BadRequest(e.to_string()).into()),
    )
    .app_data(
        web::QueryConfig::default()
            .error_handler(|e, _| AbsorbError::BadRequest(e.to_string()).into()),
    )
    .app_data(
        web::PathConfig::default()
            .error_handler(|e, _| AbsorbError::BadRequest(e.to_string()).into()),
    )
    .default_service(web::to(not_found));
}

async fn not_found(req: HttpRequest) -> Result<&'static str, AbsorbError> {
    Err(AbsorbError::NotFound(format!(
        "No resource was found at '{}'.",
        req.path()
    )))
}
