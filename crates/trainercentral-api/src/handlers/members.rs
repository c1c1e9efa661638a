//! Reading members: `course/{courseId}/courseMembers.json`, `courseEngagement.json`,
//! `portalMembers.json`, `fetchuserdetails.json`.
use super::{page, query, run};
use crate::auth::{Need, authorize};
use crate::error::TcError;
use crate::ids;
use crate::wire;
use actix_web::{HttpRequest, HttpResponse, web};
use enroll_domain::EnrollmentState;
use enroll_domain::model::Dialect;
use enroll_progress::LessonProgress;
use enroll_store::Store;
use enroll_store::courses::CourseKey;
use enroll_store::enrollments::{SeriesField, SeriesQuery, SeriesView};
use enroll_store::learners::{LearnerKey, LearnerQuery};
use enroll_store::list::{ListWindow, Order};
use serde_json::json;
use uuid::Uuid;

const TC: Dialect = Dialect::TrainerCentral;

/// Records the numbers of series shown here for the first time, so they find them again.
async fn name_shown(store: &Store, tenant: Uuid, shown: &[SeriesView]) -> Result<(), TcError> {
    let unnamed: Vec<Uuid> = shown
        .iter()
        .filter(|s| s.names.explicit(TC).is_none())
        .map(|s| s.series_id)
        .collect();
    if !unnamed.is_empty() {
        run(store, move |s| s.name_series(tenant, TC, &unnamed)).await?;
    }
    Ok(())
}

/// The course a path names, or `RESOURCE_NOT_FOUND`.
async fn course_exists(store: &Store, tenant: Uuid, id: &str) -> Result<(), TcError> {
    let key = CourseKey::External(TC, id.to_string());
    run(store, move |s| s.course(tenant, &key))
        .await
        .map(|_| ())
        .map_err(|_| TcError::NotFound(format!("No course with courseId {id}")))
}

