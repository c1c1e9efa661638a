//! Time-based expiry, persisted by the sweep (reads show it at once anyway).
//!
//! The sweep works in bounded batches: each batch's candidates are found on a read connection
//! (at most [`BATCH`], after the previous batch's last one), then one short write transaction
//! locks them (in id order, see [`super::lock`]), re-checks each and saves the ones that
//! expire. A clock advance that expires a million enrollments is a thousand short
//! transactions, between which other writers take their turns, never one that holds the
//! writer (or a million row locks) for minutes.
use super::lock::{lock_any, save};
use crate::conn::DbConn;
use crate::error::StoreResult;
use crate::events::NewEvent;
use crate::models::EnrollmentRow;
use crate::schema::enrollments;
use crate::store::Store;
use diesel::prelude::*;
use enroll_domain::clock::to_millis;
use enroll_domain::{EnrollmentState, EventKind};
use time::OffsetDateTime;

/// Enrollments per sweep transaction at most.
pub const BATCH: i64 = 500;

/// The states an enrollment can expire from, as the partial indexes' condition says them: a
/// literal, because SQLite uses a partial index only for a query that repeats its terms
/// (bound values do not count).
const OPEN: &str = "enrollments.state IN ('invited', 'pending_approval', 'waitlisted', \
                    'awaiting_session_choice', 'not_started', 'in_progress', 'not_complete')";

fn open() -> diesel::expression::SqlLiteral<diesel::sql_types::Bool> {
    diesel::dsl::sql::<diesel::sql_types::Bool>(OPEN)
}

/// Which date makes an enrollment due: its expiry, or its due date when it locks after it.
#[derive(Debug, Clone, Copy)]
enum Source {
    Expires,
    LocksAfterDue,
}

/// Where the next batch of a source starts: after (date, id).
type Cursor = Option<(i64, String)>;

/// The next candidates of `source` due at `now_ms`, after `after`, in (date, id) order.
fn candidates(
    c: &mut DbConn,
    source: Source,
    now_ms: i64,
    after: &Cursor,
) -> StoreResult<Vec<(i64, String)>> {
    // The partial indexes (migration 000007) hold only open, active enrollments with the
    // date, so an idle sweep reads nothing; their terms are repeated literally.
    let rows: Vec<(Option<i64>, String)> = match source {
        Source::Expires => {
            let mut q = enrollments::table
                .filter(enrollments::expires_at.is_not_null())
                .filter(enrollments::active)
                .filter(open())
                .filter(enrollments::expires_at.le(now_ms))
                .into_boxed();
            if let Some((at, id)) = after {
                // The `>=` bound alone is what lets both backends range-scan the index; the
                // `or` then drops the rows of the cursor's date already taken.
                q = q.filter(enrollments::expires_at.ge(*at)).filter(
                    enrollments::expires_at
                        .gt(*at)
                        .or(enrollments::id.gt(id.clone())),
                );
            }
            q.select((enrollments::expires_at, enrollments::id))
                .order((enrollments::expires_at, enrollments::id))
                .limit(BATCH)
                .load(c)?
        }
        Source::LocksAfterDue => {
            let mut q = enrollments::table
                .filter(enrollments::due_at.is_not_null())
                .filter(enrollments::lock_after_due)
                .filter(enrollments::active)
                .filter(open())
                .filter(enrollments::due_at.le(now_ms))
                .into_boxed();
            if let Some((at, id)) = after {
                // The `>=` bound alone is what lets both backends range-scan the index; the
                // `or` then drops the rows of the cursor's date already taken.
                q = q.filter(enrollments::due_at.ge(*at)).filter(
                    enrollments::due_at
                        .gt(*at)
                        .or(enrollments::id.gt(id.clone())),
                );
            }
            q.select((enrollments::due_at, enrollments::id))
                .order((enrollments::due_at, enrollments::id))
                .limit(BATCH)
                .load(c)?
        }
    };
    Ok(rows
        .into_iter()
        .map(|(at, id)| (at.unwrap_or_default(), id))
        .collect())
}

