//! SOAP Faults in iSpring's wording.
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

/// An iSpring SOAP fault.
#[derive(Debug, thiserror::Error)]
pub enum SoapFault {
    /// iSpring's "Wrong parameters", with our detail.
    #[error("Wrong parameters")]
    WrongParameters(String),
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

impl ResponseError for SoapFault {
    fn status_code(&self) -> StatusCode {
        // SOAP 1.1 sends every fault with 500 (WS-I Basic Profile R1126).
        StatusCode::INTERNAL_SERVER_ERROR
    }

    fn error_response(&self) -> HttpResponse {
        let Self::WrongParameters(detail) = self;
        let body = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\"><SOAP-ENV:Body><SOAP-ENV:Fault><faultcode>SOAP-ENV:Client</faultcode><faultstring>{}</faultstring><detail><message>{}</message></detail></SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>",
            escape(&self.to_string()),
            escape(detail)
        );
        HttpResponse::build(self.status_code())
            .content_type("text/xml; charset=utf-8")
            .body(body)
    }
}
