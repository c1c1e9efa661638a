//! Tags on invitations and enrollment series: replace an object's tags, add tags to many
//! objects at once, remove some, and find the objects having any of some tags.
use crate::conn::DbConn;
use crate::error::{StoreError, StoreResult};
use crate::schema::tags as t;
use crate::store::on_backend;
use diesel::prelude::*;
use std::collections::HashMap;

/// What a tag is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagKind {
    Invitation,
    Series,
}

impl TagKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Invitation => "invitation",
            Self::Series => "series",
        }
    }
}

/// Tags are 1 to 255 characters, not blank.
pub fn check(tags: &[String]) -> StoreResult<()> {
    if let Some(bad) = tags.iter().find(|t| t.trim().is_empty() || t.len() > 255) {
        return Err(StoreError::Invalid(format!(
            "invalid tag '{bad}': tags must be 1 to 255 characters"
        )));
    }
    Ok(())
}

/// Adds tags to one object (existing ones are kept).
pub fn add_in(
    conn: &mut DbConn,
    tenant_id: &str,
    kind: TagKind,
    object_id: &str,
    tags: &[String],
) -> StoreResult<()> {
    check(tags)?;
    let have = of_in(conn, tenant_id, kind, object_id)?;
    let mut seen = Vec::new();
    for tag in tags.iter().filter(|tag| !have.contains(tag)) {
        if seen.contains(&tag) {
            continue;
        }
        seen.push(tag);
        diesel::insert_into(t::table)
            .values((
                t::tenant_id.eq(tenant_id),
                t::kind.eq(kind.as_str()),
                t::object_id.eq(object_id),
                t::tag.eq(tag),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Replaces an object's tags.
pub fn set_in(
    conn: &mut DbConn,
    tenant_id: &str,
    kind: TagKind,
    object_id: &str,
    tags: &[String],
) -> StoreResult<()> {
    check(tags)?;
    remove_in(conn, tenant_id, kind, object_id, None)?;
    add_in(conn, tenant_id, kind, object_id, tags)
}

/// Removes the listed tags (`None`: all of them) from an object.
pub fn remove_in(
    conn: &mut DbConn,
    tenant_id: &str,
    kind: TagKind,
    object_id: &str,
    tags: Option<&[String]>,
) -> StoreResult<()> {
    let mut q = diesel::delete(
        t::table
            .filter(t::tenant_id.eq(tenant_id))
            .filter(t::kind.eq(kind.as_str()))
            .filter(t::object_id.eq(object_id)),
    )
    .into_boxed();
    if let Some(tags) = tags {
        q = q.filter(t::tag.eq_any(tags));
    }
    q.execute(conn)?;
    Ok(())
}

/// An object's tags, sorted.
pub fn of_in(
    conn: &mut DbConn,
    tenant_id: &str,
    kind: TagKind,
    object_id: &str,
) -> StoreResult<Vec<String>> {
    Ok(t::table
        .filter(t::tenant_id.eq(tenant_id))
        .filter(t::kind.eq(kind.as_str()))
        .filter(t::object_id.eq(object_id))
        .select(t::tag)
        .order(t::tag)
        .load(conn)?)
}

/// The tags of many objects, by object id (sorted).
pub fn of_many_in(
    conn: &mut DbConn,
    tenant_id: &str,
    kind: TagKind,
    object_ids: &[&str],
) -> StoreResult<HashMap<String, Vec<String>>> {
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    if let [one] = object_ids {
        // One object (a read by id): a query of fixed shape on the backend's own connection,
        // prepared once; an id list is prepared again on every call.
        let tags: Vec<String> = on_backend!(conn, c => t::table
            .filter(t::tenant_id.eq(tenant_id))
            .filter(t::kind.eq(kind.as_str()))
            .filter(t::object_id.eq(*one))
            .select(t::tag)
            .order(t::tag)
            .load(c))?;
        if !tags.is_empty() {
            out.insert((*one).to_string(), tags);
        }
        return Ok(out);
    }
    for chunk in object_ids.chunks(400) {
        let rows: Vec<(String, String)> = t::table
            .filter(t::tenant_id.eq(tenant_id))
            .filter(t::kind.eq(kind.as_str()))
            .filter(t::object_id.eq_any(chunk))
            .select((t::object_id, t::tag))
            .order((t::object_id, t::tag))
            .load(conn)?;
        for (o, tag) in rows {
            out.entry(o).or_default().push(tag);
        }
    }
    Ok(out)
}

/// `column` holds an object of `kind` having any of `tags` (a list filter).
pub fn tagged(
    column: &'static str,
    tenant_id: &str,
    kind: TagKind,
    tags: &[String],
) -> crate::filter::DynFilter {
    crate::list::tagged(column, tenant_id, kind.as_str(), tags)
}
