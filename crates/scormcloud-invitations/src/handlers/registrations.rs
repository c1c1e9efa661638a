//! Registrations: create, exists, progress, delete, list, launch link, instances, reset,
//! launch history and the post-back test.
use super::{page, run};
use crate::Links;
use crate::auth::Auth;
use crate::error::ScormError;
use crate::query::ListParams;
use crate::render::wrap_postback;
use crate::vocab::to_scorm;
use crate::wire::{CreateRegistration, LaunchLinkRequest, PostBackDto, fmt_dt, registration};
use actix_web::{HttpRequest, HttpResponse, web};
use enroll_domain::model::Dialect::ScormCloud;
use enroll_store::Store;
use enroll_store::enrollments::{NewSeries, SeriesField, SeriesQuery, SeriesView};
use enroll_store::learners::NewLearner;
use enroll_store::outbox::Outbox as _;
use enroll_store::outbox::{Channel, NewMessage};
use serde_json::{Value, json};

fn bad(m: impl Into<String>) -> ScormError {
    ScormError::BadRequest(m.into())
}

fn check_id(what: &str, v: &str) -> Result<(), ScormError> {
    if v.trim().is_empty() || v.len() > 255 {
        return Err(bad(format!("{what} must be 1 to 255 characters")));
    }
    Ok(())
}

