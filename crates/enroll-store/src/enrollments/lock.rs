//! How writes to enrollments are serialised, and what they write back.
//!
//! On PostgreSQL every write that reads an enrollment to decide what to write first takes the
//! row's lock (`SELECT … FOR NO KEY UPDATE`) and works from what that read returns: a
//! concurrent writer of the same enrollment waits, then sees this one's result. Locks are
//! taken in one global order — courses, then learners, then enrollments, each sorted by id —
//! so two writers never wait for each other in a circle; and never stronger than needed:
//! `FOR NO KEY UPDATE` does not block the `FOR KEY SHARE` locks that foreign-key checks take
//! (an enrollment inserted for a learner, an attempt for an enrollment). SQLite runs one write
//! transaction at a time, so there the reads inside it are current already.
//!
//! A write saves only the columns it changed (`save`), never the whole row it read.
use crate::conn::DbConn;
use crate::error::{StoreError, StoreResult};
use crate::models::EnrollmentRow;
use crate::schema::enrollments;
use diesel::prelude::*;
use std::collections::{HashMap, HashSet};

/// Rows per locking statement (well under both backends' bound-parameter limits).
const CHUNK: usize = 400;

/// Locks rows of `table` (a table with a text `id`) by id, in id order, on PostgreSQL.
macro_rules! lock_ids {
    ($conn:expr, $table:ident, $ids:expr) => {{
        #[cfg(feature = "postgres")]
        #[allow(irrefutable_let_patterns)]
        if let DbConn::Pg(pg) = $conn {
            use crate::schema::$table;
            let mut ids: Vec<&str> = $ids.iter().map(|s| s.as_ref()).collect();
            ids.sort_unstable();
            ids.dedup();
            for chunk in ids.chunks(CHUNK) {
                $table::table
                    .filter($table::id.eq_any(chunk))
                    .select($table::id)
                    .order($table::id)
                    .for_no_key_update()
                    .load::<String>(pg)?;
            }
        }
        let _ = (&$conn, &$ids);
        Ok(())
    }};
}

/// Locks courses (capacity counts), in id order: the first of the lock order.
pub(crate) fn lock_courses<S: AsRef<str>>(conn: &mut DbConn, ids: &[S]) -> StoreResult<()> {
    lock_ids!(conn, courses, ids)
}

/// Locks sessions (their capacity counts), in id order. Sessions belong to courses and are
/// locked with them, before learners.
pub(crate) fn lock_sessions<S: AsRef<str>>(conn: &mut DbConn, ids: &[S]) -> StoreResult<()> {
    lock_ids!(conn, sessions, ids)
}

/// Locks learners (whose one active enrollment per course a write may replace), in id order.
pub(crate) fn lock_learners<S: AsRef<str>>(conn: &mut DbConn, ids: &[S]) -> StoreResult<()> {
    lock_ids!(conn, learners, ids)
}

/// The enrollments of a tenant that `ids` name, read under their row locks (taken in id
/// order), by id order. Unknown ids are left out.
pub fn lock_enrollments<S: AsRef<str>>(
    conn: &mut DbConn,
    tenant_id: &str,
    ids: &[S],
) -> StoreResult<Vec<EnrollmentRow>> {
    locked(conn, Some(tenant_id), ids)
}

/// [`lock_enrollments`] across tenants (the expiry sweep).
pub(crate) fn lock_any<S: AsRef<str>>(
    conn: &mut DbConn,
    ids: &[S],
) -> StoreResult<Vec<EnrollmentRow>> {
    locked(conn, None, ids)
}

fn locked<S: AsRef<str>>(
    conn: &mut DbConn,
    tenant_id: Option<&str>,
    ids: &[S],
) -> StoreResult<Vec<EnrollmentRow>> {
    let mut ids: Vec<&str> = ids.iter().map(AsRef::as_ref).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut rows = Vec::with_capacity(ids.len());
    macro_rules! load {
        ($query:expr) => {{
            let query = $query.order(enrollments::id);
            match conn {
                #[cfg(feature = "postgres")]
                DbConn::Pg(pg) => query
                    .select(EnrollmentRow::as_select())
                    .for_no_key_update()
                    .load(pg)?,
                #[cfg(feature = "sqlite")]
                DbConn::Sqlite(c) => query.select(EnrollmentRow::as_select()).load(c)?,
            }
        }};
    }
    for chunk in ids.chunks(CHUNK) {
        let by_id = enrollments::table.filter(enrollments::id.eq_any(chunk));
        rows.extend(match tenant_id {
            Some(t) => load!(by_id.filter(enrollments::tenant_id.eq(t))),
            None => load!(by_id),
        });
    }
    Ok(rows)
}

/// One enrollment of a tenant, read under its row lock; `NotFound` when there is none.
pub fn lock_enrollment(conn: &mut DbConn, tenant_id: &str, id: &str) -> StoreResult<EnrollmentRow> {
    lock_enrollments(conn, tenant_id, &[id])?
        .pop()
        .ok_or_else(|| StoreError::NotFound("enrollment".into()))
}

