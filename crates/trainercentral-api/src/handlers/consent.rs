//! The consent page of the accounts side: GET `/oauth/v2/auth` (`scope`, `client_id`,
//! `response_type=code`, `redirect_uri`, `access_type`, `state`, `prompt`) shows a small form
//! where an administrator of the portal signs in and allows (or denies) the client; POST
//! `/oauth/v2/auth` redirects to the client's registered `redirect_uri` with a `code` (two
//! minutes, used once), `location`, `accounts-server` and the `state`, or with
//! `error=access_denied`. A client or redirect URI that does not check out is shown an error
//! page and never redirected to.
use super::run;
use crate::auth::{CODE_TTL, parse_scopes};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use enroll_auth::logins::Login;
use enroll_auth::oauth::{Consent, OAuthClient};
use enroll_auth::prelude::*;
use enroll_domain::model::{Dialect, Role};
use enroll_store::Store;
use enroll_store::learners::LearnerKey;
use std::collections::HashMap;

const TC: Dialect = Dialect::TrainerCentral;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn page(status: StatusCode, title: &str, body: &str) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body(format!(
            "<!doctype html><html><head><meta charset=\"utf-8\"><title>{t}</title></head>\
             <body><h1>{t}</h1>{body}</body></html>",
            t = esc(title)
        ))
}

fn error_page(status: StatusCode, error: &str, why: &str) -> HttpResponse {
    page(
        status,
        "Authorization failed",
        &format!("<p id=\"error\">{}</p><p>{}</p>", esc(error), esc(why)),
    )
}

/// A redirect to the client with `pairs` added to its URI's query.
fn back(uri: &str, pairs: &[(&str, &str)]) -> HttpResponse {
    let query = serde_urlencoded::to_string(pairs).unwrap_or_default();
    let sep = if uri.contains('?') { '&' } else { '?' };
    HttpResponse::Found()
        .insert_header(("Location", format!("{uri}{sep}{query}")))
        .insert_header(("Cache-Control", "no-store"))
        .finish()
}

/// A checked authorization request.
struct Asked {
    client: OAuthClient,
    params: HashMap<String, String>,
    redirect_uri: String,
    scopes: Vec<String>,
}

/// Checks the request; `Err` is the answer to give (an error page, or a redirect carrying
/// the error once the redirect URI is known to be the client's).
async fn check(store: &Store, params: HashMap<String, String>) -> Result<Asked, HttpResponse> {
    let get = |k: &str| {
        params
            .get(k)
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    let client_id = get("client_id");
    let id = client_id.clone();
    let client = match run(store, move |s| s.oauth_client(TC, &id)).await {
        Ok(Some(c)) => c,
        Ok(None) => {
            return Err(error_page(
                StatusCode::BAD_REQUEST,
                "invalid_client",
                "No client with this client_id.",
            ));
        }
        Err(_) => {
            return Err(error_page(
                StatusCode::SERVICE_UNAVAILABLE,
                "server_error",
                "Try again shortly.",
            ));
        }
    };
    let redirect_uri = get("redirect_uri");
    if !client.redirects_to(&redirect_uri) {
        return Err(error_page(
            StatusCode::BAD_REQUEST,
            "invalid_redirect_uri",
            "The redirect_uri is not one registered for this client.",
        ));
    }
    let state = get("state");
    let fail = |e: &str| back(&redirect_uri, &[("error", e), ("state", &state)]);
    if get("response_type") != "code" {
        return Err(fail("unsupported_response_type"));
    }
    let Some(scopes) = parse_scopes(&get("scope")) else {
        return Err(fail("invalid_scope"));
    };
    let asked: Vec<&str> = scopes.iter().map(String::as_str).collect();
    if !client.refused_scopes(&asked).is_empty() {
        return Err(fail("invalid_scope"));
    }
    if !matches!(get("access_type").as_str(), "" | "online" | "offline") {
        return Err(fail("invalid_request"));
    }
    Ok(Asked {
        client,
        params,
        redirect_uri,
        scopes,
    })
}

fn form(a: &Asked, message: Option<&str>) -> String {
    let hidden: String = [
        "client_id",
        "redirect_uri",
        "scope",
        "state",
        "access_type",
        "response_type",
        "prompt",
    ]
    .iter()
    .map(|k| {
        format!(
            "<input type=\"hidden\" name=\"{k}\" value=\"{}\">",
            esc(a.params.get(*k).map(String::as_str).unwrap_or_default())
        )
    })
    .collect();
    let scopes: String = a
        .scopes
        .iter()
        .map(|s| format!("<li>{}</li>", esc(s)))
        .collect();
    format!(
        "{}<p>The application <b>{}</b> asks for access to this portal:</p><ul>{scopes}</ul>\
         <form method=\"post\" action=\"auth\">{hidden}\
         <label>Administrator e-mail <input name=\"email\" type=\"email\"></label>\
         <label>Password <input name=\"password\" type=\"password\"></label>\
         <button name=\"approve\" value=\"accept\">Accept</button>\
         <button name=\"approve\" value=\"deny\">Deny</button></form>",
        message.map_or_else(String::new, |m| format!("<p id=\"error\">{}</p>", esc(m))),
        esc(a
            .params
            .get("client_id")
            .map(String::as_str)
            .unwrap_or_default()),
    )
}

/// GET `/oauth/v2/auth`: the consent page.
pub async fn show(req: HttpRequest, store: web::Data<Store>) -> HttpResponse {
    let Ok(params) = super::query(req.query_string()) else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Malformed query.",
        );
    };
    match check(&store, params).await {
        Ok(a) => page(StatusCode::OK, "Allow access", &form(&a, None)),
        Err(answer) => answer,
    }
}

