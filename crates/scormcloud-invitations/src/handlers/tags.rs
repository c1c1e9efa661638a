//! Tags of invitations and registrations.
use super::run;
use crate::auth::Auth;
use crate::error::ScormError;
use crate::wire::{BatchTags, TagList};
use actix_web::{HttpResponse, web};
use enroll_store::Store;
use enroll_store::scorm::tags::{INVITATION, REGISTRATION};
use serde_json::json;

fn scopes(kind: &str) -> (&'static str, &'static str) {
    if kind == INVITATION {
        ("read:invitation", "write:invitation")
    } else {
        ("read:registration", "write:registration")
    }
}

async fn get(
    auth: Auth,
    store: web::Data<Store>,
    kind: &'static str,
    id: String,
) -> Result<HttpResponse, ScormError> {
    auth.require(scopes(kind).0)?;
    let t = auth.tenant_id;
    let tags = run(&store, move |s| s.scorm_tags(t, kind, &id)).await?;
    Ok(HttpResponse::Ok().json(json!({"tags": tags})))
}

async fn put(
    auth: Auth,
    store: web::Data<Store>,
    kind: &'static str,
    id: String,
    tags: Vec<String>,
) -> Result<HttpResponse, ScormError> {
    auth.require(scopes(kind).1)?;
    let t = auth.tenant_id;
    run(&store, move |s| s.scorm_set_tags(t, kind, &id, &tags)).await?;
    Ok(HttpResponse::NoContent().finish())
}

async fn delete(
    auth: Auth,
    store: web::Data<Store>,
    kind: &'static str,
    id: String,
    tags: Vec<String>,
) -> Result<HttpResponse, ScormError> {
    auth.require(scopes(kind).1)?;
    let t = auth.tenant_id;
    run(&store, move |s| s.scorm_delete_tags(t, kind, &id, &tags)).await?;
    Ok(HttpResponse::NoContent().finish())
}

async fn batch(
    auth: Auth,
    store: web::Data<Store>,
    kind: &'static str,
    b: BatchTags,
) -> Result<HttpResponse, ScormError> {
    auth.require(scopes(kind).1)?;
    if b.ids.is_empty() {
        return Err(ScormError::BadRequest(
            "ids must name at least one object".into(),
        ));
    }
    let t = auth.tenant_id;
    run(&store, move |s| {
        s.scorm_batch_tags(t, kind, &b.ids, &b.tags)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
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
