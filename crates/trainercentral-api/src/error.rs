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
    /// 503 with `Retry-After`: the server has more requests than it queues (the ledger's
    /// `Busy`); nothing was done, the client may retry after `retry_after_secs`.
    #[error("The server is busy; retry after {retry_after_secs} second(s)")]
    Busy { retry_after_secs: u64 },
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
            Self::Busy { .. } => "SERVICE_UNAVAILABLE",
        }
    }
}

impl ResponseError for TcError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::InvalidUrl => StatusCode::NOT_FOUND,
            Self::InvalidData(_) => StatusCode::BAD_REQUEST,
            Self::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let mut resp = HttpResponse::build(self.status_code());
        if let Self::Busy { retry_after_secs } = self {
            resp.insert_header(("Retry-After", retry_after_secs.to_string()));
        }
        resp.json(Body {
            code: self.code(),
            message: self.to_string(),
            status: "error",
            details: serde_json::Map::new(),
        })
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
        assert!(
            v["message"]
                .as_str()
                .unwrap()
                .contains("retry after 1 second")
        );
    }
}
