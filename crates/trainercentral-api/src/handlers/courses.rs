//! Courses and portals: `courses.json`, `courses/{courseId}.json`, `org/portals.json`.
use super::{page, query, run};
use crate::auth::{Need, authorize};
use crate::error::TcError;
use crate::ids;
use crate::wire;
use actix_web::{HttpRequest, HttpResponse, web};
use enroll_domain::model::Dialect;
use enroll_store::Store;
use enroll_store::courses::{CourseKey, CourseQuery};
use serde_json::json;

/// GET `/api/v4/{orgId}/courses.json`: the academy's courses by title (`limit`, `si`;
/// `filter` 1–4 is accepted, and every course matches it).
pub async fn list(
    req: HttpRequest,
    store: web::Data<Store>,
    path: web::Path<String>,
) -> Result<HttpResponse, TcError> {
    let p = authorize(&req, &store, Some(&path), Need::COURSE_READ).await?;
    let q = query(req.query_string())?;
    let (limit, offset) = page(&q)?;
    if let Some(f) = q.get("filter")
        && !matches!(f.trim(), "1" | "2" | "3" | "4")
    {
        return Err(TcError::invalid("filter", "filter must be 1, 2, 3 or 4"));
    }
    let tenant = p.tenant_id;
    let cq = CourseQuery {
        filter: None,
        order: None,
        limit,
        offset,
    };
    let (_, courses) = run(&store, move |s| s.list_courses(tenant, &cq)).await?;
    let rows: Vec<_> = courses.iter().map(|c| wire::course(&p.org, c)).collect();
    Ok(HttpResponse::Ok().json(json!({ "courses": rows })))
}

/// GET `/api/v4/{orgId}/courses/{courseId}.json`.
pub async fn get(
    req: HttpRequest,
    store: web::Data<Store>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, TcError> {
    let (org, course) = path.into_inner();
    let p = authorize(&req, &store, Some(&org), Need::COURSE_READ).await?;
    let id = ids::number(&course, "courseId")?;
    let tenant = p.tenant_id;
    let key = CourseKey::External(Dialect::TrainerCentral, id.clone());
    let detail = run(&store, move |s| s.course(tenant, &key))
        .await
        .map_err(|e| match e {
            TcError::NotFound(_) => TcError::NotFound(format!("No course with courseId {id}")),
            other => other,
        })?;
    Ok(HttpResponse::Ok().json(json!({ "course": wire::course(&p.org, &detail.course) })))
}

/// GET `/api/v4/org/portals.json`: the token's portal.
pub async fn portals(req: HttpRequest, store: web::Data<Store>) -> Result<HttpResponse, TcError> {
    let p = authorize(&req, &store, None, Need::PORTAL_READ).await?;
    let tenant = p.tenant_id;
    let name = run(&store, move |s| s.list_tenants())
        .await?
        .into_iter()
        .find(|(t, _)| t.id == tenant)
        .map(|(t, _)| t.name)
        .unwrap_or_default();
    Ok(HttpResponse::Ok().json(json!({ "portals": [{
        "id": p.org,
        "zsoid": p.org,
        "portalName": name,
        "planName": "Enterprise",
        "isTrial": "false",
        "isDefault": "true",
        "currentUserRole": "1",
        "orgLogoUrl": "",
        "isLogoExists": "false",
        "url": "",
        "referrer": "",
        "createdBy": "",
    }]})))
}
