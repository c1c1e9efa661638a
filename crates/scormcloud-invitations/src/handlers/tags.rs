//! Tags of invitations and registrations.
use super::run;
use crate::auth::Auth;
use crate::error::ScormError;
use crate::wire::{BatchTags, TagList};
use actix_web::{HttpResponse, web};
use enroll_domain::model::Dialect::ScormCloud;
use enroll_invitations::prelude::*;
use enroll_store::Store;
use enroll_store::enrollments::TagChange;
use serde_json::json;

/// What the tags are on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Invitation,
    Registration,
}
use Kind::{Invitation as INVITATION, Registration as REGISTRATION};

fn scopes(kind: Kind) -> (&'static str, &'static str) {
    match kind {
        INVITATION => ("read:invitation", "write:invitation"),
        REGISTRATION => ("read:registration", "write:registration"),
    }
}

async fn get(
    auth: Auth,
    store: web::Data<Store>,
    kind: Kind,
    id: String,
) -> Result<HttpResponse, ScormError> {
    auth.require(scopes(kind).0)?;
    let t = auth.tenant_id;
    let tags = run(&store, move |s| match kind {
        INVITATION => s.invitation_tags(t, &id),
        REGISTRATION => s.series_tags(t, ScormCloud, &id),
    })
    .await?;
    Ok(HttpResponse::Ok().json(json!({"tags": tags})))
}

/// Applies a tag change to the named objects, all or none.
async fn change(
    auth: Auth,
    store: web::Data<Store>,
    kind: Kind,
    ids: Vec<String>,
    change: TagChange,
) -> Result<HttpResponse, ScormError> {
    auth.require(scopes(kind).1)?;
    let t = auth.tenant_id;
    run(&store, move |s| match kind {
        INVITATION => s.tag_invitations(t, &ids, &change),
        REGISTRATION => s.tag_series(t, ScormCloud, &ids, &change),
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

async fn put(
    auth: Auth,
    store: web::Data<Store>,
    kind: Kind,
    id: String,
    tags: Vec<String>,
) -> Result<HttpResponse, ScormError> {
    change(auth, store, kind, vec![id], TagChange::Replace(tags)).await
}

async fn delete(
    auth: Auth,
    store: web::Data<Store>,
    kind: Kind,
    id: String,
    tags: Vec<String>,
) -> Result<HttpResponse, ScormError> {
    change(auth, store, kind, vec![id], TagChange::Remove(tags)).await
}

async fn batch(
    auth: Auth,
    store: web::Data<Store>,
    kind: Kind,
    b: BatchTags,
) -> Result<HttpResponse, ScormError> {
    if b.ids.is_empty() {
        auth.require(scopes(kind).1)?;
        return Err(ScormError::BadRequest(
            "ids must name at least one object".into(),
        ));
    }
    change(auth, store, kind, b.ids, TagChange::Add(b.tags)).await
}

/// getInvitationTags: GET /invitations/{invitationId}/tags → TagListSchema.
pub async fn get_invitation(
    auth: Auth,
    store: web::Data<Store>,
    path: web::Path<String>,
) -> Result<HttpResponse, ScormError> {
    get(auth, store, INVITATION, path.into_inner()).await
}

/// putInvitationTags: PUT /invitations/{invitationId}/tags (replaces the tags) → 204.
pub async fn put_invitation(
    auth: Auth,
    store: web::Data<Store>,
    path: web::Path<String>,
    body: web::Json<TagList>,
) -> Result<HttpResponse, ScormError> {
    put(
        auth,
        store,
        INVITATION,
        path.into_inner(),
        body.into_inner().tags,
    )
    .await
}

/// deleteInvitationTags: DELETE /invitations/{invitationId}/tags (body: the tags) → 204.
pub async fn delete_invitation(
    auth: Auth,
    store: web::Data<Store>,
    path: web::Path<String>,
    body: web::Json<TagList>,
) -> Result<HttpResponse, ScormError> {
    delete(
        auth,
        store,
        INVITATION,
        path.into_inner(),
        body.into_inner().tags,
    )
    .await
}

/// putInvitationTagsBatch: PUT /invitations/tags (adds every tag to every invitation) → 204.
pub async fn batch_invitations(
    auth: Auth,
    store: web::Data<Store>,
    body: web::Json<BatchTags>,
) -> Result<HttpResponse, ScormError> {
    batch(auth, store, INVITATION, body.into_inner()).await
}

/// getRegistrationTags: GET /registrations/{registrationId}/tags.
pub async fn get_registration(
    auth: Auth,
    store: web::Data<Store>,
    path: web::Path<String>,
) -> Result<HttpResponse, ScormError> {
    get(auth, store, REGISTRATION, path.into_inner()).await
}

/// putRegistrationTags: PUT /registrations/{registrationId}/tags → 204.
pub async fn put_registration(
    auth: Auth,
    store: web::Data<Store>,
    path: web::Path<String>,
    body: web::Json<TagList>,
) -> Result<HttpResponse, ScormError> {
    put(
        auth,
        store,
        REGISTRATION,
        path.into_inner(),
        body.into_inner().tags,
    )
    .await
}

/// deleteRegistrationTags: DELETE /registrations/{registrationId}/tags → 204.
pub async fn delete_registration(
    auth: Auth,
    store: web::Data<Store>,
    path: web::Path<String>,
    body: web::Json<TagList>,
) -> Result<HttpResponse, ScormError> {
    delete(
        auth,
        store,
        REGISTRATION,
        path.into_inner(),
        body.into_inner().tags,
    )
    .await
}

/// putRegistrationTagsBatch: PUT /registrations/tags → 204.
pub async fn batch_registrations(
    auth: Auth,
    store: web::Data<Store>,
    body: web::Json<BatchTags>,
) -> Result<HttpResponse, ScormError> {
    batch(auth, store, REGISTRATION, body.into_inner()).await
}
