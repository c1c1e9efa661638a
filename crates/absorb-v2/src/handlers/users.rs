//! `GET /users` (with `_filter`, e.g. `username eq '…'`) and `GET /users/{userId}`.
use super::{run, user_id};
use crate::auth::Caller;
use crate::error::AbsorbError;
use crate::params::{Params, USER_FIELDS, guid};
use crate::wire::collection;
use actix_web::{HttpRequest, HttpResponse, web};
use enroll_domain::model::Learner;
use enroll_store::Store;
use enroll_store::learners::LearnerQuery;
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

/// `GET /users` — paged, filterable, sortable; a department administrator's lists hold only
/// the learners of their department subtree.
pub async fn list(
    caller: Caller,
    store: web::Data<Store>,
    req: HttpRequest,
) -> Result<HttpResponse, AbsorbError> {
    caller.require_admin()?;
    let p = Params::from(&req)?;
    let (limit, page) = p.page()?;
    let mut q = LearnerQuery {
        filter: p.filter(USER_FIELDS)?,
        order: p.sort(USER_FIELDS)?,
        departments: None,
        limit,
        offset: page.saturating_mul(limit),
    };
    let c = caller.clone();
    let (total, users) = run(&store, move |s| {
        q.departments = c.scope(s)?.departments();
        s.list_learners(c.tenant_id, &q)
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

/// `GET /users/{userId}` — 404 for a user outside the caller's scope, as for an unknown one.
pub async fn get(
    caller: Caller,
    store: web::Data<Store>,
    path: web::Path<String>,
) -> Result<HttpResponse, AbsorbError> {
    caller.require_admin()?;
    let id = guid(&path, "userId")?;
    let c = caller.clone();
    let l = run(&store, move |s| {
        crate::scope::learner(&c.scope(s)?, s, c.tenant_id, id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(user(&l)))
}
