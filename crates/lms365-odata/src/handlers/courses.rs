//! `Courses`: lookups with their sessions, and `Enroll`.
use super::enrollments::{answer_enrolled, enroll_response, session_ids};
use super::users::{login_keys, login_unknown};
use super::{Collection, collection_options, collection_response, entity_options};
use super::{context_of, entity_response, run, select};
use crate::auth::Caller;
use crate::entities::{COURSE, COURSE_FIELDS, SESSION};
use crate::error::ODataError;
use crate::wire::{self, EnrollBody};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use enroll_domain::EnrollmentState;
use enroll_domain::model::{Course, Dialect, Session};
use enroll_store::Store;
use enroll_store::courses::{CourseKey, CourseQuery};
use enroll_store::enrollments::{EnrollOptions, Existing};
use enroll_store::learners::LearnerKey;
use odata_filter::QueryOptions;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// The ledger key of an LMS365 course id.
pub(crate) fn key(id: i64) -> CourseKey {
    CourseKey::External(Dialect::Lms365, id.to_string())
}

fn expanded(c: &Course, sessions: Option<&Vec<Session>>, q: &QueryOptions) -> Map<String, Value> {
    let mut m = wire::course(c);
    if q.expand.iter().any(|e| e == "CourseSessions") {
        let list = sessions
            .map(|ss| {
                ss.iter()
                    .map(|s| Value::Object(wire::session(c, s)))
                    .collect()
            })
            .unwrap_or_default();
        m.insert("CourseSessions".into(), Value::Array(list));
    }
    select(m, q)
}

/// `GET /Courses` — courses, `$expand=CourseSessions`.
pub async fn list(
    caller: Caller,
    store: web::Data<Store>,
    req: HttpRequest,
    count_only: bool,
) -> Result<HttpResponse, ODataError> {
    let (pairs, q) = collection_options(&req, &COURSE)?;
    let filter = q
        .filter
        .as_ref()
        .map(|f| enroll_store::filter::compile_filter(f, COURSE_FIELDS))
        .transpose()?;
    let order = enroll_store::filter::compile_sort(&q.orderby, COURSE_FIELDS)?;
    let mut page = q.page(super::page_size(&req));
    if count_only {
        page.limit = 0;
    }
    let cq = CourseQuery {
        filter,
        order: Some(order),
        limit: page.limit,
        offset: page.offset,
    };
    let t = caller.tenant_id;
    let with_sessions = q.expand.iter().any(|e| e == "CourseSessions");
    let (total, courses, sessions) = run(&store, move |s| {
        let (total, courses) = s.list_courses(t, &cq)?;
        let sessions = if with_sessions {
            let ids: Vec<_> = courses.iter().map(|c| c.id).collect();
            s.sessions_of(t, &ids)?
        } else {
            HashMap::new()
        };
        Ok((total, courses, sessions))
    })
    .await?;
    let values = courses
        .iter()
        .map(|c| expanded(c, sessions.get(&c.id), &q))
        .collect();
    let c = Collection::of("Courses", &q, total, page, values);
    Ok(super::listed(&req, &pairs, &q, c, count_only))
}

/// `GET /Courses({Id})` — get course details (`$expand=CourseSessions`).
pub async fn get(
    caller: Caller,
    store: web::Data<Store>,
    req: HttpRequest,
    id: i64,
) -> Result<HttpResponse, ODataError> {
    let q = entity_options(&req, &COURSE)?;
    let t = caller.tenant_id;
    let d = run(&store, move |s| s.course(t, &key(id))).await?;
    let ctx = context_of("Courses", &q);
    let body = expanded(&d.course, Some(&d.sessions), &q);
    Ok(entity_response(&req, &ctx, body, StatusCode::OK))
}

/// `GET /Courses({Id})/CourseSessions` — the course's sessions, in date order.
pub async fn sessions(
    caller: Caller,
    store: web::Data<Store>,
    req: HttpRequest,
    id: i64,
) -> Result<HttpResponse, ODataError> {
    let (pairs, q) = collection_options(&req, &SESSION)?;
    if q.filter.is_some() || !q.orderby.is_empty() || q.top.is_some() || q.skip > 0 {
        return Err(ODataError::BadRequest(
            "CourseSessions takes $select and $count only: a course's sessions come in one \
             page, in date order."
                .into(),
        ));
    }
    let t = caller.tenant_id;
    let d = run(&store, move |s| s.course(t, &key(id))).await?;
    let values: Vec<_> = d
        .sessions
        .iter()
        .map(|s| select(wire::session(&d.course, s), &q))
        .collect();
    let total = i64::try_from(values.len()).unwrap_or(i64::MAX);
    let c = Collection {
        path: format!("Courses({id})/CourseSessions"),
        context: format!("Courses({id})/CourseSessions"),
        total,
        page: q.page(super::page_size(&req)),
        values,
    };
    Ok(collection_response(&req, &pairs, &q, c))
}

/// `POST /Courses({Id})/Enroll` — enroll user to training: by `userLoginName` (an e-mail or
/// a claims login), in `courseSessionId`/`courseSessionIds`, past a full course with
/// `ignoreMaxAttendees`, without the approval flow with `ignoreEnrollmentFlow`. 201 with the
/// new enrollment; 200 with the user's current one when they are enrolled already (a session
/// given then completes an enrollment that awaits the choice of one, and is otherwise left
/// as it is: `Retake` moves a learner to another session).
pub async fn enroll(
    caller: Caller,
    store: web::Data<Store>,
    req: HttpRequest,
    id: i64,
    b: EnrollBody,
) -> Result<HttpResponse, ODataError> {
    caller.require_write()?;
    let store = web::Data::new(caller.store(&store));
    let login = b.user_login_name.trim().to_string();
    if login.is_empty() {
        return Err(ODataError::BadRequest("userLoginName is required.".into()));
    }
    let sessions = session_ids(b.course_session_id, b.course_session_ids)?;
    let opts = EnrollOptions {
        existing: Existing::Keep,
        session_id: sessions.first().copied(),
        extra_sessions: sessions.iter().skip(1).copied().collect(),
        skip_approval: b.ignore_enrollment_flow.unwrap_or(false),
        ignore_capacity: b.ignore_max_attendees.unwrap_or(false),
        notify_session_choice: true,
        ..EnrollOptions::new(Dialect::Lms365)
    };
    let t = caller.tenant_id;
    // The lookups, the write through the writer's queue (holding no thread while it waits)
    // and the answer as written, without reading the enrollment back.
    let (out, view) = store
        .enroll_first_async(t, login_keys(&login), key(id), opts.clone())
        .await?
        .ok_or_else(|| login_unknown(&login))?;
    let waiting = out.enrollment.core.state == EnrollmentState::AwaitingSessionChoice;
    let (eid, created) = (out.enrollment.core.id, out.created);
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    // Enrolled before without a session: this call chooses it, and the answer is read after.
    if let Some(sid) = opts.session_id
        && !created
        && waiting
    {
        let refuse = EnrollOptions {
            existing: Existing::Refuse,
            ..opts
        };
        let lkey = LearnerKey::Id(view.learner.id);
        run(&store, move |s| {
            s.enroll_session(t, &lkey, &key(id), sid, &refuse, false)
        })
        .await?;
        return enroll_response(&store, &req, t, eid, status).await;
    }
    answer_enrolled(&store, &req, t, view, status).await
}
