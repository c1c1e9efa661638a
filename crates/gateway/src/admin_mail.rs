//! Admin API for the shared outbox: the mail outbox (rendered invitation mails) and the HTTP
//! deliveries (post-backs) with their status; and a dialect's enrollment series → ledger
//! enrollments crosswalk. Mounted under `/admin/v1`.
use crate::AppState;
use crate::admin::AdminError;
use actix_web::{HttpResponse, web};
use enroll_store::outbox::Outbox as _;
use enroll_store::outbox::{Channel, Message};
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

/// Mounts `GET /tenants/{tenant}/mail`, `GET /tenants/{tenant}/outbox` and
/// `GET /tenants/{tenant}/series/{dialect}/{id}`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/tenants/{tenant}/mail", web::get().to(list_mail))
        .route("/tenants/{tenant}/outbox", web::get().to(list_http))
        .route(
            "/tenants/{tenant}/series/{dialect}/{id}",
            web::get().to(series),
        );
}

/// A current enrollment series a dialect names (e.g. a SCORM Cloud registration id): its
/// ledger id, current enrollment and every instance's enrollment.
async fn series(
    st: web::Data<AppState>,
    path: web::Path<(Uuid, String, String)>,
) -> Result<HttpResponse, AdminError> {
    let (t, dialect, id) = path.into_inner();
    let dialect: enroll_domain::model::Dialect = dialect
        .parse()
        .map_err(|e: String| AdminError::NotFound(e))?;
    let (view, instances) = st
        .store
        .call(move |s| {
            Ok((
                s.series(t, dialect, &id)?,
                s.series_instances(t, dialect, &id)?,
            ))
        })
        .await?;
    let list: Vec<Value> = instances
        .iter()
        .map(|e| json!({"instance": e.record.instance, "enrollmentId": e.record.core.id}))
        .collect();
    let current = &view.current.record;
    Ok(HttpResponse::Ok().json(json!({
        "seriesId": view.series_id, "id": view.id_in(dialect), "instance": current.instance,
        "enrollmentId": current.core.id, "learnerId": current.core.learner_id,
        "courseId": current.core.course_id, "instances": list,
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
