//! Authorization over the ledger: who is acting ([`Actor`]), whom they reach
//! ([`enroll_domain::access::Scope`], read inside the caller's transaction), and the checks the
//! store's authorized writes ([`crate::authorized`]) make in the same transaction as the write.
//! A learner outside the actor's scope is refused with
//! [`DomainError::NotPermitted`] naming it; each
//! facade renders that its vendor's way (a hidden 404, "Permission denied", …).
use crate::conn::DbConn;
use crate::error::{StoreError, StoreResult};
use crate::models::{LearnerRow, opt_uuid, uuid};
use crate::schema::{departments, external_ids, learners};
use crate::store::{Store, on_backend};
use diesel::prelude::*;
use enroll_domain::DomainError;
use enroll_domain::access::Scope;
use enroll_domain::crosswalk::{IdStyle, Kind};
use enroll_domain::model::{Department, Dialect};
use std::collections::HashMap;
use uuid::Uuid;

/// Who is acting on the ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// The tenant's account itself (an API client with the account's credentials): every
    /// learner of the tenant.
    Account,
    /// A learner of the tenant, by ledger id: their role and department decide.
    Learner(Uuid),
}

/// The tenant's department tree.
fn departments_in(c: &mut DbConn, tenant_id: Uuid) -> StoreResult<Vec<Department>> {
    let rows: Vec<(String, Option<String>, String)> = departments::table
        .filter(departments::tenant_id.eq(tenant_id.to_string()))
        .select((departments::id, departments::parent_id, departments::name))
        .load(c)?;
    rows.into_iter()
        .map(|(id, parent, name)| {
            Ok(Department {
                id: uuid(&id)?,
                tenant_id,
                parent_id: opt_uuid(parent.as_deref())?,
                name,
            })
        })
        .collect()
}

impl Actor {
    /// How events name the actor: `account`, or the learner's ledger id.
    pub fn principal(&self) -> String {
        match self {
            Self::Account => "account".into(),
            Self::Learner(id) => id.to_string(),
        }
    }
}

/// The actor's scope, read inside the caller's transaction (an unknown learner: `NotFound`).
/// The actor becomes the principal of the events the transaction records (see
/// [`crate::events::cause`]).
pub fn scope_in(c: &mut DbConn, tenant_id: Uuid, actor: &Actor) -> StoreResult<Scope> {
    crate::events::cause::act_as(|| actor.principal());
    let Actor::Learner(id) = actor else {
        return Ok(Scope::All);
    };
    let row: LearnerRow = learners::table
        .filter(learners::tenant_id.eq(tenant_id.to_string()))
        .filter(learners::id.eq(id.to_string()))
        .select(LearnerRow::as_select())
        .first(c)
        .optional()?
        .ok_or_else(|| StoreError::NotFound("user".into()))?;
    let learner = row.to_domain(Default::default())?;
    // Only a department administrator's scope depends on the tree.
    let tree = match learner.role {
        enroll_domain::model::Role::DepartmentAdmin => departments_in(c, tenant_id)?,
        _ => Vec::new(),
    };
    Ok(Scope::of(&learner, &tree))
}

/// `NotPermitted(what)` unless `scope` reaches the learner.
pub fn check(
    scope: &Scope,
    learner_id: Uuid,
    department: Option<Uuid>,
    what: &str,
) -> StoreResult<()> {
    if scope.reaches_id(learner_id, department) {
        Ok(())
    } else {
        Err(DomainError::NotPermitted(what.to_string()).into())
    }
}

/// The department of each of the learners `ids` (ledger ids) of a tenant.
pub(crate) fn departments_of(
    c: &mut DbConn,
    tenant_id: Uuid,
    ids: &[&str],
) -> StoreResult<HashMap<String, Option<Uuid>>> {
    let mut out = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(400) {
        // One id (a single call's learner or course): a statement of fixed shape on the
        // backend's own connection, prepared once per connection; a list (`eq_any`) is
        // prepared again on every call on SQLite.
        let rows: Vec<(String, Option<String>)> = match chunk {
            [one] => on_backend!(c, c => learners::table
                .filter(learners::tenant_id.eq(tenant_id.to_string()))
                .filter(learners::id.eq(*one))
                .select((learners::id, learners::department_id))
                .load(c))?,
            _ => learners::table
                .filter(learners::tenant_id.eq(tenant_id.to_string()))
                .filter(learners::id.eq_any(chunk))
                .select((learners::id, learners::department_id))
                .load(c)?,
        };
        for (id, d) in rows {
            out.insert(id, opt_uuid(d.as_deref())?);
        }
    }
    Ok(out)
}

/// The ledger ids a dialect's ids of `kind` name, by the crosswalk rule, set-based: explicit
/// entries first, then (UUID and text dialects) the id itself. Records are not checked to
/// exist; ids that name nothing are absent from the map.
pub(crate) fn ledger_ids(
    c: &mut DbConn,
    tenant_id: Uuid,
    dialect: Dialect,
    kind: Kind,
    ids: &[String],
) -> StoreResult<HashMap<String, String>> {
    let t = tenant_id.to_string();
    let mut out = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(400) {
        // One id (a single call's learner or course): a statement of fixed shape on the
        // backend's own connection, prepared once per connection; a list (`eq_any`) is
        // prepared again on every call on SQLite.
        let rows: Vec<(String, String)> = match chunk {
            [one] => on_backend!(c, c => external_ids::table
                .filter(external_ids::tenant_id.eq(&t))
                .filter(external_ids::dialect.eq(dialect.as_str()))
                .filter(external_ids::kind.eq(kind.as_str()))
                .filter(external_ids::external_id.eq(one))
                .select((external_ids::external_id, external_ids::ledger_id))
                .load(c))?,
            _ => external_ids::table
                .filter(external_ids::tenant_id.eq(&t))
                .filter(external_ids::dialect.eq(dialect.as_str()))
                .filter(external_ids::kind.eq(kind.as_str()))
                .filter(external_ids::external_id.eq_any(chunk))
                .select((external_ids::external_id, external_ids::ledger_id))
                .load(c)?,
        };
        out.extend(rows);
    }
    if matches!(dialect.id_style(kind), IdStyle::Uuid | IdStyle::Text) {
        for id in ids {
            if !out.contains_key(id)
                && let Ok(u) = Uuid::parse_str(id)
            {
                out.insert(id.clone(), u.to_string());
            }
        }
    }
    Ok(out)
}

impl Store {
    /// The learners `actor` may act on (one read of their row and, for a department
    /// administrator, the department tree).
    pub fn scope(&self, tenant_id: Uuid, actor: &Actor) -> StoreResult<Scope> {
        self.read(|c| scope_in(c, tenant_id, actor))
    }
}
