//! `Users`: the ledger's learners, as LMS365 users.
use super::{Collection, collection_options, entity_options};
use super::{context_of, entity_response, run, select};
use crate::auth::Caller;
use crate::entities::{CLAIMS_PREFIX, USER, USER_FIELDS};
use crate::error::ODataError;
use crate::wire;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use enroll_domain::model::{Dialect, Learner};
use enroll_store::filter::{compile_filter, compile_sort};
use enroll_store::learners::{LearnerKey, LearnerQuery};
use enroll_store::{Store, StoreError, StoreResult};
use uuid::Uuid;

/// The learner a login name names: an LMS365 login (`i:0#.f|membership|kayb@x.example`, as
/// recorded, or standing for the user name after the claims prefix), a user name or an
/// e-mail address; the same learner whichever form a caller sends.
pub(crate) fn find_login(s: &Store, t: Uuid, login: &str) -> StoreResult<Learner> {
    for key in login_keys(login) {
        match s.learner(t, &key) {
            Err(StoreError::NotFound(_)) => continue,
            other => return other,
        }
    }
    Err(login_unknown(login))
}

/// The keys a login name may be, in the order they are tried: the login as the user's LMS365
/// login, its claims form, then the user principal name as a user name and as an address.
pub(crate) fn login_keys(login: &str) -> Vec<LearnerKey> {
    let login = login.trim();
    // Any claims login ends in the user principal name after its last `|`.
    let plain = login.rsplit('|').next().unwrap_or(login);
    vec![
        LearnerKey::External(Dialect::Lms365, login.to_string()),
        LearnerKey::External(Dialect::Lms365, format!("{CLAIMS_PREFIX}{plain}")),
        LearnerKey::Username(plain.to_string()),
        LearnerKey::Email(plain.to_string()),
        LearnerKey::Email(plain.to_lowercase()),
    ]
}

/// The answer to a login no user has.
pub(crate) fn login_unknown(login: &str) -> StoreError {
    StoreError::NotFound(format!(
        "user '{}'",
        login.trim().chars().take(100).collect::<String>()
    ))
}

/// `GET /Users` — get users (`$filter` by `LoginName`, `Email`, `Id`, `JobTitle`).
pub async fn list(
    caller: Caller,
    store: web::Data<Store>,
    req: HttpRequest,
    count_only: bool,
) -> Result<HttpResponse, ODataError> {
    let (pairs, q) = collection_options(&req, &USER)?;
    let filter = q
        .filter
        .as_ref()
        .map(|f| compile_filter(f, USER_FIELDS))
        .transpose()?;
    let order = compile_sort(&q.orderby, USER_FIELDS)?;
    let mut page = q.page(super::page_size(&req));
    if count_only {
        page.limit = 0;
    }
    let lq = LearnerQuery {
        filter,
        order: Some(order),
        departments: None,
        limit: page.limit,
        offset: page.offset,
    };
    let t = caller.tenant_id;
    let (total, learners) = run(&store, move |s| s.list_learners(t, &lq)).await?;
    let values = learners.iter().map(|l| select(wire::user(l), &q)).collect();
    let c = Collection::of("Users", &q, total, page, values);
    Ok(super::listed(&req, &pairs, &q, c, count_only))
}

/// `GET /Users('{Id}')` — one user by LMS365 id (or login name).
pub async fn get(
    caller: Caller,
    store: web::Data<Store>,
    req: HttpRequest,
    key: String,
) -> Result<HttpResponse, ODataError> {
    let q = entity_options(&req, &USER)?;
    let id = crate::keys::string("Users", &key)?;
    let t = caller.tenant_id;
    let l = run(&store, move |s| {
        match s.learner(t, &LearnerKey::External(Dialect::Lms365, id.clone())) {
            Err(StoreError::NotFound(_)) => find_login(s, t, &id),
            other => other,
        }
    })
    .await?;
    let ctx = context_of("Users", &q);
    Ok(entity_response(
        &req,
        &ctx,
        select(wire::user(&l), &q),
        StatusCode::OK,
    ))
}
