//! `Enrollments`: reads with query options, `POST`, `PATCH` and the bound actions `Cancel`,
//! `Approve`, `Reject`, `Complete`, `Retake` and `Purge`.
use super::users::find_login;
use super::{Collection, collection_options, entity_options};
use super::{context_of, entity_response, run, select};
use crate::auth::Caller;
use crate::entities::{ENROLLMENT, ENROLLMENT_FIELDS};
use crate::error::ODataError;
use crate::wire::{self, Extras, MessageBody, NewEnrollmentBody, PatchBody, RetakeBody};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use enroll_domain::model::{CourseKind, Dialect};
use enroll_domain::{Command, EnrollmentState};
use enroll_store::enrollments::actions::{Acting, Action};
use enroll_store::enrollments::{EnrollOptions, EnrollmentPatch, EnrollmentQuery, Existing};
use enroll_store::filter::{compile_filter, compile_sort};
use enroll_store::learners::LearnerKey;
use enroll_store::models::EnrollmentView;
use enroll_store::{Store, StoreResult};
use odata_filter::QueryOptions;
use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

/// `courseSessionId` and `courseSessionIds`, as GUIDs, in order, without repeats.
pub(crate) fn session_ids(
    one: Option<String>,
    many: Option<Vec<String>>,
) -> Result<Vec<Uuid>, ODataError> {
    let mut out: Vec<Uuid> = Vec::new();
    for raw in one.into_iter().chain(many.into_iter().flatten()) {
        let raw = raw.trim();
        if raw.is_empty() {
            continue;
        }
        let id = Uuid::parse_str(raw)
            .ok()
            .filter(|_| raw.len() == 36)
            .ok_or_else(|| {
                ODataError::BadRequest(format!(
                    "The course session id '{}' is not a valid GUID.",
                    raw.chars().take(60).collect::<String>()
                ))
            })?;
        if !out.contains(&id) {
            out.push(id);
        }
    }
    Ok(out)
}

/// What the entity needs besides the view: cancellation reasons and the sessions of
/// instructor-led enrollments.
pub(crate) fn extras(s: &Store, t: Uuid, views: &[EnrollmentView]) -> StoreResult<Vec<Extras>> {
    let cancelled: Vec<Uuid> = views
        .iter()
        .filter(|v| v.record.core.state == EnrollmentState::Cancelled)
        .map(|v| v.record.core.id)
        .collect();
    let mut notes = if cancelled.is_empty() {
        Default::default()
    } else {
        s.cancellation_notes(t, &cancelled)?
    };
    // The sessions of a page's instructor-led enrollments in one query, not one per row.
    let led: Vec<Uuid> = views
        .iter()
        .filter(|v| v.course.kind == CourseKind::InstructorLed)
        .map(|v| v.record.core.id)
        .collect();
    let sessions = if led.is_empty() {
        Default::default()
    } else {
        s.session_enrollments_of(t, &led)?
    };
    Ok(views
        .iter()
        .map(|v| {
            let id = v.record.core.id;
            // Active first, then historical: the active one, else the latest.
            let session_id = sessions.get(&id).and_then(|ss| {
                ss.iter()
                    .find(|se| se.active)
                    .or(ss.last())
                    .map(|se| se.session_id)
            });
            Extras {
                cancellation_reason: notes.remove(&id),
                session_id,
            }
        })
        .collect())
}

/// The entity with its `$expand`ed course and user, `$select`ed.
fn render(v: &EnrollmentView, x: &Extras, q: &QueryOptions) -> Map<String, Value> {
    let mut m = wire::enrollment(v, x);
    if q.expand.iter().any(|e| e == "Course") {
        m.insert("Course".into(), Value::Object(wire::course(&v.course)));
    }
    if q.expand.iter().any(|e| e == "User") {
        m.insert("User".into(), Value::Object(wire::user(&v.learner)));
    }
    select(m, q)
}

/// One enrollment as `Enroll` and `POST Enrollments` answer it.
pub(crate) async fn enroll_response(
    store: &Store,
    req: &HttpRequest,
    t: Uuid,
    id: Uuid,
    status: StatusCode,
) -> Result<HttpResponse, ODataError> {
    let v = store.enrollment_async(t, id).await?;
    answer_enrolled(store, req, t, v, status).await
}