/// Expires the rows `ids` name that are still due, inside the caller's transaction; how many.
fn expire_in(c: &mut DbConn, ids: &[String], now: OffsetDateTime) -> StoreResult<usize> {
    let now_ms = to_millis(now);
    // Most expire the same way (state and edit date only): one update for all of those.
    let mut plain: Vec<String> = Vec::new();
    let mut expired: Vec<NewEvent> = Vec::new();
    let mut changed = 0;
    for mut row in lock_any(c, ids)? {
        let before = row.clone();
        let mut e = row.to_record()?.core;
        if !e.refresh(now) {
            continue;
        }
        row.set_core(&e);
        changed += 1;
        if is_plain(&before, &row, now_ms) {
            let to = EnrollmentState::Expired.as_str();
            let from = Some(before.state.as_str());
            expired.push(NewEvent::caused(&row, EventKind::Expired, from, to, now_ms));
            plain.push(row.id);
        } else {
            save(c, &before, &row)?;
        }
    }
    if !plain.is_empty() {
        diesel::update(enrollments::table.filter(enrollments::id.eq_any(&plain)))
            .set((
                enrollments::state.eq(EnrollmentState::Expired.as_str()),
                enrollments::updated_at.eq(now_ms),
            ))
            .execute(c)?;
        crate::events::record_in(c, &expired)?;
    }
    Ok(changed)
}

/// Whether `after` differs from `before` in its state (now expired) and edit date only.
fn is_plain(before: &EnrollmentRow, after: &EnrollmentRow, now_ms: i64) -> bool {
    let mut same = after.clone();
    same.state.clone_from(&before.state);
    same.updated_at = before.updated_at;
    after.state == EnrollmentState::Expired.as_str()
        && after.updated_at == now_ms
        && same == *before
}

impl Store {
    /// Persists time-based expiry for every enrollment that is due, in batches of at most
    /// [`BATCH`] (see the module docs); returns how many changed.
    pub fn expire_due(&self) -> StoreResult<usize> {
        let mut changed = 0;
        for source in [Source::Expires, Source::LocksAfterDue] {
            let mut cursor: Cursor = None;
            loop {
                let (n, next) = self.expire_batch(source, &cursor)?;
                changed += n;
                if next.is_none() {
                    break;
                }
                cursor = next;
            }
        }
        Ok(changed)
    }

    /// One batch of a source: how many expired, and where the next batch starts (`None`: the
    /// source has no more candidates).
    fn expire_batch(&self, source: Source, after: &Cursor) -> StoreResult<(usize, Cursor)> {
        let now = self.now();
        let found = self.with_conn(|c| candidates(c, source, to_millis(now), after))?;
        let Some(last) = found.last().cloned() else {
            return Ok((0, None));
        };
        let ids: Vec<String> = found.into_iter().map(|(_, id)| id).collect();
        let n = self.write(|c| expire_in(c, &ids, now))?;
        if n > 0 {
            log::debug!("expiry sweep: {n} of {} candidates expired", ids.len());
        }
        let more = i64::try_from(ids.len()).unwrap_or(i64::MAX) >= BATCH;
        Ok((n, more.then_some(last)))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_literal_names_exactly_the_open_states() {
        let open: Vec<&str> = enroll_domain::EnrollmentState::ALL
            .into_iter()
            .filter(|s| !s.is_terminal())
            .map(enroll_domain::EnrollmentState::as_str)
            .collect();
        let listed: Vec<&str> = super::OPEN
            .split('(')
            .nth(1)
            .unwrap_or_default()
            .trim_end_matches(')')
            .split(',')
            .map(|s| s.trim().trim_matches('\''))
            .collect();
        assert_eq!(listed, open);
    }
}
