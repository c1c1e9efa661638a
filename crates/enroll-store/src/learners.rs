//! Learners, departments and the identifier crosswalk.
use crate::conn::DbConn;
use crate::crosswalk;
use crate::error::{StoreError, StoreResult};
use crate::models::{LearnerRow, enum_name, uuid};
use crate::schema::{departments, external_ids, learners};
use crate::secrets::hash_password_for;
use crate::store::{FirstRow, Store, on_backend};
use diesel::prelude::*;
use enroll_domain::clock::to_millis;
use enroll_domain::crosswalk::{ExternalIds, Kind};
use enroll_domain::model::{Department, Dialect, Learner, Role};
use serde::Deserialize;
use std::collections::HashMap;
use uuid::Uuid;

/// How a caller names a learner.
#[derive(Debug, Clone, PartialEq)]
pub enum LearnerKey {
    /// Ledger id.
    Id(Uuid),
    /// A dialect's id, by the crosswalk rule (see `enroll_domain::crosswalk`).
    External(Dialect, String),
    /// Username (unique per tenant).
    Username(String),
    /// E-mail (the oldest learner with it).
    Email(String),
}

/// A learner to create. `ids` holds the explicit dialect ids (see `enroll_domain::crosswalk`).
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
    pub ids: ExternalIds,
}

/// Inserts a learner (and its crosswalk entries) inside a caller's transaction.
pub fn insert_learner(
    conn: &mut DbConn,
    tenant_id: Uuid,
    new: &NewLearner,
    now: i64,
) -> StoreResult<Learner> {
    let (row, ids) = insert_learner_row(conn, tenant_id, new, now)?;
    row.to_domain(ids)
}

/// Whose password a new learner's is: tenant and username (see [`prehash`]).
fn owner(tenant_id: Uuid, new: &NewLearner) -> String {
    let username = new.username.as_deref().unwrap_or(&new.email);
    format!("{tenant_id}\n{username}")
}

/// Hashes the passwords of learners about to be inserted, before the transaction that
/// inserts them: a password hash takes about a tenth of a second, which the writer should
/// not wait for; the insert then finds each hash made (`secrets::hash_password_for`).
/// Several at once, on every core: a seed's learners are hashed before the gateway starts
/// listening.
pub(crate) fn prehash<'a>(tenant_id: Uuid, learners: impl IntoIterator<Item = &'a NewLearner>) {
    let work: Vec<(String, &str)> = learners
        .into_iter()
        .filter_map(|l| Some((owner(tenant_id, l), l.password.as_deref()?)))
        .collect();
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let per_thread = work.len().div_ceil(cores).max(1);
    std::thread::scope(|s| {
        for chunk in work.chunks(per_thread) {
            s.spawn(move || {
                for (owner, password) in chunk {
                    hash_password_for(owner, password);
                }
            });
        }
    });
}

fn insert_learner_row(
    conn: &mut DbConn,
    tenant_id: Uuid,
    new: &NewLearner,
    now: i64,
) -> StoreResult<(LearnerRow, ExternalIds)> {
    let row = learner_row(tenant_id, new, now)?;
    diesel::insert_into(learners::table)
        .values(&row)
        .execute(conn)
        .map_err(|e| insert_error(&row, e))?;
    let ids = crosswalk::record_new(
        conn,
        &row.tenant_id,
        Kind::Learner,
        uuid(&row.id)?,
        &new.ids,
    )?;
    Ok((row, ids))
}

fn learner_row(tenant_id: Uuid, new: &NewLearner, now: i64) -> StoreResult<LearnerRow> {
    let id = new.id.unwrap_or_else(Uuid::new_v4);
    if new.email.trim().is_empty() {
        return Err(StoreError::Invalid(
            "a learner needs an e-mail address".into(),
        ));
    }
    Ok(LearnerRow {
        id: id.to_string(),
        tenant_id: tenant_id.to_string(),
        username: new.username.clone().unwrap_or_else(|| new.email.clone()),
        email: new.email.clone(),
        first_name: new.first_name.clone(),
        last_name: new.last_name.clone(),
        job_title: new.job_title.clone(),
        department_id: new.department_id.map(|d| d.to_string()),
        role: enum_name(&new.role),
        password_hash: new
            .password
            .as_deref()
            .map(|p| hash_password_for(&owner(tenant_id, new), p)),
        created_at: now,
        updated_at: now,
    })
}