/// [`enroll_response`] for an enrollment in hand.
pub(crate) async fn answer_enrolled(
    store: &Store,
    req: &HttpRequest,
    t: Uuid,
    v: EnrollmentView,
    status: StatusCode,
) -> Result<HttpResponse, ODataError> {
    // Only a cancelled or instructor-led enrollment has extras to look up: the others skip the
    // hop to a blocking thread (extras would find nothing for them).
    let x = if v.record.core.state == EnrollmentState::Cancelled
        || v.course.kind == CourseKind::InstructorLed
    {
        let one = v.clone();
        run(store, move |s| extras(s, t, std::slice::from_ref(&one)))
            .await?
            .pop()
            .unwrap_or_default()
    } else {
        Extras::default()
    };
    let body = render(&v, &x, &QueryOptions::default());
    Ok(entity_response(req, "Enrollments", body, status))
}

/// `GET /Enrollments` — the users' current enrollments (an enrollment ended by `Cancel`, or
/// replaced by `Retake`, is read by its id), with every query option.
pub async fn list(
    caller: Caller,
    store: web::Data<Store>,
    req: HttpRequest,
    count_only: bool,
) -> Result<HttpResponse, ODataError> {
    let (pairs, q) = collection_options(&req, &ENROLLMENT)?;
    // Checked whole first (unknown fields and bad values are errors wherever they are).
    if let Some(f) = &q.filter {
        compile_filter(f, ENROLLMENT_FIELDS)?;
    }
    let (rest, course) = match &q.filter {
        Some(f) => crate::narrow::course_of(f),
        None => (None, None),
    };
    let filter = rest
        .as_ref()
        .map(|f| compile_filter(f, ENROLLMENT_FIELDS))
        .transpose()?;
    let order = compile_sort(&q.orderby, ENROLLMENT_FIELDS)?;
    let mut page = q.page(super::page_size(&req));
    if count_only {
        page.limit = 0;
    }
    let eq = EnrollmentQuery {
        active_only: true,
        filter,
        order: Some(order),
        limit: page.limit,
        offset: page.offset,
        ..Default::default()
    };
    let t = caller.tenant_id;
    let (total, views, xs) = run(&store, move |s| {
        let mut eq = eq;
        if let Some(n) = course {
            // The course's ledger id: the enrollments' indexed column (no such course: none).
            let key = enroll_store::courses::CourseKey::External(Dialect::Lms365, n);
            match s.course(t, &key) {
                Ok(d) => eq.course_id = Some(d.course.id),
                Err(enroll_store::StoreError::NotFound(_)) => return Ok((0, vec![], vec![])),
                Err(e) => return Err(e),
            }
        }
        let (total, views) = s.list_enrollments(t, &eq)?;
        let xs = extras(s, t, &views)?;
        Ok((total, views, xs))
    })
    .await?;
    let values = views
        .iter()
        .zip(&xs)
        .map(|(v, x)| render(v, x, &q))
        .collect();
    let c = Collection::of("Enrollments", &q, total, page, values);
    Ok(super::listed(&req, &pairs, &q, c, count_only))
}

/// `GET /Enrollments({Id})` — get enrollment info (`$select`, `$expand=Course,User`).
pub async fn get(
    caller: Caller,
    store: web::Data<Store>,
    req: HttpRequest,
    id: Uuid,
) -> Result<HttpResponse, ODataError> {
    let q = entity_options(&req, &ENROLLMENT)?;
    let t = caller.tenant_id;
    let (v, x) = run(&store, move |s| {
        let v = s.enrollment(t, id)?;
        let x = extras(s, t, std::slice::from_ref(&v))?;
        Ok((v, x))
    })
    .await?;
    let x = x.into_iter().next().unwrap_or_default();
    let ctx = context_of("Enrollments", &q);
    Ok(entity_response(
        &req,
        &ctx,
        render(&v, &x, &q),
        StatusCode::OK,
    ))
}

