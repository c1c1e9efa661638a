//! The service document (`/`) and the CSDL metadata document (`/$metadata`).
use super::root;
use actix_web::{HttpRequest, HttpResponse};
use serde_json::json;

/// The CSDL document: every entity set, entity type, navigation property and bound action
/// this service serves, and nothing else.
pub const METADATA: &str = include_str!("../metadata.xml");

/// The entity sets, as the service document lists them.
pub const ENTITY_SETS: [&str; 4] = ["Courses", "CourseCatalogs", "Users", "Enrollments"];

/// `GET /` — the service document.
pub async fn document(req: HttpRequest) -> HttpResponse {
    let sets: Vec<_> = ENTITY_SETS
        .iter()
        .map(|s| json!({"name": s, "kind": "EntitySet", "url": s}))
        .collect();
    HttpResponse::Ok()
        .insert_header(("OData-Version", "4.0"))
        .json(json!({"@odata.context": format!("{}/$metadata", root(&req)), "value": sets}))
}

/// `GET /$metadata` — the CSDL document.
pub async fn metadata() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("OData-Version", "4.0"))
        .content_type("application/xml")
        .body(METADATA)
}
