//! Errors the gateway itself answers for a whole mount (a request body that never arrived),
//! in the shape of the vendor the path prefix names: Absorb's GenericErrorResponse, SCORM
//! Cloud's MessageSchema, LMS365's OData error, TrainerCentral's Zoho error (Zoho Accounts'
//! `{"error"}` under its accounts side), an iSpring SOAP
//! Fault on its SOAP endpoint (sent with this status, not SOAP's usual 500, so clients see
//! what happened) and iSpring's REST `{code, message}` elsewhere under its mount, and the
//! admin API's `{"error"}` (also used outside the mounts).
use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use serde_json::json;

/// The response for `status` with `message`, shaped for the mount `path` is under.
pub fn respond(path: &str, status: StatusCode, message: &str) -> HttpResponse {
    let reason: String = status
        .canonical_reason()
        .unwrap_or("Error")
        .split(|c: char| !c.is_ascii_alphanumeric())
        .map(|w| {
            let mut cs = w.chars();
            cs.next()
                .map(|c| c.to_ascii_uppercase().to_string() + &cs.as_str().to_ascii_lowercase())
                .unwrap_or_default()
        })
        .collect();
    let mut resp = HttpResponse::build(status);
    if path.starts_with("/absorb") {
        resp.json(json!({
            "validations": [message], "code": status.as_u16(), "message": message,
            "term": reason, "_meta": {},
        }))
    } else if path.starts_with("/scormcloud") {
        resp.json(json!({"message": message}))
    } else if path.starts_with("/lms365") {
        resp.json(json!({"error": {"code": reason, "message": message}}))
    } else if path.starts_with("/trainercentral/oauth") {
        resp.json(json!({"error": reason_to_zoho(&reason).to_ascii_lowercase()}))
    } else if path.starts_with("/trainercentral") {
        let code = reason_to_zoho(&reason);
        resp.json(json!({"code": code, "message": message, "status": "error", "details": {}}))
    } else if path.starts_with("/ispring") && !path.starts_with("/ispring/soap") {
        resp.json(json!({"code": status.as_u16(), "message": message}))
    } else if path.starts_with("/ispring") {
        resp.content_type("text/xml; charset=utf-8").body(format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<SOAP-ENV:Envelope \
             xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\"><SOAP-ENV:Body>\
             <SOAP-ENV:Fault><faultcode>client</faultcode><faultstring>{}\
             </faultstring></SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>",
            message
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
        ))
    } else {
        resp.json(json!({"error": message}))
    }
}

/// `RequestTimeout` → `REQUEST_TIMEOUT` (Zoho's codes are upper snake case).
fn reason_to_zoho(reason: &str) -> String {
    let mut out = String::with_capacity(reason.len() + 4);
    for (i, c) in reason.chars().enumerate() {
        if i > 0 && c.is_ascii_uppercase() {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use actix_web::body::MessageBody;
    use serde_json::Value;

    fn body(path: &str) -> (u16, String) {
        let resp = respond(path, StatusCode::REQUEST_TIMEOUT, "too slow <&>");
        let status = resp.status().as_u16();
        let bytes = resp.into_body().try_into_bytes().unwrap();
        (status, String::from_utf8(bytes.to_vec()).unwrap())
    }

    #[test]
    fn each_mount_gets_its_vendors_error_shape() {
        let json = |p: &str| serde_json::from_str::<Value>(&body(p).1).unwrap();
        let a = json("/absorb/users");
        assert_eq!(
            (a["code"].as_u64(), a["term"].as_str()),
            (Some(408), Some("RequestTimeout"))
        );
        assert!(a["validations"].is_array() && a["_meta"].is_object());
        assert_eq!(
            json("/scormcloud/api/v2/x"),
            json!({"message": "too slow <&>"})
        );
        assert_eq!(
            json("/lms365/odata/v2/x")["error"]["code"],
            "RequestTimeout"
        );
        let tc = json("/trainercentral/api/v4/1/x.json");
        assert_eq!(
            (tc["code"].as_str(), tc["status"].as_str()),
            (Some("REQUEST_TIMEOUT"), Some("error"))
        );
        assert_eq!(
            json("/trainercentral/oauth/v2/token"),
            json!({"error": "request_timeout"})
        );
        assert_eq!(json("/admin/v1/clock"), json!({"error": "too slow <&>"}));
        assert_eq!(
            json("/ispring/enrollment"),
            json!({"code": 408, "message": "too slow <&>"})
        );
        let (status, soap) = body("/ispring/soap");
        assert_eq!(status, 408);
        assert!(
            soap.contains("<faultstring>too slow &lt;&amp;&gt;</faultstring>"),
            "{soap}"
        );
    }
}
