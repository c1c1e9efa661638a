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
    /// 503 with `Retry-After`: the server has more requests than it queues (the ledger's
    /// `Busy`); nothing was done, the client may retry after `retry_after_secs`.
    #[error("The server is busy; retry after {retry_after_secs} second(s).")]
    Busy { retry_after_secs: u64 },
}

impl ResponseError for ODataError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let code = match self {
            Self::NotFound(_) => "NotFound",
            Self::BadRequest(_) => "BadRequest",
            Self::Busy { .. } => "ServiceUnavailable",
        };
        let mut resp = HttpResponse::build(self.status_code());
        if let Self::Busy { retry_after_secs } = self {
            resp.insert_header(("Retry-After", retry_after_secs.to_string()));
        }
        resp.json(json!({"error": {"code": code, "message": self.to_string()}}))
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
}
