//! Registrations: create, exists, progress, delete, list, launch link, instances, reset,
//! launch history and the post-back test.
use super::{page, run};
use crate::Links;
use crate::auth::Auth;
use crate::error::ScormError;
use crate::query::ListParams;
use crate::render::wrap_postback;
use crate::wire::{CreateRegistration, LaunchLinkRequest, PostBackDto, fmt_dt, registration};
use actix_web::{HttpRequest, HttpResponse, web};
use enroll_store::Store;
use enroll_store::outbox::{Channel, NewMessage};
use enroll_store::scorm::registrations::RegistrationField;
use enroll_store::scorm::{LearnerInfo, NewRegistration, RegistrationQuery};
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
    let new = NewRegistration {
        registration_id: b.registration_id,
        course_id: b.course_id,
        learner: LearnerInfo {
            id: b.learner.id,
            email: b.learner.email,
            first_name: b.learner.first_name,
            last_name: b.learner.last_name,
        },
        xapi_registration_id: b.xapi_registration_id,
        post_back: b
            .post_back
            .map(PostBackDto::into_store)
            .transpose()
            .map_err(bad)?
            .flatten(),
        tags: b.registration_tags,
    };
    let t = auth.tenant_id;
    run(&store, move |s| s.scorm_create_registration(t, &new)).await?;
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
    let found = run(&store, move |s| s.scorm_registration_exists(t, &id)).await?;
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
    let v = run(&store, move |s| s.scorm_registration(t, &id)).await?;
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
    run(&store, move |s| s.scorm_delete_registration(t, &id)).await?;
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
                "registration_id" => RegistrationField::RegistrationId,
                "course_id" => RegistrationField::CourseId,
                "course_title" => RegistrationField::CourseTitle,
                "learner_id" => RegistrationField::LearnerId,
                "learner_first_name" => RegistrationField::LearnerFirstName,
                "learner_last_name" => RegistrationField::LearnerLastName,
                "learner_email" => RegistrationField::LearnerEmail,
                other => {
                    return Err(bad(format!(
                        "filterBy '{other}' is not one of: registration_id, course_id, course_title, learner_id, learner_first_name, learner_last_name, learner_email"
                    )));
                }
            },
            text,
        )),
    };
    let q = RegistrationQuery {
        course_id: p.get("courseId").map(str::to_string),
        learner_id: p.get("learnerId").map(str::to_string),
        filter,
        window: p.window()?,
    };
    let child = p.flag("includeChildResults")?;
    let t = auth.tenant_id;
    let (total, items) = run(&store, move |s| s.scorm_list_registrations(t, &q)).await?;
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
        s.scorm_launch_link(t, &id, expiry, &redirect)
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
    run(&store, move |s| s.scorm_new_instance(t, &id)).await?;
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
    run(&store, move |s| s.scorm_reset_registration(t, &id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// getRegistrationLaunchHistory: GET /registrations/{registrationId}/launchHistory.
pub async fn launch_history(
    auth: Auth,
    store: web::Data<Store>,
    path: web::Path<String>,
) -> Result<HttpResponse, ScormError> {
    auth.require("read:registration")?;
    let (t, id) = (auth.tenant_id, path.into_inner());
    let rid = id.clone();
    let items = run(&store, move |s| s.scorm_launch_history(t, &id)).await?;
    let list: Vec<Value> = items
        .iter()
        .map(|l| {
            crate::wire::strip_nulls(json!({
                "id": rid, "instance": l.instance, "launchHistoryId": l.id,
                "launchTime": fmt_dt(l.launched_at), "lastRuntimeUpdate": fmt_dt(l.launched_at),
                "completionStatus": l.completion, "successStatus": l.success,
                "score": l.score.map(|s| json!({"scaled": s})),
                "totalSecondsTracked": l.total_seconds,
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
    let post = wrap_postback(payload, &pb);
    let msg = NewMessage {
        tenant_id: Some(auth.tenant_id),
        channel: Channel::Http,
        topic: "scormcloud.postback_test".into(),
        target: pb.url,
        headers: post.headers,
        content_type: post.content_type,
        subject: None,
        body: post.body,
    };
    run(&store, move |s| s.enqueue(&msg)).await?;
    Ok(HttpResponse::NoContent().finish())
}