/// The active enrollments of (learner, course) pairs of a tenant, read under their row locks
/// (in id order), by pair.
pub(crate) fn active_rows_locked(
    conn: &mut DbConn,
    tenant_id: &str,
    pairs: &[(&str, &str)],
) -> StoreResult<HashMap<(String, String), EnrollmentRow>> {
    let mut found = HashMap::new();
    if let [(learner, course)] = pairs {
        // One pair (the common case): the static lookup through the partial unique index.
        if let Some(row) = super::active_row(conn, tenant_id, learner, course)? {
            let mut rows = [row];
            relock(conn, &mut rows)?;
            let [row] = rows;
            // Archived while this waited for its lock: no longer the active one.
            if row.active {
                found.insert((row.learner_id.clone(), row.course_id.clone()), row);
            }
        }
        return Ok(found);
    }
    let wanted: HashSet<(&str, &str)> = pairs.iter().copied().collect();
    let courses: Vec<&str> = unique(wanted.iter().map(|p| p.1));
    let learners: Vec<&str> = unique(wanted.iter().map(|p| p.0));
    // Found first, then locked all together in id order (the global lock order), which also
    // leaves out any archived meanwhile.
    let mut ids: Vec<String> = Vec::new();
    for chunk in learners.chunks(CHUNK) {
        // `active` itself, not `active = ?`: see `super::active_row`.
        let rows: Vec<(String, String, String)> = enrollments::table
            .filter(enrollments::tenant_id.eq(tenant_id))
            .filter(enrollments::learner_id.eq_any(chunk))
            .filter(enrollments::course_id.eq_any(&courses))
            .filter(enrollments::active)
            .select((
                enrollments::id,
                enrollments::learner_id,
                enrollments::course_id,
            ))
            .load(conn)?;
        ids.extend(
            rows.into_iter()
                .filter(|(_, l, c)| wanted.contains(&(l.as_str(), c.as_str())))
                .map(|(id, _, _)| id),
        );
    }
    for e in lock_enrollments(conn, tenant_id, &ids)? {
        if e.active {
            found.insert((e.learner_id.clone(), e.course_id.clone()), e);
        }
    }
    Ok(found)
}

fn unique<'a>(items: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut v: Vec<&str> = items.collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// Makes `rows` current: on PostgreSQL they are read again under their row locks (in id
/// order), so what a caller read before, unlocked, cannot be written back over a concurrent
/// change. A row deleted meanwhile is `NotFound`. Nothing to do on SQLite.
pub(crate) fn relock(conn: &mut DbConn, rows: &mut [EnrollmentRow]) -> StoreResult<()> {
    if !conn.is_pg() || rows.is_empty() {
        return Ok(());
    }
    let tenant = rows[0].tenant_id.clone();
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let fresh = lock_enrollments(conn, &tenant, &ids)?;
    for row in rows.iter_mut() {
        *row = fresh
            .iter()
            .find(|f| f.id == row.id)
            .cloned()
            .ok_or_else(|| StoreError::NotFound("enrollment".into()))?;
    }
    Ok(())
}

/// The columns a write changed, for [`save`] (`None`: unchanged; `Some(None)`: set to NULL).
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = enrollments)]
struct Changes {
    state: Option<String>,
    active: Option<bool>,
    progress: Option<f64>,
    score: Option<Option<f64>>,
    time_spent_ms: Option<i64>,
    lock_after_due: Option<bool>,
    added_at: Option<i64>,
    started_at: Option<Option<i64>>,
    completed_at: Option<Option<i64>>,
    due_at: Option<Option<i64>>,
    expires_at: Option<Option<i64>>,
    access_at: Option<Option<i64>>,
    updated_at: Option<i64>,
    credits: Option<Option<f64>>,
}

fn changed<T: PartialEq + Clone>(before: &T, after: &T, any: &mut bool) -> Option<T> {
    (before != after).then(|| {
        *any = true;
        after.clone()
    })
}

/// Saves what changed from `before` to `after` (the same enrollment), and nothing else, and
/// records the change's events (see [`crate::events`]). An enrollment's identity, series and
/// origin never change here.
pub(crate) fn save(
    conn: &mut DbConn,
    before: &EnrollmentRow,
    after: &EnrollmentRow,
) -> StoreResult<()> {
    save_with(conn, before, after, false)
}

/// [`save`] for a write that also changed the enrollment's dialect attributes (`attributes`,
/// stored by the caller): that alone is an edit of the enrollment, with its events.
pub(crate) fn save_with(
    conn: &mut DbConn,
    before: &EnrollmentRow,
    after: &EnrollmentRow,
    attributes: bool,
) -> StoreResult<()> {
    let (b, a, mut any) = (before, after, false);
    let c = Changes {
        state: changed(&b.state, &a.state, &mut any),
        active: changed(&b.active, &a.active, &mut any),
        progress: changed(&b.progress, &a.progress, &mut any),
        score: changed(&b.score, &a.score, &mut any),
        time_spent_ms: changed(&b.time_spent_ms, &a.time_spent_ms, &mut any),
        lock_after_due: changed(&b.lock_after_due, &a.lock_after_due, &mut any),
        added_at: changed(&b.added_at, &a.added_at, &mut any),
        started_at: changed(&b.started_at, &a.started_at, &mut any),
        completed_at: changed(&b.completed_at, &a.completed_at, &mut any),
        due_at: changed(&b.due_at, &a.due_at, &mut any),
        expires_at: changed(&b.expires_at, &a.expires_at, &mut any),
        access_at: changed(&b.access_at, &a.access_at, &mut any),
        updated_at: changed(&b.updated_at, &a.updated_at, &mut any),
        credits: changed(&b.credits, &a.credits, &mut any),
    };
    if any {
        diesel::update(enrollments::table.find(&a.id))
            .set(&c)
            .execute(conn)?;
    }
    if any || attributes {
        crate::events::record_in(conn, &crate::events::of_change(b, a, attributes)?)?;
    }
    Ok(())
}
