//! Learners, departments and the identifier crosswalk.
use crate::conn::DbConn;
use crate::error::{StoreError, StoreResult};
use crate::models::{LearnerRow, enum_name, uuid};
use crate::schema::{departments, learners};
use crate::secrets::{hash_password, verify_password};
use crate::store::{FirstRow, Store, on_backend};
use diesel::prelude::*;
use enroll_domain::clock::to_millis;
use enroll_domain::model::{Department, Learner, LearnerIds, Role};
use serde::Deserialize;
use uuid::Uuid;

/// How a dialect names a learner.
#[derive(Debug, Clone, PartialEq)]
pub enum LearnerKey {
    /// Canonical id.
    Id(Uuid),
    /// Absorb user GUID.
    Absorb(Uuid),
    /// iSpring user UUID.
    Ispring(Uuid),
    /// SCORM Cloud learner id.
    Scorm(String),
    /// LMS365 login name.
    Lms365Login(String),
    /// TrainerCentral member id.
    TrainerCentral(i64),
    /// Username (unique per tenant).
    Username(String),
    /// E-mail (first match).
    Email(String),
}

/// A learner to create. Omitted dialect ids default to the canonical id (GUID dialects).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewLearner {
    pub id: Option<Uuid>,
    pub username: Option<String>,
    pub email: String,
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
    pub job_title: Option<String>,
    pub department_id: Option<Uuid>,
    #[serde(default)]
    pub role: Role,
    /// Clear text; stored hashed.
    pub password: Option<String>,
    #[serde(default)]
    pub ids: LearnerIds,
}

/// Inserts a learner inside a caller's transaction.
pub fn insert_learner(
    conn: &mut DbConn,
    tenant_id: Uuid,
    new: &NewLearner,
    now: i64,
) -> StoreResult<Learner> {
    let id = new.id.unwrap_or_else(Uuid::new_v4);
    if new.email.trim().is_empty() {
        return Err(StoreError::Invalid(
            "a learner needs an e-mail address".into(),
        ));
    }
    let username = new.username.clone().unwrap_or_else(|| new.email.clone());
    // Zoho-style numeric member ids: random, 17 digits.
    let tc = new
        .ids
        .trainercentral
        .unwrap_or_else(|| random_numeric_id(id));
    let row = LearnerRow {
        id: id.to_string(),
        tenant_id: tenant_id.to_string(),
        username,
        email: new.email.clone(),
        first_name: new.first_name.clone(),
        last_name: new.last_name.clone(),
        job_title: new.job_title.clone(),
        department_id: new.department_id.map(|d| d.to_string()),
        role: enum_name(&new.role),
        password_hash: new.password.as_deref().map(hash_password),
        absorb_id: Some(new.ids.absorb.unwrap_or(id).to_string()),
        ispring_id: Some(new.ids.ispring.unwrap_or(id).to_string()),
        scorm_id: new.ids.scorm.clone(),
        lms365_login: new.ids.lms365_login.clone(),
        tc_member_id: Some(tc),
        created_at: now,
        updated_at: now,
    };
    diesel::insert_into(learners::table)
        .values(&row)
        .execute(conn)
        .map_err(|e| match StoreError::from(e) {
            StoreError::Conflict(_) => StoreError::Conflict(format!(
                "a learner with username '{}' or one of the same ids already exists",
                row.username
            )),
            other => other,
        })?;
    row.to_domain()
}

/// A random id in Zoho's 17-digit style, derived from a UUID.
pub fn random_numeric_id(seed: Uuid) -> i64 {
    let n = (seed.as_u128() % 9_000_000_000_000_000) as i64;
    10_000_000_000_000_000 + n
}

/// Inserts a department inside a caller's transaction.
pub fn insert_department(conn: &mut DbConn, d: &Department) -> StoreResult<()> {
    diesel::insert_into(departments::table)
        .values((
            departments::id.eq(d.id.to_string()),
            departments::tenant_id.eq(d.tenant_id.to_string()),
            departments::parent_id.eq(d.parent_id.map(|p| p.to_string())),
            departments::name.eq(&d.name),
        ))
        .execute(conn)?;
    Ok(())
}

/// Loads `$sel` of the learner of tenant `$t` whose `$col` is `$v`: a static query on the
/// concrete backend (see `on_backend!`), as lookups by key run on every request.
macro_rules! learner_by {
    ($conn:expr, $t:expr, $sel:expr, $col:expr, $v:expr) => {
        on_backend!($conn, c => learners::table
            .filter(learners::tenant_id.eq($t))
            .filter($col.eq($v))
            .select($sel)
            .first_row(c))?
    };
}

