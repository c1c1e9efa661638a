//! LMS365 webhooks, mounted at `/lms365/webhooks`: `POST /subscribe/{event}` with
//! `{"WebHookUri": "…"}` subscribes to `CourseEnrollment`, `CourseUnenrollment`,
//! `CourseStarted`, `CourseCompleted` or `EnrollmentApprovalRequest`; `GET /` lists the
//! tenant's subscriptions and `DELETE /{id}` ends one (the subscribe answer's `Location`).
//!
//! A subscription is the ledger's: a tenant-wide subscription to the enrollment events of the
//! event's kinds, whatever dialect made the change. Deliveries go through the one outbound
//! mechanism SCORM Cloud's post-backs use ([`background`] renders them): durable, at least
//! once, retried with backoff, in order per receiver. Each event is one POST with the
//! connector definition's payload.
use crate::auth::Caller;
use crate::error::ODataError;
use crate::vocab::to_lms365;
use crate::wire;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use enroll_domain::model::Dialect;
use enroll_domain::{EnrollmentState, EventKind};
use enroll_store::Store;
use enroll_store::events::{NewSubscription, Notice, Rendered, Scope, Subscription};
use serde::Deserialize;
use serde_json::{Value, json};

/// The events a subscription may name, with the ledger event kinds each is made of.
pub const EVENTS: [(&str, &[EventKind]); 5] = [
    (
        "CourseEnrollment",
        &[
            EventKind::Enrolled,
            EventKind::ReEnrolled,
            EventKind::Approved,
        ],
    ),
    ("CourseUnenrollment", &[EventKind::Cancelled]),
    ("CourseStarted", &[EventKind::Started]),
    ("CourseCompleted", &[EventKind::Completed]),
    (
        "EnrollmentApprovalRequest",
        &[EventKind::Enrolled, EventKind::ReEnrolled],
    ),
];

/// `{"WebHookUri": "https://…"}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct SubscribeBody {
    pub web_hook_uri: String,
}

/// Whether an event of a subscription's LMS365 event is announced: an enrollment waiting for
/// approval is an approval request, not an enrollment (yet).
fn announces(event: &str, to: EnrollmentState) -> bool {
    match event {
        "CourseEnrollment" => to != EnrollmentState::PendingApproval,
        "EnrollmentApprovalRequest" => to == EnrollmentState::PendingApproval,
        _ => true,
    }
}

/// The integer `EnrollmentStatus` of a webhook (the connector declares an int; LMS365 does
/// not publish the values): its `RegistrationStatus` in this order.
fn status_code(text: &str) -> i32 {
    match text {
        "Enrolled" => 0,
        "Pending" => 1,
        "Waitlisted" => 2,
        "Rejected" => 3,
        "Cancelled" => 4,
        "Expired" => 5,
        _ => 6,
    }
}

fn view(sub: &Subscription, base: &str) -> Value {
    json!({
        "Id": sub.id,
        "Event": sub.settings,
        "WebHookUri": sub.target,
        "Location": format!("{base}/{}", sub.id),
    })
}

fn base(req: &HttpRequest) -> String {
    let info = req.connection_info();
    let path = req.path();
    let root = path.find("/subscribe").map_or(path, |i| &path[..i]);
    format!(
        "{}://{}{}",
        info.scheme(),
        info.host(),
        root.trim_end_matches('/')
    )
}

/// `POST /subscribe/{event}` — subscribe `WebHookUri` to an event.
pub async fn subscribe(
    caller: Caller,
    store: web::Data<Store>,
    req: HttpRequest,
    event: web::Path<String>,
    body: web::Json<SubscribeBody>,
) -> Result<HttpResponse, ODataError> {
    caller.require_write()?;
    let (name, kinds) = EVENTS
        .iter()
        .find(|(n, _)| *n == event.as_str())
        .ok_or_else(|| {
            ODataError::NotFound(format!(
                "No webhook event '{}': use CourseEnrollment, CourseUnenrollment, CourseStarted, \
                 CourseCompleted or EnrollmentApprovalRequest.",
                event.chars().take(60).collect::<String>()
            ))
        })?;
    let uri = body.into_inner().web_hook_uri.trim().to_string();
    let absolute = uri.starts_with("https://") || uri.starts_with("http://");
    if !absolute || uri.len() > 2048 || uri.contains(char::is_whitespace) {
        return Err(ODataError::BadRequest(
            "WebHookUri must be an absolute http(s) URL.".into(),
        ));
    }
    let new = NewSubscription {
        target: uri,
        settings: (*name).to_string(),
        kinds: kinds.to_vec(),
    };
    let t = caller.tenant_id;
    let sub = store
        .call(move |s| s.create_subscription(t, Dialect::Lms365, Scope::Tenant, None, &new))
        .await?;
    let body = view(&sub, &base(&req));
    Ok(HttpResponse::build(StatusCode::CREATED)
        .insert_header(("Location", body["Location"].as_str().unwrap_or_default()))
        .json(body))
}

