//! iSpring's errors: one enum, rendered as a REST `ErrorResponse {code, message}` (JSON, or
//! XML under `<response>`) or as a SOAP Fault whose `faultstring` is one of iSpring's
//! (`Authorization failed`, `Wrong parameters`, `Permission denied`) with the detail in
//! `<detail><message>`.
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use enroll_domain::DomainError;
use enroll_store::StoreError;
use serde_json::json;

/// An iSpring API error.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum IspringError {
    /// 400 / `Wrong parameters`: a missing, malformed or unknown parameter.
    #[error("{0}")]
    WrongParameters(String),
    /// 401 / `Authorization failed`.
    #[error("{0}")]
    Unauthorized(String),
    /// 403 / `Permission denied`: the caller may not do this (or not to this learner).
    #[error("{0}")]
    PermissionDenied(String),
    /// 404 / `Wrong parameters`: the id names nothing.
    #[error("{0}")]
    NotFound(String),
    /// 405: the REST path exists but does not take this method; `allow` lists those it takes.
    #[error("The method {method} is not allowed here; allowed: {allow}")]
    MethodNotAllowed { method: String, allow: String },
    /// 409 / `Wrong parameters`: the ledger's rules refuse the change.
    #[error("{0}")]
    Conflict(String),
    /// 413 / `Wrong parameters`: the body is larger than the limit.
    #[error("The request body is larger than {0} bytes")]
    TooLarge(usize),
    /// 503 with `Retry-After` / server fault: more requests are waiting for the ledger than it
    /// queues, or a write kept conflicting with concurrent ones; nothing was done and the
    /// caller may retry (SOAP 1.1 faults are 500 otherwise: this one tells clients to retry).
    #[error(
        "The server is busy; retry after {} second(s)",
        StoreError::RETRY_AFTER_SECS
    )]
    Busy,
    /// 503 / server fault: the database is unreachable.
    #[error("The service is temporarily unavailable")]
    Unavailable,
    /// 500 / server fault: logged, never described.
    #[error("Internal server error")]
    Internal,
}

impl IspringError {
    /// The SOAP `faultstring`: iSpring's words for the kind of error.
    pub fn fault_string(&self) -> &'static str {
        match self {
            Self::Unauthorized(_) => "Authorization failed",
            Self::PermissionDenied(_) => "Permission denied",
            Self::Busy | Self::Unavailable | Self::Internal => "Internal server error",
            _ => "Wrong parameters",
        }
    }

    /// Whether the fault is the caller's (`client`) or ours (`server`).
    pub fn is_client(&self) -> bool {
        !matches!(self, Self::Busy | Self::Unavailable | Self::Internal)
    }

    /// The seconds a busy answer's `Retry-After` names.
    pub fn retry_after(&self) -> Option<u64> {
        matches!(self, Self::Busy).then_some(StoreError::RETRY_AFTER_SECS)
    }

    /// The methods a 405 names (empty otherwise).
    pub fn allow(&self) -> String {
        match self {
            Self::MethodNotAllowed { allow, .. } => allow.clone(),
            _ => String::new(),
        }
    }

    /// The REST body's fields.
    pub fn body(&self) -> crate::value::Out {
        use crate::value::Out;
        Out::Obj(vec![
            ("code", Out::Int(i64::from(self.status_code().as_u16()))),
            ("message", Out::text(self.to_string())),
        ])
    }
}

impl ResponseError for IspringError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::WrongParameters(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::PermissionDenied(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Busy | Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The REST shape in JSON (the REST layer renders XML itself when the caller asks).
    fn error_response(&self) -> HttpResponse {
        HttpResponse::build(self.status_code()).json(json!({
            "code": self.status_code().as_u16(), "message": self.to_string(),
        }))
    }
}

/// `name` with an upper-case first letter ("enrollment x" → "Enrollment x").
fn capitalized(name: &str) -> String {
    let mut cs = name.chars();
    cs.next()
        .map(|c| c.to_uppercase().chain(cs).collect())
        .unwrap_or_default()
}

impl From<StoreError> for IspringError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => {
                Self::NotFound(format!("{} not found", capitalized(&what)))
            }
            StoreError::Domain(DomainError::NotPermitted(what)) => Self::PermissionDenied(format!(
                "The caller may not manage {what}: it is outside the departments the caller administers"
            )),
            StoreError::Domain(DomainError::Invalid(m)) | StoreError::Invalid(m) => {
                Self::WrongParameters(m)
            }
            StoreError::Domain(d) => Self::Conflict(capitalized(&d.to_string())),
            StoreError::Conflict(m) => Self::Conflict(m),
            StoreError::Refused(r) => Self::Conflict(capitalized(&r.to_string())),
            StoreError::Series(c) => Self::Conflict(c.to_string()),
            StoreError::Busy(detail) => {
                log::warn!("ispring-soap: ledger busy: {detail}");
                Self::Busy
            }
            StoreError::Unavailable(detail) => {
                log::error!("ispring-soap: database unavailable: {detail}");
                Self::Unavailable
            }
            StoreError::Config(detail) | StoreError::Internal(detail) => {
                log::error!("ispring-soap: internal error: {detail}");
                Self::Internal
            }
        }
    }
}
