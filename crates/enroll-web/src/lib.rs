//! What every facade needs from actix-web around the ledger, written once: the check that the
//! host registered the [`Store`], and the per-process cache of verified credentials
//! ([`credential_cache`]). Facades wrap their routes in the check inside `configure`:
//!
//! ```
//! use actix_web::middleware::from_fn;
//! use actix_web::{HttpResponse, ResponseError, web};
//!
//! #[derive(Debug)]
//! struct VendorError;
//! impl std::fmt::Display for VendorError {
//!     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
//!         f.write_str("An internal error occurred")
//!     }
//! }
//! impl ResponseError for VendorError {}
//!
//! pub fn configure(cfg: &mut web::ServiceConfig) {
//!     cfg.service(
//!         web::scope("")
//!             .wrap(from_fn(|req, next| {
//!                 enroll_web::require_store(req, next, "my-facade", || VendorError)
//!             }))
//!             .route("/ping", web::get().to(HttpResponse::Ok)),
//!     );
//! }
//! ```
pub mod credential_cache;

pub use credential_cache::{CredentialCache, CredentialKind};

use actix_web::ResponseError;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::web;
use enroll_store::Store;

/// Middleware body (for `actix_web::middleware::from_fn`): without a registered
/// `web::Data<Store>`, answers `missing()` — the facade's own 500 in its vendor's shape — and
/// logs, as an error, what the host must register; otherwise calls the routes. Without it, each
/// handler's `web::Data<Store>` extractor would fail with actix's plain-text 500 and a
/// debug-level log line nobody sees.
pub async fn require_store<B, E>(
    req: ServiceRequest,
    next: Next<B>,
    facade: &'static str,
    missing: impl FnOnce() -> E,
) -> Result<ServiceResponse<EitherBody<B>>, actix_web::Error>
where
    B: MessageBody + 'static,
    E: ResponseError + 'static,
{
    if req.app_data::<web::Data<Store>>().is_none() {
        log::error!(
            "{facade}: no ledger registered; the host must call \
             App::app_data(web::Data::new(store)) with an enroll_store::Store"
        );
        return Ok(req.error_response(missing()).map_into_right_body());
    }
    Ok(next.call(req).await?.map_into_left_body())
}