fn insert_error(row: &LearnerRow, e: diesel::result::Error) -> StoreError {
    match StoreError::from(e) {
        StoreError::Conflict(_) => StoreError::Conflict(format!(
            "a learner with username '{}' or id {} already exists",
            row.username, row.id
        )),
        StoreError::Invalid(_) => StoreError::Invalid("the department does not exist".into()),
        other => other,
    }
}

/// The learner a dialect knows only by an id of its own (SCORM Cloud learners, invitation
/// addresses): found through the crosswalk, else created with that id and `profile`.
/// Returns the learner and whether it was created.
pub fn ensure_learner(
    conn: &mut DbConn,
    tenant_id: Uuid,
    dialect: Dialect,
    external_id: &str,
    profile: &NewLearner,
    now: i64,
) -> StoreResult<(LearnerRow, bool)> {
    let key = LearnerKey::External(dialect, external_id.to_string());
    if let Some(l) = find_learner(conn, tenant_id, &key)? {
        return Ok((l, false));
    }
    let mut new = profile.clone();
    new.ids.set(dialect, external_id);
    let row = learner_row(tenant_id, &new, now)?;
    // Another transaction may be making the same learner right now (two invitations of one
    // new address): the insert then waits for it and does nothing, and the learner it made is
    // found (the next statement sees its commit). A refusal would fail a whole batch.
    let inserted = on_backend!(conn, c => diesel::insert_into(learners::table)
        .values(&row)
        .on_conflict_do_nothing()
        .execute(c))
    .map_err(|e| insert_error(&row, e))?;
    if inserted == 0 {
        return match find_learner(conn, tenant_id, &key)? {
            Some(l) => Ok((l, false)),
            None => Err(StoreError::Conflict(format!(
                "a learner with username '{}' already exists",
                row.username
            ))),
        };
    }
    crosswalk::record_new(
        conn,
        &row.tenant_id,
        Kind::Learner,
        uuid(&row.id)?,
        &new.ids,
    )?;
    Ok((row, true))
}

/// The learner an address stands for, to a dialect that names learners by address (SCORM
/// Cloud invitations): the learner whose id in the dialect is the address, else the oldest
/// learner with that e-mail, else a new learner with the address as its id in the dialect.
pub fn ensure_learner_by_email(
    conn: &mut DbConn,
    tenant_id: Uuid,
    dialect: Dialect,
    email: &str,
    profile: &NewLearner,
    now: i64,
) -> StoreResult<(LearnerRow, bool)> {
    let t = tenant_id.to_string();
    if crosswalk::explicit(conn, &t, dialect, Kind::Learner, email)?.is_none()
        && let Some(l) = find_learner(conn, tenant_id, &LearnerKey::Email(email.to_string()))?
    {
        return Ok((l, false));
    }
    let profile = NewLearner {
        username: Some(format!("{}:{email}", dialect.as_str())),
        email: email.to_string(),
        ..profile.clone()
    };
    ensure_learner(conn, tenant_id, dialect, email, &profile, now)
}

/// The oldest learner of the tenant with `profile.email`, else a new learner from `profile`
/// (username: the address, unless given), with no dialect id of the address: for dialects
/// that name learners by number and find them by address. Returns the learner and whether it
/// was created. Concurrent calls for one new address make one learner.
pub fn ensure_learner_with_email(
    conn: &mut DbConn,
    tenant_id: Uuid,
    profile: &NewLearner,
    now: i64,
) -> StoreResult<(LearnerRow, bool)> {
    let key = LearnerKey::Email(profile.email.clone());
    if let Some(l) = find_learner(conn, tenant_id, &key)? {
        return Ok((l, false));
    }
    let row = learner_row(tenant_id, profile, now)?;
    // As in `ensure_learner`: a concurrent insert of the same learner wins, this one finds it.
    let inserted = on_backend!(conn, c => diesel::insert_into(learners::table)
        .values(&row)
        .on_conflict_do_nothing()
        .execute(c))
    .map_err(|e| insert_error(&row, e))?;
    if inserted == 0 {
        return match find_learner(conn, tenant_id, &key)? {
            Some(l) => Ok((l, false)),
            None => Err(StoreError::Conflict(format!(
                "a learner with username '{}' already exists",
                row.username
            ))),
        };
    }
    crosswalk::record_new(
        conn,
        &row.tenant_id,
        Kind::Learner,
        uuid(&row.id)?,
        &profile.ids,
    )?;
    Ok((row, true))
}

