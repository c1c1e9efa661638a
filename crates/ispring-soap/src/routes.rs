//! Route wiring.
use crate::soap::envelope::Dialect;
use actix_web::{HttpRequest, HttpResponse, web};

/// Mounts the iSpring facade (relative paths; the host picks the prefix, e.g. `/ispring`).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.default_service(web::to(not_found));
}

async fn not_found(req: HttpRequest) -> HttpResponse {
    Dialect::fallback(None).fault(&crate::error::IspringError::WrongParameters(format!(
        "no operation at {}",
        req.path()
    )))
}
