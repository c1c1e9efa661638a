//! The ledger's writes on behalf of an [`Actor`]: each reads the actor's scope, checks every
//! learner it touches and writes, all in one transaction, so a check can never be overtaken by
//! a change between it and the write. A learner outside the scope refuses the whole call with
//! [`enroll_domain::DomainError::NotPermitted`] naming it, and nothing is written.
use crate::access::{Actor, check, departments_of, scope_in};
use crate::courses::CourseKey;
use crate::enrollments::{
    EnrollOptions, EnrollOutcome, EnrollRequest, EnrollmentPatch, Existing, active_row, apply_in,
    enroll_all_in, find_enrollment, patch_in,
};
use crate::error::{StoreError, StoreResult};
use crate::learners::{LearnerKey, find_learner};
use crate::models::{EnrollmentRecord, EnrollmentRow, opt_uuid, uuid};
use crate::store::Store;
use enroll_domain::{Command, EnrollmentState};
use uuid::Uuid;

/// A command applied to several enrollments at once (see [`Store::apply_as`]).
#[derive(Debug, Clone)]
pub struct Drive<'a> {
    /// The enrollments (ledger ids); each must be active.
    pub enrollment_ids: &'a [Uuid],
    /// When given, every enrollment must be in this course (ledger id).
    pub course_id: Option<Uuid>,
    /// The command; `None` records the operation without changing anything.
    pub command: Option<Command>,
    /// Enrollments in one of these states are left as they are (idempotent updates).
    pub unless: &'a [EnrollmentState],
    /// What the recorded operation is called (see [`crate::operations`]).
    pub operation: &'a str,
}

/// The active enrollment rows `ids` name, in order, each checked against the actor's scope:
/// an unknown or archived id is `NotFound("enrollment <id>")`, one outside the scope
/// `NotPermitted("enrollment <id>")`.
fn reachable_rows(
    c: &mut crate::conn::DbConn,
    tenant_id: Uuid,
    actor: &Actor,
    ids: &[Uuid],
    active_only: bool,
) -> StoreResult<Vec<EnrollmentRow>> {
    let scope = scope_in(c, tenant_id, actor)?;
    let mut rows = Vec::with_capacity(ids.len());
    for id in ids {
        let missing = || StoreError::NotFound(format!("enrollment {id}"));
        let row = find_enrollment(c, tenant_id, *id).map_err(|e| match e {
            StoreError::NotFound(_) => missing(),
            other => other,
        })?;
        if active_only && !row.active {
            return Err(missing());
        }
        rows.push(row);
    }
    let learners: Vec<&str> = rows.iter().map(|r| r.learner_id.as_str()).collect();
    let departments = departments_of(c, tenant_id, &learners)?;
    for (row, id) in rows.iter().zip(ids) {
        let department = departments.get(&row.learner_id).copied().flatten();
        check(
            &scope,
            uuid(&row.learner_id)?,
            department,
            &format!("enrollment {id}"),
        )?;
    }
    Ok(rows)
}

/// The learner `key` names, checked against the actor's scope (`NotFound("user")` when
/// unknown, `NotPermitted("user")` outside the scope); its ledger id.
fn reachable_learner(
    c: &mut crate::conn::DbConn,
    tenant_id: Uuid,
    actor: &Actor,
    key: &LearnerKey,
) -> StoreResult<String> {
    let scope = scope_in(c, tenant_id, actor)?;
    let row =
        find_learner(c, tenant_id, key)?.ok_or_else(|| StoreError::NotFound("user".into()))?;
    check(
        &scope,
        uuid(&row.id)?,
        opt_uuid(row.department_id.as_deref())?,
        "user",
    )?;
    Ok(row.id)
}

fn course_row(
    c: &mut crate::conn::DbConn,
    tenant_id: Uuid,
    course: &CourseKey,
) -> StoreResult<crate::models::CourseRow> {
    crate::courses::find_course(c, tenant_id, course)?
        .ok_or_else(|| StoreError::NotFound("course".into()))
}

impl Store {
    /// Enrolls a learner in a course as `actor` (see [`Store::enroll`]); the learner is looked
    /// up and checked before the course.
    pub fn enroll_as(
        &self,
        tenant_id: Uuid,
        actor: &Actor,
        learner: &LearnerKey,
        course: &CourseKey,
        opts: &EnrollOptions,
    ) -> StoreResult<EnrollOutcome> {
        let now = self.now();
        self.write(|c| {
            let learner_id = reachable_learner(c, tenant_id, actor, learner)?;
            let co = course_row(c, tenant_id, course)?;
            let req = EnrollRequest {
                learner_id,
                course: &co,
                opts,
            };
            enroll_all_in(c, &[req], now)?
                .pop()
                .ok_or_else(|| StoreError::Internal("no enroll outcome".into()))
        })
    }

    /// [`Store::upsert_enrollment`] as `actor`.
    pub fn upsert_enrollment_as(
        &self,
        tenant_id: Uuid,
        actor: &Actor,
        learner: &LearnerKey,
        course: &CourseKey,
        opts: &EnrollOptions,
        patch: &EnrollmentPatch,
    ) -> StoreResult<EnrollmentRecord> {
        let now = self.now();
        let mut opts = opts.clone();
        if opts.existing == Existing::Refuse {
            opts.existing = Existing::Keep;
        }
        self.write(|c| {
            let learner_id = reachable_learner(c, tenant_id, actor, learner)?;
            let co = course_row(c, tenant_id, course)?;
            let req = EnrollRequest {
                learner_id: learner_id.clone(),
                course: &co,
                opts: &opts,
            };
            enroll_all_in(c, &[req], now)?;
            let mut row = active_row(c, &co.tenant_id, &learner_id, &co.id)?
                .ok_or_else(|| StoreError::NotFound("enrollment".into()))?;
            patch_in(c, &mut row, patch, now)?;
            row.to_record()
        })
    }

    /// Un-enrolls enrollments as `actor`, all or none (see [`Store::unenroll`]).
    pub fn unenroll_as(&self, tenant_id: Uuid, actor: &Actor, ids: &[Uuid]) -> StoreResult<usize> {
        let now = self.now();
        self.write(|c| {
            let mut rows = reachable_rows(c, tenant_id, actor, ids, false)?;
            crate::enrollments::cancel::unenroll_in(c, &mut rows, now)?;
            Ok(rows.len())
        })
    }

    /// Applies `d.command` to every enrollment `d` names as `actor`, all or none, and records
    /// the call as a finished operation ([`crate::operations`]) in the same transaction;
    /// returns the operation's id.
    pub fn apply_as(&self, tenant_id: Uuid, actor: &Actor, d: &Drive<'_>) -> StoreResult<i64> {
        let now = self.now();
        self.write(|c| {
            let rows = reachable_rows(c, tenant_id, actor, d.enrollment_ids, true)?;
            for (mut row, id) in rows.into_iter().zip(d.enrollment_ids) {
                if let Some(course) = d.course_id
                    && row.course_id != course.to_string()
                {
                    return Err(StoreError::Invalid(format!(
                        "enrollment {id} is not an enrollment in course {course}"
                    )));
                }
                let state: EnrollmentState = row.state.parse().map_err(StoreError::Internal)?;
                if let Some(cmd) = &d.command
                    && !d.unless.contains(&state)
                {
                    apply_in(c, &mut row, cmd, now)?;
                }
            }
            crate::operations::record_in(c, tenant_id, d.operation, now)
        })
    }
}
