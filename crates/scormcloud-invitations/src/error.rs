//! SCORM Cloud's error bodies: `{"message": "..."}` (MessageSchema), except the
//! unauthenticated 401 which is `{"error": "Authorization Required."}`.
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use enroll_store::StoreError;
use enroll_store::enrollments::SeriesConflict;

/// The ledger's name for a missing record, as SCORM Cloud names it (a series is a
/// registration, and ids are named after their parameters).
fn vendor_name(what: &str) -> String {
    for (ledger, vendor) in [
        ("series ", "registrationId "),
        ("invitation ", "invitationId "),
        ("course ", "courseId "),
    ] {
        if let Some(rest) = what.strip_prefix(ledger) {
            return format!("{vendor}{rest}");
        }
    }
    what.to_string()
}
use serde_json::json;

/// A SCORM Cloud API error.
#[derive(Debug, thiserror::Error)]
pub enum ScormError {
    /// 401 without (valid) credentials.
    #[error("Authorization Required.")]
    Unauthorized,
    /// 403: the token lacks the operation's scope.
    #[error("{0}")]
    Forbidden(String),
    /// 400 MessageSchema.
    #[error("{0}")]
    BadRequest(String),
    /// 404 MessageSchema.
    #[error("{0}")]
    NotFound(String),
    /// 503.
    #[error("Service temporarily unavailable")]
    Unavailable,
    /// 503 with `Retry-After`: more requests are waiting for the ledger than it queues (or a
    /// write kept conflicting); answered at once, nothing was done.
    #[error(
        "The server is busy; retry after {} second(s)",
        StoreError::RETRY_AFTER_SECS
    )]
    Busy,
    /// 500, logged and never described.
    #[error("An internal error occurred")]
    Internal,
}

impl ResponseError for ScormError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Unavailable | Self::Busy => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let body = match self {
            Self::Unauthorized => json!({"error": self.to_string()}),
            _ => json!({"message": self.to_string()}),
        };
        let mut resp = HttpResponse::build(self.status_code());
        if matches!(self, Self::Unauthorized) {
            resp.insert_header(("WWW-Authenticate", "Basic realm=\"SCORM Cloud\""));
        }
        if matches!(self, Self::Busy) {
            resp.insert_header(("Retry-After", StoreError::RETRY_AFTER_SECS.to_string()));
        }
        resp.json(body)
    }
}

impl From<StoreError> for ScormError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => {
                Self::NotFound(format!("{} not found", vendor_name(&what)))
            }
            StoreError::Series(SeriesConflict::NameTaken(id)) => {
                Self::BadRequest(format!("A registration with id '{id}' already exists"))
            }
            StoreError::Series(SeriesConflict::LearnerNamed(id)) => Self::BadRequest(format!(
                "the learner already has registration '{id}' for this course; create a new \
                 instance of it instead"
            )),
            StoreError::Conflict(m) | StoreError::Invalid(m) => Self::BadRequest(m),
            StoreError::Refused(r) => Self::BadRequest(crate::pages::refusal_text(r).to_string()),
            StoreError::Domain(d) => Self::BadRequest(d.to_string()),
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
