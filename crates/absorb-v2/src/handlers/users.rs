//! `GET /users` (with `_filter`, e.g. `username eq '…'`) and `GET /users/{userId}`.
use super::{run, user_id};
use crate::auth::Caller;
use crate::error::AbsorbError;
use crate::params::{Params, USER_FIELDS, guid};
use crate::wire::collection;
use actix_web::{HttpRequest, HttpResponse, web};
use enroll_domain::model::Learner;
use enroll_store::Store;
use enroll_store::filter::{compile_filter, compile_sort};
use enroll_store::learners::LearnerKey;
use serde_json::{Value, json};

/// Absorb's user resource (the fields integrations read).
fn user(l: &Learner) -> Value {
    json!({
        "id": user_id(l), "username": l.username, "emailAddress": l.email, "firstName": l.first_name,
        "lastName": l.last_name, "fullName": l.full_name(), "jobTitle": l.job_title, "departmentId": l.department_id,
        "activeStatus": 0, "isLearner": true, "isAdmin": !matches!(l.role, enroll_domain::model::Role::Learner),
        "externalId": l.id,
    })
}

/// `GET /users` — paged, filterable, sortable.
pub async fn list(
    caller: Caller,
    store: web::Data<Store>,
    req: HttpRequest,
) -> Result<HttpResponse, AbsorbError> {
    caller.require_admin()?;
    let p = Params::from(&req)?;
    let (limit, page) = p.page()?;
    let filter = match p.text("_filter") {
        Some(f) => {
            let e = odata_filter::parse(f)
                .map_err(|e| AbsorbError::BadRequest(format!("Invalid _filter: {e}")))?;
            Some(
                compile_filter(&e, USER_FIELDS)
                    .map_err(|e| AbsorbError::BadRequest(format!("Invalid _filter: {e}")))?,
            )
        }
        None => None,
    };
    let order = match p.text("_sort") {
        Some(s) => {
            let keys = odata_filter::parse_absorb_sort(s)
                .map_err(|e| AbsorbError::BadRequest(format!("Invalid _sort: {e}")))?;
            Some(
                compile_sort(&keys, USER_FIELDS)
                    .map_err(|e| AbsorbError::BadRequest(format!("Invalid _sort: {e}")))?,
            )
            .filter(|o| !o.is_empty())
        }
        None => None,
    };
    let t = caller.tenant_id;
    let (total, users) = run(&store, move |s| {
        s.list_learners(
            t,
            filter.as_ref(),
            order.as_deref(),
            limit,
            page.saturating_mul(limit),
        )
    })
    .await?;
    Ok(HttpResponse::Ok().json(collection(
        "users",
        total,
        limit,
        page,
        users.iter().map(user).collect(),
    )))
}

/// `GET /users/{userId}`.
pub async fn get(
    caller: Caller,
    store: web::Data<Store>,
    path: web::Path<String>,
) -> Result<HttpResponse, AbsorbError> {
    caller.require_admin()?;
    let id = guid(&path, "userId")?;
    let t = caller.tenant_id;
    let l = run(&store, move |s| s.learner(t, &LearnerKey::Absorb(id))).await?;
    Ok(HttpResponse::Ok().json(user(&l)))
}
