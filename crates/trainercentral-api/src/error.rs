//! TrainerCentral's error bodies. The API answers in the Zoho API convention
//! `{"code", "message", "status": "error", "details": {}}`; the accounts side (`/oauth/v2`)
//! answers `{"error": "<code>"}` as Zoho Accounts does. TrainerCentral documents neither: both
//! are this service's choice, listed in the README.
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use enroll_domain::DomainError;
use enroll_store::StoreError;
use serde_json::{Map, Value, json};

/// A TrainerCentral API error.
#[derive(Debug, thiserror::Error)]
pub enum TcError {
    /// 404 `INVALID_URL_PATTERN`: no such route.
    #[error("Please check if the URL trying to access is a correct one")]
    InvalidUrl,
    /// 405 `INVALID_REQUEST_METHOD`.
    #[error("The http request method type is not a valid one; allowed: {allow}")]
    MethodNotAllowed { allow: &'static str },
    /// 400 `INVALID_DATA`: a malformed body, parameter or id; `param` names it.
    #[error("{message}")]
    InvalidData { param: String, message: String },
    /// 400 `MANDATORY_NOT_FOUND`: a required parameter is missing.
    #[error("Required parameter {0} is missing")]
    Mandatory(String),
    /// 400 `DUPLICATE_DATA`: already there (an enrolled learner, an existing academy learner);
    /// nothing was changed.
    #[error("{0}")]
    Duplicate(String),
    /// 404 `RESOURCE_NOT_FOUND`: no such portal, course, member or learner (another
    /// portal's ids included).
    #[error("{0}")]
    NotFound(String),
    /// 401 `INVALID_OAUTHTOKEN`: no token, or an unknown, expired or revoked one.
    #[error("{0}")]
    InvalidToken(String),
    /// 401 `INVALID_OAUTHSCOPE`: the token lacks the operation's scope.
    #[error("The OAuth token does not have the scope {0} this operation needs")]
    InvalidScope(String),
    /// 503 with `Retry-After`: the ledger is busy; nothing was done.
    #[error("The server is busy; retry after {retry_after_secs} second(s)")]
    Busy { retry_after_secs: u64 },
    /// 503: the database is unreachable.
    #[error("The service is temporarily unavailable")]
    Unavailable,
    /// 500: logged, never described.
    #[error("An internal error occurred")]
    Internal,
}

impl TcError {
    /// An `INVALID_DATA` error about `param`.
    pub fn invalid(param: &str, message: impl Into<String>) -> Self {
        Self::InvalidData {
            param: param.to_string(),
            message: message.into(),
        }
    }

    /// The Zoho error code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidUrl => "INVALID_URL_PATTERN",
            Self::MethodNotAllowed { .. } => "INVALID_REQUEST_METHOD",
            Self::InvalidData { .. } => "INVALID_DATA",
            Self::Mandatory(_) => "MANDATORY_NOT_FOUND",
            Self::Duplicate(_) => "DUPLICATE_DATA",
            Self::NotFound(_) => "RESOURCE_NOT_FOUND",
            Self::InvalidToken(_) => "INVALID_OAUTHTOKEN",
            Self::InvalidScope(_) => "INVALID_OAUTHSCOPE",
            Self::Busy { .. } | Self::Unavailable => "SERVICE_UNAVAILABLE",
            Self::Internal => "INTERNAL_ERROR",
        }
    }

    fn details(&self) -> Map<String, Value> {
        let mut d = Map::new();
        match self {
            Self::InvalidData { param, .. } => {
                d.insert("param".into(), json!(param));
            }
            Self::Mandatory(p) => {
                d.insert("param".into(), json!(p));
            }
            Self::InvalidScope(s) => {
                d.insert("scope".into(), json!(s));
            }
            _ => {}
        }
        d
    }
}