/// POST `/oauth/v2/auth`: the administrator's answer.
pub async fn answer(req: HttpRequest, store: web::Data<Store>, body: web::Bytes) -> HttpResponse {
    let Ok(params) = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&body) else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Malformed form.",
        );
    };
    let params: HashMap<String, String> = params.into_iter().collect();
    let a = match check(&store, params).await {
        Ok(a) => a,
        Err(answer) => return answer,
    };
    let get = |k: &str| {
        a.params
            .get(k)
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    let state = get("state");
    if get("approve") != "accept" {
        return back(
            &a.redirect_uri,
            &[("error", "access_denied"), ("state", &state)],
        );
    }
    let (email, password) = (get("email"), get("password"));
    let tenant = a.client.tenant_id;
    let login = run(&store, move |s| {
        let user = match s.learner(tenant, &LearnerKey::Email(email)) {
            Ok(u) => u,
            Err(enroll_store::StoreError::NotFound(_)) => return Ok(Login::Refused),
            Err(e) => return Err(e),
        };
        s.login(tenant, &user.username, &password)
    })
    .await;
    let admin = match login {
        Ok(Login::Accepted(l)) if l.role == Role::Admin => l,
        Ok(Login::Accepted(_)) => {
            let m = "Only an administrator of the portal can allow access.";
            return page(StatusCode::FORBIDDEN, "Allow access", &form(&a, Some(m)));
        }
        Ok(Login::Throttled { retry_after }) => {
            let m = format!(
                "Too many failed sign-ins; try again in {} s.",
                retry_after.as_secs().max(1)
            );
            return page(
                StatusCode::TOO_MANY_REQUESTS,
                "Allow access",
                &form(&a, Some(&m)),
            );
        }
        Ok(Login::Refused) => {
            let m = "Wrong e-mail address or password.";
            return page(StatusCode::UNAUTHORIZED, "Allow access", &form(&a, Some(m)));
        }
        Err(_) => {
            return error_page(
                StatusCode::SERVICE_UNAVAILABLE,
                "server_error",
                "Try again shortly.",
            );
        }
    };
    let subject = format!("learner:{}", admin.id);
    let scopes = a.scopes.join(" ");
    let uri = a.redirect_uri.clone();
    let client = a.client.clone();
    let offline = get("access_type") == "offline";
    let code = run(&store, move |s| {
        let consent = Consent {
            subject: &subject,
            scopes: &scopes,
            redirect_uri: &uri,
            offline,
        };
        s.issue_code(&client, TC, &consent, CODE_TTL)
    })
    .await;
    let Ok(code) = code else {
        return error_page(
            StatusCode::SERVICE_UNAVAILABLE,
            "server_error",
            "Try again shortly.",
        );
    };
    let info = req.connection_info();
    let path = req.path();
    let mount = path.find("/oauth/v2/").map_or("", |i| &path[..i]);
    let server = format!("{}://{}{mount}", info.scheme(), info.host());
    back(
        &a.redirect_uri,
        &[
            ("code", code.as_str()),
            ("location", "us"),
            ("accounts-server", server.as_str()),
            ("state", state.as_str()),
        ],
    )
}