/// createRegistration: POST /registrations → 204 (a duplicate registrationId is 400).
pub async fn create(
    auth: Auth,
    store: web::Data<Store>,
    body: web::Json<CreateRegistration>,
) -> Result<HttpResponse, ScormError> {
    auth.require("write:registration")?;
    let b = body.into_inner();
    check_id("registrationId", &b.registration_id)?;
    check_id("learner.id", &b.learner.id)?;
    check_id("courseId", &b.course_id)?;
    let post_back = b
        .post_back
        .map(PostBackDto::into_store)
        .transpose()
        .map_err(bad)?
        .flatten();
    let learner = b.learner;
    // A learner SCORM Cloud has not seen gets the address it gave, else a placeholder: the
    // ledger needs one (see the crate docs).
    let email = match learner.email.as_deref().map(str::trim) {
        Some(e) if !e.is_empty() => e.to_string(),
        _ if learner.id.contains('@') => learner.id.clone(),
        _ => format!("{}@learners.scormcloud.invalid", learner.id),
    };
    let new = NewSeries {
        dialect: ScormCloud,
        name: b.registration_id,
        course_id: b.course_id,
        learner_profile: NewLearner {
            username: Some(format!("scormcloud:{}", learner.id)),
            email,
            first_name: learner.first_name.unwrap_or_default(),
            last_name: learner.last_name.unwrap_or_default(),
            ..NewLearner::default()
        },
        learner_id: learner.id,
        tracking_id: b.xapi_registration_id,
        tags: b.registration_tags,
        subscription: post_back.as_ref().map(|p| p.to_subscription()),
    };
    let t = auth.tenant_id;
    run(&store, move |s| s.start_series(t, &new)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// getRegistration (HEAD): 200 when it exists, else 404; no body.
pub async fn exists(
    auth: Auth,
    store: web::Data<Store>,
    path: web::Path<String>,
) -> Result<HttpResponse, ScormError> {
    auth.require("read:registration")?;
    let (t, id) = (auth.tenant_id, path.into_inner());
    let found = run(&store, move |s| s.series_exists(t, ScormCloud, &id)).await?;
    Ok(if found {
        HttpResponse::Ok().finish()
    } else {
        HttpResponse::NotFound().finish()
    })
}

/// getRegistrationProgress: GET /registrations/{registrationId} → RegistrationSchema.
pub async fn progress(
    req: HttpRequest,
    auth: Auth,
    store: web::Data<Store>,
    path: web::Path<String>,
) -> Result<HttpResponse, ScormError> {
    auth.require("read:registration")?;
    let p = ListParams::from_request(&req, &[])?;
    let (t, id) = (auth.tenant_id, path.into_inner());
    let v = run(&store, move |s| s.series(t, ScormCloud, &id)).await?;
    Ok(HttpResponse::Ok().json(registration(&v, p.flag("includeChildResults")?)))
}

/// deleteRegistration: DELETE /registrations/{registrationId} → 204.
pub async fn delete(
    auth: Auth,
    store: web::Data<Store>,
    path: web::Path<String>,
) -> Result<HttpResponse, ScormError> {
    auth.require("write:registration")?;
    let (t, id) = (auth.tenant_id, path.into_inner());
    run(&store, move |s| s.end_series(t, ScormCloud, &id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// getRegistrations: GET /registrations → RegistrationListSchema (`registrations` always).
pub async fn list(
    req: HttpRequest,
    auth: Auth,
    store: web::Data<Store>,
) -> Result<HttpResponse, ScormError> {
    auth.require("read:registration")?;
    let p = ListParams::from_request(
        &req,
        &[
            "courseId",
            "learnerId",
            "since",
            "until",
            "datetimeFilter",
            "tags",
            "filter",
            "filterBy",
            "orderBy",
        ],
    )?;
    let filter = match p.filter_by("registration_id") {
        None => None,
        Some((by, text)) => Some((
            match by.as_str() {
                "registration_id" => SeriesField::Name,
                "course_id" => SeriesField::CourseId,
                "course_title" => SeriesField::CourseTitle,
                "learner_id" => SeriesField::LearnerId,
                "learner_first_name" => SeriesField::LearnerFirstName,
                "learner_last_name" => SeriesField::LearnerLastName,
                "learner_email" => SeriesField::LearnerEmail,
                other => {
                    return Err(bad(format!(
                        "filterBy '{other}' is not one of: registration_id, course_id, course_title, learner_id, learner_first_name, learner_last_name, learner_email"
                    )));
                }
            },
            text,
        )),
    };
    let q = SeriesQuery {
        dialect: ScormCloud,
        course_id: p.get("courseId").map(str::to_string),
        learner_id: p.get("learnerId").map(str::to_string),
        text: filter,
        states: None,
        window: p.window()?,
    };
    let child = p.flag("includeChildResults")?;
    let t = auth.tenant_id;
    let (total, items) = run(&store, move |s| s.list_series(t, &q)).await?;
    let regs: Vec<Value> = items.iter().map(|r| registration(r, child)).collect();
    let mut body = json!({"registrations": regs});
    if let Some(m) = p.next(total, items.len()) {
        body["more"] = json!(m);
    }
    Ok(page(body, p.total_header()?.then_some(total)))
}

fn valid_redirect(u: &str) -> bool {
    u.is_empty()
        || ["closer", "blank", "message"].contains(&u)
        || u.starts_with("http://")
        || u.starts_with("https://")
}

/// buildRegistrationLaunchLink: POST /registrations/{registrationId}/launchLink →
/// LaunchLinkSchema. `expiry` is 10–300 seconds (default 120).
pub async fn launch_link(
    req: HttpRequest,
    auth: Auth,
    store: web::Data<Store>,
    path: web::Path<String>,
    body: web::Json<LaunchLinkRequest>,
) -> Result<HttpResponse, ScormError> {
    auth.require("read:registration")?;
    let b = body.into_inner();
    let redirect = b
        .redirect_on_exit_url
        .ok_or_else(|| bad("redirectOnExitUrl is required"))?;
    if !valid_redirect(&redirect) {
        return Err(bad("redirectOnExitUrl is not a valid url"));
    }
    let expiry = match b.expiry {
        None | Some(0) => 120,
        Some(e) if (10..=300).contains(&e) => e,
        Some(_) => return Err(bad("expiry is out of range: it must be 10 to 300 seconds")),
    };
    let (t, id) = (auth.tenant_id, path.into_inner());
    let token = run(&store, move |s| {
        s.launch_link(t, ScormCloud, &id, expiry, &redirect)
    })
    .await?;
    Ok(HttpResponse::Ok().json(json!({"launchLink": Links::of(&req).launch(&token)})))
}

/// createNewRegistrationInstance: POST /registrations/{registrationId}/instances → 204.
pub async fn new_instance(
    auth: Auth,
    store: web::Data<Store>,
    path: web::Path<String>,
) -> Result<HttpResponse, ScormError> {
    auth.require("write:registration")?;
    let (t, id) = (auth.tenant_id, path.into_inner());
    run(&store, move |s| {
        s.continue_series(t, ScormCloud, &id, false)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// deleteRegistrationProgress: DELETE /registrations/{registrationId}/progress → 204.
pub async fn reset(
    auth: Auth,
    store: web::Data<Store>,
    path: web::Path<String>,
) -> Result<HttpResponse, ScormError> {
    auth.require("write:registration")?;
    let (t, id) = (auth.tenant_id, path.into_inner());
    run(&store, move |s| s.continue_series(t, ScormCloud, &id, true)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// getRegistrationLaunchHistory: GET /registrations/{registrationId}/launchHistory.
/// `includeHistoryLog` is accepted (a boolean); there is no runtime log to include.
pub async fn launch_history(
    req: HttpRequest,
    auth: Auth,
    store: web::Data<Store>,
    path: web::Path<String>,
) -> Result<HttpResponse, ScormError> {
    auth.require("read:registration")?;
    ListParams::from_request(&req, &[])?.flag("includeHistoryLog")?;
    let (t, id) = (auth.tenant_id, path.into_inner());
    let rid = id.clone();
    let items = run(&store, move |s| s.launch_history(t, ScormCloud, &id)).await?;
    let list: Vec<Value> = items
        .iter()
        .map(|l| {
            let (completion, success) = to_scorm(l.state);
            crate::wire::strip_nulls(json!({
                "id": rid, "instance": l.instance, "launchHistoryId": l.id,
                "launchTime": fmt_dt(l.launched_at), "lastRuntimeUpdate": fmt_dt(l.last_update),
                "completionStatus": completion, "successStatus": success,
                "score": l.score.map(|s| json!({"scaled": s})),
                "totalSecondsTracked": l.time_spent_ms as f64 / 1000.0,
            }))
        })
        .collect();
    Ok(HttpResponse::Ok().json(json!({"launchHistory": list})))
}

/// testRegistrationPostback: POST /registrations/postBackTest → 204; one test delivery is
/// enqueued in the outbox (delivered by the gateway's worker with retries).
pub async fn postback_test(
    auth: Auth,
    store: web::Data<Store>,
    body: web::Json<PostBackDto>,
) -> Result<HttpResponse, ScormError> {
    auth.require("write:registration")?;
    let pb = body
        .into_inner()
        .into_store()
        .map_err(bad)?
        .ok_or_else(|| bad("url is required"))?;
    let payload = json!({"message": "SCORM Cloud post-back test", "test": true}).to_string();
    let post = wrap_postback(payload, &pb, "scormcloud.postback_test");
    let msg = NewMessage {
        tenant_id: Some(auth.tenant_id),
        channel: Channel::Http,
        topic: post.topic,
        target: pb.url,
        headers: post.headers,
        content_type: post.content_type,
        subject: None,
        body: post.body,
    };
    run(&store, move |s| s.enqueue(&msg)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// getRegistrationInstances: GET /registrations/{registrationId}/instances →
/// RegistrationListSchema, one entry per instance (oldest first; a reset instance shows its
/// latest enrollment).
pub async fn instances(
    req: HttpRequest,
    auth: Auth,
    store: web::Data<Store>,
    path: web::Path<String>,
) -> Result<HttpResponse, ScormError> {
    auth.require("read:registration")?;
    let p = ListParams::from_request(&req, &["since", "until"])?;
    let window = p.window()?;
    let child = p.flag("includeChildResults")?;
    let (t, id) = (auth.tenant_id, path.into_inner());
    let series = run(&store, move |s| {
        let current = s.series(t, ScormCloud, &id)?;
        let all = s.series_instances(t, ScormCloud, &id)?;
        Ok((current, all))
    })
    .await?;
    let (current, all) = series;
    let within = |v: &&enroll_store::models::EnrollmentView| {
        let added = v.record.core.dates.added;
        window.since.is_none_or(|s| added.is_some_and(|a| a >= s))
            && window.until.is_none_or(|u| added.is_some_and(|a| a <= u))
    };
    let regs: Vec<Value> = all
        .iter()
        .filter(within)
        .map(|v| {
            let as_instance = SeriesView {
                current: v.clone(),
                launches: if v.record.core.id == current.current.record.core.id {
                    current.launches
                } else {
                    Default::default()
                },
                ..current.clone()
            };
            registration(&as_instance, child)
        })
        .collect();
    Ok(HttpResponse::Ok().json(json!({"registrations": regs})))
}