/// `GET /` — the tenant's LMS365 webhook subscriptions.
pub async fn list(
    caller: Caller,
    store: web::Data<Store>,
    req: HttpRequest,
) -> Result<HttpResponse, ODataError> {
    let t = caller.tenant_id;
    let subs = store
        .call(move |s| s.subscriptions(t, Dialect::Lms365))
        .await?;
    let b = base(&req);
    let value: Vec<Value> = subs.iter().map(|s| view(s, &b)).collect();
    Ok(HttpResponse::Ok().json(json!({ "value": value })))
}

/// `DELETE /{id}` — unsubscribe.
pub async fn unsubscribe(
    caller: Caller,
    store: web::Data<Store>,
    id: web::Path<String>,
) -> Result<HttpResponse, ODataError> {
    caller.require_write()?;
    let t = caller.tenant_id;
    let id = id.into_inner();
    store
        .call(move |s| s.delete_subscription(t, Dialect::Lms365, &id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The deliveries of a notice: one POST per announced event, with the connector
/// definition's payload (`Attempt` is 1: the payload is fixed when the event is collected).
pub fn render(sub: &Subscription, notice: &Notice<'_>) -> Vec<Rendered> {
    let v = &notice.series.current;
    notice
        .events
        .iter()
        .filter(|e| announces(&sub.settings, e.to))
        .map(|e| {
            let status = to_lms365(e.to).0;
            let payload = json!({
                "Id": sub.id,
                "Attempt": 1,
                "Properties": {},
                "Notifications": [{
                    "Action": sub.settings,
                    "EnrollmentStatus": status_code(status),
                    "EnrollmentStatusText": status,
                    "Course": {
                        "SiteId": Value::Null,
                        "WebId": Value::Null,
                        "Id": wire::course_id(&v.course),
                        "Title": v.course.title,
                        "Url": Value::Null,
                        "CourseType": wire::course(&v.course)["CourseType"],
                        "Published": true,
                    },
                    "Users": [{
                        "Id": v.learner.id_in(Dialect::Lms365),
                        "DirectoryObjectId": Value::Null,
                        "EnrollmentId": e.enrollment_id,
                        "LoginName": wire::login_name(&v.learner),
                        "Title": v.learner.full_name(),
                        "Department": Value::Null,
                        "Email": v.learner.email,
                    }],
                    "TimeStamp": wire::date(Some(e.at)),
                }],
            });
            Rendered {
                topic: format!("lms365.webhook.{}", sub.settings),
                headers: Vec::new(),
                content_type: "application/json".into(),
                body: payload.to_string(),
            }
        })
        .collect()
}

/// The LMS365 facade's background work: rendering its webhooks' deliveries. A host adds it to
/// the delivery worker (`enroll_deliveries::Deliveries::with`) it adds to the ledger's tasks.
pub fn background() -> enroll_deliveries::Background {
    enroll_deliveries::Background::new().notices(Dialect::Lms365, render)
}

/// Mounts the webhook endpoints (relative paths; the gateway uses `/lms365/webhooks`).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("")
            .wrap(actix_web::middleware::from_fn(|req, next| {
                enroll_web::require_store(req, next, "lms365-odata", || ODataError::Internal)
            }))
            .app_data(web::JsonConfig::default().error_handler(|e, _| {
                ODataError::BadRequest(format!("The request body is invalid: {e}.")).into()
            }))
            .route("/subscribe/{event}", web::post().to(subscribe))
            .route("", web::get().to(list))
            .route("/", web::get().to(list))
            .route("/{id}", web::delete().to(unsubscribe))
            .default_service(web::to(|req: HttpRequest| async move {
                Err::<HttpResponse, _>(ODataError::NotFound(format!(
                    "No HTTP resource was found that matches the request URI '{}'.",
                    req.path().chars().take(200).collect::<String>()
                )))
            })),
    );
}
