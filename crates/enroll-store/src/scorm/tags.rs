//! Tags on invitations and registrations. `PUT` replaces an object's tags, the batch `PUT`
//! adds tags to many objects, `DELETE` removes the listed tags.
use super::schema::{scorm_invitations as si, scorm_registrations as sr, scorm_tags as st};
use crate::conn::DbConn;
use crate::error::{StoreError, StoreResult};
use crate::store::Store;
use diesel::prelude::*;
use uuid::Uuid;

/// Tag kind of invitations.
pub const INVITATION: &str = "invitation";
/// Tag kind of registrations.
pub const REGISTRATION: &str = "registration";

fn check(tags: &[String]) -> StoreResult<()> {
    if let Some(bad) = tags.iter().find(|t| t.trim().is_empty() || t.len() > 255) {
        return Err(StoreError::Invalid(format!(
            "invalid tag '{bad}': tags must be 1 to 255 characters"
        )));
    }
    Ok(())
}

/// Adds tags to one object (existing ones are kept).
pub(crate) fn add_in(
    conn: &mut DbConn,
    tenant_id: Uuid,
    kind: &str,
    object_pk: &str,
    tags: &[String],
) -> StoreResult<()> {
    check(tags)?;
    let t = tenant_id.to_string();
    for tag in tags {
        let exists: i64 = st::table
            .filter(st::tenant_id.eq(&t))
            .filter(st::kind.eq(kind))
            .filter(st::object_id.eq(object_pk))
            .filter(st::tag.eq(tag))
            .count()
            .get_result(conn)?;
        if exists == 0 {
            diesel::insert_into(st::table)
                .values((
                    st::tenant_id.eq(&t),
                    st::kind.eq(kind),
                    st::object_id.eq(object_pk),
                    st::tag.eq(tag),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

/// The primary keys of a kind's objects having any of `tags`.
pub(crate) fn tagged_in(
    conn: &mut DbConn,
    tenant_id: Uuid,
    kind: &str,
    tags: &[String],
) -> StoreResult<Vec<String>> {
    Ok(st::table
        .filter(st::tenant_id.eq(tenant_id.to_string()))
        .filter(st::kind.eq(kind))
        .filter(st::tag.eq_any(tags))
        .select(st::object_id)
        .distinct()
        .load(conn)?)
}

/// Resolves a vendor id (invitation id or registration id) to the object's primary key.
fn object_pk(conn: &mut DbConn, tenant_id: Uuid, kind: &str, id: &str) -> StoreResult<String> {
    let t = tenant_id.to_string();
    let found: Option<String> = if kind == INVITATION {
        si::table
            .filter(si::tenant_id.eq(&t))
            .filter(si::id.eq(id))
            .select(si::id)
            .first(conn)
            .optional()?
    } else {
        sr::table
            .filter(sr::tenant_id.eq(&t))
            .filter(sr::registration_id.eq(id))
            .select(sr::id)
            .first(conn)
            .optional()?
    };
    let what = if kind == INVITATION {
        "invitationId"
    } else {
        "registrationId"
    };
    found.ok_or_else(|| StoreError::NotFound(format!("{what} '{id}'")))
}

fn load_in(conn: &mut DbConn, tenant_id: Uuid, kind: &str, pk: &str) -> StoreResult<Vec<String>> {
    Ok(st::table
        .filter(st::tenant_id.eq(tenant_id.to_string()))
        .filter(st::kind.eq(kind))
        .filter(st::object_id.eq(pk))
        .select(st::tag)
        .order(st::tag)
        .load(conn)?)
}

impl Store {
    /// The tags of an invitation (`kind` = [`INVITATION`]) or registration ([`REGISTRATION`]).
    pub fn scorm_tags(&self, tenant_id: Uuid, kind: &str, id: &str) -> StoreResult<Vec<String>> {
        self.read(|c| {
            let pk = object_pk(c, tenant_id, kind, id)?;
            load_in(c, tenant_id, kind, &pk)
        })
    }

    /// Replaces an object's tags.
    pub fn scorm_set_tags(
        &self,
        tenant_id: Uuid,
        kind: &str,
        id: &str,
        tags: &[String],
    ) -> StoreResult<()> {
        check(tags)?;
        self.write(|c| {
            let pk = object_pk(c, tenant_id, kind, id)?;
            diesel::delete(
                st::table
                    .filter(st::tenant_id.eq(tenant_id.to_string()))
                    .filter(st::kind.eq(kind))
                    .filter(st::object_id.eq(&pk)),
            )
            .execute(c)?;
            add_in(c, tenant_id, kind, &pk, tags)
        })
    }

    /// Removes the listed tags from an object.
    pub fn scorm_delete_tags(
        &self,
        tenant_id: Uuid,
        kind: &str,
        id: &str,
        tags: &[String],
    ) -> StoreResult<()> {
        self.write(|c| {
            let pk = object_pk(c, tenant_id, kind, id)?;
            diesel::delete(
                st::table
                    .filter(st::tenant_id.eq(tenant_id.to_string()))
                    .filter(st::kind.eq(kind))
                    .filter(st::object_id.eq(&pk))
                    .filter(st::tag.eq_any(tags)),
            )
            .execute(c)?;
            Ok(())
        })
    }

    /// Adds every tag to every object, all or nothing (an unknown id fails the whole batch).
    pub fn scorm_batch_tags(
        &self,
        tenant_id: Uuid,
        kind: &str,
        ids: &[String],
        tags: &[String],
    ) -> StoreResult<()> {
        check(tags)?;
        self.write(|c| {
            for id in ids {
                let pk = object_pk(c, tenant_id, kind, id)?;
                add_in(c, tenant_id, kind, &pk, tags)?;
            }
            Ok(())
        })
    }
}
