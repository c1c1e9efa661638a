//! The REST v3 twin: content negotiation (JSON, or XML under `<response>` when `Accept` asks
//! for it), bodies in JSON, XML (`Content-Type: …xml`) or form encoding, authentication from
//! headers, and answers and errors in the negotiated format.
pub mod ops;

use crate::auth::{Credentials, Principal};
use crate::error::IspringError;
use crate::input::Input;
use crate::value::Out;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use enroll_store::Store;

/// The answer's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Xml,
}

impl Format {
    /// XML when `Accept` names an XML type before (or without) JSON; JSON otherwise.
    pub fn of(req: &HttpRequest) -> Self {
        let accept = req
            .headers()
            .get("accept")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_ascii_lowercase();
        match (accept.find("xml"), accept.find("json")) {
            (Some(x), Some(j)) if x < j => Self::Xml,
            (Some(_), None) => Self::Xml,
            _ => Self::Json,
        }
    }
}

/// What a REST operation answers.
#[derive(Debug)]
pub enum Reply {
    /// 200 with a body.
    Ok(Out),
    /// 200, empty.
    Empty,
    /// 201, empty.
    Created,
    /// 204.
    NoContent,
}

/// Renders `out` (or nothing) with `status` in `format`.
pub fn render(format: Format, status: StatusCode, out: Option<&Out>) -> HttpResponse {
    let mut resp = HttpResponse::build(status);
    match (out, format) {
        (None, _) => resp.finish(),
        (Some(o), Format::Json) => resp.json(o.to_json()),
        (Some(o), Format::Xml) => {
            let mut body = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<response>");
            o.write_content(&mut body, "");
            body.push_str("</response>");
            resp.content_type("application/xml; charset=utf-8")
                .body(body)
        }
    }
}

/// An error in the negotiated format.
pub fn error(format: Format, e: &IspringError) -> HttpResponse {
    let mut resp = render(format, e.status_code(), Some(&e.body()));
    if let IspringError::MethodNotAllowed { .. } = e
        && let Ok(v) = actix_web::http::header::HeaderValue::from_str(&e.allow())
    {
        resp.headers_mut().insert(actix_web::http::header::ALLOW, v);
    }
    if let Some(secs) = e.retry_after() {
        resp.headers_mut().insert(
            actix_web::http::header::RETRY_AFTER,
            actix_web::http::header::HeaderValue::from(secs),
        );
    }
    resp
}

/// Renders an operation's outcome.
pub fn respond(req: &HttpRequest, r: Result<Reply, IspringError>) -> HttpResponse {
    let format = Format::of(req);
    match r {
        Ok(Reply::Ok(out)) => render(format, StatusCode::OK, Some(&out)),
        Ok(Reply::Empty) => render(format, StatusCode::OK, None),
        Ok(Reply::Created) => render(format, StatusCode::CREATED, None),
        Ok(Reply::NoContent) => render(format, StatusCode::NO_CONTENT, None),
        Err(e) => error(format, &e),
    }
}

/// The ledger and the authenticated caller.
pub async fn auth(req: &HttpRequest) -> Result<(Principal, Store), IspringError> {
    let store = store(req)?;
    let p = Credentials::from_headers(req)?.verify(&store).await?;
    Ok((p, store))
}

/// The ledger the host registered.
pub fn store(req: &HttpRequest) -> Result<Store, IspringError> {
    req.app_data::<web::Data<Store>>()
        .map(|s| s.get_ref().clone())
        .ok_or(IspringError::Internal)
}

/// The query string's parameters.
pub fn query(req: &HttpRequest) -> Result<Input, IspringError> {
    Input::query(req.query_string())
}

/// The body's parameters: XML when `Content-Type` says so, a form when it is
/// `application/x-www-form-urlencoded`, JSON otherwise (an object).
pub async fn body(req: &HttpRequest, payload: web::Payload) -> Result<Input, IspringError> {
    let bytes = crate::body::read(payload).await?;
    let ct = req
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if ct.contains("xml") {
        let root = crate::xml::parse(&bytes)
            .map_err(|e| IspringError::WrongParameters(format!("the XML body: {e}")))?;
        if root.children.is_empty() && !root.value().is_empty() {
            return Err(IspringError::WrongParameters(
                "the XML body must hold the request's elements".into(),
            ));
        }
        return Ok(Input::RestXml(root));
    }
    if ct.starts_with("application/x-www-form-urlencoded") {
        let text = std::str::from_utf8(&bytes)
            .map_err(|_| IspringError::WrongParameters("the form body is not UTF-8".into()))?;
        return Input::query(text);
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(IspringError::WrongParameters(
            "the request body is required".into(),
        ));
    }
    match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(v @ serde_json::Value::Object(_)) => Ok(Input::Json(v)),
        Ok(_) => Err(IspringError::WrongParameters(
            "the JSON body must be an object".into(),
        )),
        Err(e) => Err(IspringError::WrongParameters(format!("the JSON body: {e}"))),
    }
}

/// The facade's base URL (where it is mounted), from the SOAP endpoint's name.
pub fn base_url(req: &HttpRequest) -> String {
    req.url_for_static("ispring_soap")
        .map(|u| u.as_str().trim_end_matches("/soap").to_string())
        .unwrap_or_default()
}

/// A path parameter.
pub fn path<'a>(req: &'a HttpRequest, name: &str) -> &'a str {
    req.match_info().get(name).unwrap_or_default()
}

/// The locales `X-Target-Locale` may name (the vendor's list); the ledger's content has one
/// language, so a valid locale changes nothing, and another value is `Wrong parameters`.
pub const LOCALES: &[&str] = &[
    "en-US", "ru-RU", "da-DK", "de-DE", "es-ES", "fr-FR", "zh-CN", "ja-JP", "pt-BR", "id-ID",
    "mn-MN", "it-IT", "nl-NL", "fi-FI", "uk-UA", "no-NO", "pl-PL", "az-AZ", "kk-KK", "ro-RO",
    "ko-KR", "bg-BG", "cs-CZ", "uz-UZ", "zh-TW",
];

/// Checks `X-Target-Locale`, when sent.
pub fn locale(req: &HttpRequest) -> Result<(), IspringError> {
    match req.headers().get("x-target-locale") {
        None => Ok(()),
        Some(v) if v.to_str().is_ok_and(|l| LOCALES.contains(&l.trim())) => Ok(()),
        Some(_) => Err(IspringError::WrongParameters(
            "X-Target-Locale: not one of the supported locales".into(),
        )),
    }
}

/// The ids of an `X-User-Ids` header (comma-separated UUIDs), when sent.
pub fn user_ids_header(req: &HttpRequest) -> Result<Option<Vec<String>>, IspringError> {
    let Some(v) = req.headers().get("x-user-ids") else {
        return Ok(None);
    };
    let text = v.to_str().map_err(|_| {
        IspringError::WrongParameters("X-User-Ids: expected comma-separated ids".into())
    })?;
    text.split(',')
        .map(str::trim)
        .map(|id| crate::input::uuid(id, "X-User-Ids"))
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}
