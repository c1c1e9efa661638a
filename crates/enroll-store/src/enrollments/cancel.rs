//! The one way enrollments end: every dialect's un-enroll (Absorb's un-enroll, SCORM Cloud's
//! registration delete, …) and the admin API's `cancel` call [`unenroll_in`]; session
//! enrollments end through `end_sessions_in` (an un-enroll, a re-enrollment, a change of
//! session).
use super::lock::{relock, save};
use crate::conn::DbConn;
use crate::error::{StoreError, StoreResult};
use crate::models::EnrollmentRow;
use crate::schema::session_enrollments;
use diesel::prelude::*;
use enroll_domain::clock::to_millis;
use enroll_domain::{Command, EnrollmentState};
use time::OffsetDateTime;

/// Un-enrolls active enrollments, inside the caller's transaction: open ones are cancelled,
/// finished ones keep their result; all are archived with their session enrollments. An
/// archived row is refused with `Invalid`, naming it. The rows are read again under their
/// locks first (PostgreSQL), in id order.
pub fn unenroll_in(
    conn: &mut DbConn,
    rows: &mut [EnrollmentRow],
    now: OffsetDateTime,
) -> StoreResult<()> {
    relock(conn, rows)?;
    unenroll_locked(conn, rows, now)
}

/// [`unenroll_in`] for rows read under their locks in this transaction.
pub(crate) fn unenroll_locked(
    conn: &mut DbConn,
    rows: &mut [EnrollmentRow],
    now: OffsetDateTime,
) -> StoreResult<()> {
    for row in rows.iter_mut() {
        if !row.active {
            return Err(StoreError::Invalid(format!(
                "enrollment {} is not active",
                row.id
            )));
        }
        let before = row.clone();
        let mut e = row.to_record()?.core;
        e.refresh(now);
        if !e.state.is_terminal() {
            e.apply(&Command::Cancel, now)?;
        }
        e.archive(now);
        row.set_core(&e);
        save(conn, &before, row)?;
    }
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    end_sessions_in(conn, &ids, now)
}

/// Ends the active session enrollments of course enrollments: open ones are cancelled,
/// finished ones keep their result, all become historical.
pub(crate) fn end_sessions_in(
    conn: &mut DbConn,
    enrollment_ids: &[&str],
    now: OffsetDateTime,
) -> StoreResult<()> {
    let now_ms = to_millis(now);
    let open: Vec<&str> = EnrollmentState::ALL
        .into_iter()
        .filter(|s| !s.is_terminal())
        .map(EnrollmentState::as_str)
        .collect();
    for chunk in enrollment_ids.chunks(400) {
        let active = || {
            session_enrollments::table
                .filter(session_enrollments::enrollment_id.eq_any(chunk))
                .filter(session_enrollments::active)
        };
        diesel::update(active().filter(session_enrollments::state.eq_any(&open)))
            .set(session_enrollments::state.eq(EnrollmentState::Cancelled.as_str()))
            .execute(conn)?;
        diesel::update(active())
            .set((
                session_enrollments::active.eq(false),
                session_enrollments::updated_at.eq(now_ms),
            ))
            .execute(conn)?;
    }
    Ok(())
}