/// [`ensure_learner_by_email`] for many addresses at once (lookups set-based), by address.
pub fn ensure_learners_by_email(
    conn: &mut DbConn,
    tenant_id: Uuid,
    dialect: Dialect,
    emails: &[&str],
    now: i64,
) -> StoreResult<HashMap<String, LearnerRow>> {
    let t = tenant_id.to_string();
    let mut found: HashMap<String, LearnerRow> = HashMap::new();
    for chunk in emails.chunks(400) {
        let named: Vec<(String, String)> = external_ids::table
            .filter(external_ids::tenant_id.eq(&t))
            .filter(external_ids::dialect.eq(dialect.as_str()))
            .filter(external_ids::kind.eq(Kind::Learner.as_str()))
            .filter(external_ids::external_id.eq_any(chunk))
            .select((external_ids::external_id, external_ids::ledger_id))
            .load(conn)?;
        let by_id: HashMap<String, String> = named.into_iter().map(|(e, l)| (l, e)).collect();
        let ids: Vec<&String> = by_id.keys().collect();
        let rows: Vec<LearnerRow> = learners::table
            .filter(learners::tenant_id.eq(&t))
            .filter(learners::id.eq_any(ids))
            .select(LearnerRow::as_select())
            .load(conn)?;
        for l in rows {
            if let Some(e) = by_id.get(&l.id) {
                found.insert(e.clone(), l);
            }
        }
        let rest: Vec<&str> = chunk
            .iter()
            .copied()
            .filter(|e| !found.contains_key(*e))
            .collect();
        let rows: Vec<LearnerRow> = learners::table
            .filter(learners::tenant_id.eq(&t))
            .filter(learners::email.eq_any(&rest))
            .order((learners::created_at, learners::id))
            .select(LearnerRow::as_select())
            .load(conn)?;
        for l in rows {
            found.entry(l.email.clone()).or_insert(l);
        }
    }
    // New learners are made in address order, whatever the callers' orders: two batches that
    // make some of the same learners wait for each other in one direction only.
    let mut missing: Vec<&str> = emails
        .iter()
        .copied()
        .filter(|e| !found.contains_key(*e))
        .collect();
    missing.sort_unstable();
    for l in insert_learners_by_email(conn, tenant_id, dialect, &missing, now)? {
        found.insert(l.email.clone(), l);
    }
    // Addresses a concurrent transaction made a learner for meanwhile (its insert won): the
    // one-by-one path finds that learner.
    for email in missing {
        if !found.contains_key(email) {
            let (l, _) = ensure_learner_by_email(
                conn,
                tenant_id,
                dialect,
                email,
                &NewLearner::default(),
                now,
            )?;
            found.insert((*email).to_string(), l);
        }
    }
    Ok(found)
}

