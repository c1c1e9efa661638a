//! The learner pages' frame, and a public invitation's sign-up form (the launched course
//! itself is in [`crate::player`]).
use crate::{Links, render};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use enroll_domain::invitation::Refusal;
use enroll_invitations::prelude::*;
use enroll_invitations::{MailContext, SignUp};
use enroll_store::{Store, StoreError};
use serde::Deserialize;

pub(crate) fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

pub(crate) fn html(status: StatusCode, title: &str, inner: &str) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body(format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>{t}</title><style>body{{font-family:sans-serif;max-width:40em;margin:3em auto;\
             padding:0 1em}}label{{display:block;margin:.8em 0 .2em}}input{{width:100%;padding:.4em}}\
             .err{{color:#a00}}</style></head><body><h1>{t}</h1>{inner}</body></html>",
            t = esc(title)
        ))
}

/// How the sign-up and launch pages tell a visitor why an invitation refuses them.
pub(crate) fn refusal_text(r: Refusal) -> &'static str {
    match r {
        Refusal::InvalidEmail => "Please enter a valid e-mail address.",
        Refusal::NotReady => "This invitation is still being prepared; try again in a moment.",
        Refusal::Expired => "This invitation has expired.",
        Refusal::Disabled => "This invitation is disabled: its course cannot be launched.",
        Refusal::Closed => "This invitation is closed to new registrations.",
        Refusal::Full => "This invitation has reached its registration limit.",
    }
}

pub(crate) fn failure(e: StoreError) -> HttpResponse {
    match e {
        StoreError::Refused(r) => failure(StoreError::Invalid(refusal_text(r).into())),
        StoreError::NotFound(_) => html(
            StatusCode::NOT_FOUND,
            "Link not found",
            "<p>This link is invalid or has expired.</p>",
        ),
        StoreError::Invalid(m) => html(
            StatusCode::FORBIDDEN,
            "Not available",
            &format!("<p class=\"err\">{}</p>", esc(&m)),
        ),
        other => {
            log::error!("learner page: {other:?}");
            html(
                StatusCode::SERVICE_UNAVAILABLE,
                "Try again later",
                "<p>The course cannot be opened right now.</p>",
            )
        }
    }
}

fn form(title: &str, action: &str, error: Option<&str>, status: StatusCode) -> HttpResponse {
    let err = error
        .map(|m| format!("<p class=\"err\" role=\"alert\">{}</p>", esc(m)))
        .unwrap_or_default();
    html(
        status,
        title,
        &format!(
            "<p>Enter your name and e-mail address to start the course.</p>{err}\
             <form method=\"post\" action=\"{a}\">\
             <label for=\"firstName\">First name</label><input id=\"firstName\" name=\"firstName\" required>\
             <label for=\"lastName\">Last name</label><input id=\"lastName\" name=\"lastName\" required>\
             <label for=\"email\">E-mail</label><input id=\"email\" name=\"email\" type=\"email\" required>\
             <p><button type=\"submit\">Start the course</button></p></form>",
            a = esc(action)
        ),
    )
}

/// GET learn/join/{token}: a public invitation's sign-up form (or why it is unavailable).
pub async fn join_form(
    req: HttpRequest,
    store: web::Data<Store>,
    path: web::Path<String>,
) -> HttpResponse {
    let token = path.into_inner();
    let t = token.clone();
    let inv = match store.call(move |s| s.public_invitation_by_token(&t)).await {
        Ok(i) => i,
        Err(e) => return failure(e),
    };
    let unavailable = inv.admission().admit(store.now(), false).err();
    match unavailable {
        Some(refusal) => failure(StoreError::Refused(refusal)),
        None => form(
            &inv.course.title,
            &Links::of(&req).join(&token),
            None,
            StatusCode::OK,
        ),
    }
}

/// The sign-up form's fields.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JoinForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    first_name: String,
    #[serde(default)]
    last_name: String,
}

/// The answer to a sign-up with an address the ledger knows: the same whoever typed it.
fn check_mail(email: &str) -> HttpResponse {
    html(
        StatusCode::OK,
        "Check your mail",
        &format!(
            "<p>A link to the course is on its way to <strong>{}</strong>. Open it from that \
             mailbox to start the course.</p>",
            esc(email)
        ),
    )
}

/// POST learn/join/{token}: a new address gets its registration and a redirect to it (303);
/// an address the ledger knows gets its link by mail and a page saying so (see the crate docs).
pub async fn join(
    req: HttpRequest,
    store: web::Data<Store>,
    path: web::Path<String>,
    body: web::Form<JoinForm>,
) -> HttpResponse {
    let token = path.into_inner();
    let f = body.into_inner();
    let t = token.clone();
    let links = Links::of(&req);
    let mail_links = links.clone();
    let email = f.email.trim().to_lowercase();
    let result = store
        .call(move |s| {
            let render = move |ctx: &MailContext<'_>| render::sign_up_mail(&mail_links, ctx);
            s.join_public_invitation(&t, &f.email, &f.first_name, &f.last_name, &render)
        })
        .await;
    match result {
        Ok(SignUp::Joined(link)) => HttpResponse::SeeOther()
            .insert_header(("Location", links.invite(&link)))
            .finish(),
        Ok(SignUp::Mailed) => check_mail(&email),
        Err(StoreError::Refused(Refusal::InvalidEmail)) => form(
            "Sign up",
            &Links::of(&req).join(&token),
            Some(refusal_text(Refusal::InvalidEmail)),
            StatusCode::BAD_REQUEST,
        ),
        Err(e) => failure(e),
    }
}