/// `GET /Enrollments({Id})/Course` and `/User`.
pub async fn navigate(
    caller: Caller,
    store: web::Data<Store>,
    req: HttpRequest,
    id: Uuid,
    nav: &str,
) -> Result<HttpResponse, ODataError> {
    let t = caller.tenant_id;
    let v = run(&store, move |s| s.enrollment(t, id)).await?;
    let (ctx, body, vocab) = if nav == "Course" {
        ("Courses", wire::course(&v.course), &crate::entities::COURSE)
    } else {
        ("Users", wire::user(&v.learner), &crate::entities::USER)
    };
    let q = entity_options(&req, vocab)?;
    Ok(entity_response(
        &req,
        &context_of(ctx, &q),
        select(body, &q),
        StatusCode::OK,
    ))
}

/// `POST /Enrollments` — creates an enrollment: `CourseId`, the user by `UserId` or
/// `UserLoginName`, and optionally `CourseSessionId(s)`. 201; 200 with the user's current
/// enrollment when there is one.
pub async fn create(
    caller: Caller,
    store: web::Data<Store>,
    req: HttpRequest,
    b: NewEnrollmentBody,
) -> Result<HttpResponse, ODataError> {
    caller.require_write()?;
    let store = web::Data::new(caller.store(&store));
    let course = match &b.course_id {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse::<i64>().ok(),
        _ => None,
    }
    .filter(|n| *n > 0)
    .ok_or_else(|| ODataError::BadRequest("CourseId must be a course id (a number).".into()))?;
    let sessions = session_ids(b.course_session_id, b.course_session_ids)?;
    let (user_id, login) = (b.user_id, b.user_login_name);
    if user_id.as_deref().is_none_or(|u| u.trim().is_empty())
        && login.as_deref().is_none_or(|u| u.trim().is_empty())
    {
        return Err(ODataError::BadRequest(
            "UserId or UserLoginName is required.".into(),
        ));
    }
    let opts = EnrollOptions {
        existing: Existing::Keep,
        session_id: sessions.first().copied(),
        extra_sessions: sessions.iter().skip(1).copied().collect(),
        notify_session_choice: true,
        ..EnrollOptions::new(Dialect::Lms365)
    };
    let t = caller.tenant_id;
    let learner = run(&store, move |s| {
        match user_id.filter(|u| !u.trim().is_empty()) {
            Some(u) => s.learner(t, &LearnerKey::External(Dialect::Lms365, u)),
            None => find_login(s, t, login.as_deref().unwrap_or_default()),
        }
    })
    .await?;
    let course = super::courses::key(course);
    let out = store
        .enroll_async(t, LearnerKey::Id(learner.id), course, opts)
        .await?;
    let (eid, created) = (out.enrollment.core.id, out.created);
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    enroll_response(&store, &req, t, eid, status).await
}

fn date(field: &str, v: Option<String>) -> Result<Option<OffsetDateTime>, ODataError> {
    v.map(|s| {
        OffsetDateTime::parse(s.trim(), &Rfc3339).map_err(|_| {
            ODataError::BadRequest(format!(
                "{field} must be an Edm.DateTimeOffset such as 2026-01-31T09:00:00Z."
            ))
        })
    })
    .transpose()
}

