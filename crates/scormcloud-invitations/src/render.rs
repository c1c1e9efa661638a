//! Renderers the gateway's workers hand to the store: invitation mails and post-backs.
use crate::Links;
use crate::postback::PostBack;
use crate::wire::registration;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use enroll_domain::model::Dialect;
use enroll_invitations::{MailContext, RenderedMail};
use enroll_store::enrollments::SeriesView;
use enroll_store::events::{Rendered, Subscription};

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

/// Renders the mail a public invitation's sign-up sends to an address the ledger already
/// knows: the link that proves the address and opens the course. Whoever signed up never
/// sees it; the mail says what to do if the owner did not ask for it.
pub fn sign_up_mail(links: &Links, ctx: &MailContext<'_>) -> RenderedMail {
    RenderedMail {
        subject: format!("Your link to \"{}\"", ctx.course_title),
        body: format!(
            "Hello,\n\nsomeone signed up for the course \"{}\" with this address. If it was \
             you, start the course here: {}\n\nIf it was not you, ignore this mail: nothing \
             happens unless the link is opened.\n",
            ctx.course_title,
            links.invite(ctx.link_token)
        ),
        content_type: "text/plain; charset=utf-8".into(),
    }
}

/// Renders a registration's post-back for one of this facade's subscriptions (see the crate
/// docs for the format); other dialects' subscriptions are not ours to render.
pub fn postback(sub: &Subscription, view: &SeriesView) -> Option<Rendered> {
    if sub.dialect != Dialect::ScormCloud.as_str() {
        return None;
    }
    let pb = PostBack::of(sub)?;
    Some(wrap_postback(
        registration(view, true).to_string(),
        &pb,
        "scormcloud.postback",
    ))
}

/// Wraps a JSON payload for a post-back configuration's `authType`.
pub fn wrap_postback(json: String, pb: &PostBack, topic: &str) -> Rendered {
    let user = pb.user_name.clone().unwrap_or_default();
    let pass = pb.password.clone().unwrap_or_default();
    match pb.auth_type.as_deref() {
        Some("FORM") => Rendered {
            topic: topic.into(),
            headers: vec![],
            content_type: "application/x-www-form-urlencoded".into(),
            body: serde_urlencoded::to_string([
                ("data", json.as_str()),
                ("username", user.as_str()),
                ("password", pass.as_str()),
            ])
            .unwrap_or_default(),
        },
        Some("HTTPBASIC") => Rendered {
            topic: topic.into(),
            headers: vec![(
                "Authorization".into(),
                format!("Basic {}", STANDARD.encode(format!("{user}:{pass}"))),
            )],
            content_type: "application/json".into(),
            body: json,
        },
        _ => Rendered {
            topic: topic.into(),
            headers: vec![],
            content_type: "application/json".into(),
            body: json,
        },
    }
}
