//! Renderers the gateway's workers hand to the store: invitation mails and post-backs.
use crate::Links;
use crate::wire::registration;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use enroll_store::scorm::postbacks::RenderedPost;
use enroll_store::scorm::{MailContext, PostBack, RegistrationView, RenderedMail};

/// Renders a private invitation's mail: the invitation's subject and body (or defaults) with
/// the learner's own link appended.
pub fn invitation_mail(links: &Links, ctx: &MailContext<'_>) -> RenderedMail {
    let link = links.invite(ctx.link_token);
    let subject = ctx.subject.filter(|s| !s.trim().is_empty()).map_or_else(
        || format!("Invitation: {}", ctx.course_title),
        str::to_string,
    );
    let body = ctx.body.filter(|s| !s.trim().is_empty()).map_or_else(
        || {
            format!(
                "Hello,\n\nyou have been invited to take the course \"{}\".",
                ctx.course_title
            )
        },
        str::to_string,
    );
    RenderedMail {
        subject,
        body: format!("{body}\n\nStart the course here: {link}\n"),
        content_type: "text/plain; charset=utf-8".into(),
    }
}

/// Renders a registration's post-back (see the crate docs for the format).
pub fn postback(view: &RegistrationView, pb: &PostBack) -> RenderedPost {
    wrap_postback(registration(view, true).to_string(), pb)
}

/// Wraps a JSON payload for a post-back configuration's `authType`.
pub fn wrap_postback(json: String, pb: &PostBack) -> RenderedPost {
    let user = pb.user_name.clone().unwrap_or_default();
    let pass = pb.password.clone().unwrap_or_default();
    match pb.auth_type.as_deref() {
        Some("FORM") => RenderedPost {
            headers: vec![],
            content_type: "application/x-www-form-urlencoded".into(),
            body: serde_urlencoded::to_string([
                ("data", json.as_str()),
                ("username", user.as_str()),
                ("password", pass.as_str()),
            ])
            .unwrap_or_default(),
        },
        Some("HTTPBASIC") => RenderedPost {
            headers: vec![(
                "Authorization".into(),
                format!("Basic {}", STANDARD.encode(format!("{user}:{pass}"))),
            )],
            content_type: "application/json".into(),
            body: json,
        },
        _ => RenderedPost {
            headers: vec![],
            content_type: "application/json".into(),
            body: json,
        },
    }
}
