//! Tenants, their dialect credentials and departments.
use super::{Result, dto, run, tenant};
use crate::AppState;
use actix_web::{HttpResponse, web};
use enroll_domain::model::{Department, Dialect};
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

/// Mounts `GET|POST /tenants`, `GET|POST /tenants/{t}/credentials` and
/// `GET|POST /tenants/{t}/departments`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/tenants", web::get().to(list_tenants))
        .route("/tenants", web::post().to(create_tenant))
        .route(
            "/tenants/{tenant}/credentials",
            web::get().to(list_credentials),
        )
        .route(
            "/tenants/{tenant}/credentials",
            web::post().to(create_credential),
        )
        .route(
            "/tenants/{tenant}/departments",
            web::get().to(list_departments),
        )
        .route(
            "/tenants/{tenant}/departments",
            web::post().to(create_department),
        );
}

async fn list_tenants(st: web::Data<AppState>) -> Result<HttpResponse> {
    let tenants = run(&st.store, |s| s.list_tenants()).await?;
    let items: Vec<Value> = tenants
        .into_iter()
        .map(|(t, ids)| {
            let org = ids
                .explicit(Dialect::TrainerCentral)
                .and_then(|o| o.parse::<i64>().ok());
            json!({"id": t.id, "name": t.name, "trainercentralOrgId": org})
        })
        .collect();
    Ok(HttpResponse::Ok().json(json!({"tenants": items})))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct NewTenant {
    name: String,
    trainercentral_org_id: Option<i64>,
}

async fn create_tenant(
    st: web::Data<AppState>,
    body: web::Json<NewTenant>,
) -> Result<HttpResponse> {
    let b = body.into_inner();
    let mut ids = enroll_domain::crosswalk::ExternalIds::default();
    if let Some(org) = b.trainercentral_org_id {
        ids.set(Dialect::TrainerCentral, org.to_string());
    }
    let t = run(&st.store, move |s| s.create_tenant(&b.name, &ids)).await?;
    Ok(HttpResponse::Created().json(json!({"id": t.id, "name": t.name})))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct NewCredential {
    dialect: Dialect,
    key_id: Option<String>,
    secret: String,
    #[serde(default)]
    scopes: String,
}

async fn create_credential(
    st: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: web::Json<NewCredential>,
) -> Result<HttpResponse> {
    let t = tenant(&st, path.into_inner()).await?;
    let b = body.into_inner();
    let id = run(&st.store, move |s| {
        s.add_credential(t, b.dialect, b.key_id.as_deref(), &b.secret, &b.scopes)
    })
    .await?;
    Ok(HttpResponse::Created().json(json!({"id": id})))
}

async fn list_credentials(st: web::Data<AppState>, path: web::Path<Uuid>) -> Result<HttpResponse> {
    let t = tenant(&st, path.into_inner()).await?;
    let rows = run(&st.store, move |s| s.list_credentials(t)).await?;
    let items: Vec<Value> = rows
        .into_iter()
        .map(|(id, d, k, sc)| json!({"id": id, "dialect": d, "keyId": k, "scopes": sc}))
        .collect();
    Ok(HttpResponse::Ok().json(json!({"credentials": items})))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct NewDepartment {
    id: Option<Uuid>,
    parent_id: Option<Uuid>,
    name: String,
}

async fn create_department(
    st: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: web::Json<NewDepartment>,
) -> Result<HttpResponse> {
    let t = tenant(&st, path.into_inner()).await?;
    let b = body.into_inner();
    let d = Department {
        id: b.id.unwrap_or_else(Uuid::new_v4),
        tenant_id: t,
        parent_id: b.parent_id,
        name: b.name,
    };
    let id = d.id;
    run(&st.store, move |s| s.create_department(&d)).await?;
    Ok(HttpResponse::Created().json(json!({"id": id})))
}

async fn list_departments(st: web::Data<AppState>, path: web::Path<Uuid>) -> Result<HttpResponse> {
    let t = tenant(&st, path.into_inner()).await?;
    let items = run(&st.store, move |s| s.list_departments(t)).await?;
    let items: Vec<Value> = items.iter().map(dto::department).collect();
    Ok(HttpResponse::Ok().json(json!({"departments": items})))
}
