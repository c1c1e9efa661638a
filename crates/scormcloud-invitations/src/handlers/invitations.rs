//! Invitations: create, get and update, private and public.
use super::run;
use crate::Links;
use crate::auth::Auth;
use crate::error::ScormError;
use crate::wire::{
    CreatePrivateInvitation, CreatePublicInvitation, InvitationUpdateDto, invitation_summary,
    private_invitation, public_invitation,
};
use actix_web::{HttpRequest, HttpResponse, web};
use enroll_store::Store;
use enroll_store::scorm::invitations::{Invitation, InvitationUpdate};
use enroll_store::scorm::{DuplicateOption, NewInvitation};

fn bad(m: String) -> ScormError {
    ScormError::BadRequest(m)
}

/// createPrivateInvitation: POST /invitations/private → InvitationSummarySchema. The job
/// that creates the registrations and mails runs in the background; poll `jobStatus`.
pub async fn create_private(
    auth: Auth,
    store: web::Data<Store>,
    body: web::Json<CreatePrivateInvitation>,
) -> Result<HttpResponse, ScormError> {
    auth.require("write:invitation")?;
    let b = body.into_inner();
    let duplicate_option = match b.duplicate_registration_option.as_deref() {
        None | Some("") => DuplicateOption::default(),
        Some(s) => DuplicateOption::parse(s).ok_or_else(|| {
            bad(format!(
                "duplicateRegistrationOption '{s}' is not one of FAIL, INSTANCE_EXISTING, SEND_EXISTING, CREATE_NEW"
            ))
        })?,
    };
    let new = NewInvitation {
        course_id: b.course_id,
        creating_user_email: b.creating_user_email,
        is_public: false,
        addresses: b
            .invitation_email
            .addresses
            .ok_or_else(|| bad("invitationEmail.addresses is required".into()))?,
        email_subject: b.invitation_email.subject,
        email_body: b.invitation_email.body,
        post_back: b
            .post_back
            .map(|p| p.into_store())
            .transpose()
            .map_err(bad)?
            .flatten(),
        expiration: b.expiration_date.flatten(),
        tags: b.tags,
        duplicate_option,
        registration_cap: 0,
    };
    let t = auth.tenant_id;
    let inv = run(&store, move |s| s.scorm_create_invitation(t, &new)).await?;
    Ok(HttpResponse::Ok().json(invitation_summary(&inv)))
}

/// createPublicInvitation: POST /invitations/public → PublicInvitationSchema.
pub async fn create_public(
    req: HttpRequest,
    auth: Auth,
    store: web::Data<Store>,
    body: web::Json<CreatePublicInvitation>,
) -> Result<HttpResponse, ScormError> {
    auth.require("write:invitation")?;
    let b = body.into_inner();
    let new = NewInvitation {
        course_id: b.course_id,
        creating_user_email: b.creating_user_email,
        is_public: true,
        post_back: b
            .post_back
            .map(|p| p.into_store())
            .transpose()
            .map_err(bad)?
            .flatten(),
        expiration: b.expiration_date.flatten(),
        tags: b.tags,
        registration_cap: b.registration_cap,
        ..NewInvitation::default()
    };
    let t = auth.tenant_id;
    let inv = run(&store, move |s| s.scorm_create_invitation(t, &new)).await?;
    Ok(HttpResponse::Ok().json(public_json(&req, &inv, true)))
}

pub(crate) fn public_json(req: &HttpRequest, inv: &Invitation, count: bool) -> serde_json::Value {
    let url = Links::of(req).join(inv.public_token.as_deref().unwrap_or_default());
    public_invitation(inv, &url, count)
}

/// getPrivateInvitation: GET /invitations/private/{invitationId} (counts are always
/// included: `includeRegistrationCount` is accepted and changes nothing).
pub async fn get_private(
    auth: Auth,
    store: web::Data<Store>,
    path: web::Path<String>,
) -> Result<HttpResponse, ScormError> {
    auth.require("read:invitation")?;
    let (t, id) = (auth.tenant_id, path.into_inner());
    let inv = run(&store, move |s| s.scorm_invitation(t, &id, Some(false))).await?;
    Ok(HttpResponse::Ok().json(private_invitation(&inv, true)))
}

/// getPublicInvitation: GET /invitations/public/{invitationId}.
pub async fn get_public(
    req: HttpRequest,
    auth: Auth,
    store: web::Data<Store>,
    path: web::Path<String>,
) -> Result<HttpResponse, ScormError> {
    auth.require("read:invitation")?;
    let (t, id) = (auth.tenant_id, path.into_inner());
    let inv = run(&store, move |s| s.scorm_invitation(t, &id, Some(true))).await?;
    Ok(HttpResponse::Ok().json(public_json(&req, &inv, true)))
}

fn update_of(b: InvitationUpdateDto, public: bool) -> Result<InvitationUpdate, ScormError> {
    let email = b.invitation_email.filter(|_| !public);
    Ok(InvitationUpdate {
        allow_launch: b.allow_launch,
        allow_new_registrations: b.allow_new_registrations.filter(|_| public),
        registration_cap: b.registration_cap.filter(|_| public),
        expiration: b.expiration_date,
        post_back: b
            .post_back
            .map(|p| p.into_store())
            .transpose()
            .map_err(bad)?,
        email_subject: email.as_ref().and_then(|e| e.subject.clone()),
        email_body: email.and_then(|e| e.body),
    })
}

/// updatePrivateInvitation: PUT /invitations/private/{invitationId} (allowLaunch,
/// invitationEmail subject/body, postBack, expirationDate).
pub async fn update_private(
    auth: Auth,
    store: web::Data<Store>,
    path: web::Path<String>,
    body: web::Json<InvitationUpdateDto>,
) -> Result<HttpResponse, ScormError> {
    auth.require("write:invitation")?;
    let u = update_of(body.into_inner(), false)?;
    let (t, id) = (auth.tenant_id, path.into_inner());
    let inv = run(&store, move |s| {
        s.scorm_update_invitation(t, &id, false, &u)
    })
    .await?;
    Ok(HttpResponse::Ok().json(private_invitation(&inv, true)))
}

/// updatePublicInvitation: PUT /invitations/public/{invitationId} (allowLaunch,
/// allowNewRegistrations, postBack, expirationDate, registrationCap).
pub async fn update_public(
    req: HttpRequest,
    auth: Auth,
    store: web::Data<Store>,
    path: web::Path<String>,
    body: web::Json<InvitationUpdateDto>,
) -> Result<HttpResponse, ScormError> {
    auth.require("write:invitation")?;
    let u = update_of(body.into_inner(), true)?;
    let (t, id) = (auth.tenant_id, path.into_inner());
    let inv = run(&store, move |s| s.scorm_update_invitation(t, &id, true, &u)).await?;
    Ok(HttpResponse::Ok().json(public_json(&req, &inv, true)))
}
