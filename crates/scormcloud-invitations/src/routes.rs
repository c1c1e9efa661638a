//! Route wiring.
use crate::error::ScormError;
use actix_web::{HttpRequest, web};

/// Mounts the SCORM Cloud facade (relative paths; the host picks the prefix, e.g.
/// `/scormcloud/api/v2`). The official Python SDK sends `//invitations`: the host should merge
/// slashes (the gateway wraps the app in `NormalizePath::new(TrailingSlash::MergeOnly)`).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(
        web::JsonConfig::default()
            .error_handler(|e, _| ScormError::BadRequest(e.to_string()).into()),
    )
    .app_data(
        web::QueryConfig::default()
            .error_handler(|e, _| ScormError::BadRequest(e.to_string()).into()),
    )
    .app_data(
        web::PathConfig::default()
            .error_handler(|e, _| ScormError::BadRequest(e.to_string()).into()),
    )
    .default_service(web::to(not_found));
}

async fn not_found(req: HttpRequest) -> Result<&'static str, ScormError> {
    Err(ScormError::NotFound(format!(
        "No resource at {}",
        req.path()
    )))
}