/// GET `/api/v4/{orgId}/course/{courseId}/courseMembers.json`: the course's current members,
/// oldest first; `limit`, `si`, `filter` (`3` learners: every member; `2` pending access
/// requests) and `searchText` (part of a name or e-mail address).
pub async fn course_members(
    req: HttpRequest,
    store: web::Data<Store>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, TcError> {
    let (org, course) = path.into_inner();
    let p = authorize(&req, &store, Some(&org), Need::COURSE_READ).await?;
    let course = ids::number(&course, "courseId")?;
    let q = query(req.query_string())?;
    let (limit, offset) = page(&q)?;
    let states = match q.get("filter").map(|f| f.trim()) {
        None | Some("" | "3") => None,
        Some("2") => Some(vec![
            EnrollmentState::PendingApproval,
            EnrollmentState::Waitlisted,
        ]),
        Some(_) => {
            return Err(TcError::invalid(
                "filter",
                "filter must be 3 (learners) or 2 (access requests)",
            ));
        }
    };
    let tenant = p.tenant_id;
    course_exists(&store, tenant, &course).await?;
    let sq = SeriesQuery {
        dialect: TC,
        course_id: Some(course),
        learner_id: None,
        text: q
            .get("searchText")
            .map(|t| t.trim())
            .filter(|t| !t.is_empty())
            .map(|t| (SeriesField::Learner, t.to_string())),
        states,
        window: ListWindow {
            order: Order::CreatedAsc,
            limit,
            offset,
            ..Default::default()
        },
    };
    let (_, items) = run(&store, move |s| s.list_series(tenant, &sq)).await?;
    name_shown(&store, tenant, &items).await?;
    let rows: Vec<_> = items
        .iter()
        .map(|s| wire::course_member_row(&p.org, s))
        .collect();
    Ok(HttpResponse::Ok().json(json!({ "courseMembers": rows })))
}

/// GET `/api/v4/{orgId}/course/{courseId}/courseMember/{courseMemberId}/courseEngagement.json`:
/// the member's progress, from the ledger (whichever dialect recorded it). A revoked member
/// shows status `4`.
pub async fn engagement(
    req: HttpRequest,
    store: web::Data<Store>,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, TcError> {
    let (org, course, member) = path.into_inner();
    let p = authorize(&req, &store, Some(&org), Need::COURSE_READ).await?;
    let course = ids::number(&course, "courseId")?;
    let member = ids::number(&member, "courseMemberId")?;
    let tenant = p.tenant_id;
    let m = member.clone();
    let gone = || TcError::NotFound(format!("No course member {member} in course {course}"));
    let (named, lessons) = run(&store, move |s| {
        let named = s.named_series(tenant, TC, &m)?;
        let (lessons, _) = s.lesson_tree(tenant, named.latest.current.record.core.id)?;
        Ok((named, lessons))
    })
    .await
    .map_err(|e| match e {
        TcError::NotFound(_) => gone(),
        other => other,
    })?;
    if wire::course_id(&named.latest.current.course) != course {
        return Err(gone());
    }
    let done = lessons
        .iter()
        .filter(|l| l.state == EnrollmentState::Completed)
        .count();
    Ok(HttpResponse::Ok().json(json!({
        "courseEngagement": wire::engagement(&named.latest, done, lessons.len())
    })))
}

/// GET `/api/v4/{orgId}/portalMembers.json?type=5`: the academy's members, oldest first
/// (`limit`, `si`).
pub async fn portal_members(
    req: HttpRequest,
    store: web::Data<Store>,
    path: web::Path<String>,
) -> Result<HttpResponse, TcError> {
    let p = authorize(&req, &store, Some(&path), Need::PRESENTER_READ).await?;
    let q = query(req.query_string())?;
    let (limit, offset) = page(&q)?;
    if let Some(t) = q.get("type")
        && t.trim() != "5"
    {
        return Err(TcError::invalid("type", "type must be 5 (learners)"));
    }
    let tenant = p.tenant_id;
    let lq = LearnerQuery {
        limit,
        offset,
        ..Default::default()
    };
    let (_, learners) = run(&store, move |s| s.list_learners(tenant, &lq)).await?;
    let rows: Vec<_> = learners
        .iter()
        .map(|l| wire::portal_member(&p.org, l))
        .collect();
    Ok(HttpResponse::Ok().json(json!({ "portalMembers": rows })))
}

/// GET `/api/v4/{orgId}/fetchuserdetails.json?email=`: the academy learner with that address.
pub async fn user_details(
    req: HttpRequest,
    store: web::Data<Store>,
    path: web::Path<String>,
) -> Result<HttpResponse, TcError> {
    let p = authorize(&req, &store, Some(&path), Need::USER_READ).await?;
    let q = query(req.query_string())?;
    let email = q
        .get("email")
        .map(|e| e.trim().to_string())
        .filter(|e| !e.is_empty())
        .ok_or_else(|| TcError::Mandatory("email".into()))?;
    if q.get("fetchSignupData")
        .is_some_and(|f| !matches!(f.trim(), "true" | "false"))
    {
        return Err(TcError::invalid(
            "fetchSignupData",
            "fetchSignupData must be true or false",
        ));
    }
    let tenant = p.tenant_id;
    let key = LearnerKey::Email(email.clone());
    let l = run(&store, move |s| s.learner(tenant, &key))
        .await
        .map_err(|e| match e {
            TcError::NotFound(_) => TcError::NotFound(format!("No learner with e-mail {email}")),
            other => other,
        })?;
    Ok(HttpResponse::Ok().json(wire::user_details(&p.org, &l)))
}

/// DELETE `/api/v4/{orgId}/portalMembers/{portalMemberId}.json`: deletes the academy learner
/// with their enrollments (every dialect then finds neither).
pub async fn delete_portal_member(
    req: HttpRequest,
    store: web::Data<Store>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, TcError> {
    let (org, id) = path.into_inner();
    let p = authorize(&req, &store, Some(&org), Need::PRESENTER_DELETE).await?;
    let id = ids::number(&id, "portalMemberId")?;
    let tenant = p.tenant_id;
    let key = LearnerKey::External(TC, id.clone());
    run(&store, move |s| s.delete_learner(tenant, &key))
        .await
        .map_err(|e| match e {
            TcError::NotFound(_) => TcError::NotFound(format!("No portal member with id {id}")),
            other => other,
        })?;
    Ok(HttpResponse::Ok().json(json!({
        "code": "SUCCESS",
        "message": "The learner was deleted",
        "status": "success",
        "details": { "id": id },
    })))
}
