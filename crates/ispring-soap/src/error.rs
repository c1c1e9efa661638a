//! SOAP Faults in iSpring's wording.
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

/// An iSpring SOAP fault.
#[derive(Debug, thiserror::Error)]
pub enum SoapFault {
    /// iSpring's "Wrong parameters", with our detail.
    #[error("Wrong parameters")]
    WrongParameters(String),
    /// The server has more requests than it queues (the ledger's `Busy`): a `Server` fault
    /// sent with 503 and `Retry-After` (not SOAP's usual 500, so clients see they may retry).
    #[error("Server is busy")]
    Busy { retry_after_secs: u64 },
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

impl ResponseError for SoapFault {
    fn status_code(&self) -> StatusCode {
        match self {
            // SOAP 1.1 sends every fault with 500 (WS-I Basic Profile R1126).
            Self::WrongParameters(_) => StatusCode::INTERNAL_SERVER_ERROR,
            Self::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let (code, detail) = match self {
            Self::WrongParameters(detail) => ("Client", detail.clone()),
            Self::Busy { retry_after_secs } => (
                "Server",
                format!("Too many requests are waiting; retry after {retry_after_secs} second(s)."),
            ),
        };
        let body = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\"><SOAP-ENV:Body><SOAP-ENV:Fault><faultcode>SOAP-ENV:{code}</faultcode><faultstring>{}</faultstring><detail><message>{}</message></detail></SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>",
            escape(&self.to_string()),
            escape(&detail)
        );
        let mut resp = HttpResponse::build(self.status_code());
        if let Self::Busy { retry_after_secs } = self {
            resp.insert_header(("Retry-After", retry_after_secs.to_string()));
        }
        resp.content_type("text/xml; charset=utf-8").body(body)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use actix_web::body::MessageBody;

    #[test]
    fn busy_is_a_server_fault_with_503_and_retry_after() {
        let resp = SoapFault::Busy {
            retry_after_secs: 1,
        }
        .error_response();
        assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(resp.headers().get("retry-after").unwrap(), "1");
        let body = resp.into_body().try_into_bytes().unwrap();
        let xml = String::from_utf8(body.to_vec()).unwrap();
        assert!(
            xml.contains("<faultcode>SOAP-ENV:Server</faultcode>"),
            "{xml}"
        );
        assert!(
            xml.contains("<faultstring>Server is busy</faultstring>"),
            "{xml}"
        );
        assert!(xml.contains("retry after 1 second"), "{xml}");
    }
}
