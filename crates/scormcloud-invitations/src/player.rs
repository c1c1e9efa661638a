//! The launched course: what a launch link or an invitation link opens. This emulator has no
//! course content; the page stands in for the player: it shows the registration's state and
//! lets the learner report what a SCORM runtime would (progress, time, pass or fail, score),
//! which the ledger records through its commands, visible in every dialect. Every visit
//! records a launch; a report goes to the launch it came from.
use crate::Links;
use crate::pages::{esc, failure, html};
use crate::vocab::to_scorm;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use enroll_domain::model::Dialect::ScormCloud;
use enroll_invitations::prelude::*;
use enroll_store::enrollments::SeriesView;
use enroll_store::launches::LaunchResult;
use enroll_store::{Store, StoreError};
use serde::Deserialize;

fn page(
    req: &HttpRequest,
    v: &SeriesView,
    exit: Option<&str>,
    session: &str,
    note: &str,
) -> HttpResponse {
    let e = &v.current.record.core;
    let (completion, success) = to_scorm(e.state);
    let exit_link = exit
        .filter(|u| u.starts_with("http://") || u.starts_with("https://"))
        .map(|u| format!("<p><a href=\"{}\">Exit the course</a></p>", esc(u)))
        .unwrap_or_default();
    let action = Links::of(req).session(session);
    html(
        StatusCode::OK,
        &v.current.course.title,
        &format!(
            "<p>Welcome, {name}. {note}</p>\
             <dl><dt>Registration</dt><dd id=\"registration\">{reg}</dd>\
             <dt>Completion</dt><dd id=\"completion\">{completion}</dd>\
             <dt>Success</dt><dd id=\"success\">{success}</dd>\
             <dt>Progress</dt><dd id=\"progress\">{progress}%</dd></dl>\
             <form method=\"post\" action=\"{action}\"><p>Report what the course would:</p>\
             <label for=\"progress\">Progress (%)</label><input id=\"progress\" name=\"progress\" type=\"number\" min=\"0\" max=\"100\">\
             <label for=\"seconds\">Seconds spent</label><input id=\"seconds\" name=\"seconds\" type=\"number\" min=\"0\">\
             <label for=\"score\">Score (%)</label><input id=\"score\" name=\"score\" type=\"number\" min=\"0\" max=\"100\">\
             <p><button name=\"outcome\" value=\"\">Save progress</button> \
             <button name=\"outcome\" value=\"passed\">Complete (passed)</button> \
             <button name=\"outcome\" value=\"failed\">Complete (failed)</button></p></form>{exit_link}",
            name = esc(&v.current.learner.full_name()),
            reg = esc(&v.id_in(ScormCloud)),
            progress = e.progress,
            action = esc(&action),
        ),
    )
}

/// GET learn/launch/{token}: a launch link (valid for its `expiry`).
pub async fn launch(
    req: HttpRequest,
    store: web::Data<Store>,
    path: web::Path<String>,
) -> HttpResponse {
    let token = path.into_inner();
    match store.call(move |s| s.open_launch_link(&token)).await {
        Ok((v, exit, session)) => page(
            &req,
            &v,
            Some(&exit),
            &session,
            "Your launch has been recorded.",
        ),
        Err(e) => failure(e),
    }
}

/// GET learn/invite/{token}: a learner's invitation link (private or after a public sign-up).
pub async fn invite(
    req: HttpRequest,
    store: web::Data<Store>,
    path: web::Path<String>,
) -> HttpResponse {
    let token = path.into_inner();
    match store.call(move |s| s.open_recipient_link(&token)).await {
        Ok((v, _, session)) => page(&req, &v, None, &session, "Your launch has been recorded."),
        Err(e) => failure(e),
    }
}

/// The report form's fields (empty ones are absent).
#[derive(Debug, Deserialize)]
pub struct Report {
    #[serde(default)]
    progress: String,
    #[serde(default)]
    seconds: String,
    #[serde(default)]
    score: String,
    #[serde(default)]
    outcome: String,
}

fn number(field: &str, v: &str) -> Result<Option<f64>, StoreError> {
    let v = v.trim();
    if v.is_empty() {
        return Ok(None);
    }
    v.parse::<f64>()
        .ok()
        .filter(|n| n.is_finite() && *n >= 0.0)
        .map(Some)
        .ok_or_else(|| StoreError::Invalid(format!("{field} must be a number of at least 0.")))
}

fn result_of(r: &Report) -> Result<LaunchResult, StoreError> {
    let progress = number("Progress", &r.progress)?;
    let seconds = number("Seconds spent", &r.seconds)?.unwrap_or(0.0);
    let passed = match r.outcome.as_str() {
        "" => None,
        "passed" => Some(true),
        "failed" => Some(false),
        _ => {
            return Err(StoreError::Invalid(
                "The outcome must be passed or failed.".into(),
            ));
        }
    };
    // Whole milliseconds; the cast saturates (a year of seconds is far inside i64).
    let ms = (seconds * 1000.0).round() as i64;
    Ok(LaunchResult {
        progress: progress.map(|p| (p, ms)).or((ms > 0).then_some((0.0, ms))),
        passed,
        score: number("Score", &r.score)?,
    })
}

/// POST learn/session/{token}: the launched session reports results.
pub async fn report(
    req: HttpRequest,
    store: web::Data<Store>,
    path: web::Path<String>,
    form: web::Form<Report>,
) -> HttpResponse {
    let session = path.into_inner();
    let result = match result_of(&form) {
        Ok(r) => r,
        // The learner typed something the form cannot take: say what, as a 400 page.
        Err(e) => {
            return html(
                StatusCode::BAD_REQUEST,
                "Results not recorded",
                &format!(
                    "<p class=\"err\" role=\"alert\">{}</p>",
                    esc(&e.to_string())
                ),
            );
        }
    };
    let s = session.clone();
    match store.call(move |st| st.report_launch(&s, &result)).await {
        Ok(v) => page(&req, &v, None, &session, "Your results have been recorded."),
        Err(StoreError::Domain(d)) => failure(StoreError::Invalid(format!("{d}."))),
        Err(e) => failure(e),
    }
}