/// `PATCH /Enrollments({Id})` — update registration details: dates, `CoursePassingStatus`
/// (0 Completed, 1 Not Started, 2 In Progress), CEU and `CourseDuration` (minutes). 204.
pub async fn patch(
    caller: Caller,
    store: web::Data<Store>,
    id: Uuid,
    b: PatchBody,
) -> Result<HttpResponse, ODataError> {
    caller.require_write()?;
    let store = web::Data::new(caller.store(&store));
    let (command, unless_state) = match b.course_passing_status {
        None => (None, None),
        Some(0) => (
            Some(Command::Complete { score: None }),
            Some(EnrollmentState::Completed),
        ),
        // Not Started: only where it already is (the ledger never goes back).
        Some(1) => (
            Some(Command::ChooseSession),
            Some(EnrollmentState::NotStarted),
        ),
        Some(2) => (Some(Command::Start), Some(EnrollmentState::InProgress)),
        Some(n) => {
            return Err(ODataError::BadRequest(format!(
                "CoursePassingStatus {n} is not valid: use 0 (Completed), 1 (Not Started) or \
                 2 (In Progress)."
            )));
        }
    };
    let credits = b.decimal_ceu.or(b.ceu);
    if credits.is_some_and(|c| !(c.is_finite() && c >= 0.0)) {
        return Err(ODataError::BadRequest("CEU must not be negative.".into()));
    }
    let minutes = b.course_duration;
    let time_spent_ms = match minutes {
        Some(m) if m < 0 => {
            return Err(ODataError::BadRequest(
                "CourseDuration must not be negative.".into(),
            ));
        }
        Some(m) => Some(
            m.checked_mul(60_000)
                .ok_or_else(|| ODataError::BadRequest("CourseDuration is too large.".into()))?,
        ),
        None => None,
    };
    let patch = EnrollmentPatch {
        command: if b.course_passing_status == Some(1) {
            // Refused unless not started already: nothing to apply then.
            None
        } else {
            command
        },
        unless_state,
        added: date("RegistrationDate", b.registration_date)?,
        started: date("StartDate", b.start_date)?,
        completed: date("CompletionDate", b.completion_date)?,
        due: date("DueDate", b.due_date)?,
        credits,
        time_spent_ms,
        ..Default::default()
    };
    let not_started = b.course_passing_status == Some(1);
    let acting = Acting {
        source: Dialect::Lms365.as_str(),
        note: None,
    };
    let t = caller.tenant_id;
    run(&store, move |s| {
        if not_started {
            let v = s.enrollment(t, id)?;
            let st = v.record.core.state;
            if !matches!(
                st,
                EnrollmentState::NotStarted | EnrollmentState::AwaitingSessionChoice
            ) {
                return Err(enroll_store::StoreError::Invalid(format!(
                    "The enrollment is {st}: CoursePassingStatus cannot go back to Not Started."
                )));
            }
        }
        s.patch_enrollment(t, id, &patch, &acting)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A JSON request body.
pub(crate) fn json_body<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, ODataError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ODataError::BadRequest(
            "The request body is empty: a JSON object is expected.".into(),
        ));
    }
    serde_json::from_slice(bytes)
        .map_err(|e| ODataError::BadRequest(format!("The request body is invalid: {e}.")))
}

/// An optional JSON body of an action (empty: none).
fn action_body<T: serde::de::DeserializeOwned + Default>(bytes: &[u8]) -> Result<T, ODataError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(bytes)
        .map_err(|e| ODataError::BadRequest(format!("The request body is invalid: {e}.")))
}

/// The bound actions: `POST /Enrollments({Id})/Cancel` (`{message}`), `/Approve`, `/Reject`
/// (`{message}`), `/Complete`, `/Retake` (`{courseSessionId}`), `/Purge` (non-active only).
/// 204.
pub async fn action(
    caller: Caller,
    store: web::Data<Store>,
    id: Uuid,
    name: &str,
    body: web::Bytes,
) -> Result<HttpResponse, ODataError> {
    caller.require_write()?;
    let store = web::Data::new(caller.store(&store));
    let mut acting = Acting {
        source: Dialect::Lms365.as_str(),
        note: None,
    };
    let t = caller.tenant_id;
    let act = match name {
        "Cancel" | "Reject" => {
            let b: MessageBody = action_body(&body)?;
            acting.note = b.message.filter(|m| !m.trim().is_empty());
            if name == "Cancel" {
                Action::Cancel
            } else {
                Action::Decline
            }
        }
        "Approve" => {
            let _: MessageBody = action_body(&body)?;
            Action::Approve
        }
        "Complete" => {
            let _: MessageBody = action_body(&body)?;
            Action::Complete
        }
        "Retake" => {
            let b: RetakeBody = action_body(&body)?;
            let session = session_ids(b.course_session_id, None)?.first().copied();
            Action::Reenroll { session }
        }
        "Purge" => {
            let _: MessageBody = action_body(&body)?;
            run(&store, move |s| s.purge_enrollment(t, id)).await?;
            return Ok(HttpResponse::NoContent().finish());
        }
        other => {
            return Err(ODataError::NotFound(format!(
                "Enrollments has no action '{}'.",
                other.chars().take(60).collect::<String>()
            )));
        }
    };
    run(&store, move |s| s.act(t, id, &act, &acting)).await?;
    Ok(HttpResponse::NoContent().finish())
}
