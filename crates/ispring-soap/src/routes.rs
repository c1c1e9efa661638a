//! Route wiring.
use crate::error::SoapFault;
use actix_web::{HttpRequest, web};

/// Mounts the iSpring facade (relative paths; the host picks the prefix, e.g. `/ispring`).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.default_service(web::to(not_found));
}

async fn not_found(req: HttpRequest) -> Result<&'static str, SoapFault> {
    Err(SoapFault::WrongParameters(format!(
        "no operation at {}",
        req.path()
    )))
}
