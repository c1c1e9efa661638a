//! `CourseCatalogs`: the ledger has no catalogs of its own, so each tenant has one, `Id` 1,
//! titled as the tenant, holding every course.
use super::{Collection, collection_options, context_of, entity_options, run, select};
use super::{collection_response, entity_response};
use crate::auth::Caller;
use crate::entities::{CATALOG, CATALOG_ID};
use crate::error::ODataError;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use enroll_store::Store;
use enroll_store::filter::{FieldMap, compile_filter, compile_sort};
use serde_json::{Map, Value, json};
use uuid::Uuid;

/// Catalog properties usable in `$filter`: none.
const CATALOG_FIELDS: FieldMap = &[];

async fn catalog(store: &Store, t: Uuid) -> Result<Map<String, Value>, ODataError> {
    let name = run(store, move |s| {
        Ok(s.list_tenants()?
            .into_iter()
            .find(|(tenant, _)| tenant.id == t)
            .map(|(tenant, _)| tenant.name)
            .unwrap_or_default())
    })
    .await?;
    let mut m = Map::new();
    m.insert("Id".into(), json!(CATALOG_ID));
    m.insert("Title".into(), json!(name));
    Ok(m)
}

/// `GET /CourseCatalogs` — get all course catalogs.
pub async fn list(
    caller: Caller,
    store: web::Data<Store>,
    req: HttpRequest,
) -> Result<HttpResponse, ODataError> {
    let (pairs, q) = collection_options(&req, &CATALOG)?;
    if let Some(f) = &q.filter {
        compile_filter(f, CATALOG_FIELDS)?;
    }
    compile_sort(&q.orderby, CATALOG_FIELDS)?;
    if q.expand.iter().any(|e| e == "Courses") {
        return Err(ODataError::BadRequest(
            "$expand=Courses is served on CourseCatalogs(1) and as CourseCatalogs(1)/Courses."
                .into(),
        ));
    }
    let page = q.page(super::page_size(&req));
    let one = catalog(&store, caller.tenant_id).await?;
    let values = if page.offset == 0 && page.limit > 0 {
        vec![select(one, &q)]
    } else {
        Vec::new()
    };
    let c = Collection::of("CourseCatalogs", &q, 1, page, values);
    Ok(collection_response(&req, &pairs, &q, c))
}

/// `GET /CourseCatalogs({Id})` — the catalog (`$expand=Courses`: all its courses).
pub async fn get(
    caller: Caller,
    store: web::Data<Store>,
    req: HttpRequest,
    id: i64,
) -> Result<HttpResponse, ODataError> {
    let q = entity_options(&req, &CATALOG)?;
    if id != CATALOG_ID {
        return Err(ODataError::NotFound("Course catalog not found.".into()));
    }
    let mut one = catalog(&store, caller.tenant_id).await?;
    if q.expand.iter().any(|e| e == "Courses") {
        let t = caller.tenant_id;
        let cq = enroll_store::courses::CourseQuery {
            limit: super::MAX_PAGE,
            ..Default::default()
        };
        let (_, courses) = run(&store, move |s| s.list_courses(t, &cq)).await?;
        let list = courses
            .iter()
            .map(|c| Value::Object(crate::wire::course(c)))
            .collect();
        one.insert("Courses".into(), Value::Array(list));
    }
    let ctx = context_of("CourseCatalogs", &q);
    Ok(entity_response(&req, &ctx, select(one, &q), StatusCode::OK))
}
