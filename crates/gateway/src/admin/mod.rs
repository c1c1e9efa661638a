//! The admin API under `/admin/v1`: tenants, dialect credentials, departments, learners,
//! courses, enrollments (read and drive), seed loading and reset, the clock, statement counts
//! (`--count-statements`), and the outbox (`admin_mail.rs`).
//!
//! * Every route, unknown paths included, first checks `Authorization: Bearer <admin token>`
//!   and answers 401 before the path, query or body is looked at.
//! * Bodies are JSON whatever the `Content-Type` says: none, `application/json`, or the
//!   `application/x-www-form-urlencoded` that a plain `curl -d` sends.
//! * Every JSON field, in and out, is camelCase; the shapes are built here (`dto.rs`), not by
//!   the domain's own serde.
//! * Errors are `{"error": "…"}` with 400, 401, 404, 409, 500 (details only in the log) or
//!   503 with `Retry-After` (the ledger is busy: try again).
mod auth;
mod catalog;
mod clock;
mod dto;
mod enrollments;
mod seed;
mod stats;
mod tenants;

use crate::AppState;
use actix_web::dev::HttpServiceFactory;
use actix_web::http::StatusCode;
use actix_web::middleware::from_fn;
use actix_web::{HttpResponse, ResponseError, web};
use enroll_store::events::Cause;
use enroll_store::{Store, StoreError};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

/// Admin API errors: `{"error": "..."}` with a fitting status.
#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error("missing or invalid admin token")]
    Unauthorized,
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    /// 503 with `Retry-After`: the ledger's queue is full (or a write kept conflicting).
    #[error(
        "the server is busy; retry after {} second(s)",
        StoreError::RETRY_AFTER_SECS
    )]
    Busy,
    #[error("internal error")]
    Internal,
}

impl ResponseError for AdminError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::Busy => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let mut resp = HttpResponse::build(self.status_code());
        if let Self::Busy = self {
            resp.insert_header(("Retry-After", StoreError::RETRY_AFTER_SECS.to_string()));
        }
        resp.json(json!({"error": self.to_string()}))
    }
}

impl From<StoreError> for AdminError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(w) => Self::NotFound(format!("{w} not found")),
            StoreError::Conflict(m) => Self::Conflict(m),
            StoreError::Invalid(m) => Self::BadRequest(m),
            StoreError::Domain(d) => Self::Conflict(d.to_string()),
            StoreError::Busy(detail) => {
                log::warn!("admin API: busy: {detail}");
                Self::Busy
            }
            other => {
                log::error!("admin API: {other:?}");
                Self::Internal
            }
        }
    }
}

type Result<T> = std::result::Result<T, AdminError>;

/// The `/admin/v1` scope: the token check around every admin route.
pub fn scope() -> impl HttpServiceFactory {
    let bad = |e: &dyn std::fmt::Display| AdminError::BadRequest(e.to_string()).into();
    web::scope("/admin/v1")
        .wrap(from_fn(auth::require_token))
        .app_data(
            web::JsonConfig::default()
                .content_type_required(false)
                .content_type(|m| m.essence_str() == "application/x-www-form-urlencoded")
                .error_handler(move |e, _| bad(&e)),
        )
        .app_data(web::PathConfig::default().error_handler(move |e, _| bad(&e)))
        .app_data(web::QueryConfig::default().error_handler(move |e, _| bad(&e)))
        .configure(crate::admin_mail::configure)
        .configure(tenants::configure)
        .configure(catalog::configure)
        .configure(enrollments::configure)
        .configure(seed::configure)
        .configure(clock::configure)
        .configure(stats::configure)
        .default_service(web::to(|| async {
            AdminError::NotFound("no such admin route".into()).error_response()
        }))
}

/// Runs store work for an admin call: its changes are recorded as the admin API's.
async fn run<T: Send + 'static>(
    store: &Store,
    f: impl FnOnce(&Store) -> enroll_store::StoreResult<T> + Send + 'static,
) -> Result<T> {
    let store = store.caused_by(Cause::source(ADMIN));
    Ok(store.call(f).await?)
}

/// The source the admin API's changes are recorded under.
const ADMIN: &str = "admin";

/// The tenant's id, or 404.
async fn tenant(st: &AppState, id: Uuid) -> Result<Uuid> {
    if run(&st.store, move |s| s.tenant_exists(id)).await? {
        Ok(id)
    } else {
        Err(AdminError::NotFound("tenant not found".into()))
    }
}

/// `?limit=&offset=` (default 100, at most 1000).
#[derive(Deserialize)]
struct Page {
    limit: Option<i64>,
    offset: Option<i64>,
}

impl Page {
    fn bounds(&self) -> (i64, i64) {
        (
            self.limit.unwrap_or(100).clamp(1, 1000),
            self.offset.unwrap_or(0).max(0),
        )
    }
}
