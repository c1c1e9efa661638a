//! The OData v4 error body LMS365 returns: `{"error": {"code": "...", "message": "..."}}`.
use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpResponse, ResponseError};
use enroll_domain::DomainError;
use enroll_store::StoreError;
use serde_json::json;

/// An LMS365 API error.
#[derive(Debug, thiserror::Error)]
pub enum ODataError {
    /// 400: malformed request, bad key, bad query option, or a write the ledger refuses.
    #[error("{0}")]
    BadRequest(String),
    /// 401: no API key, or a wrong one.
    #[error("Authorization has been denied for this request.")]
    Unauthorized,
    /// 403: a read-only API key asked for a write.
    #[error("{0}")]
    Forbidden(String),
    /// 404: no such resource or route (another tenant's ids included).
    #[error("{0}")]
    NotFound(String),
    /// 405: the resource does not take this method.
    #[error("The requested resource does not support http method '{0}'.")]
    MethodNotAllowed(String),
    /// 409: a conflicting write.
    #[error("{0}")]
    Conflict(String),
    /// 503 with `Retry-After`: the server has more requests than it queues (the ledger's
    /// `Busy`); nothing was done, the client may retry after `retry_after_secs`.
    #[error("The server is busy; retry after {retry_after_secs} second(s).")]
    Busy { retry_after_secs: u64 },
    /// 503: the database is unreachable.
    #[error("The service is temporarily unavailable.")]
    Unavailable,
    /// 500: logged, never described.
    #[error("An error has occurred.")]
    Internal,
}

impl ODataError {
    fn code(&self) -> &'static str {
        match self {
            Self::BadRequest(_) => "BadRequest",
            Self::Unauthorized => "Unauthorized",
            Self::Forbidden(_) => "Forbidden",
            Self::NotFound(_) => "NotFound",
            Self::MethodNotAllowed(_) => "MethodNotAllowed",
            Self::Conflict(_) => "Conflict",
            Self::Busy { .. } | Self::Unavailable => "ServiceUnavailable",
            Self::Internal => "InternalServerError",
        }
    }
}

impl ResponseError for ODataError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::Busy { .. } | Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let mut resp = HttpResponse::build(self.status_code());
        match self {
            Self::Busy { retry_after_secs } => {
                resp.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            Self::Unauthorized => {
                resp.insert_header((header::WWW_AUTHENTICATE, "Basic realm=\"LMS365\""));
            }
            _ => {}
        }
        resp.insert_header(("OData-Version", "4.0"));
        resp.json(json!({"error": {"code": self.code(), "message": self.to_string()}}))
    }
}

/// "Course not found." from the store's "course".
fn not_found(what: &str) -> String {
    let mut chars = what.chars();
    let cap: String = chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default();
    format!("{cap} not found.")
}

impl From<StoreError> for ODataError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => Self::NotFound(not_found(&what)),
            StoreError::Invalid(m) => Self::BadRequest(m),
            StoreError::Conflict(m) => Self::Conflict(m),
            StoreError::Domain(DomainError::AlreadyEnrolled) => {
                Self::Conflict("The user is already enrolled in this course.".into())
            }
            StoreError::Domain(d) => Self::BadRequest(d.to_string()),
            StoreError::Series(c) => Self::Conflict(c.to_string()),
            StoreError::Refused(r) => Self::Conflict(r.to_string()),
            StoreError::Busy(detail) => {
                log::warn!("busy: {detail}");
                Self::Busy {
                    retry_after_secs: StoreError::RETRY_AFTER_SECS,
                }
            }
            StoreError::Unavailable(detail) => {
                log::error!("database unavailable: {detail}");
                Self::Unavailable
            }
            StoreError::Config(detail) | StoreError::Internal(detail) => {
                log::error!("internal error: {detail}");
                Self::Internal
            }
        }
    }
}

impl From<odata_filter::FilterError> for ODataError {
    fn from(e: odata_filter::FilterError) -> Self {
        Self::BadRequest(format!("The query is invalid: {e}."))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use actix_web::body::MessageBody;

    #[test]
    fn busy_is_an_odata_error_with_retry_after() {
        let resp = ODataError::Busy {
            retry_after_secs: 1,
        }
        .error_response();
        assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(resp.headers().get("retry-after").unwrap(), "1");
        let body = resp.into_body().try_into_bytes().unwrap();
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["error"]["code"], "ServiceUnavailable");
        assert!(
            v["error"]["message"]
                .as_str()
                .unwrap()
                .contains("retry after 1 second")
        );
    }

    #[test]
    fn internal_details_are_not_returned() {
        let e = ODataError::from(StoreError::Internal("SELECT secret FROM x".into()));
        let body = e.error_response().into_body().try_into_bytes().unwrap();
        assert!(!String::from_utf8_lossy(&body).contains("SELECT"));
    }
}