/// New learners for addresses no learner stands for yet (as [`ensure_learner_by_email`] makes
/// them: the address as their id in `dialect`), a few multi-row statements per 400 addresses
/// instead of several statements per address. Returns those inserted; an address whose learner
/// a concurrent transaction inserted first is left out (its insert does nothing).
fn insert_learners_by_email(
    conn: &mut DbConn,
    tenant_id: Uuid,
    dialect: Dialect,
    emails: &[&str],
    now: i64,
) -> StoreResult<Vec<LearnerRow>> {
    let mut made: Vec<LearnerRow> = Vec::with_capacity(emails.len());
    for chunk in emails.chunks(400) {
        let rows = chunk
            .iter()
            .map(|email| {
                let profile = NewLearner {
                    username: Some(format!("{}:{email}", dialect.as_str())),
                    email: (*email).to_string(),
                    ..NewLearner::default()
                };
                learner_row(tenant_id, &profile, now)
            })
            .collect::<StoreResult<Vec<_>>>()?;
        // Every column bound (no DEFAULT): one statement on SQLite too.
        let values: Vec<_> = rows
            .iter()
            .map(|r| {
                (
                    learners::id.eq(&r.id),
                    learners::tenant_id.eq(&r.tenant_id),
                    learners::username.eq(&r.username),
                    learners::email.eq(&r.email),
                    learners::first_name.eq(&r.first_name),
                    learners::last_name.eq(&r.last_name),
                    learners::job_title.eq(&r.job_title),
                    learners::department_id.eq(&r.department_id),
                    learners::role.eq(&r.role),
                    learners::password_hash.eq(&r.password_hash),
                    learners::created_at.eq(r.created_at),
                    learners::updated_at.eq(r.updated_at),
                )
            })
            .collect();
        let inserted = on_backend!(conn, c => diesel::insert_into(learners::table)
            .values(&values)
            .on_conflict_do_nothing()
            .execute(c))
        .map_err(|e| match rows.first() {
            Some(r) => insert_error(r, e),
            None => e.into(),
        })?;
        if inserted == rows.len() {
            made.extend(rows);
            continue;
        }
        // Some rows did nothing: the new ids that are in the table are ours.
        let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
        let ours: std::collections::HashSet<String> = learners::table
            .filter(learners::id.eq_any(&ids))
            .select(learners::id)
            .load(conn)?
            .into_iter()
            .collect();
        made.extend(rows.into_iter().filter(|r| ours.contains(&r.id)));
    }
    let ids = made
        .iter()
        .map(|r| {
            let mut ids = ExternalIds::default();
            ids.set(dialect, r.email.clone());
            Ok((uuid(&r.id)?, ids))
        })
        .collect::<StoreResult<Vec<_>>>()?;
    crosswalk::record_new_all(conn, &tenant_id.to_string(), Kind::Learner, &ids)?;
    Ok(made)
}

/// The learner domain object of a row, with its crosswalk entries.
pub fn learner_of(conn: &mut DbConn, row: &LearnerRow) -> StoreResult<Learner> {
    row.to_domain(crosswalk::ids_for(conn, Kind::Learner, &row.id)?)
}

/// What [`Store::list_learners`] returns.
#[derive(Debug, Clone, Default)]
pub struct LearnerQuery {
    /// A compiled filter over the learner fields (see [`crate::filter`]).
    pub filter: Option<crate::filter::DynFilter>,
    /// A compiled sort (see [`crate::filter::compile_sort`]).
    pub order: Option<crate::filter::Sort>,
    /// Only learners of these departments (a department admin's scope).
    pub departments: Option<Vec<Uuid>>,
    pub limit: i64,
    pub offset: i64,
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
            // The crosswalk rule inside the learner's select: one statement.
            LearnerKey::External(d, s) => learner_by!(
                $conn,
                &t,
                $sel,
                learners::id.nullable(),
                crate::crosswalk_column::NamedBy::new(&t, *d, Kind::Learner, s)
            ),
            LearnerKey::Username(s) => learner_by!($conn, &t, $sel, learners::username, s),
            // E-mails are not unique: take the oldest; every other key is unique.
            LearnerKey::Email(s) => learners::table
                .filter(learners::tenant_id.eq(&t))
                .filter(learners::email.eq(s))
                .order((learners::created_at, learners::id))
                .select($sel)
                .first($conn)
                .optional()?,
        }
    }};
}

