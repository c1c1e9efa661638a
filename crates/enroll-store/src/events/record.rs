//! Recording events, inside the transaction of the change: the write paths call these where
//! they write enrollment rows (`enrollments::lock::save`, the creation and archive of
//! `enrollments::create`, the expiry sweep's batch update), so no change goes unrecorded.
use super::cause;
use super::schema::enrollment_events as ev;
use super::subscriptions::{Subject, watching_in};
use crate::conn::DbConn;
use crate::error::{StoreError, StoreResult};
use crate::models::EnrollmentRow;
use crate::store::on_backend;
use diesel::prelude::*;
use enroll_domain::EnrollmentState;
use enroll_domain::EventKind;
use enroll_domain::event::Change;

/// Rows per multi-row insert (10 columns: well under both backends' bound-parameter limits).
const CHUNK: usize = 500;

/// One event to record.
#[derive(Debug, Clone, PartialEq, Insertable)]
// `None` is bound as NULL (the columns' default), not written DEFAULT: a multi-row insert is
// then one statement on SQLite too.
#[diesel(table_name = ev, treat_none_as_default_value = false)]
pub(crate) struct NewEvent {
    /// Whom it concerns (what subscriptions may watch).
    #[diesel(skip_insertion)]
    pub subject: Subject,
    /// Some subscription selects it (set by [`record_in`]).
    pub pending: bool,
    pub enrollment_id: String,
    pub kind: String,
    pub from_state: Option<String>,
    pub to_state: String,
    pub dialect: String,
    pub principal: Option<String>,
    pub at: i64,
    pub note: Option<String>,
}

impl NewEvent {
    /// An event of `row`'s enrollment, of the current cause (see [`cause`]).
    pub fn caused(
        row: &EnrollmentRow,
        kind: EventKind,
        from: Option<&str>,
        to: &str,
        at: i64,
    ) -> Self {
        let c = cause::current();
        Self {
            subject: Subject::of(row),
            pending: false,
            enrollment_id: row.id.clone(),
            kind: kind.as_str().to_string(),
            from_state: from.map(str::to_string),
            to_state: to.to_string(),
            dialect: c.dialect.clone(),
            principal: c.principal.clone(),
            at,
            note: c.note.clone(),
        }
    }
}

fn state(s: &str) -> StoreResult<EnrollmentState> {
    s.parse()
        .map_err(|e: String| StoreError::Internal(format!("stored enrollment: {e}")))
}

/// The events of a change from `before` to `after` (the same enrollment), at its edit date;
/// `attributes`: its dialect attributes changed too (see [`crate::attributes`]).
pub(crate) fn of_change(
    before: &EnrollmentRow,
    after: &EnrollmentRow,
    attributes: bool,
) -> StoreResult<Vec<NewEvent>> {
    let (b, a) = (before, after);
    let change = Change {
        from: state(&b.state)?,
        to: state(&a.state)?,
        archived: b.active && !a.active,
        results: b.progress != a.progress
            || b.score != a.score
            || b.time_spent_ms != a.time_spent_ms,
        other: b.lock_after_due != a.lock_after_due
            || b.started_at != a.started_at
            || b.completed_at != a.completed_at
            || b.due_at != a.due_at
            || b.expires_at != a.expires_at
            || b.access_at != a.access_at
            || b.credits != a.credits
            || attributes,
    };
    let mut from = b.state.as_str();
    Ok(EventKind::of(&change)
        .into_iter()
        .map(|kind| {
            // A second event (archived after a change of state) starts where the first ended.
            let e = NewEvent::caused(a, kind, Some(from), &a.state, a.updated_at);
            from = a.state.as_str();
            e
        })
        .collect())
}

/// The creation event of a new enrollment: `enrolled`, or `re_enrolled` when it continues a
/// series. Its dialect is the enrollment's source (who made it), its principal the cause's.
pub(crate) fn of_creation(row: &EnrollmentRow, continues: bool) -> NewEvent {
    let kind = if continues {
        EventKind::ReEnrolled
    } else {
        EventKind::Enrolled
    };
    let mut e = NewEvent::caused(row, kind, None, &row.state, row.added_at);
    e.dialect.clone_from(&row.source);
    e
}

/// Records events inside the caller's transaction; those a subscription selects are pending
/// delivery (see [`super::notices`]).
pub(crate) fn record_in(conn: &mut DbConn, events: &[NewEvent]) -> StoreResult<()> {
    if events.is_empty() {
        return Ok(());
    }
    let mut events = events.to_vec();
    flag_pending(conn, &mut events)?;
    if events.iter().any(|e| e.pending) {
        // Other processes' delivery tasks wake up when this commits.
        enroll_db::notify_in(conn, crate::store::Topic::Changes)?;
    }
    match (conn, events.as_slice()) {
        (_, []) => {}
        // On the backend's own connection: a statement of fixed shape found by its type,
        // where the multi-backend wrapper renders its SQL on every write first.
        (c, [one]) => {
            on_backend!(c, c => diesel::insert_into(ev::table).values(one).execute(c))?;
        }
        // Multi-row inserts, on SQLite too (every column bound, see `NewEvent`).
        (c, events) => {
            for chunk in events.chunks(CHUNK) {
                on_backend!(c, c => diesel::insert_into(ev::table).values(chunk).execute(c))?;
            }
        }
    }
    Ok(())
}

/// Marks the events some subscription selects as pending: one lookup per tenant of the
/// subscriptions watching their enrollments (an indexed read that finds nothing when nobody
/// subscribes).
fn flag_pending(conn: &mut DbConn, events: &mut [NewEvent]) -> StoreResult<()> {
    let mut tenants: Vec<String> = events.iter().map(|e| e.subject.tenant_id.clone()).collect();
    tenants.sort_unstable();
    tenants.dedup();
    for t in tenants {
        let subjects: Vec<&Subject> = events
            .iter()
            .filter(|e| e.subject.tenant_id == t)
            .map(|e| &e.subject)
            .collect();
        let subs = watching_in(conn, &t, &subjects)?;
        if subs.is_empty() {
            continue;
        }
        for e in events.iter_mut().filter(|e| e.subject.tenant_id == t) {
            let kind: EventKind = e.kind.parse().map_err(StoreError::Internal)?;
            e.pending = subs
                .iter()
                .any(|s| s.selects(kind) && e.subject.watched_by(s));
        }
    }
    Ok(())
}
