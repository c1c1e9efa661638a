//! The one way enrollments end: every dialect's un-enroll (Absorb's un-enroll, SCORM Cloud's
//! registration delete, …) calls [`unenroll_in`].
use crate::conn::DbConn;
use crate::error::{StoreError, StoreResult};
use crate::models::EnrollmentRow;
use crate::schema::{enrollments, session_enrollments};
use diesel::prelude::*;
use enroll_domain::Command;
use enroll_domain::clock::to_millis;
use time::OffsetDateTime;

/// Un-enrolls active enrollments, inside the caller's transaction: open ones are cancelled,
/// finished ones keep their result; all are archived with their session enrollments. An
/// archived row is refused with `Invalid`, naming it.
pub fn unenroll_in(
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
        let mut e = row.to_record()?.core;
        e.refresh(now);
        if !e.state.is_terminal() {
            e.apply(&Command::Cancel, now)?;
        }
        e.archive(now);
        row.set_core(&e);
        diesel::update(enrollments::table.find(row.id.clone()))
            .set(&*row)
            .execute(conn)?;
    }
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    for chunk in ids.chunks(400) {
        diesel::update(
            session_enrollments::table
                .filter(session_enrollments::enrollment_id.eq_any(chunk))
                .filter(session_enrollments::active),
        )
        .set((
            session_enrollments::active.eq(false),
            session_enrollments::updated_at.eq(to_millis(now)),
        ))
        .execute(conn)?;
    }
    Ok(())
}
