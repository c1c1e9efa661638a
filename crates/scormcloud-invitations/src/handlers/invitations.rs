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
use enroll_domain::model::Dialect::ScormCloud;
use enroll_invitations::prelude::*;
use enroll_invitations::{ExistingPolicy, Invitation, InvitationUpdate, NewInvitation};
use enroll_store::Store;

/// `duplicateRegistrationOption` as the ledger's policy for recipients already enrolled:
/// FAIL skips them, INSTANCE_EXISTING starts a new instance, SEND_EXISTING (the default) sends
/// their registration again, CREATE_NEW starts a new registration (see the crate docs).
fn duplicate_option(s: Option<&str>) -> Result<ExistingPolicy, ScormError> {
    Ok(match s.map(str::to_ascii_uppercase).as_deref() {
        None | Some("") | Some("SEND_EXISTING") => ExistingPolicy::Resend,
        Some("FAIL") => ExistingPolicy::Skip,
        Some("INSTANCE_EXISTING") => ExistingPolicy::NewInstance,
        Some("CREATE_NEW") => ExistingPolicy::NewSeries,
        Some(other) => {
            return Err(bad(format!(
                "duplicateRegistrationOption '{other}' is not one of FAIL, INSTANCE_EXISTING, SEND_EXISTING, CREATE_NEW"
            )));
        }
    })
}

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
    let existing = duplicate_option(b.duplicate_registration_option.as_deref())?;
    let new = NewInvitation {
        course_id: b.course_id,
        creator_email: b.creating_user_email,
        is_public: false,
        addresses: b
            .invitation_email
            .addresses
            .ok_or_else(|| bad("invitationEmail.addresses is required".into()))?,
        mail_subject: b.invitation_email.subject,
        mail_body: b.invitation_email.body,
        subscription: b
            .post_back
            .map(|p| p.into_store())
            .transpose()
            .map_err(bad)?
            .flatten()
            .map(|p| p.to_subscription()),
        expiration: b.expiration_date.flatten(),
        tags: b.tags,
        existing,
        cap: 0,
    };
    let t = auth.tenant_id;
    let inv = run(&store, move |s| s.create_invitation(t, ScormCloud, &new)).await?;
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
        creator_email: b.creating_user_email,
        is_public: true,
        subscription: b
            .post_back
            .map(|p| p.into_store())
            .transpose()
            .map_err(bad)?
            .flatten()
            .map(|p| p.to_subscription()),
        expiration: b.expiration_date.flatten(),
        tags: b.tags,
        cap: b.registration_cap,
        ..NewInvitation::default()
    };
    let t = auth.tenant_id;
    let inv = run(&store, move |s| s.create_invitation(t, ScormCloud, &new)).await?;
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
    let inv = run(&store, move |s| s.invitation(t, &id, Some(false))).await?;
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
    let inv = run(&store, move |s| s.invitation(t, &id, Some(true))).await?;
    Ok(HttpResponse::Ok().json(public_json(&req, &inv, true)))
}

fn update_of(b: InvitationUpdateDto, public: bool) -> Result<InvitationUpdate, ScormError> {
    let email = b.invitation_email.filter(|_| !public);
    Ok(InvitationUpdate {
        allow_launch: b.allow_launch,
        allow_new_enrollments: b.allow_new_registrations.filter(|_| public),
        cap: b.registration_cap.filter(|_| public),
        expiration: b.expiration_date,
        subscription: b
            .post_back
            .map(|p| p.into_store())
            .transpose()
            .map_err(bad)?
            .map(|p| p.map(|p| p.to_subscription())),
        mail_subject: email.as_ref().and_then(|e| e.subject.clone()),
        mail_body: email.and_then(|e| e.body),
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
        s.update_invitation(t, ScormCloud, &id, false, &u)
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
    let inv = run(&store, move |s| {
        s.update_invitation(t, ScormCloud, &id, true, &u)
    })
    .await?;
    Ok(HttpResponse::Ok().json(public_json(&req, &inv, true)))
}
