//! Time-based expiry, persisted by the sweep (reads show it at once anyway).
use super::find_enrollment;
use crate::error::StoreResult;
use crate::models::{EnrollmentRow, uuid};
use crate::schema::enrollments;
use crate::store::Store;
use diesel::prelude::*;
use enroll_domain::clock::to_millis;

/// The states an enrollment can expire from, as the partial indexes' condition says them: a
/// literal, because SQLite uses a partial index only for a query that repeats its terms
/// (bound values do not count).
const OPEN: &str = "enrollments.state IN ('invited', 'pending_approval', 'waitlisted', \
                    'awaiting_session_choice', 'not_started', 'in_progress', 'not_complete')";

fn open() -> diesel::expression::SqlLiteral<diesel::sql_types::Bool> {
    diesel::dsl::sql::<diesel::sql_types::Bool>(OPEN)
}

impl Store {
    /// Persists time-based expiry for every enrollment that is due; returns how many changed.
    ///
    /// Candidates come from two partial indexes (migration 000007) that hold only open,
    /// active enrollments with an expiry date (or a locking due date): an enrollment leaves
    /// them when it expires, so an idle sweep reads nothing. They are found on a read
    /// connection; the write transaction re-reads and updates only the rows that change.
    pub fn expire_due(&self) -> StoreResult<usize> {
        let now = self.now();
        let now_ms = to_millis(now);
        let rows: Vec<EnrollmentRow> = self.with_conn(|c| {
            let mut rows: Vec<EnrollmentRow> = enrollments::table
                .filter(enrollments::expires_at.is_not_null())
                .filter(enrollments::active)
                .filter(open())
                .filter(enrollments::expires_at.le(now_ms))
                .select(EnrollmentRow::as_select())
                .load(c)?;
            rows.extend(
                enrollments::table
                    .filter(enrollments::due_at.is_not_null())
                    .filter(enrollments::lock_after_due)
                    .filter(enrollments::active)
                    .filter(open())
                    .filter(enrollments::due_at.le(now_ms))
                    .select(EnrollmentRow::as_select())
                    .load::<EnrollmentRow>(c)?,
            );
            Ok(rows)
        })?;
        let mut candidates = Vec::new();
        for row in rows {
            if row.to_record()?.core.refresh(now) {
                candidates.push((row.tenant_id, row.id));
            }
        }
        if candidates.is_empty() {
            return Ok(0);
        }
        candidates.sort_unstable();
        candidates.dedup();
        self.write(|c| {
            let mut changed = 0;
            for (tenant, id) in &candidates {
                let mut row = find_enrollment(c, uuid(tenant)?, uuid(id)?)?;
                let mut e = row.to_record()?.core;
                if row.active && e.refresh(now) {
                    row.set_core(&e);
                    diesel::update(enrollments::table.find(row.id.clone()))
                        .set(&row)
                        .execute(c)?;
                    changed += 1;
                }
            }
            Ok(changed)
        })
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
