//! The OData error body LMS365 returns.
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde_json::json;

/// An LMS365 API error.
#[derive(Debug, thiserror::Error)]
pub enum ODataError {
    /// No such resource or route.
    #[error("{0}")]
    NotFound(String),
    /// Malformed request.
    #[error("{0}")]
    BadRequest(String),
}

impl ResponseError for ODataError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let code = match self {
            Self::NotFound(_) => "NotFound",
            Self::BadRequest(_) => "BadRequest",
        };
        HttpResponse::build(self.status_code())
            .json(json!({"error": {"code": code, "message": self.to_string()}}))
    }
}