/// Finds a learner of `tenant_id` by any key (inside any connection).
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
        prehash(tenant_id, [new]);
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

    /// `root` and every department below it: what a department administrator may act on.
    pub fn department_scope(&self, tenant_id: Uuid, root: Uuid) -> StoreResult<Vec<Uuid>> {
        let all = self.list_departments(tenant_id)?;
        Ok(enroll_domain::model::subtree(&all, root))
    }

    /// A learner by any key; `NotFound("user")` when absent or in another tenant.
    pub fn learner(&self, tenant_id: Uuid, key: &LearnerKey) -> StoreResult<Learner> {
        self.with_conn(|c| {
            let row = find_learner(c, tenant_id, key)?
                .ok_or_else(|| StoreError::NotFound("user".into()))?;
            learner_of(c, &row)
        })
    }

    /// A page of a tenant's learners (see [`LearnerQuery`]) and the total matching count.
    pub fn list_learners(
        &self,
        tenant_id: Uuid,
        lq: &LearnerQuery,
    ) -> StoreResult<(i64, Vec<Learner>)> {
        let (filter, limit, offset) = (&lq.filter, lq.limit, lq.offset);
        let order = lq.order.as_ref().filter(|o| !o.is_empty());
        self.read(|c| {
            let base = || {
                let mut q = learners::table
                    .filter(learners::tenant_id.eq(tenant_id.to_string()))
                    .into_boxed();
                if let Some(f) = filter {
                    q = q.filter(f.clone());
                }
                if let Some(ds) = &lq.departments {
                    q = q.filter(
                        learners::department_id
                            .eq_any(ds.iter().map(Uuid::to_string).collect::<Vec<_>>()),
                    );
                }
                q
            };
            let total: i64 = base().count().get_result(c)?;
            let mut q = base().select(LearnerRow::as_select());
            q = match order {
                Some(o) => q.order(o.clone()).then_order_by(learners::id),
                None => q.order((learners::created_at, learners::id)),
            };
            let rows: Vec<LearnerRow> = q.limit(limit).offset(offset).load(c)?;
            let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
            let book = crosswalk::ids_of(c, &ids)?;
            Ok((
                total,
                rows.iter()
                    .map(|r| r.to_domain(book.get(Kind::Learner, &r.id)))
                    .collect::<StoreResult<_>>()?,
            ))
        })
    }
}

impl Store {
    /// Deletes a learner and everything of theirs, in one transaction: their enrollments (and
    /// what hangs off them: sessions, lessons, attempts, launches, events), the tags of their
    /// enrollment series, subscriptions to them, their enrollments or series, and their
    /// crosswalk entries. Every dialect
    /// then finds neither the learner nor those enrollments. Returns the learner as it was.
    pub fn delete_learner(&self, tenant_id: Uuid, key: &LearnerKey) -> StoreResult<Learner> {
        use crate::events::schema::subscriptions;
        use crate::schema::enrollments;
        self.write(|c| {
            let row = find_learner(c, tenant_id, key)?
                .ok_or_else(|| StoreError::NotFound("user".into()))?;
            let learner = learner_of(c, &row)?;
            let t = tenant_id.to_string();
            let rows: Vec<(String, String)> = enrollments::table
                .filter(enrollments::tenant_id.eq(&t))
                .filter(enrollments::learner_id.eq(&row.id))
                .select((enrollments::id, enrollments::series_id))
                .load(c)?;
            let mut series: Vec<String> = rows.iter().map(|r| r.1.clone()).collect();
            series.sort_unstable();
            series.dedup();
            for s in &series {
                crate::tags::remove_in(c, &t, crate::tags::TagKind::Series, s, None)?;
            }
            // Subscriptions to the learner, their enrollments or their series.
            let mut objects: Vec<String> = rows.into_iter().map(|r| r.0).collect();
            objects.extend(series.iter().cloned());
            objects.push(row.id.clone());
            for chunk in objects.chunks(400) {
                diesel::delete(
                    subscriptions::table
                        .filter(subscriptions::tenant_id.eq(&t))
                        .filter(subscriptions::object_id.eq_any(chunk)),
                )
                .execute(c)?;
            }
            series.push(row.id.clone());
            for chunk in series.chunks(400) {
                diesel::delete(
                    external_ids::table
                        .filter(external_ids::tenant_id.eq(&t))
                        .filter(external_ids::ledger_id.eq_any(chunk)),
                )
                .execute(c)?;
            }
            diesel::delete(
                learners::table
                    .filter(learners::tenant_id.eq(&t))
                    .filter(learners::id.eq(&row.id)),
            )
            .execute(c)?;
            Ok(learner)
        })
    }
}
