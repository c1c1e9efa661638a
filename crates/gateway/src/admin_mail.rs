//! Admin API for the shared outbox: the mail outbox (rendered invitation mails) and the HTTP
//! deliveries (post-backs) with their status, mounted under `/admin/v1`.
use crate::AppState;
use crate::admin::AdminError;
use actix_web::{HttpRequest, HttpResponse, web};
use enroll_store::outbox::{Channel, Message};
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

/// Mounts `GET /tenants/{tenant}/mail` and `GET /tenants/{tenant}/outbox`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/tenants/{tenant}/mail", web::get().to(list_mail))
        .route("/tenants/{tenant}/outbox", web::get().to(list_http));
}

fn authorize(req: &HttpRequest, st: &AppState) -> Result<(), AdminError> {
    let given = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    match given {
        Some(t)
            if enroll_store::secrets::constant_time_eq(t.as_bytes(), st.admin_token.as_bytes()) =>
        {
            Ok(())
        }
        _ => Err(AdminError::Unauthorized),
    }
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
    req: HttpRequest,
    st: web::Data<AppState>,
    tenant: Uuid,
    page: Page,
    channel: Channel,
) -> Result<HttpResponse, AdminError> {
    authorize(&req, &st)?;
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
    req: HttpRequest,
    st: web::Data<AppState>,
    path: web::Path<Uuid>,
    page: web::Query<Page>,
) -> Result<HttpResponse, AdminError> {
    list(req, st, path.into_inner(), page.into_inner(), Channel::Mail).await
}

/// HTTP deliveries (post-backs), newest first, with status, attempts and last error.
async fn list_http(
    req: HttpRequest,
    st: web::Data<AppState>,
    path: web::Path<Uuid>,
    page: web::Query<Page>,
) -> Result<HttpResponse, AdminError> {
    list(req, st, path.into_inner(), page.into_inner(), Channel::Http).await
}
