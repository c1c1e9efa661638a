//! `GET /courses/{courseId}/sessions/{sessionId}/enrollments`: an ILC session's roster.
use super::{ItemFilter, run, user_id};
use crate::auth::Caller;
use crate::error::AbsorbError;
use crate::params::{Params, guid};
use crate::wire;
use actix_web::{HttpRequest, HttpResponse, web};
use enroll_store::sessions::RosterQuery;
use enroll_store::{Store, StoreError};

/// `GET /courses/{courseId}/sessions/{sessionId}/enrollments` — list an ILC session's enrollments.
/// Paged with `_limit`/`_offset`; `status`/`modifiedSince` narrow it in the query, so pages
/// and `totalItems` agree; `_filter` and `_sort` are a 400 (not supported here). A department
/// administrator's roster holds only their department subtree's learners.
pub async fn list(
    caller: Caller,
    store: web::Data<Store>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AbsorbError> {
    caller.require_admin()?;
    let (course, session) = (guid(&path.0, "courseId")?, guid(&path.1, "sessionId")?);
    let p = Params::from(&req)?;
    // Refused rather than ignored: a client must not take an unfiltered page for a filtered one.
    if let Some(name) = ["_filter", "_sort"]
        .into_iter()
        .find(|n| p.text(n).is_some())
    {
        return Err(AbsorbError::BadRequest(format!(
            "{name} is not supported on a session's enrollments; use status and modifiedSince."
        )));
    }
    let (limit, page) = p.page()?;
    let filter = ItemFilter::from(&p)?;
    let (t, c) = (caller.tenant_id, caller.clone());
    let (total, rows) = run(&store, move |s| {
        let detail = s.course(t, &crate::ids::course(course))?;
        if !detail.sessions.iter().any(|x| x.id == session) {
            return Err(StoreError::NotFound("session".into()));
        }
        let q = RosterQuery {
            states: filter.states(),
            edited_after: filter.since(),
            departments: c.scope(s)?.departments(),
            limit,
            offset: page.saturating_mul(limit),
        };
        s.session_roster(t, session, &q)
    })
    .await?;
    let items = rows
        .iter()
        .map(|(r, l)| wire::session(r, user_id(l), &l.full_name()))
        .collect();
    Ok(HttpResponse::Ok().json(wire::collection("enrollments", total, limit, page, items)))
}
