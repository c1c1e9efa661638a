//! TrainerCentral's error body, in the Zoho API convention.
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

/// A TrainerCentral API error.
#[derive(Debug, thiserror::Error)]
pub enum TcError {
    /// Unknown URL (Zoho: `INVALID_URL_PATTERN`).
    #[error("Please check if the URL trying to access is a correct one")]
    InvalidUrl,
    /// Malformed request body or parameters.
    #[error("{0}")]
    InvalidData(String),
}

#[derive(Serialize)]
struct Body<'a> {
    code: &'a str,
    message: String,
    status: &'static str,
    details: serde_json::Map<String, serde_json::Value>,
}

impl TcError {
    fn code(&self) -> &'static str {
        match self {
            Self::InvalidUrl => "INVALID_URL_PATTERN",
            Self::InvalidData(_) => "INVALID_DATA",
        }
    }
}

impl ResponseError for TcError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::InvalidUrl => StatusCode::NOT_FOUND,
            Self::InvalidData(_) => StatusCode::BAD_REQUEST,
        }
    }

    fn error_response(&self) -> HttpResponse {
        HttpResponse::build(self.status_code()).json(Body {
            code: self.code(),
            message: self.to_string(),
            status: "error",
            details: serde_json::Map::new(),
        })
    }
}
