//! Absorb's `GenericErrorResponse`: `{validations, code, message, term, _meta}`.
//!
//! `term` strings are not published by Absorb; we use the HTTP reason in PascalCase
//! (`BadRequest`, `Unauthorized`, `Forbidden`, `NotFound`, `MethodNotAllowed`,
//! `UnprocessableEntity`, `TooManyRequests`).
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use enroll_domain::DomainError;
use enroll_store::StoreError;
use serde_json::json;

/// An Absorb API error.
#[derive(Debug, thiserror::Error)]
pub enum AbsorbError {
    /// 400: malformed request (bad JSON, wrong types, malformed GUIDs, bad `_filter`).
    #[error("{0}")]
    BadRequest(String),
    /// 401: missing/invalid `x-api-key` or token.
    #[error("{0}")]
    Unauthorized(String),
    /// 403: the caller may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// 404: unknown id (or another tenant's).
    #[error("{0}")]
    NotFound(String),
    /// 405: the path exists but does not take this method; `allow` lists the ones it takes.
    #[error("The method '{method}' is not allowed on this resource; allowed: {allow}.")]
    MethodNotAllowed { method: String, allow: String },
    /// 422: the request is well-formed but the ledger refuses it.
    #[error("{0}")]
    Unprocessable(String),
    /// 429: too many failed sign-ins for the user; `Retry-After` says when to try again.
    #[error(
        "Too many failed sign-in attempts for this user; try again in {retry_after_secs} seconds."
    )]
    TooManyRequests { retry_after_secs: u64 },
    /// 503: the database is unreachable.
    #[error("The service is temporarily unavailable.")]
    Unavailable,
    /// 503 with `Retry-After`: more requests are waiting for the ledger than it queues (or a
    /// write kept conflicting); answered at once, nothing was done.
    #[error(
        "The server is busy. Retry the request after {} second(s).",
        StoreError::RETRY_AFTER_SECS
    )]
    Busy,
    /// 500: logged, never described.
    #[error("An unexpected error occurred.")]
    Internal,
}

impl AbsorbError {
    fn term(&self) -> &'static str {
        match self {
            Self::BadRequest(_) => "BadRequest",
            Self::Unauthorized(_) => "Unauthorized",
            Self::Forbidden(_) => "Forbidden",
            Self::NotFound(_) => "NotFound",
            Self::MethodNotAllowed { .. } => "MethodNotAllowed",
            Self::Unprocessable(_) => "UnprocessableEntity",
            Self::TooManyRequests { .. } => "TooManyRequests",
            Self::Unavailable | Self::Busy => "ServiceUnavailable",
            Self::Internal => "InternalServerError",
        }
    }
}

impl ResponseError for AbsorbError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable | Self::Busy => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let validations: Vec<String> = match self {
            Self::BadRequest(m) | Self::Unprocessable(m) => vec![m.clone()],
            _ => vec![],
        };
        let mut response = HttpResponse::build(status);
        if let Self::MethodNotAllowed { allow, .. } = self {
            response.insert_header((actix_web::http::header::ALLOW, allow.as_str()));
        }
        if let Self::TooManyRequests { retry_after_secs } = self {
            response.insert_header((actix_web::http::header::RETRY_AFTER, *retry_after_secs));
        }
        if let Self::Busy = self {
            response.insert_header((
                actix_web::http::header::RETRY_AFTER,
                StoreError::RETRY_AFTER_SECS.to_string(),
            ));
        }
        response.json(json!({
            "validations": validations,
            "code": status.as_u16(),
            "message": self.to_string(),
            "term": self.term(),
            "_meta": {},
        }))
    }
}

fn not_found_message(what: &str) -> String {
    let mut chars = what.chars();
    let cap: String = chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default();
    format!("{cap} not found.")
}

impl From<StoreError> for AbsorbError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => Self::NotFound(not_found_message(&what)),
            StoreError::Conflict(m) | StoreError::Invalid(m) => Self::Unprocessable(m),
            StoreError::Refused(r) => Self::Unprocessable(r.to_string()),
            StoreError::Domain(DomainError::AlreadyEnrolled) => Self::Unprocessable(
                "The user is already enrolled in this course. Set reEnroll=true to re-enroll."
                    .into(),
            ),
            // Outside a department administrator's scope: answered as if it did not exist.
            StoreError::Domain(DomainError::NotPermitted(what)) => {
                Self::NotFound(not_found_message(&what))
            }
            StoreError::Domain(d) => Self::Unprocessable(d.to_string()),
            StoreError::Series(c) => Self::Unprocessable(c.to_string()),
            StoreError::Unavailable(detail) => {
                log::error!("database unavailable: {detail}");
                Self::Unavailable
            }
            StoreError::Busy(detail) => {
                log::warn!("busy: {detail}");
                Self::Busy
            }
            StoreError::Config(detail) | StoreError::Internal(detail) => {
                log::error!("internal error: {detail}");
                Self::Internal
            }
        }
    }
}
