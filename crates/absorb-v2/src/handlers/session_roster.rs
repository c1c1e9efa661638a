//! `GET /courses/{courseId}/sessions/{sessionId}/enrollments`: an ILC session's roster.
use super::{ItemFilter, run, user_id};
use crate::auth::Caller;
use crate::error::AbsorbError;
use crate::params::{Params, guid};
use crate::scope::Scope;
use crate::wire;
use actix_web::{HttpRequest, HttpResponse, web};
use enroll_domain::model::Learner;
use enroll_store::enrollments::EnrollmentQuery;
use enroll_store::learners::LearnerKey;
use enroll_store::sessions::SessionEnrollment;
use enroll_store::{Store, StoreError, StoreResult};
use std::collections::HashMap;
use uuid::Uuid;

/// A page of a roster: the total, the session enrollments and their learners.
type Page = (i64, Vec<SessionEnrollment>, Vec<Learner>);

/// `GET /courses/{courseId}/sessions/{sessionId}/enrollments` — list an ILC session's enrollments.
/// Paged with `_limit`/`_offset`; `status`/`modifiedSince` filter the page; `_filter` and
/// `_sort` are a 400 (not supported here). A department administrator's roster holds only
/// their department subtree's learners.
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
    let (total, rows, learners) = run(&store, move |s| {
        let detail = s.course(t, &crate::ids::course(course))?;
        if !detail.sessions.iter().any(|x| x.id == session) {
            return Err(StoreError::NotFound("session".into()));
        }
        let offset = page.saturating_mul(limit);
        match c.scope(s)? {
            Scope::All => {
                let (total, rows) = s.session_roster(t, session, limit, offset)?;
                let learners = rows
                    .iter()
                    .map(|r| s.learner(t, &LearnerKey::Id(r.learner_id)))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok((total, rows, learners))
            }
            scope => in_scope(s, t, &scope, detail.course.id, session, limit, offset),
        }
    })
    .await?;
    let items = rows
        .iter()
        .zip(&learners)
        .filter(|(r, _)| filter.keep(r.state, Some(r.edited)))
        .map(|(r, l)| wire::session(r, user_id(l), &l.full_name()))
        .collect();
    Ok(HttpResponse::Ok().json(wire::collection("enrollments", total, limit, page, items)))
}

/// A department administrator's page: the session's enrollments whose course enrollment is a
/// learner's in `scope`, paged here. The store pages rosters without a department condition,
/// so both reads take the whole session (bounded by the course's enrollments) and the page is
/// cut from what the scope reaches; `total` counts only that.
fn in_scope(
    s: &Store,
    t: Uuid,
    scope: &Scope,
    course: Uuid,
    session: Uuid,
    limit: i64,
    offset: i64,
) -> StoreResult<Page> {
    let q = EnrollmentQuery {
        course_id: Some(course),
        departments: scope.departments(),
        limit: i64::MAX,
        ..Default::default()
    };
    let (_, views) = s.list_enrollments(t, &q)?;
    let reached: HashMap<Uuid, Learner> = views
        .into_iter()
        .map(|v| (v.record.core.id, v.learner))
        .collect();
    let (_, all) = s.session_roster(t, session, i64::MAX, 0)?;
    let mine: Vec<SessionEnrollment> = all
        .into_iter()
        .filter(|r| reached.contains_key(&r.enrollment_id))
        .collect();
    let total = i64::try_from(mine.len()).unwrap_or(i64::MAX);
    let rows: Vec<SessionEnrollment> = mine
        .into_iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(limit).unwrap_or(usize::MAX))
        .collect();
    let learners = rows
        .iter()
        .map(|r| {
            reached
                .get(&r.enrollment_id)
                .cloned()
                .ok_or_else(|| StoreError::Internal("roster row without its enrollment".into()))
        })
        .collect::<StoreResult<Vec<_>>>()?;
    Ok((total, rows, learners))
}
