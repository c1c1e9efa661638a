//! Route wiring.
use crate::error::TcError;
use actix_web::{HttpRequest, web};

/// Mounts the TrainerCentral facade (relative paths; the host picks the prefix, e.g.
/// `/trainercentral/api/v4`). Malformed bodies and unknown routes answer in Zoho's error shape.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(
        web::JsonConfig::default().error_handler(|e, _| TcError::InvalidData(e.to_string()).into()),
    )
    .app_data(
        web::QueryConfig::default()
            .error_handler(|e, _| TcError::InvalidData(e.to_string()).into()),
    )
    .app_data(
        web::PathConfig::default().error_handler(|e, _| TcError::InvalidData(e.to_string()).into()),
    )
    .default_service(web::to(not_found));
}

async fn not_found(_req: HttpRequest) -> Result<&'static str, TcError> {
    Err(TcError::InvalidUrl)
}
