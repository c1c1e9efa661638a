//! SOAP envelopes: which SOAP a request speaks (1.1 or 1.2, the `http://` or the documented
//! `https://` envelope namespace, iSpring's `http://` or `https://` body namespace), and the
//! answer in the same terms: a result element, or a Fault with iSpring's `faultstring`.
use crate::error::IspringError;
use crate::value::Out;
use crate::xml::write::{close, leaf, open};
use actix_web::HttpResponse;
use actix_web::http::StatusCode;

/// SOAP 1.1's envelope namespace.
pub const SOAP11: &str = "http://schemas.xmlsoap.org/soap/envelope/";
/// The `https://` variant iSpring's current documentation shows (accepted, and answered).
pub const SOAP11_HTTPS: &str = "https://schemas.xmlsoap.org/soap/envelope/";
/// SOAP 1.2's envelope namespace.
pub const SOAP12: &str = "http://www.w3.org/2003/05/soap-envelope";
/// iSpring's service namespace, as its current documentation writes it (the WSDL's).
pub const NS: &str = "https://ispringlearn.com/go/services/api/soap";
/// The older documentation's `http://` variant.
pub const NS_HTTP: &str = "http://ispringlearn.com/go/services/api/soap";

/// How to answer a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dialect {
    /// The envelope namespace to answer in (one of the three above).
    pub envelope: &'static str,
    /// The service namespace of the result elements.
    pub service: &'static str,
}

impl Dialect {
    /// SOAP 1.1 with the standard namespaces: what a request that could not be read gets.
    pub fn fallback(content_type: Option<&str>) -> Self {
        let soap12 = content_type.is_some_and(|c| c.contains("application/soap+xml"));
        Self {
            envelope: if soap12 { SOAP12 } else { SOAP11 },
            service: NS,
        }
    }

    /// The dialect of an envelope namespace, if it is one.
    pub fn of(envelope_ns: Option<&str>, service_ns: Option<&str>) -> Option<Self> {
        let envelope = match envelope_ns? {
            SOAP11 => SOAP11,
            SOAP11_HTTPS => SOAP11_HTTPS,
            SOAP12 => SOAP12,
            _ => return None,
        };
        let service = if service_ns == Some(NS_HTTP) {
            NS_HTTP
        } else {
            NS
        };
        Some(Self { envelope, service })
    }

    fn is_12(&self) -> bool {
        self.envelope == SOAP12
    }

    fn content_type(&self) -> &'static str {
        if self.is_12() {
            "application/soap+xml; charset=utf-8"
        } else {
            "text/xml; charset=utf-8"
        }
    }

    fn wrap(&self, inner: &str, extra_ns: &str) -> String {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"{}\"{extra_ns}><SOAP-ENV:Body>{inner}</SOAP-ENV:Body></SOAP-ENV:Envelope>",
            self.envelope
        )
    }

    /// `<ns1:{name}>` holding `value`'s content, in an envelope: 200.
    pub fn result(&self, name: &str, value: &Out) -> HttpResponse {
        let mut inner = String::new();
        open(&mut inner, "ns1", name);
        value.write_content(&mut inner, "ns1");
        close(&mut inner, "ns1", name);
        let body = self.wrap(&inner, &format!(" xmlns:ns1=\"{}\"", self.service));
        HttpResponse::Ok()
            .content_type(self.content_type())
            .body(body)
    }

    /// A Fault for `e`: SOAP 1.1 `faultcode` `client`/`server` (iSpring's words) with HTTP
    /// 500; SOAP 1.2 `Sender`/`Receiver` with 400/500, as its HTTP binding says.
    pub fn fault(&self, e: &IspringError) -> HttpResponse {
        let mut f = String::from("<SOAP-ENV:Fault>");
        let status = if self.is_12() {
            let code = if e.is_client() {
                "SOAP-ENV:Sender"
            } else {
                "SOAP-ENV:Receiver"
            };
            f.push_str("<SOAP-ENV:Code>");
            leaf(&mut f, "SOAP-ENV", "Value", code);
            f.push_str("</SOAP-ENV:Code><SOAP-ENV:Reason><SOAP-ENV:Text xml:lang=\"en\">");
            f.push_str(&quick_xml::escape::escape(e.fault_string()));
            f.push_str("</SOAP-ENV:Text></SOAP-ENV:Reason><SOAP-ENV:Detail>");
            leaf(&mut f, "", "message", &e.to_string());
            f.push_str("</SOAP-ENV:Detail>");
            if e.is_client() {
                StatusCode::BAD_REQUEST
            } else {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        } else {
            leaf(
                &mut f,
                "",
                "faultcode",
                if e.is_client() { "client" } else { "server" },
            );
            leaf(&mut f, "", "faultstring", e.fault_string());
            f.push_str("<detail>");
            leaf(&mut f, "", "message", &e.to_string());
            f.push_str("</detail>");
            StatusCode::INTERNAL_SERVER_ERROR
        };
        f.push_str("</SOAP-ENV:Fault>");
        let mut resp = HttpResponse::build(status);
        if let Some(secs) = e.retry_after() {
            // A busy ledger: 503 and when to come back, on both SOAP versions.
            resp.status(StatusCode::SERVICE_UNAVAILABLE)
                .insert_header((actix_web::http::header::RETRY_AFTER, secs));
        }
        resp.content_type(self.content_type())
            .body(self.wrap(&f, ""))
    }
}
