//! Bulk enrollment (iSpring's enrollLearnersInCourses: N courses × M learners in one call) as
//! one transaction with a fixed number of statements per chunk, not N×M round trips.
use crate::conn::DbConn;
use crate::enrollments::{EnrollOptions, enroll_in};
use crate::error::{StoreError, StoreResult};
use crate::models::{CourseRow, EnrollmentRow, LearnerRow};
use crate::schema::{courses, enrollments, learners};
use crate::store::Store;
use diesel::prelude::*;
use enroll_domain::EnrollmentState;
use enroll_domain::clock::to_millis;
use enroll_domain::enrollment::initial_state;
use enroll_domain::model::CourseKind;
use std::collections::HashSet;
use uuid::Uuid;

/// Rows per multi-row INSERT (well under SQLite's bound-parameter limit).
const CHUNK: usize = 500;

/// What a bulk enroll did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BulkOutcome {
    /// New enrollments.
    pub created: usize,
    /// Pairs that already had an active enrollment (left as they were).
    pub already_enrolled: usize,
}

fn insert_rows(conn: &mut DbConn, rows: &[EnrollmentRow]) -> StoreResult<()> {
    match conn {
        // In-process: one cached prepared statement per row costs no round trip. (diesel's
        // SQLite batch insert opens its own transaction, which cannot nest in ours.)
        DbConn::Sqlite(c) => {
            for row in rows {
                diesel::insert_into(enrollments::table)
                    .values(row)
                    .execute(c)?;
            }
        }
        // Over the network: multi-row INSERTs (MultiBackend itself has no batch insert).
        DbConn::Pg(c) => {
            for chunk in rows.chunks(CHUNK) {
                diesel::insert_into(enrollments::table)
                    .values(chunk)
                    .execute(c)?;
            }
        }
    }
    Ok(())
}

impl Store {
    /// Enrolls every learner in every course (canonical ids), in one transaction. Existing
    /// active enrollments are kept (`already_enrolled`); unknown ids fail the whole call.
    /// Instructor-led and capacity-limited courses go through the one-by-one path, which
    /// needs per-pair decisions (sessions, waiting list).
    pub fn enroll_many(
        &self,
        tenant_id: Uuid,
        learner_ids: &[Uuid],
        course_ids: &[Uuid],
        opts: &EnrollOptions,
    ) -> StoreResult<BulkOutcome> {
        let now = self.now();
        let now_ms = to_millis(now);
        let t = tenant_id.to_string();
        let lids: Vec<String> = learner_ids
            .iter()
            .map(Uuid::to_string)
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let cids: Vec<String> = course_ids
            .iter()
            .map(Uuid::to_string)
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        self.write(|c| {
            let ls: Vec<LearnerRow> = learners::table
                .filter(learners::tenant_id.eq(&t))
                .filter(learners::id.eq_any(&lids))
                .select(LearnerRow::as_select())
                .load(c)?;
            if let Some(missing) = lids.iter().find(|id| !ls.iter().any(|l| &l.id == *id)) {
                return Err(StoreError::NotFound(format!("learner {missing}")));
            }
            let cs: Vec<CourseRow> = courses::table
                .filter(courses::tenant_id.eq(&t))
                .filter(courses::id.eq_any(&cids))
                .select(CourseRow::as_select())
                .load(c)?;
            if let Some(missing) = cids.iter().find(|id| !cs.iter().any(|co| &co.id == *id)) {
                return Err(StoreError::NotFound(format!("course {missing}")));
            }
            let active: HashSet<(String, String)> = enrollments::table
                .filter(enrollments::tenant_id.eq(&t))
                .filter(enrollments::learner_id.eq_any(&lids))
                .filter(enrollments::course_id.eq_any(&cids))
                .filter(enrollments::active)
                .select((enrollments::learner_id, enrollments::course_id))
                .load::<(String, String)>(c)?
                .into_iter()
                .collect();
            let mut out = BulkOutcome::default();
            let mut rows = Vec::new();
            for co in &cs {
                let course = co.to_domain()?;
                let simple = course.kind != CourseKind::InstructorLed && course.capacity.is_none();
                for l in &ls {
                    if active.contains(&(l.id.clone(), co.id.clone())) {
                        out.already_enrolled += 1;
                        continue;
                    }
                    out.created += 1;
                    if !simple {
                        enroll_in(c, &l.id, co, opts, now)?;
                        continue;
                    }
                    let state: EnrollmentState =
                        initial_state(opts.invited, course.requires_approval, false, false);
                    rows.push(EnrollmentRow::new_active(
                        Uuid::now_v7(), // time-ordered, as in enrollments::enroll_in
                        &t,
                        &l.id,
                        &co.id,
                        state,
                        opts,
                        now_ms,
                    ));
                }
            }
            // A concurrent enroll of one of the pairs makes the unique index refuse the chunk;
            // the whole call then fails and can be retried.
            insert_rows(c, &rows).map_err(|e| match e {
                StoreError::Conflict(_) => StoreError::Conflict(
                    "a concurrent enrollment changed these pairs; retry".into(),
                ),
                other => other,
            })?;
            Ok(out)
        })
    }
}