impl ResponseError for TcError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::InvalidUrl | Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::InvalidData { .. } | Self::Mandatory(_) | Self::Duplicate(_) => {
                StatusCode::BAD_REQUEST
            }
            Self::InvalidToken(_) | Self::InvalidScope(_) => StatusCode::UNAUTHORIZED,
            Self::Busy { .. } | Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let mut resp = HttpResponse::build(self.status_code());
        match self {
            Self::Busy { retry_after_secs } => {
                resp.insert_header(("Retry-After", retry_after_secs.to_string()));
            }
            Self::MethodNotAllowed { allow } => {
                resp.insert_header(("Allow", *allow));
            }
            _ => {}
        }
        resp.json(json!({
            "code": self.code(),
            "message": self.to_string(),
            "status": "error",
            "details": self.details(),
        }))
    }
}

impl From<StoreError> for TcError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => Self::NotFound(format!("No {what} with that id")),
            StoreError::Domain(DomainError::AlreadyEnrolled) => Self::Duplicate(
                "The learner is already enrolled in this course; nothing was changed".into(),
            ),
            StoreError::Conflict(m) => Self::Duplicate(m),
            StoreError::Series(c) => Self::Duplicate(c.to_string()),
            StoreError::Domain(DomainError::NotPermitted(what)) => {
                Self::NotFound(format!("No {what} with that id"))
            }
            StoreError::Domain(d) => Self::invalid("status", d.to_string()),
            StoreError::Invalid(m) => Self::invalid("body", m),
            StoreError::Refused(r) => Self::invalid("body", r.to_string()),
            StoreError::Busy(detail) => {
                log::warn!("trainercentral-api: ledger busy: {detail}");
                Self::Busy {
                    retry_after_secs: StoreError::RETRY_AFTER_SECS,
                }
            }
            StoreError::Unavailable(detail) => {
                log::error!("trainercentral-api: database unavailable: {detail}");
                Self::Unavailable
            }
            StoreError::Config(detail) | StoreError::Internal(detail) => {
                log::error!("trainercentral-api: internal error: {detail}");
                Self::Internal
            }
        }
    }
}

/// An error of the accounts side (`/oauth/v2`): `{"error": code}` (Zoho Accounts' shape).
#[derive(Debug, thiserror::Error)]
#[error("{code}")]
pub struct OAuthError {
    /// `invalid_client`, `invalid_client_secret`, `invalid_code`, `invalid_redirect_uri`,
    /// `unsupported_grant_type`, `invalid_scope`, `invalid_request`, … ; `server_busy` and
    /// `server_error` for the ledger's own failures.
    pub code: &'static str,
    pub status: StatusCode,
}

impl OAuthError {
    /// A 400 with `code`.
    pub fn bad(code: &'static str) -> Self {
        Self {
            code,
            status: StatusCode::BAD_REQUEST,
        }
    }
}

impl ResponseError for OAuthError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut resp = HttpResponse::build(self.status);
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            resp.insert_header(("Retry-After", StoreError::RETRY_AFTER_SECS.to_string()));
        }
        resp.insert_header(("Cache-Control", "no-store"))
            .json(json!({ "error": self.code }))
    }
}

impl From<StoreError> for OAuthError {
    fn from(e: StoreError) -> Self {
        TcError::from(e).into()
    }
}

impl From<TcError> for OAuthError {
    fn from(e: TcError) -> Self {
        let status = match e {
            TcError::Busy { .. } | TcError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        Self {
            code: if status == StatusCode::SERVICE_UNAVAILABLE {
                "server_busy"
            } else {
                "server_error"
            },
            status,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use actix_web::body::MessageBody;

    #[test]
    fn busy_is_a_zoho_error_with_retry_after() {
        let resp = TcError::Busy {
            retry_after_secs: 1,
        }
        .error_response();
        assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(resp.headers().get("retry-after").unwrap(), "1");
        let body = resp.into_body().try_into_bytes().unwrap();
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["code"], "SERVICE_UNAVAILABLE");
        assert_eq!(v["status"], "error");
    }

    #[test]
    fn internal_errors_never_show_their_text() {
        let e = TcError::from(StoreError::Internal("SELECT secret FROM x".into()));
        let body = e.error_response().into_body().try_into_bytes().unwrap();
        assert!(!String::from_utf8_lossy(&body).contains("SELECT"));
    }
}