/// Loads `$sel` of the learner of `$tenant` that `$key` names.
macro_rules! learner_by_key {
    ($conn:expr, $tenant:expr, $key:expr, $sel:expr) => {{
        let t = $tenant.to_string();
        match $key {
            LearnerKey::Id(id) => learner_by!($conn, &t, $sel, learners::id, id.to_string()),
            LearnerKey::Absorb(id) => {
                learner_by!($conn, &t, $sel, learners::absorb_id, id.to_string())
            }
            LearnerKey::Ispring(id) => {
                learner_by!($conn, &t, $sel, learners::ispring_id, id.to_string())
            }
            LearnerKey::Scorm(s) => learner_by!($conn, &t, $sel, learners::scorm_id, s),
            LearnerKey::Lms365Login(s) => learner_by!($conn, &t, $sel, learners::lms365_login, s),
            LearnerKey::TrainerCentral(n) => {
                learner_by!($conn, &t, $sel, learners::tc_member_id, *n)
            }
            LearnerKey::Username(s) => learner_by!($conn, &t, $sel, learners::username, s),
            // E-mails are not unique: take the oldest; every other key is unique.
            LearnerKey::Email(s) => learners::table
                .filter(learners::tenant_id.eq(&t))
                .filter(learners::email.eq(s))
                .order(learners::created_at)
                .select($sel)
                .first($conn)
                .optional()?,
        }
    }};
}

/// Finds a learner of `tenant_id` by any dialect's key (inside any connection).
pub fn find_learner(
    conn: &mut DbConn,
    tenant_id: Uuid,
    key: &LearnerKey,
) -> StoreResult<Option<LearnerRow>> {
    Ok(learner_by_key!(
        conn,
        tenant_id,
        key,
        LearnerRow::as_select()
    ))
}

/// Only the id of [`find_learner`]'s learner (what an enroll needs of it).
pub fn find_learner_id(
    conn: &mut DbConn,
    tenant_id: Uuid,
    key: &LearnerKey,
) -> StoreResult<Option<String>> {
    Ok(learner_by_key!(conn, tenant_id, key, learners::id))
}

impl Store {
    /// Creates a learner.
    pub fn create_learner(&self, tenant_id: Uuid, new: &NewLearner) -> StoreResult<Learner> {
        let now = to_millis(self.now());
        self.write(|c| insert_learner(c, tenant_id, new, now))
    }

    /// Creates a department.
    pub fn create_department(&self, d: &Department) -> StoreResult<()> {
        self.write(|c| insert_department(c, d))
    }

    /// A tenant's departments.
    pub fn list_departments(&self, tenant_id: Uuid) -> StoreResult<Vec<Department>> {
        self.with_conn(|c| {
            let rows: Vec<(String, String, Option<String>, String)> = departments::table
                .filter(departments::tenant_id.eq(tenant_id.to_string()))
                .select((
                    departments::id,
                    departments::tenant_id,
                    departments::parent_id,
                    departments::name,
                ))
                .order(departments::name)
                .load(c)?;
            rows.into_iter()
                .map(|(id, t, p, name)| {
                    Ok(Department {
                        id: uuid(&id)?,
                        tenant_id: uuid(&t)?,
                        parent_id: p.as_deref().map(uuid).transpose()?,
                        name,
                    })
                })
                .collect()
        })
    }

    /// A learner by any dialect key; `NotFound("user")` when absent or in another tenant.
    pub fn learner(&self, tenant_id: Uuid, key: &LearnerKey) -> StoreResult<Learner> {
        self.with_conn(|c| find_learner(c, tenant_id, key))?
            .ok_or_else(|| StoreError::NotFound("user".into()))?
            .to_domain()
    }

    /// A learner if the username and password match.
    pub fn check_password(
        &self,
        tenant_id: Uuid,
        username: &str,
        password: &str,
    ) -> StoreResult<Option<Learner>> {
        let row = self.with_conn(|c| {
            find_learner(c, tenant_id, &LearnerKey::Username(username.to_string()))
        })?;
        match row {
            Some(r)
                if r.password_hash
                    .as_deref()
                    .is_some_and(|h| verify_password(password, h)) =>
            {
                Ok(Some(r.to_domain()?))
            }
            _ => Ok(None),
        }
    }

    /// A page of a tenant's learners, with an optional OData filter over [`learner_fields`].
    pub fn list_learners(
        &self,
        tenant_id: Uuid,
        filter: Option<&crate::filter::DynFilter>,
        order: Option<&str>,
        limit: i64,
        offset: i64,
    ) -> StoreResult<(i64, Vec<Learner>)> {
        self.read(|c| {
            let base = || {
                let mut q = learners::table
                    .filter(learners::tenant_id.eq(tenant_id.to_string()))
                    .into_boxed();
                if let Some(f) = filter {
                    q = q.filter(f.clone());
                }
                q
            };
            let total: i64 = base().count().get_result(c)?;
            let mut q = base().select(LearnerRow::as_select());
            q = match order {
                Some(o) => q
                    .order(diesel::dsl::sql::<diesel::sql_types::Text>(o))
                    .then_order_by(learners::id),
                None => q.order((learners::created_at, learners::id)),
            };
            let rows = q.limit(limit).offset(offset).load(c)?;
            Ok((
                total,
                rows.iter()
                    .map(LearnerRow::to_domain)
                    .collect::<StoreResult<_>>()?,
            ))
        })
    }
}
