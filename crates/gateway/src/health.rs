//! `/healthz` (the process is up) and `/readyz` (database reachable, migrations applied).
use actix_web::{HttpResponse, web};
use enroll_store::Store;
use serde_json::json;

/// Mounts the two probes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(healthz))
        .route("/readyz", web::get().to(readyz));
}

async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ok"}))
}

async fn readyz(store: web::Data<Store>) -> HttpResponse {
    let backend = store.backend();
    match store.call(|s| s.ready()).await {
        Ok(true) => HttpResponse::Ok().json(json!({"status": "ready", "database": backend})),
        Ok(false) => {
            HttpResponse::ServiceUnavailable().json(json!({"status": "migrations pending"}))
        }
        Err(e) => {
            log::warn!("readiness check failed: {e:?}");
            HttpResponse::ServiceUnavailable().json(json!({"status": "database unreachable"}))
        }
    }
}
