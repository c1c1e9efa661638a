//! Invitation lists, user invitations and the private invitation job's status.
use super::invitations::public_json;
use super::{page, run};
use crate::Links;
use crate::auth::Auth;
use crate::error::ScormError;
use crate::query::ListParams;
use crate::wire::{invitation_summary, job_status, private_invitation, user_invitation};
use actix_web::{HttpRequest, HttpResponse, web};
use enroll_domain::model::Dialect::ScormCloud;
use enroll_invitations::prelude::*;
use enroll_invitations::{InvitationField, InvitationQuery, RecipientQuery};
use enroll_store::Store;
use serde_json::{Value, json};

const LIST_FILTERS: &[&str] = &[
    "courseId",
    "since",
    "until",
    "datetimeFilter",
    "tags",
    "filter",
    "filterBy",
    "orderBy",
];

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    All,
    Private,
    Public,
}

async fn list(
    req: HttpRequest,
    auth: Auth,
    store: web::Data<Store>,
    kind: Kind,
) -> Result<HttpResponse, ScormError> {
    auth.require("read:invitation")?;
    let p = ListParams::from_request(&req, LIST_FILTERS)?;
    let filter = match p.filter_by("invitation_id") {
        None => None,
        Some((by, text)) => Some((
            match by.as_str() {
                "invitation_id" => InvitationField::Id,
                "course_id" => InvitationField::CourseId,
                "course_title" => InvitationField::CourseTitle,
                "creating_user_email" => InvitationField::CreatorEmail,
                other => {
                    return Err(ScormError::BadRequest(format!(
                        "filterBy '{other}' is not one of: invitation_id, course_id, course_title, creating_user_email"
                    )));
                }
            },
            text,
        )),
    };
    let with_count = p.flag("includeRegistrationCount")?;
    let q = InvitationQuery {
        dialect: ScormCloud,
        is_public: match kind {
            Kind::All => None,
            Kind::Private => Some(false),
            Kind::Public => Some(true),
        },
        course_id: p.get("courseId").map(str::to_string),
        text: filter,
        window: p.window()?,
        with_addresses: kind == Kind::Private,
        with_counts: with_count && kind == Kind::Private,
    };
    let t = auth.tenant_id;
    let (total, items) = run(&store, move |s| s.list_invitations(t, &q)).await?;
    let rendered: Vec<Value> = items
        .iter()
        .map(|i| match kind {
            Kind::All => invitation_summary(i),
            Kind::Private => private_invitation(i, with_count),
            Kind::Public => public_json(&req, i, with_count),
        })
        .collect();
    let mut body = json!({"invitations": rendered});
    if let Some(m) = p.next(total, items.len()) {
        body["more"] = json!(m);
    }
    Ok(page(body, p.total_header()?.then_some(total)))
}

/// getAllInvitations: GET /invitations → InvitationSummaryList.
pub async fn list_all(
    req: HttpRequest,
    auth: Auth,
    store: web::Data<Store>,
) -> Result<HttpResponse, ScormError> {
    list(req, auth, store, Kind::All).await
}

/// getPrivateInvitations: GET /invitations/private → PrivateInvitationList.
pub async fn list_private(
    req: HttpRequest,
    auth: Auth,
    store: web::Data<Store>,
) -> Result<HttpResponse, ScormError> {
    list(req, auth, store, Kind::Private).await
}

/// getPublicInvitations: GET /invitations/public → PublicInvitationList.
pub async fn list_public(
    req: HttpRequest,
    auth: Auth,
    store: web::Data<Store>,
) -> Result<HttpResponse, ScormError> {
    list(req, auth, store, Kind::Public).await
}

/// getPrivateInvitationJobStatus: GET /invitations/private/{invitationId}/jobStatus.
pub async fn job(
    auth: Auth,
    store: web::Data<Store>,
    path: web::Path<String>,
) -> Result<HttpResponse, ScormError> {
    auth.require("read:invitation")?;
    let (t, id) = (auth.tenant_id, path.into_inner());
    let j = run(&store, move |s| s.invitation_job_status(t, &id)).await?;
    Ok(HttpResponse::Ok().json(job_status(&j)))
}

async fn user_invitations(
    req: HttpRequest,
    auth: Auth,
    store: web::Data<Store>,
    id: String,
    public: bool,
) -> Result<HttpResponse, ScormError> {
    auth.require("read:invitation")?;
    let p = ListParams::from_request(
        &req,
        &[
            "since",
            "until",
            "datetimeFilter",
            "filter",
            "filterBy",
            "orderBy",
        ],
    )?;
    let email = match p.filter_by("email") {
        None => None,
        Some((by, text)) if by == "email" => Some(text),
        Some((by, _)) => {
            return Err(ScormError::BadRequest(format!(
                "filterBy '{by}' is not one of: email"
            )));
        }
    };
    let q = RecipientQuery {
        email,
        window: p.window()?,
        include_report: p.flag("includeRegistrationReport")?,
    };
    let t = auth.tenant_id;
    let (total, items) = run(&store, move |s| s.invitation_recipients(t, &id, public, &q)).await?;
    let links = Links::of(&req);
    let rendered: Vec<Value> = items
        .iter()
        .map(|u| user_invitation(u, &links.invite(&u.token)))
        .collect();
    let mut body = json!({"userInvitations": rendered});
    if let Some(m) = p.next(total, items.len()) {
        body["more"] = json!(m);
    }
    Ok(page(body, p.total_header()?.then_some(total)))
}

/// getPrivateUserInvitations: GET /invitations/private/{invitationId}/userInvitations.
pub async fn private_users(
    req: HttpRequest,
    auth: Auth,
    store: web::Data<Store>,
    path: web::Path<String>,
) -> Result<HttpResponse, ScormError> {
    user_invitations(req, auth, store, path.into_inner(), false).await
}

/// getPublicUserInvitations: GET /invitations/public/{invitationId}/userInvitations.
pub async fn public_users(
    req: HttpRequest,
    auth: Auth,
    store: web::Data<Store>,
    path: web::Path<String>,
) -> Result<HttpResponse, ScormError> {
    user_invitations(req, auth, store, path.into_inner(), true).await
}
