//! The SOAP endpoint (`POST /soap`, the WSDL at `GET /soap?wsdl`): an envelope in, the
//! operation its body element names, the result or a Fault out.
pub mod envelope;
pub mod wsdl;

use crate::auth::{Credentials, Principal};
use crate::error::IspringError;
use crate::handlers::{content, enrollments, results, users};
use crate::input::Input;
use crate::value::{Out, obj};
use crate::xml::{self, Element};
use actix_web::{HttpRequest, HttpResponse, web};
use enroll_store::Store;
use envelope::Dialect;

/// `POST /soap`.
pub async fn call(req: HttpRequest, payload: web::Payload) -> HttpResponse {
    let content_type = req
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let fallback = Dialect::fallback(content_type.as_deref());
    let body = match crate::body::read(payload).await {
        Ok(b) => b,
        Err(e) => return fallback.fault(&e),
    };
    let root = match xml::parse(&body) {
        Ok(r) => r,
        Err(e) => {
            return fallback.fault(&IspringError::WrongParameters(format!(
                "the request is not a SOAP envelope: {e}"
            )));
        }
    };
    let Some((dialect, request)) = request_of(&root) else {
        return fallback.fault(&IspringError::WrongParameters(
            "the request is not a SOAP envelope with a request element in its Body".into(),
        ));
    };
    let Some(store) = req
        .app_data::<web::Data<Store>>()
        .map(|s| s.get_ref().clone())
    else {
        return dialect.fault(&IspringError::Internal);
    };
    let base = crate::rest::base_url(&req);
    match operate(&store, &base, request).await {
        Ok((name, out)) => dialect.result(name, &out),
        Err(e) => dialect.fault(&e),
    }
}

/// The envelope's dialect and the request element of its Body.
fn request_of(root: &Element) -> Option<(Dialect, &Element)> {
    if root.name != "Envelope" {
        return None;
    }
    let body = root.child("Body")?;
    let request = body.children.first()?;
    let dialect = Dialect::of(root.ns.as_deref(), request.ns.as_deref())?;
    Some((dialect, request))
}

/// The operation a request element names: `EnrollLearnersInCoursesRequest` (the documented
/// form), also without the `Request` suffix or with a lower-case first letter.
fn operation(name: &str) -> String {
    let name = name.strip_suffix("Request").unwrap_or(name);
    let mut cs = name.chars();
    cs.next()
        .map(|c| c.to_ascii_uppercase().to_string() + cs.as_str())
        .unwrap_or_default()
}

fn success() -> Out {
    obj().put("success", Out::Bool(true)).done()
}

/// Authenticates the request's `<credentials>` and runs its operation; the result element's
/// name and content.
async fn operate(
    store: &Store,
    base: &str,
    request: &Element,
) -> Result<(&'static str, Out), IspringError> {
    let op = operation(&request.name);
    if !OPERATIONS.contains(&op.as_str()) {
        return Err(IspringError::WrongParameters(format!(
            "unknown operation '{}'",
            request.name.chars().take(60).collect::<String>()
        )));
    }
    let credentials = request.child("credentials").ok_or_else(|| {
        IspringError::Unauthorized("Authorization failed: the credentials are missing".into())
    })?;
    let p: Principal = Credentials::from_input(&Input::Xml(credentials.clone()))?
        .verify(store)
        .await?;
    let input = Input::Xml(request.clone());
    let id = |field: &str| input.required(field);
    Ok(match op.as_str() {
        "EnrollLearnersInCourses" => {
            enrollments::enroll(&p, store, &input).await?;
            ("SuccessResult", success())
        }
        "GetEnrollment" => {
            let e = enrollments::get(&p, store, &id("enrollmentId")?).await?;
            ("GetEnrollmentResult", obj().put("enrollment", e).done())
        }
        "GetEnrollments" => (
            "GetEnrollmentsResult",
            enrollments::list_all(&p, store, &input).await?,
        ),
        "ChangeEnrollment" => {
            enrollments::change(&p, store, &id("enrollmentId")?, &input).await?;
            ("SuccessResult", success())
        }
        "Reenroll" => {
            enrollments::reenroll(&p, store, &id("enrollmentId")?, &input).await?;
            ("SuccessResult", success())
        }
        "DeleteEnrollments" => {
            enrollments::delete(&p, store, &input).await?;
            ("SuccessResult", success())
        }
        "GetUser" => {
            let u = users::get(&p, store, &id("userId")?).await?;
            ("GetUserResult", obj().put("userProfile", u).done())
        }
        "GetUsers" => {
            let list = users::list(&p, store, &input).await?;
            ("GetUsersResult", obj().put("userProfiles", list).done())
        }
        "GetContent" => {
            let c = content::get(&p, store, base, &id("contentItemId")?).await?;
            ("GetContentResult", c)
        }
        "GetContents" => (
            "GetContentsResult",
            content::page_of(&p, store, base, &input).await?,
        ),
        "GetLearnerResults" => (
            "GetLearnerResultsResult",
            results::list(&p, store, &input).await?,
        ),
        _ => return Err(IspringError::Internal),
    })
}

/// Every SOAP operation (request element names without `Request`), as the WSDL lists them.
pub const OPERATIONS: &[&str] = &[
    "EnrollLearnersInCourses",
    "GetEnrollment",
    "GetEnrollments",
    "ChangeEnrollment",
    "Reenroll",
    "DeleteEnrollments",
    "GetUser",
    "GetUsers",
    "GetContent",
    "GetContents",
    "GetLearnerResults",
];

/// Any other method on `/soap` (or a path below it): a client Fault.
pub async fn wrong_method(req: HttpRequest) -> HttpResponse {
    Dialect::fallback(None).fault(&IspringError::WrongParameters(format!(
        "{} {} is not a SOAP call: POST an envelope, or GET ?wsdl",
        req.method(),
        req.path().chars().take(200).collect::<String>()
    )))
}

/// The host registered no ledger: a server Fault (see `enroll_web::require_store`).
#[derive(Debug)]
pub struct MissingStore;

impl std::fmt::Display for MissingStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Internal server error")
    }
}

impl actix_web::ResponseError for MissingStore {
    fn error_response(&self) -> HttpResponse {
        Dialect::fallback(None).fault(&IspringError::Internal)
    }
}
