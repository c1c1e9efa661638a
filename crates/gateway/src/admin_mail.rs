//! Admin API for the shared outbox: the mail outbox (rendered invitation mails) and the HTTP
//! deliveries (post-backs) with their status; and the SCORM registration → ledger enrollment
//! crosswalk. Mounted under `/admin/v1`.
use crate::AppState;
use crate::admin::AdminError;
use actix_web::{HttpResponse, web};
use enroll_store::outbox::{Channel, Message};
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

/// Mounts `GET /tenants/{tenant}/mail`, `GET /tenants/{tenant}/outbox` and
/// `GET /tenants/{tenant}/scormcloud/registrations/{registrationId}`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/tenants/{tenant}/mail", web::get().to(list_mail))
        .route("/tenants/{tenant}/outbox", web::get().to(list_http))
        .route(
            "/tenants/{tenant}/scormcloud/registrations/{registration}",
            web::get().to(registration),
        );
}

/// A SCORM registration's current enrollment and every instance's enrollment.
async fn registration(
    st: web::Data<AppState>,
    path: web::Path<(Uuid, String)>,
) -> Result<HttpResponse, AdminError> {
    let (t, id) = path.into_inner();
    let (view, instances) = st
        .store
        .call(move |s| Ok((s.scorm_registration(t, &id)?, s.scorm_instances(t, &id)?)))
        .await?;
    let list: Vec<Value> = instances
        .iter()
        .map(|(i, e)| json!({"instance": i, "enrollmentId": e}))
        .collect();
    Ok(HttpResponse::Ok().json(json!({
        "registrationId": view.registration_id, "instance": view.instance,
        "enrollmentId": view.enrollment.id, "learnerId": view.learner.id,
        "courseId": view.course.id, "instances": list,
    })))
}

/// `?to=<address>&limit=&offset=` (`target` for HTTP deliveries).
#[derive(Debug, Deserialize)]
struct Page {
    to: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
}

fn message_json(m: &Message) -> Value {
    json!({
        "id": m.id, "topic": m.topic, "to": m.target, "subject": m.subject,
        "contentType": m.content_type, "body": m.body, "status": m.status,
        "attempts": m.attempts, "lastError": m.last_error,
        "createdAt": m.created_at.unix_timestamp() * 1000 + i64::from(m.created_at.millisecond()),
        "deliveredAt": m.delivered_at.map(|d| d.unix_timestamp() * 1000 + i64::from(d.millisecond())),
    })
}

async fn list(
    st: web::Data<AppState>,
    tenant: Uuid,
    page: Page,
    channel: Channel,
) -> Result<HttpResponse, AdminError> {
    let limit = page.limit.unwrap_or(100).clamp(1, 1000);
    let offset = page.offset.unwrap_or(0).max(0);
    let (total, items) = st
        .store
        .call(move |s| s.list_outbox(tenant, channel, page.to.as_deref(), limit, offset))
        .await?;
    let list: Vec<Value> = items.iter().map(message_json).collect();
    Ok(HttpResponse::Ok().json(json!({"total": total, "messages": list})))
}

/// The mail outbox, newest first.
async fn list_mail(
    st: web::Data<AppState>,
    path: web::Path<Uuid>,
    page: web::Query<Page>,
) -> Result<HttpResponse, AdminError> {
    list(st, path.into_inner(), page.into_inner(), Channel::Mail).await
}

/// HTTP deliveries (post-backs), newest first, with status, attempts and last error.
async fn list_http(
    st: web::Data<AppState>,
    path: web::Path<Uuid>,
    page: web::Query<Page>,
) -> Result<HttpResponse, AdminError> {
    list(st, path.into_inner(), page.into_inner(), Channel::Http).await
}
