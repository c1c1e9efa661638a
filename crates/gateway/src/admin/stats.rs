//! The process's database statement counts (`--count-statements`, `enroll_db::stats`).
use actix_web::{HttpResponse, web};
use serde_json::json;

/// Mounts `GET /stats/statements`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/stats/statements", web::get().to(statements));
}

/// The counts so far: all zero, with `enabled: false`, unless the gateway counts.
async fn statements() -> HttpResponse {
    let c = enroll_store::stats::counts();
    HttpResponse::Ok().json(json!({
        "enabled": c.enabled,
        "statements": c.statements,
        "prepares": c.prepares,
        "transactions": c.transactions,
    }))
}
