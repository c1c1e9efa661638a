//! Loading a seed document and resetting the seed's tenants.
use super::{AdminError, Result, run};
use crate::AppState;
use actix_web::{HttpResponse, web};
use enroll_store::seed::Seed;
use serde_json::json;

/// Mounts `POST /seed` and `POST /reset`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/seed", web::post().to(load_seed))
        .route("/reset", web::post().to(reset));
}

/// The body is a seed file (the format of `fixtures/demo-seed.json`); tenants that already
/// exist are skipped.
async fn load_seed(st: web::Data<AppState>, body: web::Bytes) -> Result<HttpResponse> {
    let text = std::str::from_utf8(&body)
        .map_err(|_| AdminError::BadRequest("the seed must be UTF-8 JSON".into()))?;
    let seed = Seed::from_json(text)?;
    let created = run(&st.store, move |s| s.load_seed(&seed)).await?;
    Ok(HttpResponse::Ok().json(json!({"tenantsCreated": created})))
}

/// The seed's tenants back to the seed state.
async fn reset(st: web::Data<AppState>) -> Result<HttpResponse> {
    let seed = st.seed.clone().ok_or_else(|| {
        AdminError::BadRequest("the gateway was started without a seed file".into())
    })?;
    run(&st.store, move |s| s.reset_to_seed(&seed)).await?;
    Ok(HttpResponse::Ok().json(json!({"reset": true})))
}
