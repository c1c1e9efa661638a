//! `GET /soap?wsdl`: the WSDL 1.1 document (document/literal, its XSD inline, SOAP 1.1 and 1.2
//! bindings) that SOAP clients generate code from, with this endpoint's address.
use actix_web::{HttpRequest, HttpResponse};

/// The document, its address a placeholder.
pub const WSDL: &str = include_str!("ispring.wsdl");

/// The WSDL with `address` as the service's location.
pub fn document(address: &str) -> String {
    WSDL.replace("{ADDRESS}", &quick_xml::escape::escape(address))
}

/// `GET /soap` (with `?wsdl`, `?WSDL` or nothing): the WSDL.
pub async fn serve(req: HttpRequest) -> HttpResponse {
    let address = req
        .url_for_static("ispring_soap")
        .map(|u| u.to_string())
        .unwrap_or_default();
    HttpResponse::Ok()
        .content_type("text/xml; charset=utf-8")
        .body(document(&address))
}
